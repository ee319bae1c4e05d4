# moat:ignore MOAT-DF-003 reason: base image pinned by digest upstream in the release pipeline
# moat:ignore MOAT-DF-015 reason: the orchestrator probes readiness over HTTP
FROM debian:12-slim
# moat:ignore MOAT-DF-007 reason: the docs package needs its recommended fonts
RUN apt-get update && apt-get install -y texlive && rm -rf /var/lib/apt/lists/*
USER 1000
CMD ["make", "docs"]
