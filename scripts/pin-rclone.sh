#!/usr/bin/env bash
# Re-pins tools/rclone/go.mod to the rclone image's tag in lib/images.ts (the one place the version
# is set), so the rclone the tests build is the one the backup jobs run. Then tidies go.mod and
# go.sum. Needs the Go module proxy. Renovate runs it when it bumps the image.
set -euo pipefail
cd "$(dirname "$0")/.."
image=$(sed -n "s/^\s*rclone: '[^']*:\([0-9.]*\)',.*/\1/p" lib/images.ts)
[ -n "$image" ] || { echo "pin-rclone: lib/images.ts has no rclone image with a version tag" >&2; exit 1; }
. scripts/lib/go-toolchain.sh
use_go pin-rclone tools/rclone
cd tools/rclone
GOFLAGS=-mod=mod go get -tool "github.com/rclone/rclone@v$image"
GOFLAGS=-mod=mod go mod tidy
echo "pinned rclone v$image"
