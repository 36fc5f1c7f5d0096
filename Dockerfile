# Multi-stage build: a static binary (no cgo) on a minimal non-root image.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/piao ./cmd/piao

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/piao /usr/local/bin/piao
ENV PIAO_ADDR=0.0.0.0:8080
EXPOSE 8080
USER nonroot
ENTRYPOINT ["/usr/local/bin/piao"]
CMD ["serve", "--migrate", "--demo-if-empty"]
