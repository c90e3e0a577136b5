#!/usr/bin/env bash
# What `npm test` needs before it runs (its `pretest`): the Debian programs the tests check
# generated configuration with, PostgreSQL and Redis started, the release tooling and Barman
# installed, and the programs built from their Go modules (the control plane, Argo CD, Helm,
# rclone). Each step returns at once when its result is there, and copies it from the machine's
# store when another clone of the repository built or installed it (scripts/lib/machine-store.sh).
# (`npm run test:one` runs no pretest: the release tooling is then installed by the first test that
# uses it, lib/release/tools.ts.) The Go builds run one after the other in the background, beside
# the installs, and their output goes to .cache/prepare-tests.log; the time it took, to
# .cache/prepare-tests.json (bench/suite.ts reads it).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s%3N)

# apt first: a Go build on a machine without Go installs Debian's golang-go, which needs dpkg's lock.
scripts/install-test-tools.sh

mkdir -p .cache
log=.cache/prepare-tests.log
: >"$log"
(
  set -e
  for build in build-cluster build-argocd build-helm build-rclone; do
    start=$(date +%s)
    scripts/$build.sh >/dev/null
    echo "$build: $(( $(date +%s) - start )) s"
  done
) >>"$log" 2>&1 &
builds=$!

# The synth's bundle, type-checked, once: the tests' copies of the repository start from it
# (test/support/platform.ts) instead of each type-checking and bundling the platform again. A fresh
# clone starts from the newest type-check state on the machine, and checks only what differs.
scripts/type-check-state.sh restore
bundle_log=$(mktemp)
# With the other commands the tests run through the launcher, on the repository and on copies.
node scripts/launch.cjs --build main.ts scripts/validate.ts scripts/diff.ts scripts/bootstrap.ts scripts/cluster-check.ts >"$bundle_log" 2>&1 &
bundle=$!

scripts/ensure-services.sh
scripts/install-release-tools.sh
scripts/install-barman.sh >/dev/null

if ! wait "$builds"; then
  echo "prepare-tests: a Go build failed; its output:" >&2
  cat "$log" >&2
  exit 1
fi
if ! wait "$bundle"; then
  echo "prepare-tests: the synth's bundle did not build:" >&2
  cat "$bundle_log" >&2
  exit 1
fi
rm -f "$bundle_log"
grep -E '^build-[a-z]+: [0-9]+ s$' "$log" | tr '\n' ' ' | sed 's/ $/\n/' >&2
printf '{"ms":%d}\n' $(($(date +%s%3N) - start)) >.cache/prepare-tests.json
