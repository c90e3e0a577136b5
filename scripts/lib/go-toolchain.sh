# Sourced by the scripts that build Go programs from their modules (build-cluster.sh,
# build-helm.sh, build-argocd.sh): puts a go command that can build <module>'s pinned toolchain,
# or the toolchain named, on PATH.
#   use_go <script name> <module folder | goX.Y.Z>
use_go() {
  local name=$1 module=$2
  if ! command -v go >/dev/null 2>&1; then
    if [ -x /usr/local/go/bin/go ]; then
      export PATH="/usr/local/go/bin:$PATH"
    elif [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "$name: installing Go (Debian golang-go)" >&2
      DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-go >&2
    else
      echo "$name: Go is missing; install it (Debian: apt-get install golang-go), then run scripts/$name.sh" >&2
      exit 1
    fi
  fi
  # go.mod pins the toolchain (`toolchain goX.Y.Z`); a go command 1.21 or newer fetches it from the
  # module proxy itself when it is older (GOTOOLCHAIN=auto).
  export GOTOOLCHAIN=auto
  local toolchain have arch home dir
  if [[ $module =~ ^go[0-9] ]]; then
    # A module we do not own (Argo CD's) names only its minimum Go: the toolchain is pinned here.
    toolchain=$module
    export GOTOOLCHAIN=$toolchain
  else
    toolchain=$(sed -n 's/^toolchain \(go[0-9.]*\)$/\1/p' "$module/go.mod")
  fi
  have=$(go env GOVERSION 2>/dev/null || go version | awk '{print $3}')
  if [ "$(printf '%s\n' "go1.21" "$have" | sort -V | head -1)" != go1.21 ]; then
    # Older Go (Debian bookworm's is 1.19) cannot switch toolchains: fetch the same module
    # (golang.org/toolchain, verified against the checksum database) and run its go.
    case "$(uname -m)" in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
    home="${XDG_CACHE_HOME:-$HOME/.cache}/platform-go/$toolchain"
    if [ ! -x "$home/bin/go" ]; then
      echo "$name: $have predates toolchain switching; fetching $toolchain through the module proxy" >&2
      dir=$(cd / && GO111MODULE=on GOFLAGS=-modcacherw go mod download -json "golang.org/toolchain@v0.0.1-$toolchain.linux-$arch" | sed -n 's/.*"Dir": "\(.*\)",/\1/p')
      rm -rf "$home" && mkdir -p "$(dirname "$home")" && cp -r "$dir" "$home"
      chmod -R u+w "$home" && chmod +x "$home"/bin/* "$home"/pkg/tool/*/*
    fi
    export PATH="$home/bin:$PATH" GOROOT="$home"
  fi
  # go.sum is committed: builds never change the pins.
  export GOFLAGS="-mod=readonly ${GOFLAGS:-}"
}
