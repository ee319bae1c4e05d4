# syntax=docker/dockerfile:1.4
FROM debian:12-slim
RUN <<EOT bash
set -euo pipefail
apt-get update
apt-get install -y --no-install-recommends nginx
rm -rf /var/lib/apt/lists/*
EOT
COPY <<EOF /etc/nginx/conf.d/default.conf
server {
    listen 8080;
    root /srv;
}
EOF
USER www-data
CMD ["nginx", "-g", "daemon off;"]
