package extract

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"image/color"
	"math"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// Rendering an ODP slide: the master page's shapes, then the page's, from
// content.xml and styles.xml. ODF shapes carry absolute positions (also
// inside groups), so the work is in the styles: fills, outlines, padding
// and text properties looked up through parent styles.

type odpRenderer struct {
	slideErrs
	z       *zipDoc
	content *odfStyles // what content.xml sees
	master  *odfStyles // what the master pages in styles.xml see
	page    int
}

// odpShapeStyle names the style a shape is drawn with.
type odpShapeStyle struct {
	st     *odfStyles
	family string // graphic or presentation
	name   string
}

func (s odpShapeStyle) prop(props, attr string) (string, bool) {
	if v, ok := s.st.prop(s.family, s.name, props, attr); ok {
		return v, true
	}
	// Presentation styles fall back on the graphic defaults.
	if s.family != "graphic" {
		if d := s.st.defaults["graphic"]; d != nil {
			if v := d.child(props).attr(attr); v != "" {
				return v, true
			}
		}
	}
	return "", false
}

// odpSlide lays out slide number page (1-based) of an ODP.
func (x *Extractor) odpSlide(ctx context.Context, z *zipDoc, page int) (*slide, error) {
	content, err := z.odfContent("odp")
	if err != nil {
		return nil, err
	}
	styles, err := z.optionalXML("styles.xml")
	if err != nil {
		return nil, err
	}
	pages := content.path("body", "presentation").children("page")
	if page < 1 || page > len(pages) {
		return nil, failf("odp", KindMalformed, ErrNoSuchPage, "it has %d slides, so there is no slide %d", len(pages), page)
	}
	o := &odpRenderer{
		z:       z,
		content: newODFStyles(content.child("automatic-styles"), styles.child("styles")),
		master:  newODFStyles(styles.child("automatic-styles"), styles.child("styles")),
		page:    page,
	}
	pg := pages[page-1]
	var mp *xnode
	for _, m := range styles.path("master-styles").children("master-page") {
		if m.attr("name") == pg.attr("master-page-name") {
			mp = m
			break
		}
	}
	if mp == nil {
		mp = styles.path("master-styles").child("master-page")
	}
	s := &slide{w: 28 / 2.54 * 72, h: 15.75 / 2.54 * 72}
	if pl := o.master.pageLayout(styles, mp.attr("page-layout-name")); pl != nil {
		w, h := odfLengthAttr(pl, "page-width", 0), odfLengthAttr(pl, "page-height", 0)
		if w >= minSlidePt && w <= maxSlidePt && h >= minSlidePt && h <= maxSlidePt {
			s.w, s.h = w, h
		}
	}
	pageStyle := pg.attr("style-name")
	visible := func(attr string) bool {
		v, _ := o.content.prop("drawing-page", pageStyle, "drawing-page-properties", attr)
		return v != "false"
	}
	if visible("background-visible") {
		s.bg = o.pageFill(o.content, pageStyle)
		if s.bg.kind == paintNone {
			s.bg = o.pageFill(o.master, mp.attr("style-name"))
		}
	}
	if mp != nil && visible("background-objects-visible") {
		o.walk(ctx, o.master, mp, true, &s.shapes)
	}
	o.walk(ctx, o.content, pg, false, &s.shapes)
	if o.err != nil {
		return nil, o.err
	}
	return s, ctx.Err()
}

// pageLayout finds a page layout's properties in styles.xml.
func (s *odfStyles) pageLayout(styles *xnode, name string) *xnode {
	for _, pl := range styles.path("automatic-styles").children("page-layout") {
		if pl.attr("name") == name {
			return pl.child("page-layout-properties")
		}
	}
	return nil
}

// pageFill reads a drawing page style's background.
func (o *odpRenderer) pageFill(st *odfStyles, name string) paint {
	return o.fill(odpShapeStyle{st: st, family: "drawing-page", name: name}, "drawing-page-properties")
}

// fill reads draw:fill and its colour, gradient or bitmap.
func (o *odpRenderer) fill(s odpShapeStyle, props string) paint {
	kind, _ := s.prop(props, "fill")
	switch kind {
	case "solid":
		v, _ := s.prop(props, "fill-color")
		c, ok := odfColor(v)
		if !ok {
			c = color.NRGBA{0x72, 0x9F, 0xCF, 0xFF}
		}
		if op, ok := s.prop(props, "opacity"); ok {
			if f, ok := odfPercent(op); ok {
				c.A = uint8(math.Round(255 * math.Max(0, math.Min(1, f))))
			}
		}
		return solid(c)
	case "gradient":
		name, _ := s.prop(props, "fill-gradient-name")
		g := s.st.gradients[name]
		if g == nil {
			return paint{}
		}
		c1, ok1 := odfColor(g.attr("start-color"))
		c2, ok2 := odfColor(g.attr("end-color"))
		if !ok1 || !ok2 {
			return paint{}
		}
		// ODF angles run counter-clockwise from a top-to-bottom gradient.
		angle := 90 - odfAngle(g.attr("angle"))
		return paint{kind: paintGradient, c: c1, c2: c2, angle: angle}
	case "bitmap":
		name, _ := s.prop(props, "fill-image-name")
		if img := s.st.images[name]; img != nil {
			if pic := o.picture(img); pic != nil {
				return paint{kind: paintPicture, pic: pic}
			}
		}
	case "hatch":
		if v, ok := s.prop(props, "fill-color"); ok {
			if c, ok := odfColor(v); ok {
				return solid(c)
			}
		}
	}
	return paint{}
}

