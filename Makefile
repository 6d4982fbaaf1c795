# The operator's build. `make help` lists the targets.

# The image dist/install.yaml names (and `make verify` renders it with);
# `make release` renders its own install.yaml with the release's tag. IMG
# is what deploy uses.
IMAGE_REPO ?= ghcr.io/datasource-operator/opensearch-datasource-operator
INSTALLER_IMG ?= $(IMAGE_REPO):dev
IMG ?= $(INSTALLER_IMG)

# What the binaries report (manager version, the build_info metric, the
# User-Agent): the nearest tag without its "v" (or the commit when there
# is none), the commit and the build time. Each is computed once.
ifeq ($(origin VERSION),undefined)
VERSION := $(or $(shell git describe --tags --always --dirty 2>/dev/null | sed 's/^v//'),dev)
endif
ifeq ($(origin COMMIT),undefined)
COMMIT := $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
endif
ifeq ($(origin BUILD_DATE),undefined)
BUILD_DATE := $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
endif
VERSION_PKG = github.com/datasource-operator/opensearch-datasource-operator/internal/version
LDFLAGS ?= -X $(VERSION_PKG).Version=$(VERSION) -X $(VERSION_PKG).Commit=$(COMMIT) -X $(VERSION_PKG).BuildDate=$(BUILD_DATE)
# The manager's package: what `make build` builds, `make run` runs and
# `make verify` checks compiles.
MAIN_PKG = .
PLUGIN_PKG = ./cmd/kubectl-opensearch
# PLUGIN_PLATFORMS are the GOOS/GOARCH pairs make release builds the kubectl plugin for.
PLUGIN_PLATFORMS ?= linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64
# The platforms `make verify` builds the Dockerfile's builder stage for.
DOCKER_PLATFORMS ?= linux/amd64,linux/arm64
KUBE_VERSION ?= 1.37.2
ETCD_VERSION ?= 3.6.16
CONTROLLER_TOOLS_VERSION ?= v0.23.0
GOLANGCI_LINT_VERSION ?= v2.15.0
CRD_REF_DOCS_VERSION ?= v0.3.0
KUSTOMIZE_VERSION ?= v5.7.1

LOCALBIN ?= $(CURDIR)/bin
CONTROLLER_GEN ?= $(LOCALBIN)/controller-gen-$(CONTROLLER_TOOLS_VERSION)
GOLANGCI_LINT ?= $(LOCALBIN)/golangci-lint-$(GOLANGCI_LINT_VERSION)
CRD_REF_DOCS ?= $(LOCALBIN)/crd-ref-docs-$(CRD_REF_DOCS_VERSION)
KUSTOMIZE ?= $(LOCALBIN)/kustomize-$(KUSTOMIZE_VERSION)
ENVTEST_ASSETS_DIR ?= $(LOCALBIN)/k8s/$(KUBE_VERSION)
GO_TEST_FLAGS ?= -count=1

SHELL = /usr/bin/env bash -o pipefail
.SHELLFLAGS = -ec

.PHONY: all
all: build

##@ General

.PHONY: help
help: ## Show this help.
	@awk 'BEGIN {FS = ":.*##"; printf "Usage: make <target>\n"} /^[a-zA-Z_0-9-]+:.*?##/ { printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2 } /^##@/ { printf "\n\033[1m%s\033[0m\n", substr($$0, 5) } ' $(MAKEFILE_LIST)

##@ Development

.PHONY: manifests
manifests: controller-gen crd-ref-docs ## Generate the CRDs and RBAC under config/, and docs/api-reference.md, from the Go types and markers.
	$(CONTROLLER_GEN) rbac:roleName=manager-role crd paths="./api/..." paths="./controllers/..." output:crd:artifacts:config=config/crd/bases
	go run ./hack/crd-scalar-properties config/crd/bases/opensearch.datasource-operator.io_datasources.yaml \
		config/crd/bases/opensearch.datasource-operator.io_datasourcesets.yaml
	go run ./hack/chart-gen -root . -chart charts/opensearch-datasource-operator
	$(CRD_REF_DOCS) --log-level=WARN --source-path=./api --config=hack/api-docs/config.yaml \
		--renderer=markdown --templates-dir=hack/api-docs/templates --output-path=docs/api-reference.md

.PHONY: generate
generate: controller-gen ## Generate the DeepCopy methods of the API types.
	$(CONTROLLER_GEN) object:headerFile="hack/boilerplate.go.txt" paths="./api/..."

.PHONY: fmt
fmt: ## Run go fmt.
	go fmt ./...

.PHONY: vet
vet: ## Run go vet.
	go vet ./...

.PHONY: lint
lint: golangci-lint ## Run golangci-lint.
	$(GOLANGCI_LINT) run --allow-parallel-runners ./...

