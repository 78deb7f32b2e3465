package extract

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// bigPDF writes a PDF of about size bytes into dir (once; later calls reuse
// it): pages of Flate-compressed text, each with a photo-like noise image
// that does not compress, as a scanned or illustrated report would. It
// stands in for the "20 MB PDF", which is too big to commit.
func bigPDF(t testing.TB, dir string, size int) string {
	t.Helper()
	p := filepath.Join(dir, fmt.Sprintf("big-%dmb.pdf", size>>20))
	if st, err := os.Stat(p); err == nil && st.Size() > int64(size)*9/10 {
		return p
	}
	const imgW, imgH = 512, 384 // 576 KiB of RGB per page
	pages := max(1, size/(imgW*imgH*3))
	rng := rand.New(rand.NewPCG(1, 2))
	var objs [][]byte
	add := func(b []byte) int { objs = append(objs, b); return len(objs) }
	catalog := add(nil)
	pagesObj := add(nil)
	font := add([]byte("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"))
	var kids []int
	for i := 1; i <= pages; i++ {
		var content bytes.Buffer
		fmt.Fprintf(&content, "q 400 0 0 300 100 80 cm /Im1 Do Q\nBT /F1 12 Tf 72 760 Td 14 TL\n")
		for l := 0; l < 20; l++ {
			fmt.Fprintf(&content, "(Page %d line %d: the quarterly figures for region %d were reviewed by the team.) '\n", i, l+1, rng.IntN(50))
		}
		content.WriteString("ET")
		var z bytes.Buffer
		zw := zlib.NewWriter(&z)
		_, _ = zw.Write(content.Bytes())
		_ = zw.Close()
		stream := add([]byte(fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream", z.Len(), z.Bytes())))
		pix := make([]byte, imgW*imgH*3)
		for j := range pix {
			pix[j] = byte(rng.Uint32())
		}
		img := add([]byte(fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8 /Length %d >>\nstream\n%s\nendstream", imgW, imgH, len(pix), pix)))
		kids = append(kids, add([]byte(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents %d 0 R /Resources << /Font << /F1 %d 0 R >> /XObject << /Im1 %d 0 R >> >> >>", pagesObj, stream, font, img))))
	}
	objs[catalog-1] = []byte(fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pagesObj))
	var kb bytes.Buffer
	for _, k := range kids {
		fmt.Fprintf(&kb, "%d 0 R ", k)
	}
	objs[pagesObj-1] = []byte(fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", kb.String(), len(kids)))
	var b bytes.Buffer
	b.WriteString("%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, catalog, xref)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
