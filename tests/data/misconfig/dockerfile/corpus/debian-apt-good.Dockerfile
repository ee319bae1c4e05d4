FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       ca-certificates \
       curl \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd -r svc && useradd -r -g svc svc
USER svc
HEALTHCHECK CMD ["curl", "-fsS", "http://127.0.0.1:8080/"]
ENTRYPOINT ["/usr/local/bin/svc"]
