#!/usr/bin/env bash
# Builds the release binary for every desktop platform a client runs on, and
# vets the code as each OS compiles it (build-tagged files included), so a
# file that only compiles on Linux fails CI. Cgo is off, as in the releases:
# the SQLite driver and the keyring need none.
#
#   scripts/cross-build.sh            # all targets, binaries in a temp dir
#   OUT=dist scripts/cross-build.sh   # keep the binaries
set -euo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-$(mktemp -d)}
mkdir -p "$out"
targets=(darwin/amd64 darwin/arm64 windows/amd64 windows/arm64 linux/arm64)
for t in "${targets[@]}"; do
  os=${t%/*} arch=${t#*/} ext=""
  [ "$os" = windows ] && ext=.exe
  start=$SECONDS
  GOOS=$os GOARCH=$arch CGO_ENABLED=0 go build -trimpath -ldflags=-s -o "$out/nextcloud-mcp-$os-$arch$ext" .
  echo "built $t in $((SECONDS - start))s: $(du -h "$out/nextcloud-mcp-$os-$arch$ext" | cut -f1)"
done
# go vet per OS, after that OS's build so the compiled packages are reused.
for t in darwin/arm64 windows/amd64; do
  start=$SECONDS
  GOOS=${t%/*} GOARCH=${t#*/} CGO_ENABLED=0 go vet -trimpath ./...
  echo "vet $t in $((SECONDS - start))s"
done
