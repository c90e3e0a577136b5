# Sourced by the scripts that vendor and build Argo CD: the one pin is the image tag of `argocd:` in
# lib/images.ts (Renovate bumps it); the Go module of the same version holds the install manifests
# synthesis renders (vendor-argocd.sh) and the sources the tests build (build-argocd.sh).
#   argocd_version  -> v3.6.2
ARGOCD_MODULE=github.com/argoproj/argo-cd/v3
# Argo CD keeps its sync engine in a module of its own, which its go.mod replaces with ./gitops-engine.
ARGOCD_ENGINE_MODULE=github.com/argoproj/argo-cd/gitops-engine/v3

argocd_version() {
  local version
  version=$(sed -n "s/^ *argocd: 'quay\.io\/argoproj\/argocd:\(v[0-9][0-9.]*\)',.*/\1/p" lib/images.ts)
  if [ -z "$version" ]; then
    echo "lib/images.ts: no pin of the form argocd: 'quay.io/argoproj/argocd:vX.Y.Z'," >&2
    return 1
  fi
  echo "$version"
}

# The folder of a downloaded module (`go mod download` verifies it against the checksum database).
#   module_dir <module> <version>
module_dir() {
  (cd / && GO111MODULE=on GOFLAGS=-modcacherw go mod download -json "$1@$2") | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p'
}
