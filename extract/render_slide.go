package extract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"path"
	"strings"

	"golang.org/x/image/draw"
	"golang.org/x/image/vector"
)

// A slide laid out in points, whatever file it came from: the PPTX and ODP
// readers build one, and drawSlide paints it. Keeping the two apart lets
// both formats share one painter, and lets the painter be tested alone.
type slide struct {
	w, h   float64 // page size in points
	bg     paint
	shapes []*shape
}

// box is a rectangle in points from the slide's top-left corner.
type box struct{ x, y, w, h float64 }

type paintKind int

const (
	paintNone paintKind = iota
	paintSolid
	paintGradient
	paintPicture
)

// paint fills an area: a colour, a two-colour linear gradient (angle in
// degrees, 0 = left to right, 90 = top to bottom) or a picture stretched
// over it.
type paint struct {
	kind  paintKind
	c, c2 color.NRGBA
	angle float64
	pic   *picture
}

func solid(c color.NRGBA) paint { return paint{kind: paintSolid, c: c} }

// stroke is an outline; a zero width or a transparent colour draws nothing.
type stroke struct {
	c color.NRGBA
	w float64 // points
}

func (s stroke) none() bool { return s.w <= 0 || s.c.A == 0 }

type geom int

const (
	geomRect geom = iota
	geomEllipse
	geomRoundRect
	geomLine
)

// shape is one thing on a slide, painted in this order: fill (or picture),
// table or chart, outline, text. label, when set, stands for content that
// cannot be drawn (a vector picture, an embedded object): a grey box says
// what it is.
type shape struct {
	box          box
	geom         geom
	flipH, flipV bool // for lines: which corners they join
	fill         paint
	line         stroke
	text         *textBody
	table        *slideTable
	chart        *slideChart
	label        string
}

// picture is an embedded image file, decoded only when painted. crop
// trims fractions of it from the left, top, right and bottom.
type picture struct {
	name string
	data []byte
	crop [4]float64
}

// slideTable is a grid: column widths and row heights in points (rows grow
// to fit their text), and the cells that are not covered by a span.
type slideTable struct {
	cols  []float64
	rows  []float64
	cells []tableCell
}

type tableCell struct {
	row, col, rowSpan, colSpan int
	fill                       paint
	borders                    [4]stroke // left, top, right, bottom
	text                       *textBody
}

// Colours every painter needs.
var (
	colWhite       = color.NRGBA{255, 255, 255, 255}
	colBlack       = color.NRGBA{0, 0, 0, 255}
	colPlaceholder = color.NRGBA{0xE7, 0xE6, 0xE6, 0xFF}
	colLabel       = color.NRGBA{0x59, 0x59, 0x59, 0xFF}
)

// slideRenderScale is how many pixels a point becomes when a slide of w×h
// points is drawn with its long edge at maxEdge pixels.
func slideRenderScale(w, h float64, maxEdge int) float64 {
	return float64(maxEdge) / math.Max(w, h)
}

// drawSlide paints s with its long edge at maxEdge pixels.
func drawSlide(ctx context.Context, s *slide, fonts *slideFonts, maxEdge int) (*image.RGBA, error) {
	if s.w <= 0 || s.h <= 0 || math.IsNaN(s.w) || math.IsNaN(s.h) {
		return nil, errorString("the slide has no size")
	}
	scale := slideRenderScale(s.w, s.h, maxEdge)
	w, h := max(1, int(math.Round(s.w*scale))), max(1, int(math.Round(s.h*scale)))
	c := &canvas{ctx: ctx, img: image.NewRGBA(image.Rect(0, 0, w, h)), s: scale, fonts: fonts, faces: map[faceKey]*fontFace{}}
	draw.Draw(c.img, c.img.Bounds(), image.NewUniform(colWhite), image.Point{}, draw.Src)
	c.paintRect(c.img.Bounds(), s.bg)
	for _, sh := range s.shapes {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		c.drawShape(sh)
	}
	return c.img, nil
}