.PHONY: verify
# dist/install.yaml is checked as rendered with INSTALLER_IMG, whatever IMG
# the caller set, so a local `IMG=…` cannot make a fresh tree look stale.
verify: override IMG = $(INSTALLER_IMG)
verify: manifests generate build-installer build verify-dockerfile ## Regenerate everything (dist/install.yaml included) and fail if the committed files differ; build the manager as `make run` and the Dockerfile do.
	@if [ -n "$$(git status --porcelain -- api config docs/api-reference.md charts dist)" ]; then \
		echo "generated files are out of date; run 'make manifests generate build-installer' and commit:"; \
		git status --porcelain -- api config docs/api-reference.md charts dist; \
		git --no-pager diff -- api config docs/api-reference.md charts dist | head -100; exit 1; \
	fi
	@echo "generated files are up to date"

.PHONY: verify-dockerfile
verify-dockerfile: ## Build the manager as the Dockerfile's builder stage does (its COPY lines into an empty folder, its go build) for DOCKER_PLATFORMS, with no container engine.
	go run ./hack/dockerfile-check -platforms $(DOCKER_PLATFORMS)

.PHONY: envtest-assets
envtest-assets: ## Build kube-apiserver and etcd for envtest into bin/k8s/ (skipped when present).
	KUBE_VERSION=$(KUBE_VERSION) ETCD_VERSION=$(ETCD_VERSION) ENVTEST_ASSETS_DIR=$(ENVTEST_ASSETS_DIR) hack/envtest-assets.sh

.PHONY: test
test: manifests generate fmt vet envtest-assets ## Regenerate, then run every test of the module (unit, envtest, and each suite under test/: contract, e2e with the manager binary and kubectl, upgrade, ...) and the Helm chart's tests.
	KUBEBUILDER_ASSETS=$(ENVTEST_ASSETS_DIR) go test $(GO_TEST_FLAGS) ./...
	cd test/helm && KUBEBUILDER_ASSETS=$(ENVTEST_ASSETS_DIR) go test $(GO_TEST_FLAGS) ./...

STRESS_COUNT ?= 5
LOAD_WORKERS ?= $(shell nproc)
STRESS_PACKAGES ?= ./controllers/... ./test/...

.PHONY: test-stress
test-stress: manifests generate envtest-assets ## Run the envtest and e2e suites STRESS_COUNT times with -race beside LOAD_WORKERS busy loops.
	KUBEBUILDER_ASSETS=$(ENVTEST_ASSETS_DIR) STRESS_COUNT=$(STRESS_COUNT) LOAD_WORKERS=$(LOAD_WORKERS) \
		STRESS_PACKAGES="$(STRESS_PACKAGES)" hack/test-stress.sh

FUZZTIME ?= 30s
FUZZ_PACKAGES ?= ./internal/opensearch ./pkg/fakeopensearch ./internal/export

.PHONY: fuzz
fuzz: ## Run every fuzz target of FUZZ_PACKAGES for FUZZTIME each (seeds in each package's testdata/fuzz/).
	@set -e; for pkg in $(FUZZ_PACKAGES); do \
		for target in $$(go test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
			echo "fuzz: $$pkg $$target for $(FUZZTIME)"; \
			go test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) $$pkg; \
		done; \
	done

ARGS ?=

.PHONY: demo
demo: envtest-assets ## Run the operator on envtest against two fake OpenSearch servers and tour its lifecycle; ARGS=--once exits after the tour.
	go build -o $(LOCALBIN)/demo ./hack/demo
	exec env KUBEBUILDER_ASSETS=$(ENVTEST_ASSETS_DIR) $(LOCALBIN)/demo $(ARGS)

.PHONY: bench
bench: envtest-assets ## Measure the operator at scale (envtest, fake OpenSearch servers, the manager as a process) against its performance targets; ARGS=-quick for reduced sizes. Tables on stdout, JSON in bin/bench/.
	go build -o $(LOCALBIN)/bench/bench ./hack/bench
	exec env KUBEBUILDER_ASSETS=$(ENVTEST_ASSETS_DIR) $(LOCALBIN)/bench/bench $(ARGS)

##@ Build

.PHONY: build
build: manifests generate fmt vet ## Build the manager into bin/manager and the kubectl plugin into bin/kubectl-opensearch, stamped with VERSION, COMMIT and BUILD_DATE.
	go build -ldflags "$(LDFLAGS)" -o $(LOCALBIN)/manager $(MAIN_PKG)
	go build -ldflags "$(LDFLAGS)" -o $(LOCALBIN)/kubectl-opensearch $(PLUGIN_PKG)

.PHONY: run
run: manifests generate fmt vet ## Run the manager (go run .) against the cluster of the current kubeconfig (KUBECONFIG, else ~/.kube/config); RUN_ARGS are its flags.
	go run -ldflags "$(LDFLAGS)" $(MAIN_PKG) $(RUN_ARGS)

.PHONY: docker-build
docker-build: ## Build the manager image IMG, stamped with VERSION, COMMIT and BUILD_DATE (needs a Docker engine).
	docker build --build-arg VERSION=$(VERSION) --build-arg COMMIT=$(COMMIT) --build-arg BUILD_DATE=$(BUILD_DATE) -t $(IMG) .

.PHONY: docker-push
docker-push: ## Push the manager image IMG (needs a Docker engine).
	docker push $(IMG)

##@ Deployment

.PHONY: install
install: manifests ## Install the CRDs and the admission policy (config/policy) into the cluster of the current kubeconfig (KUBECONFIG, else ~/.kube/config).
	kubectl apply --server-side -k config/crd && kubectl apply --server-side -k config/policy

