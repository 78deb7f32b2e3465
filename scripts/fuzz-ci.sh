#!/usr/bin/env bash
# Fuzzes every FuzzXxx target of the module for a short fixed time, so a new
# crasher fails CI. `go test` alone already replays the seeds and the corpus
# in testdata/fuzz; this adds fresh inputs. A crasher is written to the
# package's testdata/fuzz/<target>/ by Go: commit it with a regression test.
#
#   FUZZTIME=10s scripts/fuzz-ci.sh            # CI (the default)
#   FUZZTIME=10m scripts/fuzz-ci.sh ./nextcloud  # longer, one package
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-10s}
pkgs=("$@")
if [ ${#pkgs[@]} -eq 0 ]; then
  mapfile -t pkgs < <(grep -rl --include='*_test.go' --exclude-dir=node_modules '^func Fuzz' . | xargs -n1 dirname | sort -u)
fi
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
failed=0
for pkg in "${pkgs[@]}"; do
  for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz'); do
    echo "fuzz $pkg $target for $fuzztime"
    if ! go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" -parallel 2 >"$logs/$target.log" 2>&1; then
      tail -30 "$logs/$target.log"
      failed=1
    fi
  done
done
exit $failed
