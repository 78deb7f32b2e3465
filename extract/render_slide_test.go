package extract

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	_ "image/jpeg"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// The slide fixtures in testdata/slides are made by
// scripts/gen-slide-fixtures.sh from scripts/doc-corpus/layout.fodp: the
// same three slides saved as ODP and PPTX by LibreOffice, with known
// colours at known places (positions below in centimetres).

const slidesDir = "testdata/slides"

// slideDecks are every presentation the tests render, slide by slide.
func slideDecks() []string {
	return []string{
		filepath.Join(corpusDir, "slides.pptx"), filepath.Join(corpusDir, "slides.odp"),
		filepath.Join(slidesDir, "layout.pptx"), filepath.Join(slidesDir, "layout.odp"),
	}
}

func readFixture(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func renderSlideFile(t testing.TB, x *Extractor, data []byte, page int, o RenderOptions) (*Image, image.Image) {
	t.Helper()
	img, err := x.RenderPage(context.Background(), bytes.NewReader(data), int64(len(data)), "", page, o)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			t.Log(e.Err)
		}
		t.Fatalf("slide %d: %v", page, err)
	}
	dec, _, err := image.Decode(bytes.NewReader(img.Data))
	if err != nil {
		t.Fatalf("slide %d: the image does not decode: %v", page, err)
	}
	if b := dec.Bounds(); b.Dx() != img.Width || b.Dy() != img.Height {
		t.Fatalf("slide %d: says %d×%d, is %d×%d", page, img.Width, img.Height, b.Dx(), b.Dy())
	}
	return img, dec
}

func slideCount(t testing.TB, x *Extractor, path string) int {
	t.Helper()
	doc, err := extractFile(t, x, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return doc.UnitCount
}

// Every slide of every deck renders within the limits, and shows
// something.
func TestRenderEverySlide(t *testing.T) {
	x := New(Config{})
	for _, path := range slideDecks() {
		data := readFixture(t, path)
		n := slideCount(t, x, path)
		if n < 3 {
			t.Fatalf("%s: %d slides", path, n)
		}
		for page := 1; page <= n; page++ {
			img, dec := renderSlideFile(t, x, data, page, RenderOptions{})
			if max(img.Width, img.Height) != DefaultMaxEdge || len(img.Data) > DefaultMaxBytes || (img.MIMEType != "image/png" && img.MIMEType != "image/jpeg") {
				t.Errorf("%s slide %d: %s %d×%d %d bytes", path, page, img.MIMEType, img.Width, img.Height, len(img.Data))
			}
			if f := inkFraction(dec, colorAt(dec, 2, 2)); f < 0.005 {
				t.Errorf("%s slide %d is blank: %.4f of it differs from the background", path, page, f)
			}
		}
		if _, err := x.RenderPage(context.Background(), bytes.NewReader(data), int64(len(data)), "", n+1, RenderOptions{}); !errors.Is(err, ErrNoSuchPage) || !strings.Contains(err.Error(), "so there is no slide") {
			t.Errorf("%s slide %d: %v", path, n+1, err)
		}
	}
}

// A preview size draws the whole slide smaller.
func TestRenderSlideSmall(t *testing.T) {
	x := New(Config{})
	img, dec := renderSlideFile(t, x, readFixture(t, filepath.Join(slidesDir, "layout.pptx")), 1, RenderOptions{MaxEdge: 256})
	if img.Width != 256 || img.Height != 144 {
		t.Fatalf("%d×%d", img.Width, img.Height)
	}
	// The picture's red half is still where it belongs.
	if c := colorAt(dec, cmPx(4, 256), cmPx(7, 256)); !near(c, color.NRGBA{255, 0, 0, 255}, 40) {
		t.Errorf("red half at 256 px: %v", c)
	}
}

// cmPx converts a position on the 25.4 cm wide fixture to pixels of an
// image edge pixels wide.
func cmPx(cm float64, edge int) int { return int(math.Round(cm / 25.4 * float64(edge))) }

func colorAt(img image.Image, x, y int) color.NRGBA {
	return color.NRGBAModel.Convert(img.At(img.Bounds().Min.X+x, img.Bounds().Min.Y+y)).(color.NRGBA)
}

func near(a, b color.NRGBA, tol int) bool {
	d := func(x, y uint8) int { return max(int(x)-int(y), int(y)-int(x)) }
	return d(a.R, b.R) <= tol && d(a.G, b.G) <= tol && d(a.B, b.B) <= tol
}

// inkFraction is the share of pixels that differ from bg.
func inkFraction(img image.Image, bg color.NRGBA) float64 {
	b := img.Bounds()
	n := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if !near(colorAt(img, x-b.Min.X, y-b.Min.Y), bg, 24) {
				n++
			}
		}
	}
	return float64(n) / float64(b.Dx()*b.Dy())
}

