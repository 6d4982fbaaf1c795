# Builds the manager image. The build needs only the Go module proxy.
# `make verify` reproduces the builder stage without a container engine
# (hack/dockerfile-check): a file the build needs but no COPY line brings
# in fails there as it would here.
FROM golang:1.26 AS builder
ARG TARGETOS
ARG TARGETARCH
# The release the binary reports (manager version, the build_info metric,
# its User-Agent); `make docker-build` passes them.
ARG VERSION=dev
ARG COMMIT=unknown
ARG BUILD_DATE=unknown
WORKDIR /workspace
COPY go.mod go.sum ./
RUN go mod download
# The Go sources of the manager and the packages it imports; .dockerignore
# leaves out tests and everything else.
COPY *.go ./
COPY api/ api/
COPY controllers/ controllers/
COPY internal/ internal/
RUN CGO_ENABLED=0 GOOS=${TARGETOS:-linux} GOARCH=${TARGETARCH} go build -trimpath \
	-ldflags="-s -w \
	-X github.com/datasource-operator/opensearch-datasource-operator/internal/version.Version=${VERSION} \
	-X github.com/datasource-operator/opensearch-datasource-operator/internal/version.Commit=${COMMIT} \
	-X github.com/datasource-operator/opensearch-datasource-operator/internal/version.BuildDate=${BUILD_DATE}" \
	-o manager .

# distroless keeps the image small and without a shell; the manager runs as
# an unprivileged user.
FROM gcr.io/distroless/static:nonroot
WORKDIR /
COPY --from=builder /workspace/manager .
USER 65532:65532
ENTRYPOINT ["/manager"]
