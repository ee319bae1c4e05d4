FROM golang:1.22 AS builder
WORKDIR /src
COPY . .
RUN go build -o /bin/app .

FROM debian:12-slim
COPY --from=bulider /bin/app /bin/app
COPY --from=2 /etc/ssl /etc/ssl
USER 65532
CMD ["/bin/app"]
