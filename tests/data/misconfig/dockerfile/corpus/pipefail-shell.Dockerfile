FROM debian:12-slim
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN apt-get update && apt-get install -y --no-install-recommends wget gnupg \
 && wget -qO- https://packages.example.com/key.asc | gpg --dearmor -o /usr/share/keyrings/example.gpg \
 && rm -rf /var/lib/apt/lists/*
USER 1000
