#!/usr/bin/env bash
# Downloads the schema data the validator reads, for machines without ../shared (e.g. GitHub
# Actions): the Kubernetes 1.30 definitions and every CRD listed in cdk8s.yaml, from the pinned
# upstream URLs. Usage: scripts/fetch-schema-sources.sh <schemas-dir> <crds-dir>
set -euo pipefail
schemas=${1:?schemas dir}; crds=${2:?crds dir}
mkdir -p "$schemas" "$crds"
curl -fsSL -o "$schemas/k8s-v1.30.0-definitions.json" \
  https://raw.githubusercontent.com/cdk8s-team/cdk8s/71f8cba7ecc809d861e837e842217202d5e5a16c/kubernetes-schemas/v1.30.0/_definitions.json
grep -oE 'https://[^ ]+\.yaml' "$(dirname "$0")/../cdk8s.yaml" | while read -r url; do
  curl -fsSL -o "$crds/$(basename "$url")" "$url"
done
