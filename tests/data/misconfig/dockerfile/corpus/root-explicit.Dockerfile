FROM alpine:3.20 AS tools
RUN adduser -D builder
USER builder
FROM alpine:3.20
COPY --from=tools /etc/passwd /etc/passwd
USER root
ENTRYPOINT ["/bin/sh"]
