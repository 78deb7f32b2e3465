#!/usr/bin/env bash
# Regenerates extract/testdata/corpus: documents made from the sources in
# scripts/doc-corpus, each with the text an independent tool reads from it
# (<file>.expected.txt), or the failure it must give (<file>.expected-error.txt,
# one word: malformed, encrypted, unsupported, toolarge).
#
# Oracles: pdftotext -layout (poppler) for PDFs; LibreOffice --convert-to txt
# for word processing, CSV per sheet for spreadsheets; slides are printed to
# PDF by LibreOffice and read with pdftotext; pandoc reads HTML and EPUB;
# iconv decodes text encodings.
#
# Needs (Debian): libreoffice-writer-nogui libreoffice-calc-nogui
#   libreoffice-impress-nogui pandoc img2pdf poppler-utils qpdf
#   libimage-exiftool-perl fonts-dejavu-core fonts-noto-cjk python3
# CI does not run this: the generated corpus is committed. The 20 MB PDF of
# the memory benchmark is not committed; the benchmark builds it in a temp dir.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
src="$root/scripts/doc-corpus"
out="$root/extract/testdata/corpus"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" SOURCE_DATE_EPOCH=1790000000
mkdir -p "$HOME"

for tool in soffice pandoc pdftotext pdftoppm img2pdf qpdf exiftool python3 iconv; do
	command -v "$tool" >/dev/null || { echo "missing $tool: see the header of $0" >&2; exit 1; }
done

rm -rf "$out"
mkdir -p "$out"

lo() { # lo FORMAT FILE [OUTDIR]: LibreOffice conversion
	soffice -env:UserInstallation="file://$work/lo" --headless --convert-to "$1" --outdir "${3:-$work}" "$2" >/dev/null 2>&1
}
pdftext() { pdftotext -layout -enc UTF-8 "$1" "$2"; }
fail() { echo "$2" >"$out/$1.expected-error.txt"; }

# --- prose: Markdown → DOCX/ODT/HTML/EPUB (pandoc) → PDF/RTF/DOC (LibreOffice)
cd "$work"
pandoc "$src/report.md" -o report.docx
pandoc "$src/report.md" -o report.odt
pandoc "$src/unicode.md" -o unicode.docx
pandoc "$src/unicode.md" -o unicode.odt
pandoc "$src/ligatures.md" -o ligatures.odt
pandoc "$src/book.md" -o book.epub --epub-chapter-level=1
lo pdf report.odt
lo pdf unicode.odt
lo pdf ligatures.odt
lo rtf report.docx
lo doc report.docx
cp report.docx report.odt report.pdf report.rtf report.doc unicode.docx unicode.odt unicode.pdf ligatures.pdf book.epub "$out/"
cp "$src/article.html" "$out/article.html"

for f in report.docx report.odt report.rtf unicode.docx unicode.odt; do
	mkdir -p "txt-$f" && lo "txt:Text (encoded):UTF8" "$f" "txt-$f"
	cp "txt-$f/${f%.*}.txt" "$out/$f.expected.txt"
done
for f in report.pdf unicode.pdf ligatures.pdf; do pdftext "$f" "$out/$f.expected.txt"; done
fail report.doc unsupported
pandoc -f html -t plain --wrap=none "$src/article.html" -o "$out/article.html.expected.txt"
pandoc -f epub -t plain --wrap=none book.epub -o "$out/book.epub.expected.txt"

# --- multi-column layout (flat ODT with a two-column section)
python3 - "$src/columns.fodt" columns.fodt <<'PY'
import sys, random
random.seed(7)
words = "council park library bridge market street budget school river garden festival repair lights bus museum volunteers meeting winter summer residents".split()
paras = []
for i in range(14):
    s = " ".join(random.choice(words) for _ in range(60))
    paras.append('<text:p text:style-name="P1">Item %d: %s.</text:p>' % (i + 1, s.capitalize()))
doc = open(sys.argv[1]).read().replace("__COLUMN_PARAGRAPHS__", "\n".join(paras))
open(sys.argv[2], "w").write(doc)
PY
lo pdf columns.fodt && cp columns.pdf "$out/multicolumn.pdf" && pdftext columns.pdf "$out/multicolumn.pdf.expected.txt"

# --- a long PDF: 300 pages of generated prose
python3 - long.txt <<'PY'
import sys, random
random.seed(300)
words = "the a report of and to in budget quarter team project customer sync file share calendar note review plan meeting result growth risk office data server user client version release".split()
with open(sys.argv[1], "w") as f:
    for page in range(1, 301):
        f.write("Section %d\n\n" % page)
        for line in range(40):
            f.write(" ".join(random.choice(words) for _ in range(11)) + "\n")
        f.write("\f")
PY
lo pdf long.txt && cp long.pdf "$out/long-300.pdf" && pdftext long.pdf "$out/long-300.pdf.expected.txt"

# --- a scanned page: page 1 of the report as a picture, no text layer
pdftoppm -r 100 -gray -f 1 -l 1 -png report.pdf scan
img2pdf scan-1.png -o "$out/scanned.pdf"
: >"$out/scanned.pdf.expected.txt"

# --- encrypted and broken PDFs
qpdf --encrypt userpw ownerpw 256 -- report.pdf "$out/encrypted-user.pdf"
fail encrypted-user.pdf encrypted
qpdf --encrypt "" ownerpw 256 --print=none --modify=none -- report.pdf "$out/encrypted-owner.pdf"
pdftext "$out/encrypted-owner.pdf" "$out/encrypted-owner.pdf.expected.txt"
head -c 900 report.pdf >"$out/truncated.pdf"
fail truncated.pdf malformed
: >"$out/empty.pdf"
fail empty.pdf malformed
cp report.docx "$out/docx-named.pdf"
cp "$out/report.docx.expected.txt" "$out/docx-named.pdf.expected.txt"
cp report.pdf "$out/pdf-named.txt"
cp "$out/report.pdf.expected.txt" "$out/pdf-named.txt.expected.txt"

