# Multi-stage build: a static binary (no cgo) on a minimal non-root image.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/piao ./cmd/piao

# `docker compose --profile backup`: the same binary beside pg_dump/pg_restore of
# the server's major version (the whole-installation backup needs them) and a
# shell for the schedule (tools/backup/backup-loop.sh). Built only when asked
# (`target: backup` in docker-compose.yml); the last stage stays the default.
FROM postgres:15 AS backup
COPY --from=build /out/piao /usr/local/bin/piao
COPY tools/backup/backup-loop.sh /usr/local/bin/piao-backup-loop
ENTRYPOINT ["/usr/local/bin/piao-backup-loop"]

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/piao /usr/local/bin/piao
ENV PIAO_ADDR=0.0.0.0:8080
EXPOSE 8080
USER nonroot
ENTRYPOINT ["/usr/local/bin/piao"]
CMD ["serve", "--migrate", "--demo-if-empty"]