// canvas paints on one image, holding what a slide's painting reuses.
type canvas struct {
	ctx   context.Context
	img   *image.RGBA
	s     float64 // pixels per point
	fonts *slideFonts
	faces map[faceKey]*fontFace
	ras   vector.Rasterizer
}

// rect converts a box in points to pixels.
func (c *canvas) rect(b box) image.Rectangle {
	x0, y0 := math.Round(b.x*c.s), math.Round(b.y*c.s)
	x1, y1 := math.Round((b.x+b.w)*c.s), math.Round((b.y+b.h)*c.s)
	return image.Rect(clampPx(x0), clampPx(y0), clampPx(x1), clampPx(y1))
}

// clampPx keeps hostile coordinates (1e300 points) from overflowing ints.
func clampPx(v float64) int {
	const lim = 1 << 20
	if math.IsNaN(v) {
		return 0
	}
	return int(math.Max(-lim, math.Min(lim, v)))
}

func (c *canvas) drawShape(sh *shape) {
	r := c.rect(sh.box)
	switch {
	case sh.geom == geomLine:
		c.drawLine(sh)
		return
	case sh.label != "":
		c.placeholder(r, sh.label)
	case sh.geom == geomEllipse:
		c.paintPath(r, sh.fill, func(z *vector.Rasterizer, o image.Point) { ellipsePath(z, r, o, 0) })
	case sh.geom == geomRoundRect:
		c.paintPath(r, sh.fill, func(z *vector.Rasterizer, o image.Point) { roundRectPath(z, r, o, 0) })
	default:
		c.paintRect(r, sh.fill)
	}
	if sh.table != nil {
		c.drawTable(sh.box, sh.table)
	}
	if sh.chart != nil {
		c.drawChart(r, sh.chart)
	}
	if !sh.line.none() && sh.label == "" {
		c.outline(r, sh.geom, sh.line)
	}
	if sh.text != nil {
		c.drawText(r, sh.text)
	}
}

// paintRect fills r with p.
func (c *canvas) paintRect(r image.Rectangle, p paint) {
	r = r.Intersect(c.img.Bounds())
	if r.Empty() {
		return
	}
	switch p.kind {
	case paintSolid:
		if p.c.A == 0 {
			return
		}
		draw.Draw(c.img, r, image.NewUniform(p.c), image.Point{}, draw.Over)
	case paintGradient:
		draw.Draw(c.img, r, gradientImage(r, p), r.Min, draw.Over)
	case paintPicture:
		c.drawPicture(r, p.pic)
	}
}

// paintPath fills the path that trace adds (in pixels relative to o, the
// clipped rectangle's corner) with p. Pictures in a non-rectangular
// shape are drawn as their average colour would be too costly to get
// right; they fill the bounding box instead.
func (c *canvas) paintPath(r image.Rectangle, p paint, trace func(z *vector.Rasterizer, o image.Point)) {
	clip := r.Intersect(c.img.Bounds())
	if clip.Empty() || p.kind == paintNone {
		return
	}
	var src image.Image
	switch p.kind {
	case paintSolid:
		if p.c.A == 0 {
			return
		}
		src = image.NewUniform(p.c)
	case paintGradient:
		src = gradientImage(clip, p)
	case paintPicture:
		c.drawPicture(r, p.pic)
		return
	}
	c.ras.Reset(clip.Dx(), clip.Dy())
	c.ras.DrawOp = draw.Over
	trace(&c.ras, clip.Min)
	sp := image.Point{}
	if _, uniform := src.(*image.Uniform); !uniform {
		sp = clip.Min
	}
	c.ras.Draw(c.img, clip, src, sp)
}