// countNear counts pixels near c in a rectangle given in centimetres.
func countNear(img image.Image, edge int, x0, y0, x1, y1 float64, c color.NRGBA, tol int) int {
	n := 0
	for y := cmPx(y0, edge); y < cmPx(y1, edge); y++ {
		for x := cmPx(x0, edge); x < cmPx(x1, edge); x++ {
			if near(colorAt(img, x, y), c, tol) {
				n++
			}
		}
	}
	return n
}

// barHeights finds runs of columns holding colour c between x0 and x1 and
// returns the height of each run's tallest column.
func barHeights(img image.Image, x0, x1, y0, y1 int, c color.NRGBA) []int {
	var bars []int
	in := false
	for x := x0; x < x1; x++ {
		h := 0
		for y := y0; y < y1; y++ {
			if near(colorAt(img, x, y), c, 30) {
				h++
			}
		}
		switch {
		case h > 0 && !in:
			bars = append(bars, h)
			in = true
		case h > 0:
			bars[len(bars)-1] = max(bars[len(bars)-1], h)
		default:
			in = false
		}
	}
	return bars
}

// The fixture's pictures, shapes, text, table and chart appear where the
// file puts them, in both formats.
func TestRenderSlidePlacement(t *testing.T) {
	x := New(Config{})
	hex := func(s string) color.NRGBA { return hexColor(s) }
	for _, name := range []string{"layout.pptx", "layout.odp"} {
		t.Run(name, func(t *testing.T) {
			data := readFixture(t, filepath.Join(slidesDir, name))
			const e = DefaultMaxEdge
			at := func(img image.Image, xcm, ycm float64) color.NRGBA { return colorAt(img, cmPx(xcm, e), cmPx(ycm, e)) }
			want := func(img image.Image, what string, xcm, ycm float64, c color.NRGBA) {
				t.Helper()
				if got := at(img, xcm, ycm); !near(got, c, 12) {
					t.Errorf("%s at (%.1f cm, %.1f cm): %v, want %v", what, xcm, ycm, got, c)
				}
			}

			_, s1 := renderSlideFile(t, x, data, 1, RenderOptions{})
			if b := s1.Bounds(); b.Dx() != e || b.Dy() != 882 {
				t.Fatalf("slide 1 is %d×%d, want 1568×882 (25.4 × 14.2875 cm)", b.Dx(), b.Dy())
			}
			want(s1, "background", 0.5, 13.5, hex("fff2cc"))
			want(s1, "picture, red half", 3, 5, hex("ff0000"))
			want(s1, "picture, red half", 5.5, 9.5, hex("ff0000"))
			want(s1, "picture, blue half", 6.5, 4.5, hex("0000ff"))
			want(s1, "picture, blue half", 9.5, 9.5, hex("0000ff"))
			want(s1, "left of the picture", 1.7, 7, hex("fff2cc"))
			want(s1, "below the picture", 6, 10.3, hex("fff2cc"))
			want(s1, "rectangle", 14.5, 10.5, hex("0070c0"))
			want(s1, "rectangle outline", 12, 10.5, hex("000000"))
			want(s1, "ellipse", 21, 10.5, hex("ffc000"))
			want(s1, "outside the ellipse, inside its box", 18.7, 8.7, hex("fff2cc"))
			if n := countNear(s1, e, 12, 3.5, 24, 5.5, hex("00b050"), 20); n < 500 {
				t.Errorf("the bold green heading has %d green pixels in its box", n)
			}
			if n := countNear(s1, e, 12, 5.5, 24, 8, hex("000000"), 60); n < 500 {
				t.Errorf("the body text has %d dark pixels in its box", n)
			}
			if n := countNear(s1, e, 0, 0, 25.4, 14.2, hex("00b050"), 20) - countNear(s1, e, 12, 3.5, 24, 5.5, hex("00b050"), 20); n > 0 {
				t.Errorf("%d green text pixels outside the text box", n)
			}

			_, s2 := renderSlideFile(t, x, data, 2, RenderOptions{})
			want(s2, "table header cell", 4.6, 4.6, hex("1f3864"))
			want(s2, "table body cell", 4.6, 5.4, hex("deebf7"))
			want(s2, "below the table", 5, 9, hex("ffffff"))
			if n := countNear(s2, e, 1.6, 4.8, 4.7, 5.9, hex("000000"), 80); n < 30 {
				t.Errorf("the cell Q1 has %d dark text pixels", n)
			}
			// Columns Q1..Q4 = 30, 50, 20, 60, measured as the red runs
			// across the chart, each as tall as its tallest column.
			bars := barHeights(s2, cmPx(13, e), cmPx(24, e), cmPx(3, e), cmPx(12, e), hex("c00000")) // above the legend
			if len(bars) != 4 || !(bars[3] > bars[1] && bars[1] > bars[0] && bars[0] > bars[2] && bars[2] > 20) {
				t.Errorf("chart bars (heights in pixels): %v", bars)
			} else if r := float64(bars[3]) / float64(bars[2]); r < 2.8 || r > 3.2 {
				t.Errorf("Q4/Q3 bar heights %v, want 60/20", r)
			}

			_, s3 := renderSlideFile(t, x, data, 3, RenderOptions{})
			want(s3, "grouped green rectangle", 5, 6, hex("00b050"))
			want(s3, "grouped purple rectangle", 12, 6, hex("7030a0"))
			want(s3, "between them", 8.5, 6, hex("ffffff"))
			want(s3, "line", 12, 11, hex("c00000"))
			want(s3, "above the line", 12, 10.6, hex("ffffff"))
		})
	}
}

