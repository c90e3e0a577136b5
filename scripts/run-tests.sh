#!/usr/bin/env bash
# `npm test` after its pretest (scripts/prepare-tests.sh): the two type-checks side by side (their
# state then kept for the next clone, scripts/type-check-state.sh), then
# every test file; arguments go to vitest. Leaves each file's time (test/support/timings-reporter.ts)
# and each step's in .cache/ (test-report.json, test-run.json), which `.ci/run` and `npm run bench -- --suite` read
# (bench/suite.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .cache
now() { date +%s%3N; }

start=$(now)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# Incremental, from the state pretest restored (scripts/type-check-state.sh): each file's hash
# decides what is checked again.
node_modules/.bin/tsc --noEmit --incremental --tsBuildInfoFile .cache/typecheck/root.tsbuildinfo >"$out/root" 2>&1 & root=$!
node_modules/.bin/tsc -p app/tsconfig.json --noEmit --incremental --tsBuildInfoFile .cache/typecheck/app.tsbuildinfo >"$out/app" 2>&1 & app=$!
failed=()
wait $root || failed+=("tsc --noEmit")
wait $app || failed+=("tsc -p app/tsconfig.json --noEmit")
cat "$out/root" "$out/app"
if [ ${#failed[@]} -gt 0 ]; then
  echo "npm test: the type-check failed (${failed[*]}); no test ran" >&2
  exit 1
fi
scripts/type-check-state.sh save
typed=$(now)

# The launcher's bundles kept by content (scripts/kept-bundles.cjs), in the machine's store: the
# copies the tests make edit the same sources run after run, and each edit built anew costs a
# type-check, a bundle and compiling it (3 to 10 s of CPU).
. scripts/lib/machine-store.sh
if store=$(store_root); then export PLATFORM_BUNDLE_STORE="$store/bundles"; fi

set +e
node_modules/.bin/vitest run --reporter=default --reporter=./test/support/timings-reporter.ts "$@"
code=$?
set -e
printf '{"typecheckMs":%d,"vitestMs":%d}\n' $((typed - start)) $(($(now) - typed)) >.cache/test-run.json
exit $code
