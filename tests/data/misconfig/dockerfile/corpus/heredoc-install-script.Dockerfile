# syntax=docker/dockerfile:1
FROM ubuntu:22.04
RUN <<EOF
apt-get update
apt-get install -y curl
curl -fsSL https://get.docker.com | sh
EOF
USER 1000