// gradientImage renders a linear gradient over r.
func gradientImage(r image.Rectangle, p paint) *image.RGBA {
	img := image.NewRGBA(r)
	a := p.angle * math.Pi / 180
	dx, dy := math.Cos(a), math.Sin(a)
	// Project the rectangle's corners on the direction to get t in 0..1.
	w, h := float64(r.Dx()), float64(r.Dy())
	lo, hi := math.Min(0, dx*w)+math.Min(0, dy*h), math.Max(0, dx*w)+math.Max(0, dy*h)
	span := math.Max(hi-lo, 1)
	for y := 0; y < r.Dy(); y++ {
		for x := 0; x < r.Dx(); x++ {
			t := (float64(x)*dx + float64(y)*dy - lo) / span
			img.Set(r.Min.X+x, r.Min.Y+y, mix(p.c, p.c2, t))
		}
	}
	return img
}

// mix blends a into b by t (0 gives a, 1 gives b).
func mix(a, b color.NRGBA, t float64) color.NRGBA {
	t = math.Max(0, math.Min(1, t))
	f := func(x, y uint8) uint8 { return uint8(math.Round(float64(x)*(1-t) + float64(y)*t)) }
	return color.NRGBA{f(a.R, b.R), f(a.G, b.G), f(a.B, b.B), f(a.A, b.A)}
}

// outline strokes the shape's edge inside and outside its box evenly.
func (c *canvas) outline(r image.Rectangle, g geom, s stroke) {
	w := math.Max(1, s.w*c.s)
	out := image.Rect(r.Min.X-int(w/2), r.Min.Y-int(w/2), r.Max.X+int(math.Ceil(w/2)), r.Max.Y+int(math.Ceil(w/2)))
	src := paint{kind: paintSolid, c: s.c}
	switch g {
	case geomEllipse:
		c.paintPath(out, src, func(z *vector.Rasterizer, o image.Point) {
			ellipsePath(z, out, o, 0)
			ellipsePath(z, out, o, w) // the inner edge, drawn the other way, cuts the hole
		})
	case geomRoundRect:
		c.paintPath(out, src, func(z *vector.Rasterizer, o image.Point) {
			roundRectPath(z, out, o, 0)
			roundRectPath(z, out, o, w)
		})
	default:
		iw := int(math.Round(w))
		c.paintRect(image.Rect(out.Min.X, out.Min.Y, out.Max.X, out.Min.Y+iw), src)
		c.paintRect(image.Rect(out.Min.X, out.Max.Y-iw, out.Max.X, out.Max.Y), src)
		c.paintRect(image.Rect(out.Min.X, out.Min.Y+iw, out.Min.X+iw, out.Max.Y-iw), src)
		c.paintRect(image.Rect(out.Max.X-iw, out.Min.Y+iw, out.Max.X, out.Max.Y-iw), src)
	}
}

// ellipsePath adds the ellipse inscribed in r, shrunk by inset pixels;
// an inset ellipse runs counter-clockwise so that it cuts a hole.
func ellipsePath(z *vector.Rasterizer, r image.Rectangle, o image.Point, inset float64) {
	cx, cy := float64(r.Min.X+r.Max.X)/2-float64(o.X), float64(r.Min.Y+r.Max.Y)/2-float64(o.Y)
	rx, ry := float64(r.Dx())/2-inset, float64(r.Dy())/2-inset
	if rx <= 0 || ry <= 0 {
		return
	}
	const n = 96
	dir := 1.0
	if inset > 0 {
		dir = -1
	}
	z.MoveTo(float32(cx+rx), float32(cy))
	for i := 1; i <= n; i++ {
		a := dir * 2 * math.Pi * float64(i) / n
		z.LineTo(float32(cx+rx*math.Cos(a)), float32(cy+ry*math.Sin(a)))
	}
	z.ClosePath()
}

