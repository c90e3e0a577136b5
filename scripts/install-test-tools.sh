#!/usr/bin/env bash
# Installs the real programs the tests check generated configuration with (Debian packages).
# Runs before `npm test`; does nothing when they are already there.
set -euo pipefail

# command -> Debian package that provides it
declare -A PACKAGES=(
  [nginx]=nginx-light
  [redis-server]=redis-server
  [redis-cli]=redis-tools
  # the load generator of the URL shortener's benchmark (npm run bench)
  [wrk]=wrk
  [pg_dump]=postgresql-client
  [pg_restore]=postgresql-client
  [busybox]=busybox
  [promtool]=prometheus
  [prometheus]=prometheus
  [amtool]=prometheus-alertmanager
  [prometheus-blackbox-exporter]=prometheus-blackbox-exporter
  # what scripts/install-barman.sh builds Barman Cloud's psycopg2 with
  [pg_config]=libpq-dev
  [gcc]=gcc
  # the chart's Pooler in front of the service's database (app/test/pgbouncer.test.ts)
  [pgbouncer]=pgbouncer
)

missing=()
for command in "${!PACKAGES[@]}"; do
  command -v "$command" >/dev/null 2>&1 || missing+=("${PACKAGES[$command]}")
done
# The PostgreSQL server's programs (initdb, postgres) live under /usr/lib/postgresql/<major>/bin.
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
# Debian's Python with venv and headers, for scripts/install-barman.sh (not another python3 on PATH).
/usr/bin/python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
compgen -G '/usr/include/python3*/Python.h' >/dev/null || missing+=(python3-dev)
# Several commands come from one package (promtool and prometheus): name each package once.
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u | sed '/^$/d')
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "The tests need these Debian packages: ${missing[*]}. Install them (apt-get install ${missing[*]}) and run again." >&2
  exit 1
fi
echo "Installing ${missing[*]} for the tests..." >&2
export DEBIAN_FRONTEND=noninteractive
# The tests run the programs themselves: keep Debian's postinst from starting the daemons
# (prometheus on 9090, alertmanager on 9093, blackbox exporter on 9115).
policy=/usr/sbin/policy-rc.d
own_policy=
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && own_policy=1
fi
trap '[ -z "$own_policy" ] || rm -f "$policy"' EXIT
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Without systemd, policy-rc.d is the only guard; stop any daemon that still started.
for service in prometheus prometheus-alertmanager prometheus-blackbox-exporter prometheus-node-exporter; do
  if command -v service >/dev/null 2>&1 && [ -x "/etc/init.d/$service" ]; then service "$service" stop >/dev/null 2>&1 || true; fi
done
true