// odfAngle reads an angle: "30deg", "0.5rad", or tenths of a degree
// (ODF 1.1).
func odfAngle(s string) float64 {
	s = strings.TrimSpace(s)
	switch {
	case strings.HasSuffix(s, "deg"):
		v, _ := strconv.ParseFloat(strings.TrimSuffix(s, "deg"), 64)
		return v
	case strings.HasSuffix(s, "rad"):
		v, _ := strconv.ParseFloat(strings.TrimSuffix(s, "rad"), 64)
		return v * 180 / math.Pi
	case strings.HasSuffix(s, "grad"):
		v, _ := strconv.ParseFloat(strings.TrimSuffix(s, "grad"), 64)
		return v * 0.9
	}
	v, _ := strconv.ParseFloat(s, 64)
	return v / 10
}

// line reads draw:stroke and its colour and width.
func (o *odpRenderer) line(s odpShapeStyle) stroke {
	kind, _ := s.prop("graphic-properties", "stroke")
	if kind == "none" || kind == "" {
		return stroke{}
	}
	v, _ := s.prop("graphic-properties", "stroke-color")
	c, ok := odfColor(v)
	if !ok {
		c = colBlack
	}
	w := 0.5
	if v, ok := s.prop("graphic-properties", "stroke-width"); ok {
		if l, ok := odfLength(v); ok && l > 0 {
			w = l
		}
	}
	return stroke{c: c, w: w}
}

func (o *odpRenderer) shapeStyle(st *odfStyles, k *xnode) odpShapeStyle {
	if n := k.attrNS(nsODFPres, "style-name"); n != "" {
		return odpShapeStyle{st: st, family: "presentation", name: n}
	}
	return odpShapeStyle{st: st, family: "graphic", name: k.attrNS(nsODFDraw, "style-name")}
}

// odfBox reads a shape's position and size; a draw:transform's
// translation stands in for svg:x and svg:y (rotation is not drawn).
func odfBox(k *xnode) (box, bool) {
	w, okW := odfLength(k.attr("width"))
	h, okH := odfLength(k.attr("height"))
	if !okW || !okH {
		return box{}, false
	}
	x, _ := odfLength(k.attr("x"))
	y, _ := odfLength(k.attr("y"))
	if m := odfTranslate.FindStringSubmatch(k.attr("transform")); m != nil {
		tx, ok1 := odfLength(m[1])
		ty, ok2 := odfLength(m[2])
		if ok1 && ok2 {
			x, y = tx, ty
		}
	}
	return box{x, y, w, h}, true
}

var odfTranslate = regexp.MustCompile(`translate\s*\(\s*([-0-9.]+[a-z]+)\s*,?\s*([-0-9.]+[a-z]+)\s*\)`)

// odpSkippedClasses are placeholders drawn from fields the page turns on
// or off; their text is a field, not content.
var odpSkippedClasses = map[string]bool{"page-number": true, "date-time": true, "footer": true, "header": true, "notes": true, "handout": true, "page": true}

// walk adds the shapes under n. On a master page, placeholders are
// prompts and are skipped.
func (o *odpRenderer) walk(ctx context.Context, st *odfStyles, n *xnode, master bool, out *[]*shape) {
	for _, k := range n.kids() {
		if ctx.Err() != nil {
			return
		}
		if k.Local == "" || k.Local == "notes" {
			continue
		}
		class := k.attrNS(nsODFPres, "class")
		if class != "" && (master || odpSkippedClasses[class] || k.attrNS(nsODFPres, "placeholder") == "true") {
			continue
		}
		switch k.Local {
		case "g", "a":
			o.walk(ctx, st, k, master, out)
		case "frame":
			o.frame(st, k, out)
		case "rect", "custom-shape", "ellipse", "circle", "polygon", "polyline", "path", "regular-polygon", "caption":
			o.drawShape(st, k, out)
		case "line", "connector", "measure":
			o.drawLine(st, k, out)
		}
	}
}

func (o *odpRenderer) drawShape(st *odfStyles, k *xnode, out *[]*shape) {
	b, ok := odfBox(k)
	if !ok {
		return
	}
	ss := o.shapeStyle(st, k)
	sh := &shape{box: b, fill: o.fill(ss, "graphic-properties"), line: o.line(ss)}
	switch k.Local {
	case "ellipse", "circle":
		sh.geom = geomEllipse
	case "custom-shape":
		switch k.child("enhanced-geometry").attr("type") {
		case "ellipse", "circle", "ring", "flowchart-connector":
			sh.geom = geomEllipse
		case "round-rectangle", "round-square", "flowchart-alternate-process":
			sh.geom = geomRoundRect
		}
	case "polyline":
		sh.fill = paint{}
	}
	sh.text = o.text(st, ss, k, anchorMiddle, alignCenter)
	*out = append(*out, sh)
}

