#!/usr/bin/env bash
# Installs the real programs the tests check generated configuration with (Debian packages).
# Runs before `npm test`; does nothing when they are already there.
set -euo pipefail

# command -> Debian package that provides it
declare -A PACKAGES=(
  [nginx]=nginx-light
  [redis-server]=redis-server
  [redis-cli]=redis-tools
  [pg_dump]=postgresql-client
  [pg_restore]=postgresql-client
  [busybox]=busybox
)

missing=()
for command in "${!PACKAGES[@]}"; do
  command -v "$command" >/dev/null 2>&1 || missing+=("${PACKAGES[$command]}")
done
# The PostgreSQL server's programs (initdb, postgres) live under /usr/lib/postgresql/<major>/bin.
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u | sed '/^$/d')
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "The tests need these Debian packages: ${missing[*]}. Install them (apt-get install ${missing[*]}) and run again." >&2
  exit 1
fi
echo "Installing ${missing[*]} for the tests..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
