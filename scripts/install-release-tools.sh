#!/usr/bin/env bash
# Installs the release and Renovate tooling (tools/release: semantic-release, Renovate, action-validator)
# from its own lock file, apart from the root install: `npm ci && npm run synth` never needs it. Runs
# when a test first uses it (lib/release/tools.ts) and in the release jobs; does nothing when
# tools/release/node_modules is newer than the lock file. Test files running side by side each
# call it: one installs, the others wait for it (flock) and then find it done. Another clone's
# install of the same lock file, for the same Node.js, is copied from the machine's store
# (scripts/lib/machine-store.sh) in a second: `npm ci` takes minutes.
set -euo pipefail
cd "$(dirname "$0")/../tools/release"

mkdir -p ../../.cache
exec 9>../../.cache/install-release-tools.lock
flock 9

. ../../scripts/lib/machine-store.sh
key=$(cat package-lock.json package.json <(node -p process.versions.modules) | sha256sum | cut -c1-12)
installed=node_modules/.package-lock.json
if [ -f "$installed" ] && [ "$installed" -nt package-lock.json ]; then
  store_put release-tools "$key" node_modules
  exit 0
fi
rm -rf node_modules
if ! store_get release-tools "$key" node_modules; then
  npm ci --no-audit --no-fund
  store_put release-tools "$key" node_modules
fi
# Newer than the lock file, whatever time the copy keeps.
touch "$installed"
