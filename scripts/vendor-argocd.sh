#!/usr/bin/env bash
# Vendors Argo CD's install manifests of the pinned version (lib/images.ts, `argocd:`) into
# vendor/manifests/argo-cd-<version>/: `manifests/install.yaml` and the LICENSE of the Go module
# github.com/argoproj/argo-cd/v3 at that version, downloaded through the Go module proxy and
# verified against the Go checksum database, whose hash it records in SOURCES.md. Synthesis renders
# them (charts/argocd.ts) offline; the tests build Argo CD from the same module. Needs network (the
# module proxy); does nothing when the folder is there. Renovate runs it after bumping the pin.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/argocd-pin.sh
version=$(argocd_version)
dest=vendor/manifests/argo-cd-$version

# The Redis image the install names is Argo CD's: lib/images.ts pins the same.
pin_redis() {
  local redis
  redis=$(sed -n 's/^ *image: \(public\.ecr\.aws\/docker\/library\/redis:[^ ]*\)$/\1/p' "$dest/install.yaml" | head -1)
  [ -n "$redis" ] || { echo "vendor-argocd: $dest/install.yaml names no Redis image" >&2; exit 1; }
  sed -i "s#^\( *argocdRedis: '\)[^']*\(',\)#\1$redis\2#" lib/images.ts
}
if [ -f "$dest/install.yaml" ]; then pin_redis; echo "$dest is vendored"; exit 0; fi

. scripts/lib/go-toolchain.sh
use_go vendor-argocd go1.27.3
info=$(cd / && GO111MODULE=on GOFLAGS=-modcacherw go mod download -json "$ARGOCD_MODULE@$version")
src=$(sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p' <<<"$info")
sum=$(sed -n 's/^\s*"Sum": "\(.*\)",$/\1/p' <<<"$info")
[ -f "$src/manifests/install.yaml" ] || { echo "vendor-argocd: $ARGOCD_MODULE@$version has no manifests/install.yaml" >&2; exit 1; }
rm -rf "$dest" && mkdir -p "$dest"
install -m 0644 "$src/manifests/install.yaml" "$src/LICENSE" "$dest/"
# The older versions' folders go: synthesis reads only the pinned one.
find vendor/manifests -mindepth 1 -maxdepth 1 -type d -name 'argo-cd-*' ! -name "argo-cd-$version" -exec rm -rf {} +
cat >vendor/manifests/SOURCES.md <<MD
# Vendored install manifests

Upstream manifests that synthesis renders as an app's objects (\`Manifests\`, lib/upstream/manifests.ts),
copied unchanged by a script; do not edit them. The charts and constructs that read them patch what
the platform needs in TypeScript.

| folder | what | source | licence |
| --- | --- | --- | --- |
| \`argo-cd-$version/\` | Argo CD $version, \`install.yaml\` (its non-HA install) | Go module \`$ARGOCD_MODULE@$version\` (\`manifests/install.yaml\`, \`LICENSE\`), Go checksum database hash \`$sum\`, vendored by \`scripts/vendor-argocd.sh\` | Apache-2.0 |
MD
pin_redis
echo "vendored $ARGOCD_MODULE@$version ($sum) into $dest"
