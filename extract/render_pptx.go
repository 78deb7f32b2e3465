package extract

import (
	"context"
	"image/color"
	"path"
	"strings"
)

// Rendering a PPTX slide: the slide's shapes over those of its layout and
// master, each placeholder taking the position, size and text styles it
// leaves out from the matching placeholder of the layout and master.

// Slide sizes outside these bounds (points) are replaced by the 4:3
// default: PowerPoint allows 1 to 56 inches.
const (
	minSlidePt = 72
	maxSlidePt = 56 * 72
)

// pptxPart is a loaded part: its XML and its relationships.
type pptxPart struct {
	name string
	root *xnode
	rels map[string]rel
}

type pptxRenderer struct {
	slideErrs
	z        *zipDoc
	theme    *pptxTheme
	defaults *xnode // the presentation's defaultTextStyle
	master   *pptxPart
	layout   *pptxPart
	tblStyle *xnode // ppt/tableStyles.xml, if any
}

// pptxPresentation reads ppt/presentation.xml and its slide parts in
// presentation order, for reading the text and for drawing the slides.
func (z *zipDoc) pptxPresentation() (pres *xnode, slides []string, err error) {
	pres, err = z.xml("ppt/presentation.xml")
	if err != nil {
		return nil, nil, err
	}
	rels, err := z.rels("ppt/presentation.xml")
	if err != nil {
		return nil, nil, err
	}
	for _, s := range pres.path("sldIdLst").children("sldId") {
		if rl, ok := rels[s.attrNS(nsOfficeRels, "id")]; ok {
			slides = append(slides, rl.target)
		}
	}
	return pres, slides, nil
}

// pptxSlide lays out slide number page (1-based) of a PPTX.
func (x *Extractor) pptxSlide(ctx context.Context, z *zipDoc, page int) (*slide, error) {
	pres, parts, err := z.pptxPresentation()
	if err != nil {
		return nil, err
	}
	if page < 1 || page > len(parts) {
		return nil, failf("pptx", KindMalformed, ErrNoSuchPage, "it has %d slides, so there is no slide %d", len(parts), page)
	}
	s := &slide{w: 720, h: 540}
	if sz := pres.child("sldSz"); sz != nil {
		w, h := emuAttr(sz, "cx", 0), emuAttr(sz, "cy", 0)
		if w >= minSlidePt && w <= maxSlidePt && h >= minSlidePt && h <= maxSlidePt {
			s.w, s.h = w, h
		}
	}
	p := &pptxRenderer{z: z, defaults: pres.child("defaultTextStyle")}
	sp, err := p.load(parts[page-1])
	if err != nil {
		return nil, err
	}
	if r, ok := relOfType(sp.rels, "/slideLayout"); ok {
		if p.layout, err = p.loadOptional(r.target); err != nil {
			return nil, err
		}
	}
	if p.layout != nil {
		if r, ok := relOfType(p.layout.rels, "/slideMaster"); ok {
			if p.master, err = p.loadOptional(r.target); err != nil {
				return nil, err
			}
		}
	}
	var theme *xnode
	if p.master != nil {
		if r, ok := relOfType(p.master.rels, "/theme"); ok && z.has(r.target) {
			if theme, err = z.xml(r.target); err != nil {
				return nil, err
			}
		}
	}
	p.theme = newPPTXTheme(theme, p.master.node())
	p.theme.mapColors(p.layout.node().path("clrMapOvr", "overrideClrMapping"))
	p.theme.mapColors(sp.root.path("clrMapOvr", "overrideClrMapping"))
	if p.tblStyle, err = z.optionalXML("ppt/tableStyles.xml"); err != nil {
		return nil, err
	}

	for _, part := range []*pptxPart{sp, p.layout, p.master} {
		if bg := part.node().path("cSld", "bg"); bg != nil {
			s.bg = p.background(part, bg)
			break
		}
	}
	showMaster := sp.root.attr("showMasterSp") != "0" && p.layout.node().attr("showMasterSp") != "0"
	if showMaster && p.master != nil {
		p.walk(ctx, p.master, p.master.root.path("cSld", "spTree"), identity, false, &s.shapes)
	}
	if sp.root.attr("showMasterSp") != "0" && p.layout != nil {
		p.walk(ctx, p.layout, p.layout.root.path("cSld", "spTree"), identity, false, &s.shapes)
	}
	p.walk(ctx, sp, sp.root.path("cSld", "spTree"), identity, true, &s.shapes)
	if p.err != nil {
		return nil, p.err
	}
	return s, ctx.Err()
}

