#!/usr/bin/env bash
# Installs the release and Renovate tooling (tools/release: semantic-release, Renovate, action-validator)
# from its own lock file, apart from the root install: `npm ci && npm run synth` never needs it. Runs
# when a test first uses it (lib/release/tools.ts) and in the release jobs; does nothing when
# tools/release/node_modules is newer than the lock file. Test files running side by side each
# call it: one installs, the others wait for it (flock) and then find it done.
set -euo pipefail
cd "$(dirname "$0")/../tools/release"

mkdir -p ../../.cache
exec 9>../../.cache/install-release-tools.lock
flock 9

installed=node_modules/.package-lock.json
if [ -f "$installed" ] && [ "$installed" -nt package-lock.json ]; then
  exit 0
fi
npm ci --no-audit --no-fund
