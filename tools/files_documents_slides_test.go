package tools

import (
	"bytes"
	"image"
	"image/color"
	"strings"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// inkIn counts pixels darker than mid-grey in a rectangle given as
// fractions of the image.
func inkIn(img image.Image, x0, y0, x1, y1 float64) int {
	b := img.Bounds()
	n := 0
	for y := b.Min.Y + int(y0*float64(b.Dy())); y < b.Min.Y+int(y1*float64(b.Dy())); y++ {
		for x := b.Min.X + int(x0*float64(b.Dx())); x < b.Min.X+int(x1*float64(b.Dx())); x++ {
			c := color.GrayModel.Convert(img.At(x, y)).(color.Gray)
			if c.Y < 128 {
				n++
			}
		}
	}
	return n
}

// A slide of the demo deck comes back as an image of the slide: its title
// drawn at the top, its bullet points below, nothing in the bottom third.
func TestReadPageImageSlide(t *testing.T) {
	h := newHarness(t, harnessOpts{fake: ncfake.NewDemo(), user: ncfake.DemoUser, password: ncfake.DemoAppPassword})
	const deck = "Documents/Presentations/Roadmap 2027.pptx"
	res := h.call("nc_webdav_read_page_image", map[string]any{"path": deck, "page": 2})
	if res.IsError {
		t.Fatal(resultText(res))
	}
	cfg, data, mt := imageOf(t, res)
	if max(cfg.Width, cfg.Height) != 1568 || len(data) > 1<<20 || (mt != "image/png" && mt != "image/jpeg") {
		t.Fatalf("slide image %s %d×%d %d bytes", mt, cfg.Width, cfg.Height, len(data))
	}
	var out FilesImageOutput
	h.ok("nc_webdav_read_page_image", map[string]any{"path": deck, "page": 2}, &out)
	if out.Page != 2 || out.Width != cfg.Width || out.Height != cfg.Height || out.ContentType != mt || out.ETag == "" {
		t.Errorf("structured result %+v", out)
	}
	if cfg.Width*9 != cfg.Height*16 {
		t.Errorf("%d×%d is not the deck's 16:9", cfg.Width, cfg.Height)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	// "Where we stand" in the title box (top fifth, middle), three
	// bullets in the body box, the rest of the slide empty.
	if n := inkIn(img, 0.25, 0.04, 0.75, 0.21); n < 1000 {
		t.Errorf("title area has %d dark pixels", n)
	}
	if n := inkIn(img, 0.05, 0.23, 0.9, 0.5); n < 3000 {
		t.Errorf("body area has %d dark pixels", n)
	}
	if n := inkIn(img, 0, 0.6, 1, 1); n != 0 {
		t.Errorf("the empty lower part has %d dark pixels", n)
	}
	msg := h.fails("nc_webdav_read_page_image", map[string]any{"path": deck, "page": 5})
	if !strings.Contains(msg, "it has 4 slides, so there is no slide 5") || strings.Contains(msg, "cannot be rendered") {
		t.Errorf("page 5: %s", msg)
	}
}

// ODP slides render too, and a presentation without a server preview gets
// one drawn here.
func TestSlidePreviewAndODP(t *testing.T) {
	h := documentsHarness(t, "slides.odp", "slides.pptx")
	res := h.call("nc_webdav_read_page_image", map[string]any{"path": "Docs/slides.odp", "page": 4})
	if res.IsError {
		t.Fatal(resultText(res))
	}
	if cfg, _, _ := imageOf(t, res); max(cfg.Width, cfg.Height) != 1568 {
		t.Errorf("ODP slide %d×%d", cfg.Width, cfg.Height)
	}
	for _, p := range []string{"Docs/slides.pptx", "Docs/slides.odp"} {
		var out FilesImageOutput
		h.ok("nc_webdav_get_preview", map[string]any{"path": p, "size": 320}, &out)
		res := h.call("nc_webdav_get_preview", map[string]any{"path": p, "size": 320})
		cfg, _, _ := imageOf(t, res)
		if out.Source != "local" || cfg.Width != 320 || cfg.Height != 180 {
			t.Errorf("%s preview: source %q, %d×%d", p, out.Source, cfg.Width, cfg.Height)
		}
	}
}
