#!/usr/bin/env bash
# Installs Barman Cloud (tools/barman/requirements.txt, from PyPI) into a venv under
# .cache/barman/<version>-<hash of the pins>/ for the restore drills of the CloudNativePG backups.
# Prints the venv's bin folder on its last line; returns at once when it is there. psycopg2 builds
# from source: it needs a C compiler, Python's and libpq's headers (scripts/install-test-tools.sh
# installs them). `pretest` runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
requirements=tools/barman/requirements.txt
version=$(sed -n 's/^barman\[cloud\]==\([0-9.]*\)$/\1/p' "$requirements")
[ -n "$version" ] || { echo "install-barman: $requirements does not pin barman[cloud]" >&2; exit 1; }
key=$(cat "$requirements" "$0" | sha256sum | cut -c1-12)
# BARMAN_CACHE_DIR moves the output (tests of the install itself use a temporary folder).
root="${BARMAN_CACHE_DIR:-.cache/barman}"
out="$root/$version-$key"
if [ -f "$out/.installed" ]; then realpath "$out/bin"; exit 0; fi
# The machine's store holds the venv another clone installed (for this repository's .cache/barman).
. scripts/lib/machine-store.sh
store=0; [ "$(realpath -m "$root")" != "$(realpath -m .cache/barman)" ] || store=1

# Debian's Python, not one under /root (pyenv): PostgreSQL's archive_command runs the programs as
# the postgres user, who must be able to read the interpreter and its library.
python=/usr/bin/python3
"$python" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 8))' 2>/dev/null ||
  { echo "install-barman: needs Debian's Python 3.8 or newer with venv (apt-get install python3-venv python3-dev, or run scripts/install-test-tools.sh as root)" >&2; exit 1; }

# One install at a time (test files may ask together); the winner's venv serves the others.
mkdir -p "$root"
exec 9>"$root/.lock"
flock 9
if [ -f "$out/.installed" ]; then realpath "$out/bin"; exit 0; fi

# A venv's programs name its interpreter by its absolute path on their first line; the rest of what
# holds its path (byte code's file names, activate) is not run. A copy's first lines point here.
if [ $store = 1 ] && store_get barman "$version-$key" "$out"; then
  here=$(realpath "$out")
  for program in "$out"/bin/*; do
    [ -f "$program" ] && [ ! -L "$program" ] || continue
    # sed -i writes a new file: the store's, hard-linked, stays as it was.
    head -c 2 "$program" | grep -q '^#!' && sed -i "1s|^#!.*/bin/python\([0-9.]*\)\$|#!$here/bin/python\1|" "$program"
  done
  if "$out/bin/barman-cloud-backup" --version >&2 && [ -f "$out/.installed" ]; then realpath "$out/bin"; exit 0; fi
  rm -rf "$out"
fi

echo "install-barman: installing Barman $version into $out" >&2
start=$(date +%s)
# A venv records its own path, so it is built where it lives; .installed marks it complete.
rm -rf "$out"
trap 'rm -rf "$out"' EXIT
"$python" -m venv "$out"
"$out/bin/pip" install --quiet --no-input -r "$requirements" >&2
"$out/bin/barman-cloud-backup" --version >&2
touch "$out/.installed"
trap - EXIT
[ $store = 0 ] || store_put barman "$version-$key" "$out"
# venvs of older pins are dead weight.
find "$root" -mindepth 1 -maxdepth 1 -type d ! -name "$version-$key" -exec rm -rf {} +
echo "install-barman: installed in $(( $(date +%s) - start )) s" >&2
realpath "$out/bin"