// Text is drawn inside its boxes: the pixels that change when the text is
// taken away all lie inside the shapes that hold text, and each of those
// shapes has some.
func TestRenderSlideTextInBoxes(t *testing.T) {
	x := New(Config{})
	fonts, err := loadSlideFonts()
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range slideDecks() {
		data := readFixture(t, path)
		format := strings.TrimPrefix(filepath.Ext(path), ".")
		for page := 1; page <= slideCount(t, x, path); page++ {
			s, err := x.loadSlide(context.Background(), format, bytes.NewReader(data), int64(len(data)), page)
			if err != nil {
				t.Fatal(err)
			}
			bare := *s
			bare.shapes = nil
			var boxes []box
			for _, sh := range s.shapes {
				c := *sh
				if c.text != nil || c.table != nil {
					boxes = append(boxes, c.box)
				}
				c.text = nil
				if c.table != nil {
					tc := *c.table
					tc.cells = append([]tableCell(nil), tc.cells...)
					for i := range tc.cells {
						tc.cells[i].text = nil
					}
					c.table = &tc
				}
				bare.shapes = append(bare.shapes, &c)
			}
			const edge = 1000
			with, err := drawSlide(context.Background(), s, fonts, edge)
			if err != nil {
				t.Fatal(err)
			}
			without, err := drawSlide(context.Background(), &bare, fonts, edge)
			if err != nil {
				t.Fatal(err)
			}
			scale := slideRenderScale(s.w, s.h, edge)
			inBox := make([]int, len(boxes))
			outside := 0
			b := with.Bounds()
			for y := b.Min.Y; y < b.Max.Y; y++ {
				for xx := b.Min.X; xx < b.Max.X; xx++ {
					if with.RGBAAt(xx, y) == without.RGBAAt(xx, y) {
						continue
					}
					found := false
					for i, bx := range boxes {
						fx, fy := float64(xx)/scale, float64(y)/scale
						if fx >= bx.x-1 && fx <= bx.x+bx.w+1 && fy >= bx.y-1 && fy <= bx.y+bx.h+1 {
							inBox[i]++
							found = true
						}
					}
					if !found {
						outside++
					}
				}
			}
			if outside > 0 {
				t.Errorf("%s slide %d: %d text pixels outside every text box", path, page, outside)
			}
			for i, n := range inBox {
				if n < 20 {
					t.Errorf("%s slide %d: text box %d (%+v) has %d text pixels", path, page, i, boxes[i], n)
				}
			}
			if len(boxes) == 0 {
				t.Errorf("%s slide %d has no text", path, page)
			}
		}
	}
}

