package nextcloud_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

func TestPreviews(t *testing.T) {
	ctx := context.Background()
	fake, c := filesClient(t)
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 800, 400))); err != nil {
		t.Fatal(err)
	}
	for p, b := range map[string][]byte{"/P/wide.png": buf.Bytes(), "/P/doc.pdf": []byte("%PDF-1.4\n%%EOF\n")} {
		if err := fake.PutFile("admin", p, b); err != nil {
			t.Fatal(err)
		}
	}
	img, err := c.StatPreview(ctx, "P/wide.png")
	if err != nil || !img.HasPreview || img.FileID == 0 || img.ContentType != "image/png" || img.ETag == "" {
		t.Fatalf("StatPreview png: %+v, %v", img, err)
	}
	pdf, err := c.StatPreview(ctx, "P/doc.pdf")
	if err != nil || pdf.HasPreview {
		t.Fatalf("StatPreview pdf: %+v, %v (a server without Imagick has no PDF previews)", pdf, err)
	}
	pv, err := c.Preview(ctx, img.FileID, nextcloud.PreviewOptions{Width: 256, Height: 256})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(pv.Data))
	if err != nil || pv.ContentType != "image/png" || cfg.Width != 256 || cfg.Height != 128 {
		t.Fatalf("preview %s %d×%d, %v", pv.ContentType, cfg.Width, cfg.Height, err)
	}
	if _, err := c.Preview(ctx, pdf.FileID, nextcloud.PreviewOptions{Width: 256}); !errors.Is(err, nextcloud.ErrNoPreview) {
		t.Fatalf("pdf preview err = %v, want ErrNoPreview", err)
	}
	if _, err := c.Preview(ctx, 99999999, nextcloud.PreviewOptions{}); !errors.Is(err, nextcloud.ErrNoPreview) {
		t.Fatalf("missing id err = %v, want ErrNoPreview", err)
	}
}
