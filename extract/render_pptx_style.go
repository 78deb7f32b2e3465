package extract

import (
	"image/color"
	"math"
	"sort"
	"strconv"
	"strings"
)

// DrawingML styling for slide rendering: colours (theme, scheme mapping and
// modifiers), fills, outlines, and the text properties a paragraph
// inherits from the presentation, the master, the layout and the shape.

// emuPerPt converts English Metric Units to points.
const emuPerPt = 12700

func emuAttr(n *xnode, name string, def float64) float64 {
	if n == nil {
		return def
	}
	v, err := strconv.ParseFloat(n.attr(name), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return def
	}
	return v / emuPerPt
}

func intAttr(n *xnode, name string, def int) int {
	if n == nil {
		return def
	}
	v, err := strconv.Atoi(n.attr(name))
	if err != nil {
		return def
	}
	return v
}

func boolAttr(v string) bool { return v == "1" || v == "true" || v == "on" }

// pptxTheme is the colour scheme and the master's mapping of tx1, bg1...
// to its slots.
type pptxTheme struct {
	scheme map[string]color.NRGBA
	clrMap map[string]string
}

func newPPTXTheme(theme, master *xnode) *pptxTheme {
	t := &pptxTheme{scheme: map[string]color.NRGBA{}, clrMap: map[string]string{
		"tx1": "dk1", "tx2": "dk2", "bg1": "lt1", "bg2": "lt2",
	}}
	for _, k := range theme.path("themeElements", "clrScheme").kids() {
		if k.Local == "" {
			continue
		}
		if c, ok := t.color(k, color.NRGBA{}); ok {
			t.scheme[k.Local] = c
		}
	}
	for name, def := range map[string]color.NRGBA{"dk1": colBlack, "lt1": colWhite, "dk2": {0x44, 0x54, 0x6A, 0xFF}, "lt2": {0xE7, 0xE6, 0xE6, 0xFF}} {
		if _, ok := t.scheme[name]; !ok {
			t.scheme[name] = def
		}
	}
	for i, c := range defaultPalette() {
		if _, ok := t.scheme["accent"+strconv.Itoa(i+1)]; !ok {
			t.scheme["accent"+strconv.Itoa(i+1)] = c
		}
	}
	t.mapColors(master.child("clrMap"))
	return t
}

func (t *pptxTheme) mapColors(m *xnode) {
	if m == nil {
		return
	}
	for _, a := range m.Attr {
		if a.Value != "" {
			t.clrMap[a.Name.Local] = a.Value
		}
	}
}

func (t *pptxTheme) accents() []color.NRGBA {
	var out []color.NRGBA
	for i := 1; i <= 6; i++ {
		out = append(out, t.scheme["accent"+strconv.Itoa(i)])
	}
	return out
}

// scheme resolves a scheme colour name, through the master's mapping.
func (t *pptxTheme) schemeColor(name string) color.NRGBA {
	if m, ok := t.clrMap[name]; ok {
		name = m
	}
	if c, ok := t.scheme[name]; ok {
		return c
	}
	return colBlack
}

var presetColors = map[string]color.NRGBA{
	"black": colBlack, "white": colWhite, "red": {255, 0, 0, 255}, "green": {0, 128, 0, 255}, "blue": {0, 0, 255, 255},
	"yellow": {255, 255, 0, 255}, "gray": {128, 128, 128, 255}, "grey": {128, 128, 128, 255}, "orange": {255, 165, 0, 255},
	"purple": {128, 0, 128, 255}, "ltGray": {211, 211, 211, 255}, "dkGray": {169, 169, 169, 255}, "navy": {0, 0, 128, 255},
}

