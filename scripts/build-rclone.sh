#!/usr/bin/env bash
# Builds rclone from its upstream sources (the Go module github.com/rclone/rclone that
# tools/rclone/go.mod pins, through the Go module proxy) into
# .cache/rclone/<version>-<hash of the pins>/rclone. Prints that binary's path on its last line.
# Returns at once when it exists. The tests run the backup jobs' offsite copy with it, and
# `rclone serve s3` as their object store: the version must be the rclone image's (lib/images.ts).
# Installs Go (Debian's golang-go; GOTOOLCHAIN=auto fetches the pinned toolchain) when missing and
# run as root. `pretest` runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
module=tools/rclone
version=$(sed -n 's/^\s*github\.com\/rclone\/rclone \(v[0-9.]*\).*/\1/p' "$module/go.mod")
[ -n "$version" ] || { echo "build-rclone: $module/go.mod does not require github.com/rclone/rclone" >&2; exit 1; }
image=$(sed -n "s/^\s*rclone: '[^']*:\([0-9.]*\)',.*/\1/p" lib/images.ts)
[ "v$image" = "$version" ] ||
  { echo "build-rclone: $module/go.mod pins rclone $version but lib/images.ts runs the image ${image:-(none found)}; run scripts/pin-rclone.sh" >&2; exit 1; }
key=$(cat "$module/go.mod" "$module/go.sum" "$0" | sha256sum | cut -c1-12)
# RCLONE_CACHE_DIR moves the output (tests of the build itself use a temporary folder).
root="${RCLONE_CACHE_DIR:-.cache/rclone}"
out="$root/$version-$key"
# The machine's store holds what another clone built; not for the tests of this script.
. scripts/lib/machine-store.sh
store=1; [ -z "${RCLONE_CACHE_DIR:-}" ] || store=0
if [ -x "$out/rclone" ] || { [ $store = 1 ] && store_get rclone "$version-$key" "$out" && [ -x "$out/rclone" ]; }; then
  [ $store = 0 ] || store_put rclone "$version-$key" "$out"
  realpath "$out/rclone"; exit 0
fi

. scripts/lib/go-toolchain.sh
use_go build-rclone "$module"

# One build at a time (test files may ask together); the winner's binary serves the others.
mkdir -p "$root"
exec 9>"$root/.lock"
flock 9
if [ -x "$out/rclone" ]; then realpath "$out/rclone"; exit 0; fi

echo "build-rclone: building rclone $version into $out (the first build takes several minutes)" >&2
start=$(date +%s)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rclone-build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# The version flag rclone's own Makefile sets, so `rclone version` names the pin.
(cd "$module" && go build -trimpath -ldflags="-s -X github.com/rclone/rclone/fs.Version=$version" -o "$tmp/rclone" github.com/rclone/rclone) >&2
rm -rf "$out" && mv "$tmp" "$out"
trap - EXIT
# Binaries of older pins are dead weight.
find "$root" -mindepth 1 -maxdepth 1 -type d ! -name "$version-$key" -exec rm -rf {} +
[ $store = 0 ] || store_put rclone "$version-$key" "$out"
echo "build-rclone: built in $(( $(date +%s) - start )) s" >&2
realpath "$out/rclone"
