#!/usr/bin/env bash
# Builds the control-plane binaries envtest needs (kube-apiserver and etcd)
# from the Go module proxy, because the usual download site is not always
# reachable. The binaries land in bin/k8s/<kubernetes-version>/ and the build
# is skipped when both are already there. The last line printed on stdout is
# the folder to use as KUBEBUILDER_ASSETS; progress goes to stderr.
#
#   hack/envtest-assets.sh            # build if needed, print the folder
#   KUBE_VERSION=1.37.2 ETCD_VERSION=3.6.16 hack/envtest-assets.sh
set -euo pipefail

KUBE_VERSION="${KUBE_VERSION:-1.37.2}"
ETCD_VERSION="${ETCD_VERSION:-3.6.16}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="${ENVTEST_ASSETS_DIR:-$ROOT/bin/k8s/$KUBE_VERSION}"
STAGING_VERSION="v0.${KUBE_VERSION#1.}"

log() { printf '[envtest-assets %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# Prints a heartbeat while a long build runs so CI logs show it is alive.
with_heartbeat() {
	local what="$1"; shift
	"$@" &
	local pid=$! started=$SECONDS
	while kill -0 "$pid" 2>/dev/null; do
		sleep 30
		kill -0 "$pid" 2>/dev/null && log "$what: still building ($((SECONDS - started))s)"
	done
	wait "$pid"
}

# kube_ldflags prints the -ldflags that stamp the release into a Kubernetes
# binary, as Kubernetes' own build does (hack/lib/version.sh in its
# repository): the same variables in client-go's version package (what
# kubectl reports as its client version) and in component-base's (what
# kube-apiserver serves at /version). Unstamped, both say v0.0.0-master, and
# kubectl warns about the skew. The module has no commit to stamp.
kube_ldflags() {
	local major="${KUBE_VERSION%%.*}" minor="${KUBE_VERSION#*.}"
	minor="${minor%%.*}"
	local date pkg flags=""
	date="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
		flags+="-X $pkg.gitVersion=v$KUBE_VERSION -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor -X $pkg.buildDate=$date "
	done
	echo "${flags% }"
}

# build_kube_apiserver [command] builds k8s.io/kubernetes/cmd/<command>
# (kube-apiserver by default) into $DEST.
build_kube_apiserver() {
	local cmd="${1:-kube-apiserver}"
	local work
	work="$(mktemp -d)"
	log "$cmd v$KUBE_VERSION: preparing a build module in $work"
	(
		cd "$work"
		go mod init "envtest-$cmd" >/dev/null 2>&1
		local gomod
		gomod="$(go mod download -json "k8s.io/kubernetes@v$KUBE_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
		# k8s.io/kubernetes points every staging module at its own tree; a
		# module that depends on it must point them at the published tags.
		local replaces
		replaces="$(sed -n 's#^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/.*#\1#p' "$gomod")"
		for m in $replaces; do
			go mod edit -replace "$m=$m@$STAGING_VERSION"
		done
		go mod edit -require "k8s.io/kubernetes@v$KUBE_VERSION"
		printf '//go:build tools\n\npackage tools\n\nimport _ "k8s.io/kubernetes/cmd/%s"\n' "$cmd" >tools.go
		log "$cmd: resolving modules"
		GOFLAGS=-mod=mod go mod tidy -e >/dev/null 2>&1 || true
		log "$cmd: compiling (about 10 minutes on 2 cores the first time)"
		with_heartbeat "$cmd" env CGO_ENABLED=0 GOFLAGS=-mod=mod \
			go build -ldflags "$(kube_ldflags)" -o "$DEST/$cmd.partial" "k8s.io/kubernetes/cmd/$cmd"
		mv "$DEST/$cmd.partial" "$DEST/$cmd"
	)
	rm -rf "$work"
}

build_etcd() {
	local work
	work="$(mktemp -d)"
	log "etcd v$ETCD_VERSION: preparing a build module in $work"
	(
		cd "$work"
		go mod init envtest-etcd >/dev/null 2>&1
		go mod edit -require "go.etcd.io/etcd/server/v3@v$ETCD_VERSION"
		cat >tools.go <<-'EOF'
		//go:build tools

		package tools

		import _ "go.etcd.io/etcd/server/v3/etcdmain"
		EOF
		cat >main.go <<-'EOF'
		package main

		import (
			"os"

			"go.etcd.io/etcd/server/v3/etcdmain"
		)

		func main() { etcdmain.Main(os.Args) }
		EOF
		GOFLAGS=-mod=mod go mod tidy >/dev/null 2>&1 || true
		log "etcd: compiling"
		with_heartbeat etcd env CGO_ENABLED=0 GOFLAGS=-mod=mod go build -o "$DEST/etcd.partial" .
		mv "$DEST/etcd.partial" "$DEST/etcd"
	)
	rm -rf "$work"
}

# warn_unstamped <binary> <args> says so when a binary built before the
# build stamped its version reports another one (v0.0.0-master). Asking
# costs a few milliseconds; rebuilding costs a quarter of an hour on two
# cores, so such a binary is kept (envtest does not care) and the log says
# how to replace it.
warn_unstamped() {
	local bin="$1"; shift
	local out
	out="$("$DEST/$bin" "$@" 2>/dev/null || true)"
	if [[ "$out" != *"v$KUBE_VERSION"* ]]; then
		log "$bin reports '${out//$'\n'/ }', not v$KUBE_VERSION: it was built unstamped; remove $DEST/$bin and $SHARED/$bin to rebuild it stamped"
	fi
}

# A clone elsewhere on the same machine (CI clones afresh) finds the
# binaries an earlier build left in the user cache instead of rebuilding.
SHARED="${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/opensearch-datasource-operator/k8s/$KUBE_VERSION"

mkdir -p "$DEST"
for bin in etcd kube-apiserver kubectl; do
	if [[ ! -x "$DEST/$bin" && -x "$SHARED/$bin" ]]; then
		log "$bin: reusing $SHARED/$bin"
		cp "$SHARED/$bin" "$DEST/$bin"
	fi
done
if [[ -x "$DEST/etcd" ]]; then
	log "etcd already built in $DEST"
else
	build_etcd
fi
if [[ -x "$DEST/kube-apiserver" ]]; then
	log "kube-apiserver already built in $DEST"
	warn_unstamped kube-apiserver --version
else
	build_kube_apiserver
fi
# The end-to-end tests drive the real kubectl; where the machine has none,
# build it from the same Kubernetes release.
if command -v kubectl >/dev/null 2>&1; then
	log "kubectl found on PATH: $(command -v kubectl)"
elif [[ -x "$DEST/kubectl" ]]; then
	log "kubectl already built in $DEST"
	warn_unstamped kubectl version --client
else
	build_kube_apiserver kubectl
fi
mkdir -p "$SHARED"
for bin in etcd kube-apiserver kubectl; do
	if [[ -x "$DEST/$bin" && ! -x "$SHARED/$bin" ]]; then
		cp "$DEST/$bin" "$SHARED/$bin.partial" && mv "$SHARED/$bin.partial" "$SHARED/$bin"
	fi
done
log "ready: $DEST"
echo "$DEST"