// roundRectPath adds r with corners rounded by a sixth of its short side.
func roundRectPath(z *vector.Rasterizer, r image.Rectangle, o image.Point, inset float64) {
	x0, y0 := float64(r.Min.X-o.X)+inset, float64(r.Min.Y-o.Y)+inset
	x1, y1 := float64(r.Max.X-o.X)-inset, float64(r.Max.Y-o.Y)-inset
	if x1 <= x0 || y1 <= y0 {
		return
	}
	rad := math.Min(x1-x0, y1-y0) / 6
	pts := [][2]float64{}
	corner := func(cx, cy, a0 float64) {
		for i := 0; i <= 6; i++ {
			a := a0 + float64(i)*math.Pi/12
			pts = append(pts, [2]float64{cx + rad*math.Cos(a), cy + rad*math.Sin(a)})
		}
	}
	corner(x1-rad, y0+rad, -math.Pi/2)
	corner(x1-rad, y1-rad, 0)
	corner(x0+rad, y1-rad, math.Pi/2)
	corner(x0+rad, y0+rad, math.Pi)
	if inset > 0 {
		for i, j := 0, len(pts)-1; i < j; i, j = i+1, j-1 {
			pts[i], pts[j] = pts[j], pts[i]
		}
	}
	polyPath(z, pts)
}

func polyPath(z *vector.Rasterizer, pts [][2]float64) {
	if len(pts) < 3 {
		return
	}
	z.MoveTo(float32(pts[0][0]), float32(pts[0][1]))
	for _, p := range pts[1:] {
		z.LineTo(float32(p[0]), float32(p[1]))
	}
	z.ClosePath()
}

// drawLine strokes a line shape between the corners of its box that its
// flips select.
func (c *canvas) drawLine(sh *shape) {
	if sh.line.none() {
		return
	}
	x0, y0 := sh.box.x*c.s, sh.box.y*c.s
	x1, y1 := (sh.box.x+sh.box.w)*c.s, (sh.box.y+sh.box.h)*c.s
	if sh.flipH {
		x0, x1 = x1, x0
	}
	if sh.flipV {
		y0, y1 = y1, y0
	}
	c.strokeSegment(x0, y0, x1, y1, math.Max(1, sh.line.w*c.s), sh.line.c)
}

// strokeSegment draws a straight line w pixels wide.
func (c *canvas) strokeSegment(x0, y0, x1, y1, w float64, col color.NRGBA) {
	dx, dy := x1-x0, y1-y0
	l := math.Hypot(dx, dy)
	if l == 0 || math.IsNaN(l) || math.IsInf(l, 0) {
		return
	}
	nx, ny := -dy/l*w/2, dx/l*w/2
	r := image.Rect(clampPx(math.Floor(math.Min(x0, x1)-w)), clampPx(math.Floor(math.Min(y0, y1)-w)),
		clampPx(math.Ceil(math.Max(x0, x1)+w)), clampPx(math.Ceil(math.Max(y0, y1)+w)))
	c.paintPath(r, solid(col), func(z *vector.Rasterizer, o image.Point) {
		ox, oy := float64(o.X), float64(o.Y)
		polyPath(z, [][2]float64{{x0 + nx - ox, y0 + ny - oy}, {x1 + nx - ox, y1 + ny - oy}, {x1 - nx - ox, y1 - ny - oy}, {x0 - nx - ox, y0 - ny - oy}})
	})
}

