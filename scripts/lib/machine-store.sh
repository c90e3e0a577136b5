# Sourced by the scripts that install or build the tests' tooling. A store of it shared by every
# clone of the repository on the machine, keyed as each script keys its own output, so that a fresh
# clone copies in a second what another clone built or installed: the Go builds link for minutes
# even with Go's build cache warm, and the release tooling's `npm ci` takes minutes (its lock file
# names no tarball, so npm reads each package's registry document). A copy is hard links when the
# store and the clone share a file system. PLATFORM_STORE_DIR moves the store; PLATFORM_STORE_DIR=off
# turns it off. Each entry is renamed into place whole, so a reader never sees half of one.

store_root() {
  [ "${PLATFORM_STORE_DIR:-}" = off ] && return 1
  printf '%s\n' "${PLATFORM_STORE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/platform-store}"
}

# copy_tree <from> <to> [copy]: <to> must not exist; it appears whole or not at all. Hard links
# where it can, unless told to copy: a state its owner rewrites in place must not be shared.
copy_tree() {
  local from=$1 to=$2 mode=${3:-link} tmp
  mkdir -p "$(dirname "$to")"
  tmp=$(mktemp -d "$(dirname "$to")/.copy.XXXXXX")
  if [ "$mode" = copy ] || ! cp -al "$from/." "$tmp/" 2>/dev/null; then
    rm -rf "$tmp" && mkdir -p "$tmp"
    cp -a "$from/." "$tmp/" || { rm -rf "$tmp"; return 1; }
  fi
  chmod 755 "$tmp"
  # A concurrent copy may have won: its result is the same.
  mv -T "$tmp" "$to" 2>/dev/null || rm -rf "$tmp"
}

# prune_kind <folder of a kind>: keeps the three entries used last (other clones may be on other pins).
prune_kind() {
  ls -1dt "$1"/*/ 2>/dev/null | tail -n +4 | xargs -r rm -rf
}

# store_get <kind> <key> <to> [copy]: copies the stored entry into <to>; fails when there is none.
store_get() {
  local root
  root=$(store_root) || return 1
  [ -d "$root/$1/$2" ] || return 1
  copy_tree "$root/$1/$2" "$3" "${4:-link}" || return 1
  # Marks the entry used, for store_put's pruning.
  touch "$root/$1/$2"
}

# store_put <kind> <key> <from>: stores <from> under <kind>/<key> unless it is there; keeps the
# three entries of <kind> used last (other clones may be on other pins).
store_put() {
  local root
  root=$(store_root) || return 0
  [ -d "$root/$1/$2" ] || copy_tree "$3" "$root/$1/$2" || return 0
  touch "$root/$1/$2"
  prune_kind "$root/$1"
}

# store_replace <kind> <key> <from>: makes the entry a copy of <from>, whatever it held: for a state
# that each run carries forward (a type-check's), where the newest serves the next clone best.
store_replace() {
  local root new old
  root=$(store_root) || return 0
  mkdir -p "$root/$1" || return 0
  new=$(mktemp -d "$root/$1/.new.XXXXXX") || return 0
  cp -a "$3/." "$new/" || { rm -rf "$new"; return 0; }
  chmod 755 "$new"
  old=$(mktemp -d "$root/$1/.old.XXXXXX")
  # A reader between the two renames finds no entry, and starts cold.
  mv -T "$root/$1/$2" "$old/entry" 2>/dev/null || true
  mv -T "$new" "$root/$1/$2" 2>/dev/null || rm -rf "$new"
  rm -rf "$old"
  prune_kind "$root/$1"
}