// color reads the colour element inside n (srgbClr, schemeClr, sysClr,
// prstClr, scrgbClr, hslClr) with its modifiers; phClr stands for the
// colour a style reference passes in.
func (t *pptxTheme) color(n *xnode, phClr color.NRGBA) (color.NRGBA, bool) {
	if n == nil {
		return color.NRGBA{}, false
	}
	for _, k := range n.kids() {
		var c color.NRGBA
		switch k.Local {
		case "srgbClr":
			c = hexColor(k.attr("val"))
		case "sysClr":
			c = hexColor(k.attr("lastClr"))
			if k.attr("lastClr") == "" && k.attr("val") == "window" {
				c = colWhite
			}
		case "schemeClr":
			if v := k.attr("val"); v == "phClr" {
				c = phClr
			} else {
				c = t.schemeColor(v)
			}
		case "prstClr":
			var ok bool
			if c, ok = presetColors[k.attr("val")]; !ok {
				c = colBlack
			}
		case "scrgbClr":
			lin := func(a string) uint8 {
				v := math.Max(0, math.Min(1, float64(intAttr(k, a, 0))/100000))
				return uint8(math.Round(255 * math.Pow(v, 1/2.2)))
			}
			c = color.NRGBA{lin("r"), lin("g"), lin("b"), 255}
		case "hslClr":
			c = hslColor(float64(intAttr(k, "hue", 0))/60000/360, float64(intAttr(k, "sat", 0))/100000, float64(intAttr(k, "lum", 0))/100000)
		default:
			continue
		}
		return applyColorMods(c, k), true
	}
	return color.NRGBA{}, false
}

func hexColor(s string) color.NRGBA {
	v, err := strconv.ParseUint(strings.TrimPrefix(s, "#"), 16, 32)
	if err != nil || len(strings.TrimPrefix(s, "#")) != 6 {
		return colBlack
	}
	return color.NRGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 255}
}

// applyColorMods applies DrawingML colour modifiers in document order.
func applyColorMods(c color.NRGBA, n *xnode) color.NRGBA {
	for _, m := range n.kids() {
		f := float64(intAttr(m, "val", 100000)) / 100000
		switch m.Local {
		case "alpha":
			c.A = uint8(math.Round(255 * math.Max(0, math.Min(1, f))))
		case "lumMod", "lumOff", "tint":
			h, s, l := rgbToHSL(c)
			switch m.Local {
			case "lumMod":
				l *= f
			case "lumOff":
				l += f
			case "tint":
				l = l*f + (1 - f)
			}
			a := c.A
			c = hslColor(h, s, math.Max(0, math.Min(1, l)))
			c.A = a
		case "shade":
			k := math.Max(0, math.Min(1, f))
			c = color.NRGBA{uint8(float64(c.R) * k), uint8(float64(c.G) * k), uint8(float64(c.B) * k), c.A}
		case "satMod":
			h, s, l := rgbToHSL(c)
			a := c.A
			c = hslColor(h, math.Max(0, math.Min(1, s*f)), l)
			c.A = a
		}
	}
	return c
}

func rgbToHSL(c color.NRGBA) (h, s, l float64) {
	r, g, b := float64(c.R)/255, float64(c.G)/255, float64(c.B)/255
	mx, mn := math.Max(r, math.Max(g, b)), math.Min(r, math.Min(g, b))
	l = (mx + mn) / 2
	if mx == mn {
		return 0, 0, l
	}
	d := mx - mn
	if l > 0.5 {
		s = d / (2 - mx - mn)
	} else {
		s = d / (mx + mn)
	}
	switch mx {
	case r:
		h = (g - b) / d
		if g < b {
			h += 6
		}
	case g:
		h = (b-r)/d + 2
	default:
		h = (r-g)/d + 4
	}
	return h / 6, s, l
}

func hslColor(h, s, l float64) color.NRGBA {
	if s == 0 {
		v := uint8(math.Round(l * 255))
		return color.NRGBA{v, v, v, 255}
	}
	var q float64
	if l < 0.5 {
		q = l * (1 + s)
	} else {
		q = l + s - l*s
	}
	p := 2*l - q
	hue := func(t float64) float64 {
		t -= math.Floor(t)
		switch {
		case t < 1.0/6:
			return p + (q-p)*6*t
		case t < 0.5:
			return q
		case t < 2.0/3:
			return p + (q-p)*(2.0/3-t)*6
		}
		return p
	}
	f := func(v float64) uint8 { return uint8(math.Round(math.Max(0, math.Min(1, v)) * 255)) }
	return color.NRGBA{f(hue(h + 1.0/3)), f(hue(h)), f(hue(h - 1.0/3)), 255}
}