func (o *odpRenderer) drawLine(st *odfStyles, k *xnode, out *[]*shape) {
	x1, ok1 := odfLength(k.attr("x1"))
	y1, ok2 := odfLength(k.attr("y1"))
	x2, ok3 := odfLength(k.attr("x2"))
	y2, ok4 := odfLength(k.attr("y2"))
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return
	}
	ln := o.line(o.shapeStyle(st, k))
	if ln.none() {
		return
	}
	*out = append(*out, &shape{box: box{math.Min(x1, x2), math.Min(y1, y2), math.Abs(x2 - x1), math.Abs(y2 - y1)},
		geom: geomLine, line: ln, flipH: x2 < x1, flipV: y2 < y1})
}

// frame draws what a draw:frame holds: a table, a chart, a picture or a
// text box; an embedded object Go cannot draw shows its replacement
// picture or a labelled box.
func (o *odpRenderer) frame(st *odfStyles, k *xnode, out *[]*shape) {
	b, ok := odfBox(k)
	if !ok {
		return
	}
	ss := o.shapeStyle(st, k)
	if t := k.child("table"); t != nil {
		*out = append(*out, &shape{box: b, table: o.table(st, t)})
		return
	}
	images := k.children("image")
	if obj := k.child("object"); obj != nil {
		if ch := o.chart(obj); ch != nil {
			*out = append(*out, &shape{box: b, chart: ch})
			return
		}
		if pic := o.firstPicture(images); pic != nil {
			*out = append(*out, &shape{box: b, fill: paint{kind: paintPicture, pic: pic}})
			return
		}
		*out = append(*out, &shape{box: b, label: "embedded object"})
		return
	}
	if k.child("object-ole") != nil || k.child("plugin") != nil || k.child("applet") != nil {
		if pic := o.firstPicture(images); pic != nil {
			*out = append(*out, &shape{box: b, fill: paint{kind: paintPicture, pic: pic}})
			return
		}
		*out = append(*out, &shape{box: b, label: "embedded object"})
		return
	}
	if len(images) > 0 {
		sh := &shape{box: b, line: o.line(ss)}
		if pic := o.firstPicture(images); pic != nil {
			sh.fill = paint{kind: paintPicture, pic: pic}
		} else {
			name := path.Base(images[0].attrNS(nsXLink, "href"))
			sh.label = pictureLabel(name)
		}
		*out = append(*out, sh)
		return
	}
	if tb := k.child("text-box"); tb != nil {
		sh := &shape{box: b, fill: o.fill(ss, "graphic-properties"), line: o.line(ss)}
		sh.text = o.text(st, ss, tb, anchorTop, alignLeft)
		if sh.text != nil {
			o.padding(ss, sh.text)
			if v, ok := ss.prop("graphic-properties", "textarea-vertical-align"); ok {
				sh.text.anchor = odfAnchor(v, sh.text.anchor)
			}
		}
		if sh.text == nil && sh.fill.kind == paintNone && sh.line.none() {
			return
		}
		*out = append(*out, sh)
	}
}

func odfAnchor(v string, def textAnchor) textAnchor {
	switch v {
	case "top":
		return anchorTop
	case "middle":
		return anchorMiddle
	case "bottom":
		return anchorBottom
	}
	return def
}

// padding applies fo:padding-* of a shape's style to its text.
func (o *odpRenderer) padding(ss odpShapeStyle, tb *textBody) {
	all, _ := ss.prop("graphic-properties", "padding")
	for i, side := range []string{"padding-left", "padding-top", "padding-right", "padding-bottom"} {
		v, ok := ss.prop("graphic-properties", side)
		if !ok {
			v = all
		}
		if l, ok := odfLength(v); ok {
			tb.inset[i] = l
		}
	}
}

// firstPicture returns the first image of a frame that Go can decode
// (LibreOffice writes an SVG with a PNG after it), else the first at all.
func (o *odpRenderer) firstPicture(images []*xnode) *picture {
	var first *picture
	for _, im := range images {
		pic := o.picture(im)
		if pic == nil {
			continue
		}
		if _, _, err := image.DecodeConfig(bytes.NewReader(pic.data)); err == nil {
			return pic
		}
		if first == nil {
			first = pic
		}
	}
	return first
}

// picture reads an image element's bytes: a part of the package, or
// inline base64 data.
func (o *odpRenderer) picture(im *xnode) *picture {
	if bd := im.child("binary-data"); bd != nil {
		data, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(bd.text()), ""))
		if err != nil {
			return nil
		}
		return &picture{name: "image", data: data}
	}
	href := strings.TrimPrefix(im.attrNS(nsXLink, "href"), "./")
	if href == "" || strings.Contains(href, "://") || !o.z.has(href) {
		return nil
	}
	data, err := o.z.read(href)
	if err != nil {
		// A broken picture becomes a labelled box rather than failing the
		// slide; a zip bomb fails it.
		o.keep(err)
		data = nil
	}
	return &picture{name: path.Base(href), data: data}
}