# --- spreadsheets: flat ODS → XLSX, ODS, XLS; oracle: CSV of each sheet as shown
cp "$src/budget.fods" budget.fods
lo xlsx budget.fods
lo ods budget.fods
lo xls budget.fods
cp budget.xlsx budget.ods budget.xls "$out/"
for f in budget.xlsx budget.ods; do
	mkdir -p "csv-$f"
	lo "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1" "$f" "csv-$f"
	for sheet in Expenses Summary; do
		echo "$sheet"
		cat "csv-$f/${f%.*}-$sheet.csv"
	done >"$out/$f.expected.txt"
done
fail budget.xls unsupported
head -c 3000 budget.xlsx >"$out/truncated.xlsx"
fail truncated.xlsx malformed

# --- presentations: Markdown → PPTX (pandoc, with notes) → ODP, PPT
pandoc "$src/slides.md" -o slides.pptx
lo odp slides.pptx
lo ppt slides.pptx
cp slides.pptx slides.odp slides.ppt "$out/"
for f in slides.pptx slides.odp; do
	mkdir -p "pdf-$f" && lo pdf "$f" "pdf-$f"
	pdftext "pdf-$f/${f%.*}.pdf" "$out/$f.expected.txt"
done
fail slides.ppt unsupported

# --- plain text in several encodings; the oracle is iconv's UTF-8
sed -n '1,40p' "$src/book.md" | grep -v '^---' | grep -v '^[a-z]*:' >book.txt
printf 'Grüße aus Köln – “Café” kostet 5 €. Œuvre, naïve, Fußgänger.\n' >western.txt
cp book.txt "$out/utf8.md" && cp book.txt "$out/utf8.md.expected.txt"
iconv -f UTF-8 -t UTF-16 book.txt >"$out/utf16.txt"
iconv -f UTF-16 -t UTF-8 "$out/utf16.txt" >"$out/utf16.txt.expected.txt"
iconv -f UTF-8 -t WINDOWS-1252 western.txt >"$out/cp1252.txt"
iconv -f WINDOWS-1252 -t UTF-8 "$out/cp1252.txt" >"$out/cp1252.txt.expected.txt"
printf 'Gr\xfc\xdfe aus K\xf6ln, caf\xe9 na\xefve.\n' >"$out/latin1.txt"
iconv -f ISO-8859-1 -t UTF-8 "$out/latin1.txt" >"$out/latin1.txt.expected.txt"

# --- a photo taken sideways: EXIF orientation 6 (rotate 90° clockwise to view)
pdftoppm -r 40 -f 1 -l 1 -jpeg report.pdf photo
exiftool -q -overwrite_original -n -Orientation=6 photo-1.jpg
cp photo-1.jpg "$out/photo-exif6.jpg"
: >"$out/photo-exif6.jpg.expected.txt"

# --- hostile files: a zip bomb, deeply nested XML, a truncated DOCX
python3 - "$out" <<'PY'
import sys, zipfile
out = sys.argv[1]
ct = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
with zipfile.ZipFile(out + "/zipbomb.docx", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    z.writestr("[Content_Types].xml", ct)
    with z.open("word/document.xml", "w", force_zip64=True) as f:
        f.write(('<w:document %s><w:body><w:p><w:r><w:t>' % w).encode())
        chunk = b" " * (1 << 20)
        for _ in range(400):  # 400 MiB of spaces, about 400 KB compressed
            f.write(chunk)
        f.write(b"</w:t></w:r></w:p></w:body></w:document>")
depth = 100000
with zipfile.ZipFile(out + "/nested.docx", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    z.writestr("[Content_Types].xml", ct)
    z.writestr("word/document.xml", ('<w:document %s><w:body>' % w) + "<w:sdt><w:sdtContent>" * depth + "</w:sdtContent></w:sdt>" * depth + "</w:body></w:document>")
PY
fail zipbomb.docx toolarge
fail nested.docx toolarge
head -c $(( $(stat -c %s report.docx) * 6 / 10 )) report.docx >"$out/truncated.docx"
fail truncated.docx malformed


du -sh "$out"
ls "$out" | grep -vc expected

# --- the demo server's documents (serve --demo), kept small: nextcloud/ncfake/demodocs
demo="$root/nextcloud/ncfake/demodocs"
rm -rf "$demo" && mkdir -p "$demo"
cd "$work"
pandoc "$src/demo-report.md" -o demo-report.odt
pandoc "$src/demo-report.md" -o demo-report.docx
lo pdf demo-report.odt
cp demo-report.pdf "$demo/q3-report.pdf"
cp demo-report.docx "$demo/q3-report.docx"
cp demo-report.odt "$demo/q3-report.odt"
pdftoppm -r 60 -gray -f 2 -l 2 -jpeg -jpegopt quality=60 demo-report.pdf receipt
img2pdf receipt-2.jpg -o "$demo/scanned-page.pdf"
cp budget.xlsx "$demo/budget-2026.xlsx"
cp slides.pptx "$demo/roadmap-2027.pptx"
cp "$src/article.html" "$demo/elbe-cycling.html"
cp book.epub "$demo/lighthouse-keeper.epub"
du -sh "$demo"

# --- slide rendering fixtures (extract/testdata/slides)
"$root/scripts/gen-slide-fixtures.sh"
