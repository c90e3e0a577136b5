#!/usr/bin/env bash
# The type-checks' state, carried from clone to clone through the machine's store
# (scripts/lib/machine-store.sh): `.cache/tsc/` and `.cache/build/` (scripts/launch.cjs's
# incremental type-check, imports/' declarations and bundles) and `.cache/typecheck/` (npm test's
# two `tsc --incremental`). All of it is keyed by content where it is read: tsc compares each
# file's hash with its .tsbuildinfo, the launcher each input's with its bundle's manifest. So a
# state from another commit only spares the work on what did not change, and a fresh clone (each
# CI run) type-checks the files that differ instead of all of them (docs/testing.md).
#   restore: copies the newest state in, when the clone has none (pretest runs it first).
#   save:    makes the clone's state the newest (scripts/run-tests.sh, after its type-check passes).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/machine-store.sh

# Another lock file, another TypeScript or esbuild: a state of no use.
key=$(cat package-lock.json tsconfig.json tsconfig.imports.json app/tsconfig.json | sha256sum | cut -c1-12)
parts=(tsc build typecheck)

case "${1:-}" in
  restore)
    for part in "${parts[@]}"; do [ -e ".cache/$part" ] && exit 0; done
    root=$(store_root) || exit 0
    [ -d "$root/type-check/$key" ] || exit 0
    mkdir -p .cache
    # Copies, not links: tsc and the launcher rewrite their files in place.
    for part in "${parts[@]}"; do
      [ -d "$root/type-check/$key/$part" ] && copy_tree "$root/type-check/$key/$part" ".cache/$part" copy
    done
    touch "$root/type-check/$key"
    ;;
  save)
    staged=$(mktemp -d)
    trap 'rm -rf "$staged"' EXIT
    for part in "${parts[@]}"; do
      [ -d ".cache/$part" ] || continue
      # Not the launcher's kept runs (scripts/run-memo.cjs): they replay this clone's output. Nor
      # its kept bundles (scripts/kept-bundles.cjs): npm test keeps them in the store already.
      cp -a ".cache/$part" "$staged/$part"
      find "$staged/$part" \( -name '*.memo-*.json' -o -name '*.tmp' \) -delete
      rm -rf "$staged/$part/kept"
    done
    store_replace type-check "$key" "$staged"
    ;;
  *)
    echo "usage: scripts/type-check-state.sh restore|save" >&2
    exit 2
    ;;
esac
