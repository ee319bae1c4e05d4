FROM golang:1.21-alpine AS builder
RUN apk add git make
WORKDIR /app
COPY go.* ./
RUN go mod download
COPY . .
RUN make build

FROM alpine:3.19
RUN apk add --no-cache ca-certificates tzdata \
 && addgroup -S app && adduser -S -G app app
COPY --from=builder /app/bin/api /usr/local/bin/api
USER app
EXPOSE 9000
ENTRYPOINT ["api"]
