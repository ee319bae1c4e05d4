# syntax=docker/dockerfile:1.4
FROM debian:12-slim
RUN <<EOF
set -eux
apt-get update
apt-get install -y --no-install-recommends curl
rm -rf /var/lib/apt/lists/*
EOF
RUN python3 <<'PY' > /hello
print("$HOME is literal")
PY
RUN <<-EOF
		echo indented
	EOF
COPY <<robots.txt <<humans.txt /usr/share/nginx/html/
User-agent: *
Disallow:
robots.txt
The team
humans.txt
RUN echo "<<NOTHEREDOC"
CMD ["bash"]
