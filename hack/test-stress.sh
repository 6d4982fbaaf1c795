#!/usr/bin/env bash
# Runs the envtest and end-to-end suites repeatedly, with the race detector,
# while a CPU load runs beside them, to flush out tests that only pass on an
# idle machine. Every suite runs STRESS_COUNT times; LOAD_WORKERS busy loops
# (default: one per core) run until the suites finish.
#
#   hack/test-stress.sh                       # -count=5 -race, load on every core
#   STRESS_COUNT=10 LOAD_WORKERS=4 hack/test-stress.sh
#   STRESS_PACKAGES=./controllers/... hack/test-stress.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
STRESS_COUNT="${STRESS_COUNT:-5}"
LOAD_WORKERS="${LOAD_WORKERS:-$(nproc)}"
STRESS_PACKAGES="${STRESS_PACKAGES:-./controllers/... ./test/...}"
: "${KUBEBUILDER_ASSETS:?set KUBEBUILDER_ASSETS (make test-stress does)}"

log() { printf '[test-stress %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# The load is bounded by the run itself: the busy loops are killed on exit,
# whatever way the script ends.
load_pids=()
stop_load() { for p in "${load_pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap stop_load EXIT
for _ in $(seq "$LOAD_WORKERS"); do
	( while :; do :; done ) &
	load_pids+=("$!")
done
log "$LOAD_WORKERS busy loops running; suites: $STRESS_PACKAGES; -count=$STRESS_COUNT -race"

# Ginkgo refuses go test's -count (its -repeat belongs to the ginkgo CLI),
# so a Ginkgo suite runs STRESS_COUNT times in a loop, each run a fresh
# process with its own envtest; plain tests use -count.
is_ginkgo() { grep -lqs 'onsi/ginkgo' "$1"/*_test.go; }

# run_package runs one package STRESS_COUNT times; it fails on the first
# failing run.
run_package() {
	local pkg="$1" dir
	dir="$(go list -f '{{.Dir}}' "$pkg")"
	ls "$dir"/*_test.go >/dev/null 2>&1 || return 0
	if ! is_ginkgo "$dir"; then
		go test -race -timeout=90m -count="$STRESS_COUNT" "$pkg"
		return
	fi
	for i in $(seq "$STRESS_COUNT"); do
		go test -race -timeout=90m -count=1 "$pkg" || { log "$pkg: run $i of $STRESS_COUNT failed"; return 1; }
	done
}

started=$SECONDS
failed=()
# shellcheck disable=SC2086 # the package list is split on purpose
for pkg in $(go list $STRESS_PACKAGES); do
	pkg_started=$SECONDS
	if run_package "$pkg"; then
		log "$pkg: $STRESS_COUNT runs passed in $((SECONDS - pkg_started))s"
	else
		log "$pkg: FAILED"
		failed+=("$pkg")
	fi
done
if [ "${#failed[@]}" -gt 0 ]; then
	log "failed: ${failed[*]}"
	exit 1
fi
log "all suites passed $STRESS_COUNT times under load in $((SECONDS - started))s"