func (p *pptxPart) node() *xnode {
	if p == nil {
		return nil
	}
	return p.root
}

func (p *pptxRenderer) load(name string) (*pptxPart, error) {
	root, err := p.z.xml(name)
	if err != nil {
		return nil, err
	}
	rels, err := p.z.rels(name)
	if err != nil {
		return nil, err
	}
	return &pptxPart{name: name, root: root, rels: rels}, nil
}

// loadOptional loads a part that a slide can do without (a layout or
// master the file lacks).
func (p *pptxRenderer) loadOptional(name string) (*pptxPart, error) {
	if !p.z.has(name) {
		return nil, nil
	}
	return p.load(name)
}

// background reads p:bg: its own fill, or a theme reference's colour.
func (p *pptxRenderer) background(part *pptxPart, bg *xnode) paint {
	if pr := bg.child("bgPr"); pr != nil {
		f, _ := p.fillOf(part, pr)
		return f
	}
	if ref := bg.child("bgRef"); ref != nil {
		if c, ok := p.theme.color(ref, colWhite); ok {
			return solid(c)
		}
	}
	return paint{}
}

// walk adds the shapes of a shape tree in drawing order. Placeholders are
// taken from slides only: on layouts and masters they are prompts.
func (p *pptxRenderer) walk(ctx context.Context, part *pptxPart, tree *xnode, t xform, placeholders bool, out *[]*shape) {
	if tree == nil {
		return
	}
	for _, k := range tree.kids() {
		if ctx.Err() != nil {
			return
		}
		switch k.Local {
		case "sp":
			p.shape(part, k, t, placeholders, out)
		case "cxnSp":
			p.connector(k, t, out)
		case "pic":
			p.pic(part, k, t, placeholders, out)
		case "graphicFrame":
			p.frame(ctx, part, k, t, placeholders, out)
		case "grpSp":
			p.walk(ctx, part, k, t.then(groupXform(k.path("grpSpPr", "xfrm"))), placeholders, out)
		case "AlternateContent":
			// Take the first choice we can draw, else the fallback.
			for _, alt := range k.kids() {
				if alt.Local == "Choice" || alt.Local == "Fallback" {
					n := len(*out)
					p.walk(ctx, part, alt, t, placeholders, out)
					if len(*out) > n {
						break
					}
				}
			}
		}
	}
}

// groupXform maps a group's child coordinates to its parent's.
func groupXform(x *xnode) xform {
	if x == nil {
		return identity
	}
	off, ext := x.child("off"), x.child("ext")
	chOff, chExt := x.child("chOff"), x.child("chExt")
	g := identity
	cx, cy := emuAttr(ext, "cx", 0), emuAttr(ext, "cy", 0)
	ccx, ccy := emuAttr(chExt, "cx", 0), emuAttr(chExt, "cy", 0)
	if ccx > 0 && cx > 0 {
		g.sx = cx / ccx
	}
	if ccy > 0 && cy > 0 {
		g.sy = cy / ccy
	}
	g.tx = emuAttr(off, "x", 0) - emuAttr(chOff, "x", 0)*g.sx
	g.ty = emuAttr(off, "y", 0) - emuAttr(chOff, "y", 0)*g.sy
	return g
}

func xfrmBox(x *xnode) (box, bool) {
	if x == nil || x.child("off") == nil || x.child("ext") == nil {
		return box{}, false
	}
	off, ext := x.child("off"), x.child("ext")
	return box{emuAttr(off, "x", 0), emuAttr(off, "y", 0), emuAttr(ext, "cx", 0), emuAttr(ext, "cy", 0)}, true
}