.PHONY: uninstall
uninstall: manifests ## Remove the admission policy and the CRDs from the cluster of the current kubeconfig.
	kubectl delete --ignore-not-found -k config/policy && kubectl delete --ignore-not-found -k config/crd

# render-default prints config/default with image IMG. It sets the image with
# `kustomize edit set image` on a temporary copy of config/, so the committed
# config/manager/kustomization.yaml keeps its default and the tree stays clean.
define render-default
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && cp -R config "$$tmp/" && \
		(cd "$$tmp/config/manager" && $(KUSTOMIZE) edit set image controller=$(IMG)) && \
		$(KUSTOMIZE) build "$$tmp/config/default"
endef

.PHONY: build-installer
build-installer: manifests kustomize ## Render CRDs, admission policy, RBAC, manager and metrics Service with image IMG into dist/install.yaml.
	mkdir -p dist
	$(render-default) > dist/install.yaml.tmp
	mv dist/install.yaml.tmp dist/install.yaml

RELEASE_DIR = dist/release/$(VERSION)

# A release's artifacts, for a GitHub release or any file server. The
# image (make docker-build docker-push IMG=$(IMAGE_REPO):$(VERSION)
# VERSION=$(VERSION)) is built apart, where there is a container engine.
.PHONY: release
release: override IMG = $(IMAGE_REPO):$(VERSION)
release: manifests kustomize ## Write dist/release/VERSION/: install.yaml with image IMAGE_REPO:VERSION, the Helm chart package (version and appVersion VERSION), the kubectl plugin for PLUGIN_PLATFORMS, SHA256SUMS. Needs VERSION=x.y.z.
	@if ! echo '$(VERSION)' | grep -Eq '^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$$'; then \
		echo "make release needs VERSION=x.y.z (SemVer, no v), not '$(VERSION)'"; exit 1; fi
	rm -rf $(RELEASE_DIR) && mkdir -p $(RELEASE_DIR)
	$(render-default) > $(RELEASE_DIR)/install.yaml
	go run ./hack/chart-package -chart charts/opensearch-datasource-operator -version $(VERSION) \
		-out $(RELEASE_DIR) -mtime $$(git log -1 --format=%ct)
	for p in $(PLUGIN_PLATFORMS); do os=$${p%/*}; arch=$${p#*/}; ext=; [ $$os = windows ] && ext=.exe; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch go build -trimpath -ldflags "$(LDFLAGS)" \
			-o $(RELEASE_DIR)/kubectl-opensearch-$$os-$$arch$$ext $(PLUGIN_PKG) || exit 1; done
	cd $(RELEASE_DIR) && sha256sum install.yaml *.tgz kubectl-opensearch-* > SHA256SUMS
	@echo "release $(VERSION) in $(RELEASE_DIR):" && ls -l $(RELEASE_DIR)

.PHONY: deploy
deploy: manifests kustomize ## Deploy the operator (CRDs, admission policy, RBAC, manager, metrics Service) with image IMG.
	$(render-default) | kubectl apply --server-side -f -

.PHONY: undeploy
undeploy: ## Remove the operator from the cluster.
	kubectl kustomize config/default | kubectl delete --ignore-not-found -f -

##@ Tools

# go-install-versioned installs package $(1) at version $(2) as
# bin/<command>-<version>, so that bumping a version installs the new one.
# The command is the package's last path element, or $(3) when that is a
# major-version suffix (kustomize/v5 installs "kustomize").
define go-install-versioned
	tmp=$$(mktemp -d) && GOBIN=$$tmp go install $(1)@$(2) && \
		mkdir -p $(LOCALBIN) && mv $$tmp/$(or $(3),$(notdir $(1))) $(LOCALBIN)/$(or $(3),$(notdir $(1)))-$(2) && rmdir $$tmp
endef

.PHONY: controller-gen
controller-gen: $(CONTROLLER_GEN) ## Install controller-gen into bin/.
$(CONTROLLER_GEN):
	$(call go-install-versioned,sigs.k8s.io/controller-tools/cmd/controller-gen,$(CONTROLLER_TOOLS_VERSION))

.PHONY: golangci-lint
golangci-lint: $(GOLANGCI_LINT) ## Install golangci-lint into bin/.
$(GOLANGCI_LINT):
	$(call go-install-versioned,github.com/golangci/golangci-lint/v2/cmd/golangci-lint,$(GOLANGCI_LINT_VERSION))

.PHONY: kustomize
kustomize: $(KUSTOMIZE) ## Install kustomize into bin/.
$(KUSTOMIZE):
	$(call go-install-versioned,sigs.k8s.io/kustomize/kustomize/v5,$(KUSTOMIZE_VERSION),kustomize)

.PHONY: crd-ref-docs
crd-ref-docs: $(CRD_REF_DOCS) ## Install crd-ref-docs (the API reference generator) into bin/.
$(CRD_REF_DOCS):
	$(call go-install-versioned,github.com/elastic/crd-ref-docs,$(CRD_REF_DOCS_VERSION))
