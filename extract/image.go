package extract

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"

	// Decoders for the image types Downscale reads.
	_ "image/gif"

	_ "golang.org/x/image/bmp"
	"golang.org/x/image/draw"
	_ "golang.org/x/image/tiff"
	_ "golang.org/x/image/webp"
)

// Limits of images handed to a model: the long edge vision models use
// without rescaling, and a size that fits a tool result.
const (
	DefaultMaxEdge  = 1568
	DefaultMaxBytes = 1 << 20
	// maxImagePixels refuses images whose decoded pixels alone would take
	// too much memory (a decompression bomb): 100 megapixels.
	maxImagePixels = 100_000_000
)

// Image is an encoded picture ready to hand on.
type Image struct {
	MIMEType      string
	Data          []byte
	Width, Height int
}

// RenderOptions bound a rendered or downscaled image. Zero values mean
// DefaultMaxEdge and DefaultMaxBytes.
type RenderOptions struct {
	MaxEdge  int
	MaxBytes int
}

func (o RenderOptions) withDefaults() RenderOptions {
	if o.MaxEdge <= 0 {
		o.MaxEdge = DefaultMaxEdge
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	return o
}

// describeImage is what Extract says about a picture: one page, no text.
func (x *Extractor) describeImage(_ context.Context, r io.ReaderAt, size int64) (*Document, error) {
	cfg, _, err := image.DecodeConfig(io.NewSectionReader(r, 0, size))
	if err != nil {
		return nil, failf("image", KindMalformed, err, "the image cannot be decoded (%v)", err)
	}
	return &Document{UnitKind: "page", Units: []Unit{{Index: 1, Name: fmt.Sprintf("%d×%d image", cfg.Width, cfg.Height), NoText: true}}}, nil
}

// Downscale decodes an image, turns it upright as its EXIF orientation
// says, and scales it to fit the options: a 20 MB photo becomes a JPEG of
// at most MaxBytes.
func (x *Extractor) Downscale(ctx context.Context, r io.ReaderAt, size int64, o RenderOptions) (*Image, error) {
	o = o.withDefaults()
	var out *Image
	err := x.run(ctx, "image", func(ctx context.Context) error {
		if size > x.cfg.MaxInput {
			return failf("image", KindTooLarge, ErrTooLarge, "the image is %s, more than the %s that are read", humanBytes(size), humanBytes(x.cfg.MaxInput))
		}
		cfg, kind, err := image.DecodeConfig(io.NewSectionReader(r, 0, size))
		if err != nil {
			return failf("image", KindMalformed, err, "the image cannot be decoded (%v)", err)
		}
		if cfg.Width*cfg.Height > maxImagePixels {
			return failf("image", KindTooLarge, ErrTooLarge, "the image is %d×%d pixels, more than the %d megapixels that are decoded", cfg.Width, cfg.Height, maxImagePixels/1_000_000)
		}
		orientation := 1
		if kind == "jpeg" {
			orientation = exifOrientation(io.NewSectionReader(r, 0, size))
		}
		img, _, err := image.Decode(io.NewSectionReader(r, 0, size))
		if err != nil {
			return failf("image", KindMalformed, err, "the image cannot be decoded (%v)", err)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		img = fitImage(img, o.MaxEdge)
		img = orient(img, orientation)
		out, err = encodeFit(ctx, img, kind == "png" || kind == "gif", o)
		return err
	})
	return out, err
}

// fitImage scales img down so its long edge is at most maxEdge.
func fitImage(img image.Image, maxEdge int) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= maxEdge && h <= maxEdge {
		return img
	}
	if w >= h {
		h = max(1, h*maxEdge/w)
		w = maxEdge
	} else {
		w = max(1, w*maxEdge/h)
		h = maxEdge
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	return dst
}

// encodeFit encodes img as PNG (when preferred and small enough) or JPEG,
// lowering JPEG quality and then the size until it fits MaxBytes.
func encodeFit(ctx context.Context, img image.Image, preferPNG bool, o RenderOptions) (*Image, error) {
	return encodeFitLevel(ctx, img, preferPNG, png.BestCompression, o)
}

// encodeFitLevel is encodeFit with a PNG compression level: drawn slides,
// mostly flat colour, shrink by only a few percent more at the best level
// but take four to ten times longer.
func encodeFitLevel(ctx context.Context, img image.Image, preferPNG bool, level png.CompressionLevel, o RenderOptions) (*Image, error) {
	for range 6 {
		b := img.Bounds()
		if preferPNG {
			var buf bytes.Buffer
			enc := png.Encoder{CompressionLevel: level}
			if err := enc.Encode(&buf, img); err != nil {
				return nil, fmt.Errorf("encode png: %w", err)
			}
			if buf.Len() <= o.MaxBytes {
				return &Image{MIMEType: "image/png", Data: buf.Bytes(), Width: b.Dx(), Height: b.Dy()}, nil
			}
		}
		for _, q := range []int{85, 70, 55} {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			var buf bytes.Buffer
			if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
				return nil, fmt.Errorf("encode jpeg: %w", err)
			}
			if buf.Len() <= o.MaxBytes {
				return &Image{MIMEType: "image/jpeg", Data: buf.Bytes(), Width: b.Dx(), Height: b.Dy()}, nil
			}
		}
		img = fitImage(img, max(b.Dx(), b.Dy())*3/4)
	}
	return nil, failf("image", KindTooLarge, ErrTooLarge, "the image cannot be made smaller than %s", humanBytes(int64(o.MaxBytes)))
}