// fillOf reads the fill among a properties element's children (spPr,
// bgPr, tcPr); ok is false when none is given, so the caller may
// inherit one.
func (p *pptxRenderer) fillOf(part *pptxPart, props *xnode) (paint, bool) {
	if props == nil {
		return paint{}, false
	}
	for _, k := range props.kids() {
		switch k.Local {
		case "noFill", "grpFill":
			return paint{}, true
		case "solidFill":
			c, _ := p.theme.color(k, colBlack)
			return solid(c), true
		case "gradFill":
			return p.gradient(k), true
		case "pattFill":
			fg, _ := p.theme.color(k.child("fgClr"), colBlack)
			bg, ok := p.theme.color(k.child("bgClr"), colWhite)
			if !ok {
				bg = colWhite
			}
			return solid(mix(fg, bg, 0.5)), true
		case "blipFill":
			if pic := p.picture(part, k); pic != nil {
				return paint{kind: paintPicture, pic: pic}, true
			}
			return paint{}, true
		}
	}
	return paint{}, false
}

// gradient approximates a gradient by its first and last stops.
func (p *pptxRenderer) gradient(g *xnode) paint {
	type stop struct {
		pos int
		c   color.NRGBA
	}
	var stops []stop
	for _, gs := range g.path("gsLst").children("gs") {
		if c, ok := p.theme.color(gs, colBlack); ok {
			stops = append(stops, stop{intAttr(gs, "pos", 0), c})
		}
	}
	if len(stops) == 0 {
		return paint{}
	}
	sort.SliceStable(stops, func(i, j int) bool { return stops[i].pos < stops[j].pos })
	angle := 90.0
	if lin := g.child("lin"); lin != nil {
		angle = float64(intAttr(lin, "ang", 0)) / 60000
	}
	return paint{kind: paintGradient, c: stops[0].c, c2: stops[len(stops)-1].c, angle: angle}
}

// lineOf reads an outline (a:ln) from properties; ok is false when the
// outline's colour is not given there.
func (p *pptxRenderer) lineOf(props *xnode) (stroke, bool) {
	return p.lineFrom(props.child("ln"))
}

// lineFrom reads an outline element (a:ln, a:lnL...).
func (p *pptxRenderer) lineFrom(ln *xnode) (stroke, bool) {
	if ln == nil {
		return stroke{}, false
	}
	w := emuAttr(ln, "w", 0.75)
	for _, k := range ln.kids() {
		switch k.Local {
		case "noFill":
			return stroke{}, true
		case "solidFill":
			c, _ := p.theme.color(k, colBlack)
			return stroke{c: c, w: math.Max(w, 0.25)}, true
		case "gradFill":
			g := p.gradient(k)
			return stroke{c: g.c, w: math.Max(w, 0.25)}, true
		}
	}
	return stroke{}, false
}

// styleRef reads a shape style reference (fillRef, lnRef, fontRef):
// whether it is used and its colour.
func (p *pptxRenderer) styleRef(style *xnode, name string) (color.NRGBA, bool) {
	ref := style.child(name)
	if ref == nil {
		return color.NRGBA{}, false
	}
	if name != "fontRef" && intAttr(ref, "idx", 0) == 0 {
		return color.NRGBA{}, false
	}
	return p.theme.color(ref, colBlack)
}

// textLayer is one level of text styling a paragraph inherits: a list
// style (lvl1pPr...), or a colour a shape style gives its text.
type textLayer struct {
	lst   *xnode
	color *color.NRGBA
}

// pptxPara is the resolved style of a paragraph and its default run.
type pptxPara struct {
	align        textAlign
	marL, indent float64
	bullet       string
	symbolBullet bool
	autoNum      string
	startAt      int
	bulletColor  color.NRGBA
	befPts       float64
	befPct       float64
	aftPts       float64
	lnPct        float64
	run          pptxRun
}

type pptxRun struct {
	size  float64
	bold  bool
	caps  bool
	color color.NRGBA
}

