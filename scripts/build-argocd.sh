#!/usr/bin/env bash
# Builds Argo CD at the pinned version (lib/images.ts, `argocd:`) from its Go module, through the Go
# module proxy, into .cache/argocd/<version>-<hash of the pin and this script>/: the one `argocd`
# binary, which acts as the component its name (ARGOCD_BINARY_NAME) says, and the git wrapper the
# repo-server calls. Prints that folder on its last line. Returns at once when it is built; the
# first build takes about 15 minutes on two cores, and runs beside the other builds of `pretest`.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/argocd-pin.sh
version=$(argocd_version)
key=$(printf '%s\n' "$version" | cat - "$0" scripts/lib/argocd-pin.sh | sha256sum | cut -c1-12)
# ARGOCD_CACHE_DIR moves the output (the benchmark builds into a temporary folder).
root="${ARGOCD_CACHE_DIR:-.cache/argocd}"
out="$root/$version-$key"
built() { [ -x "$out/argocd" ] && [ -x "$out/git-verify-wrapper.sh" ]; }
# The machine's store holds what another clone built; not for the benchmark's scratch build.
. scripts/lib/machine-store.sh
store=1; [ -z "${ARGOCD_CACHE_DIR:-}" ] || store=0
if built || { [ $store = 1 ] && store_get argocd "$version-$key" "$out" && built; }; then
  [ $store = 0 ] || store_put argocd "$version-$key" "$out"
  realpath "$out"; exit 0
fi

. scripts/lib/go-toolchain.sh
# Argo CD's go.mod asks for Go 1.27; this is the release of it the module proxy serves here.
use_go build-argocd go1.27.3

# One build at a time (test files may ask together); the winner's binary serves the others.
mkdir -p "$root"
exec 9>"$root/.lock"
flock 9
if built; then realpath "$out"; exit 0; fi

echo "build-argocd: building Argo CD $version into $out (the first build takes about 15 minutes)" >&2
start=$(date +%s)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/argocd-build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
src=$(module_dir "$ARGOCD_MODULE" "$version")
engine=$(module_dir "$ARGOCD_ENGINE_MODULE" "$version")
[ -d "$src" ] && [ -d "$engine" ] || { echo "build-argocd: could not download $ARGOCD_MODULE and $ARGOCD_ENGINE_MODULE at $version" >&2; exit 1; }
# The module's own go.mod replaces the engine with ./gitops-engine, where its repository keeps it.
cp -r "$src" "$tmp/src" && cp -r "$engine" "$tmp/src/gitops-engine" && chmod -R u+w "$tmp/src"
mkdir -p "$tmp/out"
# The version flag Argo CD's Makefile sets, so `argocd version` and the UI name the pin.
(cd "$tmp/src" && go build -trimpath -ldflags="-s -w -X github.com/argoproj/argo-cd/v3/common.version=${version#v}" -o "$tmp/out/argocd" ./cmd) >&2
install -m 0755 "$tmp/src/hack/git-verify-wrapper.sh" "$tmp/out/git-verify-wrapper.sh"
rm -rf "$out" && mv "$tmp/out" "$out"
# Binaries of older pins are dead weight (160 MB each).
find "$root" -mindepth 1 -maxdepth 1 -type d ! -name "$version-$key" -exec rm -rf {} +
[ $store = 0 ] || store_put argocd "$version-$key" "$out"
echo "build-argocd: built in $(( $(date +%s) - start )) s" >&2
realpath "$out"