// A title placeholder that leaves its position to the layout is drawn
// where the master puts it, with the master's size and the built-in table
// style's header colour (PowerPoint's default style, accent 1).
func TestRenderPPTXInheritance(t *testing.T) {
	x := New(Config{})
	data := readFixture(t, filepath.Join(corpusDir, "slides.pptx"))
	s, err := x.loadSlide(context.Background(), "pptx", bytes.NewReader(data), int64(len(data)), 4)
	if err != nil {
		t.Fatal(err)
	}
	if s.w != 720 || s.h != 405 {
		t.Errorf("slide size %v×%v pt, want 720×405", s.w, s.h)
	}
	// The master's title placeholder: off (457200, 205979), ext
	// (8229600, 857250) EMU.
	title := s.shapes[0]
	if want := (box{36, 205979.0 / 12700, 648, 67.5}); title.text == nil || math.Abs(title.box.x-want.x)+math.Abs(title.box.y-want.y)+math.Abs(title.box.w-want.w)+math.Abs(title.box.h-want.h) > 0.01 {
		t.Errorf("title box %+v, want %+v", title.box, want)
	}
	if r := title.text.paras[0].runs[0]; r.text != "Timeline" || r.size != 33 || title.text.paras[0].align != alignCenter {
		t.Errorf("title run %+v (master title style: 33 pt, centred)", r)
	}
	_, img := renderSlideFile(t, x, data, 4, RenderOptions{})
	// The header row's fill, right of its text.
	sc := float64(DefaultMaxEdge) / 720
	if c := colorAt(img, int(300*sc), int(98*sc)); !near(c, hexColor("4F81BD"), 12) {
		t.Errorf("header cell %v, want accent 1", c)
	}
	if c := colorAt(img, int(300*sc), int(125*sc)); !near(c, hexColor("4F81BD"), 12) && near(c, colWhite, 8) {
		t.Errorf("first body row %v, want a tint of accent 1", c)
	}
}