// placeholderKind groups placeholder types the way they inherit: a
// centred title from the title, content of every kind from the body.
func placeholderKind(typ string) string {
	switch typ {
	case "title", "ctrTitle":
		return "title"
	case "dt", "ftr", "sldNum", "hdr", "sldImg":
		return typ
	}
	return "body"
}

// inherited finds the layout and master placeholders a slide placeholder
// takes what it leaves out from: on the layout by index, else by type;
// on the master by type, else by kind (a subtitle inherits the body).
func (p *pptxRenderer) inherited(ph *xnode) (layoutPh, masterPh *xnode) {
	typ, idx := ph.attr("type"), ph.attr("idx")
	layoutPh = findPlaceholder(p.layout, typ, idx)
	if lph := placeholderOf(layoutPh); lph != nil && lph.attr("type") != "" {
		typ = lph.attr("type")
	}
	return layoutPh, findPlaceholder(p.master, typ, "")
}

// placeholderOf returns the p:ph of a shape, picture or graphic frame.
func placeholderOf(k *xnode) *xnode {
	for _, nv := range []string{"nvSpPr", "nvPicPr", "nvGraphicFramePr"} {
		if ph := k.path(nv, "nvPr", "ph"); ph != nil {
			return ph
		}
	}
	return nil
}

func findPlaceholder(part *pptxPart, typ, idx string) *xnode {
	if part == nil {
		return nil
	}
	var byIdx, byType, byKind *xnode
	var search func(n *xnode)
	search = func(n *xnode) {
		for _, k := range n.kids() {
			if k.Local == "grpSp" {
				search(k)
				continue
			}
			ph := placeholderOf(k)
			if ph == nil {
				continue
			}
			switch {
			case idx != "" && ph.attr("idx") == idx && byIdx == nil:
				byIdx = k
			case ph.attr("type") == typ && byType == nil:
				byType = k
			case placeholderKind(ph.attr("type")) == placeholderKind(typ) && byKind == nil:
				byKind = k
			}
		}
	}
	search(part.root.path("cSld", "spTree"))
	for _, k := range []*xnode{byIdx, byType, byKind} {
		if k != nil {
			return k
		}
	}
	return nil
}

// txStyle is the master's text style a shape's text starts from.
func (p *pptxRenderer) txStyle(kind string) *xnode {
	styles := p.master.node().child("txStyles")
	switch kind {
	case "title":
		return styles.child("titleStyle")
	case "body":
		return styles.child("bodyStyle")
	}
	return styles.child("otherStyle")
}

