#!/usr/bin/env bash
# Regenerates extract/testdata/slides: small presentations with known
# colours at known places, for the slide rendering tests. The source is
# scripts/doc-corpus/layout.fodp (a flat ODP); LibreOffice saves it as ODP
# and PPTX. The picture is an 80×60 PNG, red on its left half and blue on
# its right, made here so that the source stays text.
#
# Needs (Debian): libreoffice-impress-nogui python3. gen-doc-corpus.sh runs
# this too; CI does not: the results are committed.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/extract/testdata/slides"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" SOURCE_DATE_EPOCH=1790000000
mkdir -p "$HOME" "$out"

python3 - "$root/scripts/doc-corpus/layout.fodp" "$work/layout.fodp" <<'PY'
import base64, struct, sys, zlib
w, h = 80, 60
rows = b"".join(b"\x00" + (b"\xff\x00\x00" * (w // 2)) + (b"\x00\x00\xff" * (w // 2)) for _ in range(h))
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")
src = open(sys.argv[1]).read().replace("__PNG_RED_BLUE__", base64.b64encode(png).decode())
open(sys.argv[2], "w").write(src)
PY

cd "$work"
for fmt in odp pptx; do
	soffice -env:UserInstallation="file://$work/lo" --headless --convert-to "$fmt" --outdir "$work" layout.fodp >/dev/null 2>&1
	cp "layout.$fmt" "$out/layout.$fmt"
done
ls -l "$out"
