package extract

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

func TestDownscaleHonoursEXIFOrientation(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(corpusDir, "photo-exif6.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width >= cfg.Height {
		t.Fatalf("the stored photo should be portrait: %d×%d %v", cfg.Width, cfg.Height, err)
	}
	if o := exifOrientation(bytes.NewReader(data)); o != 6 {
		t.Fatalf("orientation %d, want 6", o)
	}
	x := New(Config{})
	img, err := x.Downscale(context.Background(), bytes.NewReader(data), int64(len(data)), RenderOptions{MaxEdge: 200})
	if err != nil {
		t.Fatal(err)
	}
	if img.Width != 200 || img.Height >= img.Width {
		t.Fatalf("upright image is %d×%d, want landscape with a 200 px long edge", img.Width, img.Height)
	}
}

func TestDownscaleFitsLimits(t *testing.T) {
	// Noise does not compress: the PNG is large and must fall back to JPEG.
	src := image.NewRGBA(image.Rect(0, 0, 3000, 2000))
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range src.Pix {
		src.Pix[i] = byte(rng.Uint32())
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, src); err != nil {
		t.Fatal(err)
	}
	x := New(Config{})
	img, err := x.Downscale(context.Background(), bytes.NewReader(buf.Bytes()), int64(buf.Len()), RenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if img.Width != DefaultMaxEdge || img.Height != 1045 || len(img.Data) > DefaultMaxBytes || img.MIMEType != "image/jpeg" {
		t.Fatalf("got %s %d×%d, %d bytes", img.MIMEType, img.Width, img.Height, len(img.Data))
	}
	// A small flat image stays a PNG at its size.
	flat := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for i := 0; i < 40; i++ {
		flat.Set(i, 1, color.Black)
	}
	buf.Reset()
	_ = png.Encode(&buf, flat)
	img, err = x.Downscale(context.Background(), bytes.NewReader(buf.Bytes()), int64(buf.Len()), RenderOptions{})
	if err != nil || img.MIMEType != "image/png" || img.Width != 40 {
		t.Fatalf("small image: %+v %v", img, err)
	}
}
