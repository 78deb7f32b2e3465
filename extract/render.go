package extract

import (
	"context"
	"image"
	"image/draw"
	"io"
	"math"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/requests"
)

// maxRenderScale caps the pixels per point of a page render (200 dpi), so a
// small page is not blown up.
const maxRenderScale = 200.0 / 72

// RenderPage returns page (1-based) of a document as an image a vision model
// can read: a PDF page rendered by the PDF engine, a slide of a PPTX or ODP
// presentation drawn as laid out, or a picture downscaled. Other formats
// have no page images.
func (x *Extractor) RenderPage(ctx context.Context, r io.ReaderAt, size int64, contentType string, page int, o RenderOptions) (*Image, error) {
	t := sniff(r, size, contentType, "")
	switch t.format {
	case "pdf":
	case "image":
		if page > 1 {
			return nil, failf("image", KindMalformed, ErrNoSuchPage, "an image has one page, not %d", page)
		}
		return x.Downscale(ctx, r, size, o)
	case "pptx", "odp":
		return x.renderSlide(ctx, t.format, r, size, page, o)
	default:
		return nil, failf(t.format, KindUnsupported, ErrUnsupported, "a %s has no pages to render as images", FormatName(t.format))
	}
	o = o.withDefaults()
	if err := x.pdfReady(ctx); err != nil {
		return nil, err
	}
	var out *Image
	err := x.run(ctx, "pdf", func(ctx context.Context) error {
		if size > x.cfg.MaxInput {
			return failf("pdf", KindTooLarge, ErrTooLarge, "the file is %s, more than the %s that are read", humanBytes(size), humanBytes(x.cfg.MaxInput))
		}
		return x.withPDF(ctx, r, size, "", func(inst pdfium.Pdfium, d *pdfDoc) error {
			if page < 1 || page > d.pages {
				return failf("pdf", KindMalformed, ErrNoSuchPage, "it has %d pages, so there is no page %d", d.pages, page)
			}
			img, err := renderPDFPage(inst, d, page-1, o.MaxEdge)
			if err != nil {
				return err
			}
			out, err = encodeFit(ctx, img, true, o)
			return err
		})
	})
	return out, err
}

// ErrNoSuchPage is returned for a page number outside the document.
var ErrNoSuchPage = errorString("no such page")

func renderPDFPage(inst pdfium.Pdfium, d *pdfDoc, index, maxEdge int) (image.Image, error) {
	page := requests.Page{ByIndex: &requests.PageByIndex{Document: d.ref, Index: index}}
	sz, err := inst.GetPageSize(&requests.GetPageSize{Page: page})
	if err != nil {
		return nil, failf("pdf", KindMalformed, err, "page %d cannot be measured (%v)", index+1, err)
	}
	long := math.Max(sz.Width, sz.Height)
	if long <= 0 {
		return nil, failf("pdf", KindMalformed, ErrMalformed, "page %d has no size", index+1)
	}
	scale := math.Min(float64(maxEdge)/long, maxRenderScale)
	w, h := max(1, int(sz.Width*scale)), max(1, int(sz.Height*scale))
	res, err := inst.RenderPageInPixels(&requests.RenderPageInPixels{Page: page, Width: w, Height: h, RenderForm: true, Document: &d.ref})
	if err != nil {
		return nil, failf("pdf", KindMalformed, err, "page %d cannot be rendered (%v)", index+1, err)
	}
	defer res.Cleanup()
	src := res.Result.RenderedImage
	// The engine's pixel buffer lives in its memory until Cleanup: copy it
	// onto white, since PDF pages are paper.
	dst := image.NewRGBA(src.Bounds())
	draw.Draw(dst, dst.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(dst, dst.Bounds(), src, src.Bounds().Min, draw.Over)
	return dst, nil
}
