FROM alpine:3.20
RUN apk update && apk add bash curl jq
COPY entrypoint.sh /entrypoint.sh
RUN chmod 777 /entrypoint.sh
ENTRYPOINT /entrypoint.sh