func (p *pptxRenderer) shape(part *pptxPart, k *xnode, t xform, placeholders bool, out *[]*shape) {
	ph := k.path("nvSpPr", "nvPr", "ph")
	if ph != nil && !placeholders {
		return
	}
	spPr := k.child("spPr")
	var lph, mph *xnode
	kind := "other"
	if ph != nil {
		lph, mph = p.inherited(ph)
		kind = placeholderKind(ph.attr("type"))
		if kind != "title" && kind != "body" {
			kind = "other"
		}
	}
	b, ok := xfrmBox(spPr.child("xfrm"))
	for _, inh := range []*xnode{lph, mph} {
		if !ok && inh != nil {
			b, ok = xfrmBox(inh.path("spPr", "xfrm"))
		}
	}
	if !ok {
		return
	}
	sh := &shape{box: t.apply(b)}
	xf := spPr.child("xfrm")
	sh.flipH, sh.flipV = boolAttr(xf.attr("flipH")), boolAttr(xf.attr("flipV"))
	sh.geom = geometry(spPr)
	style := k.child("style")
	var found bool
	if sh.fill, found = p.fillOf(part, spPr); !found {
		if c, ok := p.styleRef(style, "fillRef"); ok {
			sh.fill = solid(c)
		} else if lph != nil || mph != nil {
			for _, inh := range []*xnode{lph, mph} {
				if inh != nil && !found {
					sh.fill, found = p.fillOf(p.partOf(inh, lph), inh.child("spPr"))
				}
			}
		}
	}
	if sh.line, found = p.lineOf(spPr); !found {
		if c, ok := p.styleRef(style, "lnRef"); ok {
			sh.line = stroke{c: c, w: emuAttr(spPr.child("ln"), "w", 0.75)}
		}
	}
	var layers []textLayer
	layers = append(layers, textLayer{lst: p.defaults}, textLayer{lst: p.txStyle(kind)})
	var bodyChain []*xnode
	for _, inh := range []*xnode{mph, lph} {
		if inh != nil {
			layers = append(layers, textLayer{lst: inh.path("txBody", "lstStyle")})
			bodyChain = append(bodyChain, inh.path("txBody", "bodyPr"))
		}
	}
	if c, ok := p.styleRef(style, "fontRef"); ok {
		layers = append(layers, textLayer{color: &c})
	}
	sh.text = p.textBody(k.child("txBody"), layers, bodyChain...)
	if sh.text != nil && sh.text.empty() {
		sh.text = nil
	}
	if sh.geom == geomLine {
		if sh.line.none() {
			return
		}
		sh.fill, sh.text = paint{}, nil
	}
	if ph != nil && sh.text == nil && sh.fill.kind == paintNone && sh.line.none() {
		return
	}
	*out = append(*out, sh)
}

// partOf says which part an inherited placeholder came from, so that its
// relationships (a picture fill) resolve against the right part.
func (p *pptxRenderer) partOf(n, layoutPh *xnode) *pptxPart {
	if n == layoutPh {
		return p.layout
	}
	return p.master
}

// geometry maps a preset geometry to what is drawn: rectangles,
// ellipses, rounded rectangles and lines; every other preset and custom
// geometry as its bounding box.
func geometry(spPr *xnode) geom {
	switch spPr.path("prstGeom").attr("prst") {
	case "ellipse", "donut", "pie", "chord", "flowChartConnector":
		return geomEllipse
	case "roundRect", "round1Rect", "round2SameRect", "round2DiagRect", "flowChartAlternateProcess":
		return geomRoundRect
	case "line", "straightConnector1", "bentConnector2", "bentConnector3", "bentConnector4", "bentConnector5",
		"curvedConnector2", "curvedConnector3", "curvedConnector4", "curvedConnector5":
		return geomLine
	}
	return geomRect
}

func (p *pptxRenderer) connector(k *xnode, t xform, out *[]*shape) {
	spPr := k.child("spPr")
	b, ok := xfrmBox(spPr.child("xfrm"))
	if !ok {
		return
	}
	ln, found := p.lineOf(spPr)
	if !found {
		if c, ok := p.styleRef(k.child("style"), "lnRef"); ok {
			ln = stroke{c: c, w: emuAttr(spPr.child("ln"), "w", 0.75)}
		}
	}
	if ln.none() {
		return
	}
	xf := spPr.child("xfrm")
	*out = append(*out, &shape{box: t.apply(b), geom: geomLine, line: ln, flipH: boolAttr(xf.attr("flipH")), flipV: boolAttr(xf.attr("flipV"))})
}

func (p *pptxRenderer) pic(part *pptxPart, k *xnode, t xform, placeholders bool, out *[]*shape) {
	ph := k.path("nvPicPr", "nvPr", "ph")
	if ph != nil && !placeholders {
		return
	}
	spPr := k.child("spPr")
	b, ok := xfrmBox(spPr.child("xfrm"))
	if !ok && ph != nil {
		lph, mph := p.inherited(ph)
		for _, inh := range []*xnode{lph, mph} {
			if !ok && inh != nil {
				b, ok = xfrmBox(inh.path("spPr", "xfrm"))
			}
		}
	}
	if !ok {
		return
	}
	sh := &shape{box: t.apply(b), geom: geometry(spPr)}
	if sh.geom == geomLine {
		sh.geom = geomRect
	}
	if pic := p.picture(part, k.child("blipFill")); pic != nil {
		sh.fill = paint{kind: paintPicture, pic: pic}
	} else if k.path("blipFill", "blip") != nil {
		sh.label = "linked picture"
	} else {
		return
	}
	sh.line, _ = p.lineOf(spPr)
	*out = append(*out, sh)
}