// testPPTX builds a minimal presentation around one slide's shape tree.
func testPPTX(t *testing.T, shapes string, extra map[string][]byte) []byte {
	t.Helper()
	files := map[string][]byte{
		"[Content_Types].xml":              []byte(`<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/></Types>`),
		"ppt/presentation.xml":             []byte(`<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><p:sldIdLst><p:sldId id="256" r:id="rId1"/></p:sldIdLst><p:sldSz cx="9144000" cy="6858000"/></p:presentation>`),
		"ppt/_rels/presentation.xml.rels":  []byte(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/slide" Target="slides/slide1.xml"/></Relationships>`),
		"ppt/slides/slide1.xml":            []byte(`<p:sld xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><p:cSld><p:spTree>` + shapes + `</p:spTree></p:cSld></p:sld>`),
		"ppt/slides/_rels/slide1.xml.rels": []byte(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="../media/image1.emf"/><Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="../media/image2.png"/></Relationships>`),
	}
	for k, v := range extra {
		files[k] = v
	}
	return zipBytes(t, files)
}

// rect is a filled rectangle shape at x, y (inches) of size w×h.
func rectXML(x, y, w, h float64, fill string) string {
	emu := func(in float64) string { return strconv.Itoa(int(in * 914400)) }
	return `<p:sp><p:nvSpPr><p:cNvPr id="2" name=""/><p:cNvSpPr/><p:nvPr/></p:nvSpPr><p:spPr><a:xfrm><a:off x="` + emu(x) + `" y="` + emu(y) + `"/><a:ext cx="` + emu(w) + `" cy="` + emu(h) + `"/></a:xfrm><a:prstGeom prst="rect"/><a:solidFill><a:srgbClr val="` + fill + `"/></a:solidFill></p:spPr></p:sp>`
}

// zipBytes builds a zip of the files, in a stable order.
func zipBytes(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, n := range names {
		f, err := w.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write(files[n]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A group scales and moves its children: a 1 × 1 inch child in a group
// whose 1 × 1 inch child space maps to 2 × 2 inches at (1, 1) covers
// (1, 1)–(3, 3).
func TestRenderPPTXGroupTransform(t *testing.T) {
	group := `<p:grpSp><p:nvGrpSpPr><p:cNvPr id="5" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr><a:xfrm><a:off x="914400" y="914400"/><a:ext cx="1828800" cy="1828800"/><a:chOff x="0" y="0"/><a:chExt cx="914400" cy="914400"/></a:xfrm></p:grpSpPr>` +
		rectXML(0, 0, 1, 1, "00FF00") + `</p:grpSp>`
	data := testPPTX(t, group, nil)
	x := New(Config{})
	_, img := renderSlideFile(t, x, data, 1, RenderOptions{MaxEdge: 1000})
	// 10 × 7.5 inch slide at 1000 px: 100 px an inch.
	for _, p := range []struct {
		x, y int
		in   bool
	}{{110, 110, true}, {290, 290, true}, {200, 200, true}, {90, 200, false}, {310, 200, false}, {200, 310, false}} {
		c := colorAt(img, p.x, p.y)
		if near(c, hexColor("00FF00"), 10) != p.in {
			t.Errorf("(%d, %d): %v, inside the scaled child: %v", p.x, p.y, c, p.in)
		}
	}
}

// A picture Go cannot decode (EMF) becomes a labelled grey box; a PNG
// next to it is drawn.
func TestRenderPPTXUndecodablePicture(t *testing.T) {
	pic := func(id string, x float64) string {
		emu := func(in float64) string { return strconv.Itoa(int(in * 914400)) }
		return `<p:pic><p:nvPicPr><p:cNvPr id="3" name=""/><p:cNvPicPr/><p:nvPr/></p:nvPicPr><p:blipFill><a:blip r:embed="` + id + `"/><a:stretch/></p:blipFill><p:spPr><a:xfrm><a:off x="` + emu(x) + `" y="914400"/><a:ext cx="2743200" cy="1828800"/></a:xfrm><a:prstGeom prst="rect"/></p:spPr></p:pic>`
	}
	var png1 bytes.Buffer
	green := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := range green.Pix {
		green.Pix[i] = []uint8{0, 200, 0, 255}[i%4]
	}
	if err := png.Encode(&png1, green); err != nil {
		t.Fatal(err)
	}
	data := testPPTX(t, pic("rId9", 1)+pic("rId8", 5), map[string][]byte{
		"ppt/media/image1.emf": append([]byte{1, 0, 0, 0}, bytes.Repeat([]byte{0x20}, 200)...),
		"ppt/media/image2.png": png1.Bytes(),
	})
	x := New(Config{})
	_, img := renderSlideFile(t, x, data, 1, RenderOptions{MaxEdge: 1000})
	if c := colorAt(img, 120, 110); !near(c, colPlaceholder, 6) {
		t.Errorf("EMF picture: %v, want the placeholder grey", c)
	}
	if n := countNear(img, 1000, 1*2.54, 1*2.54, 4*2.54, 3*2.54, colLabel, 30); n < 20 {
		t.Errorf("the placeholder has %d label pixels", n)
	}
	if c := colorAt(img, 650, 200); !near(c, color.NRGBA{0, 200, 0, 255}, 10) {
		t.Errorf("PNG picture: %v", c)
	}
}

// A picture that expands past the zip budget fails the slide as a zip
// bomb would; a slide whose XML nests too deep fails as too large; a
// truncated file is malformed; a cancelled call stops.
func TestRenderSlideLimits(t *testing.T) {
	pic := `<p:pic><p:nvPicPr><p:cNvPr id="3" name=""/><p:cNvPicPr/><p:nvPr/></p:nvPicPr><p:blipFill><a:blip r:embed="rId8"/></p:blipFill><p:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="914400" cy="914400"/></a:xfrm></p:spPr></p:pic>`
	big := testPPTX(t, pic, map[string][]byte{"ppt/media/image2.png": bytes.Repeat([]byte{0}, 4<<20)})
	x := New(Config{MaxExpanded: 1 << 20})
	var e *Error
	if _, err := x.RenderPage(context.Background(), bytes.NewReader(big), int64(len(big)), "", 1, RenderOptions{}); !errors.As(err, &e) || e.Kind != KindTooLarge || !strings.Contains(err.Error(), "zip bomb") {
		t.Errorf("picture past the budget: %v", err)
	}
	deep := testPPTX(t, strings.Repeat(`<p:grpSp>`, 600)+strings.Repeat(`</p:grpSp>`, 600), nil)
	if _, err := New(Config{}).RenderPage(context.Background(), bytes.NewReader(deep), int64(len(deep)), "", 1, RenderOptions{}); !errors.As(err, &e) || e.Kind != KindTooLarge {
		t.Errorf("deep nesting: %v", err)
	}
	layout := readFixture(t, filepath.Join(slidesDir, "layout.pptx"))
	cut := layout[:len(layout)/2]
	if _, err := New(Config{}).RenderPage(context.Background(), bytes.NewReader(cut), int64(len(cut)), "application/vnd.openxmlformats-officedocument.presentationml.presentation", 1, RenderOptions{}); !errors.As(err, &e) || e.Kind != KindMalformed {
		t.Errorf("truncated: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := New(Config{}).RenderPage(ctx, bytes.NewReader(layout), int64(len(layout)), "", 1, RenderOptions{}); !errors.As(err, &e) || e.Kind != KindTimeout {
		t.Errorf("cancelled: %v", err)
	}
}

// A pie chart's slices go clockwise from twelve o'clock in proportion.
func TestDrawPieChart(t *testing.T) {
	fonts, err := loadSlideFonts()
	if err != nil {
		t.Fatal(err)
	}
	red, blue := color.NRGBA{200, 0, 0, 255}, color.NRGBA{0, 0, 200, 255}
	s := &slide{w: 400, h: 400, shapes: []*shape{{box: box{0, 0, 400, 400}, chart: &slideChart{kind: "pie", cats: []string{"a", "b"},
		series: []chartSeries{{vals: []float64{25, 75}, points: []color.NRGBA{red, blue}}}}}}}
	img, err := drawSlide(context.Background(), s, fonts, 800)
	if err != nil {
		t.Fatal(err)
	}
	// The pie is centred in the plot above the legend; sample a little
	// right of and below its centre (the first quarter), and left of it.
	b := img.Bounds()
	cx, cy := b.Dx()/2, b.Dy()/2-20
	if c := colorAt(img, cx+60, cy-60); !near(c, red, 10) {
		t.Errorf("first slice (12 to 3 o'clock): %v", c)
	}
	if c := colorAt(img, cx-60, cy+20); !near(c, blue, 10) {
		t.Errorf("second slice: %v", c)
	}
}

// A shape styled by reference takes its fill from the theme's accent and
// its text colour from the font reference; a gradient background runs
// from its first stop to its last.
func TestRenderPPTXStyleReferences(t *testing.T) {
	slideXML := `<p:sld xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><p:cSld>` +
		`<p:bg><p:bgPr><a:gradFill><a:gsLst><a:gs pos="0"><a:srgbClr val="FF0000"/></a:gs><a:gs pos="100000"><a:srgbClr val="0000FF"/></a:gs></a:gsLst><a:lin ang="5400000"/></a:gradFill></p:bgPr></p:bg><p:spTree>` +
		`<p:sp><p:nvSpPr><p:cNvPr id="2" name=""/><p:cNvSpPr/><p:nvPr/></p:nvSpPr><p:spPr><a:xfrm><a:off x="914400" y="914400"/><a:ext cx="5486400" cy="2743200"/></a:xfrm><a:prstGeom prst="rect"/></p:spPr>` +
		`<p:style><a:lnRef idx="2"><a:schemeClr val="accent1"><a:shade val="50000"/></a:schemeClr></a:lnRef><a:fillRef idx="1"><a:schemeClr val="accent1"/></a:fillRef><a:effectRef idx="0"><a:schemeClr val="accent1"/></a:effectRef><a:fontRef idx="minor"><a:schemeClr val="lt1"/></a:fontRef></p:style>` +
		`<p:txBody><a:bodyPr anchor="ctr"/><a:p><a:pPr algn="ctr"/><a:r><a:rPr sz="4000" b="1"/><a:t>White words</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>`
	data := testPPTX(t, "", map[string][]byte{"ppt/slides/slide1.xml": []byte(slideXML)})
	_, img := renderSlideFile(t, New(Config{}), data, 1, RenderOptions{MaxEdge: 1000})
	accent1 := defaultPalette()[0]
	if c := colorAt(img, 130, 130); !near(c, accent1, 8) {
		t.Errorf("shape fill %v, want accent 1 %v", c, accent1)
	}
	white := 0
	for y := 200; y < 300; y++ {
		for x := 200; x < 600; x++ {
			if near(colorAt(img, x, y), colWhite, 30) {
				white++
			}
		}
	}
	if white < 500 {
		t.Errorf("%d white text pixels in the shape", white)
	}
	if top, bottom := colorAt(img, 900, 3), colorAt(img, 900, 746); !(top.R > 240 && top.B < 20 && bottom.B > 240 && bottom.R < 20) {
		t.Errorf("gradient background: top %v, bottom %v", top, bottom)
	}
}

// SmartArt is drawn from the drawing PowerPoint saves beside the diagram's
// data, its shapes placed relative to the diagram's frame.
func TestRenderPPTXDiagramDrawing(t *testing.T) {
	frame := `<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id="4" name=""/><p:cNvGraphicFramePr/><p:nvPr/></p:nvGraphicFramePr><p:xfrm><a:off x="1828800" y="1828800"/><a:ext cx="2743200" cy="1828800"/></p:xfrm>` +
		`<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/diagram"><dgm:relIds xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram" r:dm="rId2" r:lo="rId3" r:qs="rId4" r:cs="rId5"/></a:graphicData></a:graphic></p:graphicFrame>`
	data := testPPTX(t, frame, map[string][]byte{
		"ppt/slides/_rels/slide1.xml.rels": []byte(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/diagramData" Target="../diagrams/data1.xml"/><Relationship Id="rId6" Type="http://schemas.microsoft.com/office/2007/relationships/diagramDrawing" Target="../diagrams/drawing1.xml"/></Relationships>`),
		"ppt/diagrams/data1.xml":           []byte(`<dgm:dataModel xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><dgm:ptLst/><dgm:extLst><a:ext uri="http://schemas.microsoft.com/office/drawing/2008/diagram"><dsp:dataModelExt xmlns:dsp="http://schemas.microsoft.com/office/drawing/2008/diagram" relId="rId6" minVer="http://schemas.openxmlformats.org/drawingml/2006/diagram"/></a:ext></dgm:extLst></dgm:dataModel>`),
		"ppt/diagrams/drawing1.xml": []byte(`<dsp:drawing xmlns:dsp="http://schemas.microsoft.com/office/drawing/2008/diagram" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><dsp:spTree><dsp:nvGrpSpPr><dsp:cNvPr id="0" name=""/><dsp:cNvGrpSpPr/></dsp:nvGrpSpPr><dsp:grpSpPr/>` +
			`<dsp:sp modelId="{1}"><dsp:nvSpPr><dsp:cNvPr id="0" name=""/><dsp:cNvSpPr/></dsp:nvSpPr><dsp:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="914400" cy="914400"/></a:xfrm><a:prstGeom prst="rect"/><a:solidFill><a:srgbClr val="FF8800"/></a:solidFill></dsp:spPr></dsp:sp></dsp:spTree></dsp:drawing>`),
	})
	_, img := renderSlideFile(t, New(Config{}), data, 1, RenderOptions{MaxEdge: 1000})
	// The frame is at (2, 2) inches; the shape fills its first inch.
	if c := colorAt(img, 250, 250); !near(c, hexColor("FF8800"), 8) {
		t.Errorf("diagram shape: %v", c)
	}
	if c := colorAt(img, 150, 150); !near(c, colWhite, 8) {
		t.Errorf("left of the frame: %v", c)
	}
	if c := colorAt(img, 350, 250); !near(c, colWhite, 8) {
		t.Errorf("right of the shape: %v", c)
	}
}
