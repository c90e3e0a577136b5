#!/usr/bin/env bash
# The URL shortener's tests talk to a real PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379.
# Starts whichever of them is down (Debian's packages, as on the CI machine); fails if it cannot.
# Debian's PostgreSQL asks for a password on loopback (scram-sha-256), so as root this also creates
# the tests' own role, platform_test (password platform_test), through the postgres user's socket.
set -euo pipefail

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  echo "PostgreSQL is down; starting it" >&2
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "Redis is down; starting it" >&2
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi
up=
for _ in $(seq 1 30); do
  if pg_isready -q -h 127.0.0.1 -p 5432 && redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then up=1; break; fi
  sleep 1
done
if [ -z "$up" ]; then
  echo "PostgreSQL or Redis did not come up on 127.0.0.1 (5432, 6379)" >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ] && [ -z "${TEST_DATABASE_URL:-}" ]; then
  # The tests create and drop databases and run throwaway clusters' clients: a superuser on loopback.
  runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 -d postgres <<'SQL'
SELECT 'CREATE ROLE platform_test SUPERUSER LOGIN'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'platform_test')\gexec
ALTER ROLE platform_test PASSWORD 'platform_test';
SQL
fi