// picture reads the image a blipFill embeds, with its crop. Pictures a
// file links to instead of embedding are not fetched.
func (p *pptxRenderer) picture(part *pptxPart, blipFill *xnode) *picture {
	blip := blipFill.child("blip")
	if blip == nil || part == nil {
		return nil
	}
	r, ok := part.rels[blip.attrNS(nsOfficeRels, "embed")]
	if !ok || r.mode == "External" || !p.z.has(r.target) {
		return nil
	}
	data, err := p.z.read(r.target)
	if err != nil {
		// A broken picture becomes a labelled box rather than failing the
		// slide; a zip bomb fails it.
		p.keep(err)
		data = nil
	}
	pic := &picture{name: path.Base(r.target), data: data}
	if src := blipFill.child("srcRect"); src != nil {
		for i, a := range []string{"l", "t", "r", "b"} {
			pic.crop[i] = float64(intAttr(src, a, 0)) / 100000
		}
	}
	return pic
}

// frame draws a graphic frame: a table, a chart, or an embedded object
// or diagram as what it shows or a labelled box.
func (p *pptxRenderer) frame(ctx context.Context, part *pptxPart, k *xnode, t xform, placeholders bool, out *[]*shape) {
	if k.path("nvGraphicFramePr", "nvPr", "ph") != nil && !placeholders {
		return
	}
	b, ok := xfrmBox(k.child("xfrm"))
	if !ok {
		return
	}
	b = t.apply(b)
	data := k.path("graphic", "graphicData")
	uri := data.attr("uri")
	switch {
	case data.child("tbl") != nil:
		*out = append(*out, &shape{box: b, table: p.table(data.child("tbl"))})
	case strings.HasSuffix(uri, "/chart"):
		ch := p.chart(part, data.child("chart"))
		if ch == nil {
			*out = append(*out, &shape{box: b, label: "chart"})
			return
		}
		*out = append(*out, &shape{box: b, chart: ch})
	case strings.HasSuffix(uri, "/diagram"):
		if !p.diagram(ctx, part, data, b, out) {
			*out = append(*out, &shape{box: b, label: "diagram"})
		}
	default:
		// An embedded object shows its preview picture, when it has one.
		for _, pic := range data.find("pic") {
			if img := p.picture(part, pic.child("blipFill")); img != nil {
				*out = append(*out, &shape{box: b, fill: paint{kind: paintPicture, pic: img}})
				return
			}
		}
		*out = append(*out, &shape{box: b, label: "embedded object"})
	}
}

// diagram draws SmartArt from the drawing PowerPoint saves beside its
// data: ordinary shapes in the frame's coordinates.
func (p *pptxRenderer) diagram(ctx context.Context, part *pptxPart, data *xnode, b box, out *[]*shape) bool {
	rel, ok := part.rels[data.child("relIds").attrNS(nsOfficeRels, "dm")]
	if !ok || !p.z.has(rel.target) {
		return false
	}
	dm, err := p.z.xml(rel.target)
	if err != nil {
		p.keep(err)
		return false
	}
	var drawingID string
	for _, ext := range dm.find("dataModelExt") {
		drawingID = ext.attr("relId")
	}
	drel, ok := part.rels[drawingID]
	if !ok || !p.z.has(drel.target) {
		return false
	}
	d, err := p.load(drel.target)
	if err != nil {
		p.keep(err)
		return false
	}
	n := len(*out)
	p.walk(ctx, d, d.root.child("spTree"), xform{sx: 1, sy: 1, tx: b.x, ty: b.y}, false, out)
	return len(*out) > n
}

// namedColor is a convenience for tests and table looks.
func namedColor(c color.NRGBA) *color.NRGBA { return &c }
