#!/usr/bin/env bash
# Re-pins test/cluster/go.mod to the Kubernetes release in test/cluster/VERSION (the one place the
# version is set): k8s.io/kubernetes at v1.X.Y and every k8s.io staging module it replaces with a
# local path at its v0.X.Y release, as building k8s.io/kubernetes/cmd/... from another module
# requires. Then tidies go.mod and go.sum. Needs the Go module proxy.
set -euo pipefail
cd "$(dirname "$0")/../test/cluster"
export PATH="/usr/local/go/bin:$PATH" GOTOOLCHAIN=auto
version=$(tr -d '[:space:]' < VERSION)
staging="v0.${version#1.}"
gomod=$(go mod download -json "k8s.io/kubernetes@v$version" | sed -n 's/.*"GoMod": "\(.*\)",/\1/p')
go mod edit -require="k8s.io/kubernetes@v$version"
go mod edit -json | sed -n 's/.*"Path": "\(k8s.io\/[^"]*\)",/\1/p' | sort -u | while read -r m; do
  go mod edit -dropreplace="$m"
done
for m in $(sed -n 's#^\s*\(k8s.io/[a-z0-9-]*\) => ./staging/.*#\1#p' "$gomod"); do
  # A staging module never published (sample-cli-plugin) is not needed to build the binaries.
  if go mod download "$m@$staging" 2>/dev/null; then go mod edit -replace="$m=$m@$staging"; fi
done
go mod tidy
echo "pinned Kubernetes $version (staging modules $staging)"