// drawPicture decodes a picture and scales it into r; a picture Go cannot
// decode (EMF, WMF, SVG, TIFF with odd compression) becomes a labelled box.
func (c *canvas) drawPicture(r image.Rectangle, p *picture) {
	if p == nil || r.Empty() {
		return
	}
	img, err := decodePicture(p.data)
	if err != nil {
		c.placeholder(r, pictureLabel(p.name))
		return
	}
	b := img.Bounds()
	sr := image.Rect(
		b.Min.X+int(float64(b.Dx())*clamp01(p.crop[0])), b.Min.Y+int(float64(b.Dy())*clamp01(p.crop[1])),
		b.Max.X-int(float64(b.Dx())*clamp01(p.crop[2])), b.Max.Y-int(float64(b.Dy())*clamp01(p.crop[3])))
	if sr.Empty() {
		sr = b
	}
	// Scale only the visible part, so a picture hanging off the slide
	// costs no more than its visible pixels.
	clip := r.Intersect(c.img.Bounds())
	if clip.Empty() {
		return
	}
	fx, fy := float64(sr.Dx())/float64(r.Dx()), float64(sr.Dy())/float64(r.Dy())
	src := image.Rect(
		sr.Min.X+int(float64(clip.Min.X-r.Min.X)*fx), sr.Min.Y+int(float64(clip.Min.Y-r.Min.Y)*fy),
		sr.Min.X+int(math.Ceil(float64(clip.Max.X-r.Min.X)*fx)), sr.Min.Y+int(math.Ceil(float64(clip.Max.Y-r.Min.Y)*fy)))
	draw.BiLinear.Scale(c.img, clip, img, src.Intersect(b), draw.Over, nil)
}

func clamp01(v float64) float64 { return math.Max(0, math.Min(0.99, v)) }

