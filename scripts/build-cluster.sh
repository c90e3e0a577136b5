#!/usr/bin/env bash
# Builds the test control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubectl,
# kwok and the harness) from the Go module in test/cluster/, through the Go module proxy, into
# .cache/cluster/<version>-<hash of the pins>/bin/. Prints that folder on its last line. Returns
# at once when those binaries exist; rebuilds only when VERSION, go.mod, go.sum or the harness
# change. Installs Go (Debian's golang-go, then GOTOOLCHAIN=auto fetches the pinned toolchain
# through the module proxy) when it is missing and we run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
module=test/cluster
version=$(tr -d '[:space:]' < "$module/VERSION")
key=$(cat "$module/VERSION" "$module/go.mod" "$module/go.sum" $(find "$module/cmd" -name '*.go' | sort) | sha256sum | cut -c1-12)
# CLUSTER_CACHE_DIR moves the output (the benchmark builds into a temporary folder).
out="${CLUSTER_CACHE_DIR:-.cache/cluster}/$version-$key/bin"
programs=(etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok harness)

built() { for p in "${programs[@]}"; do [ -x "$out/$p" ] || return 1; done; }
# The machine's store holds what another clone built; not for the benchmark's scratch build.
. scripts/lib/machine-store.sh
store=1; [ -z "${CLUSTER_CACHE_DIR:-}" ] || store=0
entry=$(dirname "$out")
if built || { [ $store = 1 ] && store_get cluster "$version-$key" "$entry" && built; }; then
  [ $store = 0 ] || store_put cluster "$version-$key" "$entry"
  realpath "$out"; exit 0
fi

. scripts/lib/go-toolchain.sh
use_go build-cluster "$module"

grep -qE "k8s.io/kubernetes v$version( |$)" "$module/go.mod" ||
  { echo "build-cluster: $module/go.mod does not pin k8s.io/kubernetes v$version; run scripts/pin-cluster.sh" >&2; exit 1; }

# One build at a time (test files may ask together); the winner's binaries serve the others.
mkdir -p "$(dirname "$(dirname "$out")")"
exec 9>"$(dirname "$(dirname "$out")")/.lock"
flock 9
if built; then realpath "$out"; exit 0; fi

echo "build-cluster: building Kubernetes $version control plane into $out (the first build takes many minutes)" >&2
start=$(date +%s)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cluster-build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
(cd "$module" && go build -ldflags=-s -o "$tmp/" tool ./cmd/etcd ./cmd/harness) >&2
mkdir -p "$(dirname "$out")"
rm -rf "$out" && mv "$tmp" "$out"
trap - EXIT
# Binaries of older pins are dead weight (600+ MB each).
find "$(dirname "$(dirname "$out")")" -mindepth 1 -maxdepth 1 -type d ! -name "$version-$key" -exec rm -rf {} +
[ $store = 0 ] || store_put cluster "$version-$key" "$entry"
echo "build-cluster: built in $(( $(date +%s) - start )) s" >&2
realpath "$out"