// applyPPr applies a paragraph properties element (lvlNpPr or pPr).
func (p *pptxRenderer) applyPPr(pp *pptxPara, n *xnode) {
	if n == nil {
		return
	}
	switch n.attr("algn") {
	case "l", "just", "justLow", "dist", "thaiDist":
		pp.align = alignLeft
	case "ctr":
		pp.align = alignCenter
	case "r":
		pp.align = alignRight
	}
	pp.marL = emuAttr(n, "marL", pp.marL)
	pp.indent = emuAttr(n, "indent", pp.indent)
	for _, k := range n.kids() {
		switch k.Local {
		case "buNone":
			pp.bullet, pp.autoNum = "", ""
		case "buChar":
			pp.bullet, pp.autoNum = k.attr("char"), ""
		case "buAutoNum":
			pp.bullet, pp.autoNum, pp.startAt = "", k.attr("type"), intAttr(k, "startAt", 1)
		case "buFont":
			// Symbol fonts map their own glyphs to letters; a plain
			// bullet is drawn instead of the letter.
			f := strings.ToLower(k.attr("typeface"))
			pp.symbolBullet = strings.Contains(f, "wingdings") || strings.Contains(f, "symbol") || strings.Contains(f, "webdings")
		case "buClr":
			pp.bulletColor, _ = p.theme.color(k, colBlack)
		case "buClrTx":
			pp.bulletColor = color.NRGBA{}
		case "spcBef":
			pp.befPts, pp.befPct = spacing(k)
		case "spcAft":
			pp.aftPts, _ = spacing(k)
		case "lnSpc":
			if pct := k.child("spcPct"); pct != nil {
				pp.lnPct = float64(intAttr(pct, "val", 100000)) / 100000
			}
		case "defRPr":
			p.applyRPr(&pp.run, k)
		}
	}
}

func spacing(n *xnode) (pts, pct float64) {
	if v := n.child("spcPts"); v != nil {
		return float64(intAttr(v, "val", 0)) / 100, 0
	}
	if v := n.child("spcPct"); v != nil {
		return 0, float64(intAttr(v, "val", 0)) / 100000
	}
	return 0, 0
}

// applyRPr applies run properties (rPr, defRPr, endParaRPr).
func (p *pptxRenderer) applyRPr(r *pptxRun, n *xnode) {
	if n == nil {
		return
	}
	if v := intAttr(n, "sz", 0); v > 0 {
		r.size = float64(v) / 100
	}
	if v := n.attr("b"); v != "" {
		r.bold = boolAttr(v)
	}
	if v := n.attr("cap"); v != "" {
		r.caps = v == "all"
	}
	for _, k := range n.kids() {
		switch k.Local {
		case "solidFill":
			r.color, _ = p.theme.color(k, colBlack)
		case "gradFill":
			r.color = p.gradient(k).c
		case "noFill":
			r.color = color.NRGBA{}
		}
	}
}

// bodyProps applies bodyPr elements, lowest priority first.
func bodyProps(tb *textBody, chain ...*xnode) {
	tb.inset = [4]float64{7.2, 3.6, 7.2, 3.6}
	tb.wrap = true
	for _, n := range chain {
		if n == nil {
			continue
		}
		tb.inset[0] = emuAttr(n, "lIns", tb.inset[0])
		tb.inset[1] = emuAttr(n, "tIns", tb.inset[1])
		tb.inset[2] = emuAttr(n, "rIns", tb.inset[2])
		tb.inset[3] = emuAttr(n, "bIns", tb.inset[3])
		switch n.attr("anchor") {
		case "t":
			tb.anchor = anchorTop
		case "ctr":
			tb.anchor = anchorMiddle
		case "b":
			tb.anchor = anchorBottom
		}
		switch n.attr("wrap") {
		case "none":
			tb.wrap = false
		case "square":
			tb.wrap = true
		}
		for _, k := range n.kids() {
			switch k.Local {
			case "normAutofit":
				tb.shrink = true
				tb.scale = float64(intAttr(k, "fontScale", 100000)) / 100000
			case "noAutofit", "spAutoFit":
				tb.shrink, tb.scale = false, 0
			}
		}
	}
}