// decodePicture decodes an embedded image within the pixel cap.
func decodePicture(data []byte) (image.Image, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxImagePixels {
		return nil, errorString("picture too large")
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	return img, err
}

// pictureLabel names a picture that cannot be drawn by its file type.
func pictureLabel(name string) string {
	ext := strings.ToUpper(strings.TrimPrefix(path.Ext(name), "."))
	if ext == "" {
		return "picture"
	}
	return ext + " picture"
}

// placeholder draws a grey box with a label saying what it stands for.
func (c *canvas) placeholder(r image.Rectangle, label string) {
	c.paintRect(r, solid(colPlaceholder))
	c.outline(r, geomRect, stroke{c: colLabel, w: 0.75})
	size := math.Min(14, math.Max(6, float64(r.Dy())/c.s/4))
	c.drawText(r, &textBody{inset: [4]float64{4, 4, 4, 4}, anchor: anchorMiddle, wrap: true, shrink: true,
		paras: []textPara{{align: alignCenter, runs: []textRun{{text: label, size: size, color: colLabel}}}}})
}

// drawTable lays out and paints a table at the box's corner: rows grow to
// hold their text, as they do in the applications.
func (c *canvas) drawTable(b box, t *slideTable) {
	if len(t.cols) == 0 || len(t.rows) == 0 {
		return
	}
	xs := make([]float64, len(t.cols)+1)
	xs[0] = b.x
	for i, w := range t.cols {
		xs[i+1] = xs[i] + math.Max(0, w)
	}
	heights := append([]float64(nil), t.rows...)
	for _, cell := range t.cells {
		if cell.text == nil || cell.rowSpan != 1 || cell.row >= len(heights) {
			continue
		}
		w := xs[min(cell.col+cell.colSpan, len(t.cols))] - xs[min(cell.col, len(t.cols))]
		need := c.textHeight(w*c.s, cell.text) / c.s
		heights[cell.row] = math.Max(heights[cell.row], need)
	}
	ys := make([]float64, len(heights)+1)
	ys[0] = b.y
	for i, h := range heights {
		ys[i+1] = ys[i] + h
	}
	cellBox := func(cell tableCell) (box, bool) {
		if cell.row >= len(heights) || cell.col >= len(t.cols) {
			return box{}, false
		}
		r1, c1 := min(cell.row+max(cell.rowSpan, 1), len(heights)), min(cell.col+max(cell.colSpan, 1), len(t.cols))
		return box{xs[cell.col], ys[cell.row], xs[c1] - xs[cell.col], ys[r1] - ys[cell.row]}, true
	}
	for _, cell := range t.cells {
		if cb, ok := cellBox(cell); ok {
			c.paintRect(c.rect(cb), cell.fill)
		}
	}
	for _, cell := range t.cells {
		cb, ok := cellBox(cell)
		if !ok {
			continue
		}
		r := c.rect(cb)
		if cell.text != nil {
			c.drawText(r, cell.text)
		}
		for side, s := range cell.borders {
			if s.none() {
				continue
			}
			w := max(1, int(math.Round(s.w*c.s)))
			var e image.Rectangle
			switch side {
			case 0:
				e = image.Rect(r.Min.X-w/2, r.Min.Y, r.Min.X-w/2+w, r.Max.Y)
			case 1:
				e = image.Rect(r.Min.X, r.Min.Y-w/2, r.Max.X, r.Min.Y-w/2+w)
			case 2:
				e = image.Rect(r.Max.X-w/2, r.Min.Y, r.Max.X-w/2+w, r.Max.Y)
			case 3:
				e = image.Rect(r.Min.X, r.Max.Y-w/2, r.Max.X, r.Max.Y-w/2+w)
			}
			c.paintRect(e, solid(s.c))
		}
	}
}

// xform maps child coordinates to the slide: a group scales and moves its
// children (rotation is not drawn).
type xform struct{ sx, sy, tx, ty float64 }

var identity = xform{sx: 1, sy: 1}

func (t xform) apply(b box) box {
	return box{b.x*t.sx + t.tx, b.y*t.sy + t.ty, b.w * t.sx, b.h * t.sy}
}

// then composes: first inner, then t.
func (t xform) then(inner xform) xform {
	return xform{sx: inner.sx * t.sx, sy: inner.sy * t.sy, tx: inner.tx*t.sx + t.tx, ty: inner.ty*t.sy + t.ty}
}

// minSlideDrawEdge is the smallest long edge a slide is drawn at: smaller
// images (thumbnails) are drawn at this size and scaled down, which keeps
// thin lines and small text smooth.
const minSlideDrawEdge = 800

// renderSlide draws one slide of a PPTX or ODP presentation.
func (x *Extractor) renderSlide(ctx context.Context, format string, r io.ReaderAt, size int64, page int, o RenderOptions) (*Image, error) {
	o = o.withDefaults()
	var out *Image
	err := x.run(ctx, format, func(ctx context.Context) error {
		s, err := x.loadSlide(ctx, format, r, size, page)
		if err != nil {
			return err
		}
		fonts, err := loadSlideFonts()
		if err != nil {
			return fmt.Errorf("load fonts: %w", err)
		}
		img, err := drawSlide(ctx, s, fonts, max(o.MaxEdge, minSlideDrawEdge))
		if err != nil {
			if isExtractError(err) || ctx.Err() != nil {
				return err
			}
			return failf(format, KindMalformed, err, "slide %d cannot be drawn (%v)", page, err)
		}
		out, err = encodeFitLevel(ctx, fitImage(img, o.MaxEdge), true, png.DefaultCompression, o)
		return err
	})
	return out, err
}

// loadSlide reads the layout of one slide.
func (x *Extractor) loadSlide(ctx context.Context, format string, r io.ReaderAt, size int64, page int) (*slide, error) {
	z, err := x.openZip(ctx, format, r, size)
	if err != nil {
		return nil, err
	}
	if format == "pptx" {
		return x.pptxSlide(ctx, z, page)
	}
	return x.odpSlide(ctx, z, page)
}

// slideErrs keeps the first error that must fail a slide even where a
// broken part only costs a labelled box: content past the limits (a zip
// bomb, nesting too deep) or a cancelled call.
type slideErrs struct{ err error }

func (e *slideErrs) keep(err error) {
	if e.err == nil && (errors.Is(err, ErrTooLarge) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		e.err = err
	}
}

// kids returns an element's children; a missing element has none.
func (n *xnode) kids() []*xnode {
	if n == nil {
		return nil
	}
	return n.Kids
}
