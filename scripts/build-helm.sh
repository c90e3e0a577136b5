#!/usr/bin/env bash
# Builds Helm from its upstream sources (the Go module helm.sh/helm/v3 that tools/helm/go.mod pins,
# through the Go module proxy) into .cache/helm/<version>-<hash of the pins>/helm. Prints that
# binary's path on its last line. Returns at once when it exists; rebuilds only when go.mod or
# go.sum change (older pins stay: `npm run diff` renders a base revision that may pin another Helm).
# Synthesis runs it when the binary is missing; `pretest` runs it too. It installs Go
# (Debian's golang-go; GOTOOLCHAIN=auto fetches the pinned toolchain) when missing and run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
module=tools/helm
version=$(sed -n 's/^\s*helm\.sh\/helm\/v3 \(v[0-9.]*\).*/\1/p' "$module/go.mod")
[ -n "$version" ] || { echo "build-helm: $module/go.mod does not require helm.sh/helm/v3" >&2; exit 1; }
key=$(cat "$module/go.mod" "$module/go.sum" "$0" | sha256sum | cut -c1-12)
# HELM_CACHE_DIR moves the output (tests of the build itself use a temporary folder).
root="${HELM_CACHE_DIR:-.cache/helm}"
out="$root/$version-$key"
# The machine's store holds what another clone built, for this repository's .cache/helm (synthesis
# names it in HELM_CACHE_DIR; the tests of this script name a temporary folder).
. scripts/lib/machine-store.sh
store=0; [ "$(realpath -m "$root")" != "$(realpath -m .cache/helm)" ] || store=1
if [ -x "$out/helm" ] || { [ $store = 1 ] && store_get helm "$version-$key" "$out" && [ -x "$out/helm" ]; }; then
  [ $store = 0 ] || store_put helm "$version-$key" "$out"
  realpath "$out/helm"; exit 0
fi

. scripts/lib/go-toolchain.sh
use_go build-helm "$module"

# One build at a time (a synth and a test may ask together); the winner's binary serves the others.
mkdir -p "$root"
exec 9>"$root/.lock"
flock 9
if [ -x "$out/helm" ]; then realpath "$out/helm"; exit 0; fi

echo "build-helm: building Helm $version into $out (the first build takes a few minutes)" >&2
start=$(date +%s)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/helm-build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# The version flags Helm's own Makefile sets, so `helm version` names the pin.
ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$version -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
(cd "$module" && go build -trimpath -ldflags="$ldflags" -o "$tmp/helm" helm.sh/helm/v3/cmd/helm) >&2
rm -rf "$out" && mkdir -p "$(dirname "$out")" && mv "$tmp" "$out"
trap - EXIT
[ $store = 0 ] || store_put helm "$version-$key" "$out"
echo "build-helm: built in $(( $(date +%s) - start )) s" >&2
realpath "$out/helm"