// textBody builds a shape's text: list styles of the layers apply per
// paragraph level, then the paragraph's and the run's own properties.
func (p *pptxRenderer) textBody(txBody *xnode, layers []textLayer, bodyChain ...*xnode) *textBody {
	if txBody == nil {
		return nil
	}
	tb := &textBody{}
	bodyProps(tb, append(bodyChain, txBody.child("bodyPr"))...)
	layers = append(layers, textLayer{lst: txBody.child("lstStyle")})
	counters := map[int]int{}
	for _, para := range txBody.children("p") {
		pPr := para.child("pPr")
		lvl := max(0, min(intAttr(pPr, "lvl", 0), 8))
		pp := pptxPara{run: pptxRun{size: defaultFontSize, color: p.theme.schemeColor("tx1")}}
		lvlName := "lvl" + strconv.Itoa(lvl+1) + "pPr"
		for _, l := range layers {
			if l.color != nil {
				pp.run.color = *l.color
			}
			p.applyPPr(&pp, l.lst.child(lvlName))
		}
		p.applyPPr(&pp, pPr)
		if pp.symbolBullet && pp.bullet != "" {
			pp.bullet = "•"
		}
		tp := textPara{align: pp.align, marL: pp.marL, indent: pp.indent, bullet: pp.bullet, bulletColor: pp.bulletColor,
			spaceAfter: pp.aftPts, lineSpacing: pp.lnPct, size: pp.run.size}
		for _, k := range para.kids() {
			switch k.Local {
			case "r", "fld", "br":
				rp := pp.run
				p.applyRPr(&rp, k.child("rPr"))
				text := k.child("t").text()
				if k.Local == "br" {
					text = "\n"
				}
				if rp.caps {
					text = strings.ToUpper(text)
				}
				tp.runs = append(tp.runs, textRun{text: text, size: rp.size, bold: rp.bold, color: rp.color})
			case "endParaRPr":
				rp := pp.run
				p.applyRPr(&rp, k)
				tp.size = rp.size
			}
		}
		hasText := false
		for _, r := range tp.runs {
			hasText = hasText || strings.TrimSpace(r.text) != ""
		}
		if pp.autoNum != "" && hasText {
			counters[lvl]++
			tp.bullet = autoNumber(pp.autoNum, pp.startAt+counters[lvl]-1)
		} else if !hasText {
			tp.bullet = ""
		}
		for l := range counters {
			if l > lvl {
				delete(counters, l)
			}
		}
		first := tp.size
		if len(tp.runs) > 0 {
			first = tp.runs[0].size
		}
		tp.spaceBefore = pp.befPts + pp.befPct*first
		tb.paras = append(tb.paras, tp)
	}
	return tb
}

// autoNumber formats item n of a DrawingML numbering scheme such as
// arabicPeriod, alphaLcParenR or romanUcPeriod.
func autoNumber(scheme string, n int) string {
	n = max(1, min(n, 3999))
	var s string
	switch {
	case strings.HasPrefix(scheme, "alphaLc"):
		s = alphaNumber(n)
	case strings.HasPrefix(scheme, "alphaUc"):
		s = strings.ToUpper(alphaNumber(n))
	case strings.HasPrefix(scheme, "romanLc"):
		s = strings.ToLower(romanNumber(n))
	case strings.HasPrefix(scheme, "romanUc"):
		s = romanNumber(n)
	default:
		s = strconv.Itoa(n)
	}
	switch {
	case strings.HasSuffix(scheme, "ParenBoth"):
		return "(" + s + ")"
	case strings.HasSuffix(scheme, "ParenR"):
		return s + ")"
	case strings.HasSuffix(scheme, "Plain"):
		return s
	}
	return s + "."
}

func alphaNumber(n int) string {
	s := ""
	for n > 0 {
		n--
		s = string(rune('a'+n%26)) + s
		n /= 26
	}
	return s
}

func romanNumber(n int) string {
	vals := []int{1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1}
	syms := []string{"M", "CM", "D", "CD", "C", "XC", "L", "XL", "X", "IX", "V", "IV", "I"}
	var b strings.Builder
	for i, v := range vals {
		for n >= v {
			b.WriteString(syms[i])
			n -= v
		}
	}
	return b.String()
}
