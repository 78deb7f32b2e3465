#!/usr/bin/env bash
# Runs the race detector on the packages with concurrency: credentials and
# token refresh (auth), the shared SQLite store, the MCP server and its
# tools, the HTTP client and the fake, and the index when it exists. -short
# leaves out the long sweeps (bad arguments, the fault table) that the
# ordinary run covers; the concurrency tests stay. Needs cgo (gcc).
set -euo pipefail
cd "$(dirname "$0")/.."
pkgs=()
for p in auth store tools nextcloud index; do
  if compgen -G "$p/*.go" >/dev/null; then pkgs+=("./$p/...")
  fi
done
echo "race: ${pkgs[*]}"
CGO_ENABLED=1 go test -race -short -count=1 -timeout 15m "${pkgs[@]}"
