FROM alpine:3.20@sha256:b89d9c93e9ed3597455c90a0b88a8bbb5cb7188438f70953fede212a0c4394e0
RUN apk add --no-cache tini
RUN adduser -D -u 10001 runner
USER 10001
HEALTHCHECK NONE
ENTRYPOINT ["/sbin/tini", "--"]
CMD ["sleep", "infinity"]
