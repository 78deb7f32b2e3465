package extract

import (
	"image"
	"image/color"
	"math"
	"strings"
	"unicode/utf8"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Text on slides is drawn with the Go fonts (regular and bold), whatever
// typeface the file names: the pictures are for reading, not for proofs.
// Scripts the Go fonts lack (CJK, Hebrew, Arabic) show as boxes.

// slideFonts holds the parsed typefaces for one rendering.
type slideFonts struct{ regular, bold *opentype.Font }

func loadSlideFonts() (*slideFonts, error) {
	r, err := opentype.Parse(goregular.TTF)
	if err != nil {
		return nil, err
	}
	b, err := opentype.Parse(gobold.TTF)
	if err != nil {
		return nil, err
	}
	return &slideFonts{regular: r, bold: b}, nil
}

type textAnchor int

const (
	anchorTop textAnchor = iota
	anchorMiddle
	anchorBottom
)

type textAlign int

const (
	alignLeft textAlign = iota
	alignCenter
	alignRight
)

// textBody is the text of a shape or table cell: insets in points, how it
// sits in its box, and its paragraphs. scale is a font scale the file
// asks for (autofit); shrink asks to shrink further until the text fits.
type textBody struct {
	inset  [4]float64 // left, top, right, bottom
	anchor textAnchor
	wrap   bool
	scale  float64 // 0 means 1
	shrink bool
	paras  []textPara
}

// textPara is a paragraph: margins in points (indent applies to the first
// line, where a bullet hangs), spacing, and runs of styled text.
type textPara struct {
	align        textAlign
	marL, indent float64
	bullet       string
	bulletColor  color.NRGBA
	spaceBefore  float64 // points
	spaceAfter   float64
	lineSpacing  float64 // a multiple of single spacing; 0 means 1
	size         float64 // font size of an empty paragraph, points
	runs         []textRun
}

// textRun is text in one style; "\n" in it breaks the line.
type textRun struct {
	text  string
	size  float64 // points
	bold  bool
	color color.NRGBA
}

func (b *textBody) empty() bool {
	for _, p := range b.paras {
		for _, r := range p.runs {
			if strings.TrimSpace(r.text) != "" {
				return false
			}
		}
	}
	return true
}

// Font sizes are kept within these bounds (points) so a hostile file
// cannot ask for a face the size of a house or an endless number of them.
const (
	minFontSize     = 1
	maxFontSize     = 400
	defaultFontSize = 18
)

type faceKey struct {
	bold bool
	q    int // size in quarter pixels
}

// fontFace is a face at one pixel size with its line metrics.
type fontFace struct {
	font.Face
	ascent, descent float64
}

func (c *canvas) face(bold bool, sizePx float64) *fontFace {
	k := faceKey{bold: bold, q: max(1, int(math.Round(sizePx*4)))}
	if f, ok := c.faces[k]; ok {
		return f
	}
	fnt := c.fonts.regular
	if bold {
		fnt = c.fonts.bold
	}
	face, err := opentype.NewFace(fnt, &opentype.FaceOptions{Size: float64(k.q) / 4, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		return nil
	}
	m := face.Metrics()
	f := &fontFace{Face: face, ascent: fixedF(m.Ascent), descent: fixedF(m.Descent)}
	c.faces[k] = f
	return f
}

func fixedF(v fixed.Int26_6) float64 { return float64(v) / 64 }

// laidItem is a piece of text placed on a line, x in pixels from the
// line's start.
type laidItem struct {
	text  string
	face  *fontFace
	color color.NRGBA
	x     float64
}

type laidLine struct {
	items           []laidItem
	x, width        float64 // start and width in pixels from the text area's left
	ascent, descent float64
	gapBefore       float64
	pitch           float64
}

// layoutText breaks the paragraphs into lines for an area width pixels
// wide at font scale fs.
func (c *canvas) layoutText(width float64, b *textBody, fs float64) ([]laidLine, float64) {
	var lines []laidLine
	total := 0.0
	for pi, p := range b.paras {
		start := len(lines)
		c.layoutPara(width, b.wrap, p, fs, &lines)
		if pi > 0 && start < len(lines) {
			lines[start].gapBefore = p.spaceBefore * c.s * fs
		}
		if n := len(lines); n > start && p.spaceAfter > 0 {
			lines[n-1].pitch += p.spaceAfter * c.s * fs
		}
		for _, l := range lines[start:] {
			total += l.gapBefore + l.pitch
		}
	}
	return lines, total
}

type token struct {
	text  string
	run   int
	face  *fontFace
	width float64 // without trailing spaces
	full  float64 // with them
	brk   bool
}

func (c *canvas) layoutPara(width float64, wrap bool, p textPara, fs float64, out *[]laidLine) {
	spacing := p.lineSpacing
	if spacing <= 0 {
		spacing = 1
	}
	sizeOf := func(pt float64) float64 {
		if pt <= 0 {
			pt = defaultFontSize
		}
		return math.Max(minFontSize, math.Min(maxFontSize, pt)) * fs * c.s
	}
	var toks []token
	for ri, r := range p.runs {
		f := c.face(r.bold, sizeOf(r.size))
		if f == nil {
			continue
		}
		for _, t := range splitWords(strings.ReplaceAll(r.text, "\t", "    ")) {
			if t == "\n" {
				toks = append(toks, token{run: ri, face: f, brk: true})
				continue
			}
			trimmed := strings.TrimRight(t, " ")
			toks = append(toks, token{text: t, run: ri, face: f, width: measure(f, trimmed), full: measure(f, t)})
		}
	}
	emptyFace := c.face(false, sizeOf(p.size))
	if len(p.runs) > 0 {
		emptyFace = c.face(p.runs[0].bold, sizeOf(p.runs[0].size))
	}
	start := len(*out)
	marL, indent := p.marL*c.s*fs, p.indent*c.s*fs
	var bulletItem *laidItem
	textStart := marL + indent
	if p.bullet != "" && emptyFace != nil {
		col := p.bulletColor
		if col.A == 0 && len(p.runs) > 0 {
			col = p.runs[0].color
		}
		bulletItem = &laidItem{text: p.bullet, face: emptyFace, color: col, x: 0}
		bw := measure(emptyFace, p.bullet+" ")
		textStart = math.Max(marL, marL+indent+bw)
	}
	line := laidLine{x: marL + indent}
	cursor := textStart - line.x
	if bulletItem != nil {
		line.items = append(line.items, *bulletItem)
	}
	limit := func() float64 {
		if !wrap {
			return math.Inf(1)
		}
		return width - line.x
	}
	flush := func() {
		for _, it := range line.items {
			line.ascent = math.Max(line.ascent, it.face.ascent)
			line.descent = math.Max(line.descent, it.face.descent)
		}
		if len(line.items) == 0 && emptyFace != nil {
			line.ascent, line.descent = emptyFace.ascent, emptyFace.descent
		}
		// Single spacing is the font's ascent plus descent, as the
		// office applications lay lines out.
		line.pitch = (line.ascent + line.descent) * spacing
		*out = append(*out, line)
		line = laidLine{x: marL}
		cursor = 0
	}
	place := func(t token, text string, w, full float64) {
		line.items = append(line.items, laidItem{text: text, face: t.face, color: p.runs[t.run].color, x: cursor})
		line.width = cursor + w
		cursor += full
	}
	for _, t := range toks {
		if t.brk {
			flush()
			continue
		}
		if cursor > 0 && cursor+t.width > limit() {
			flush()
		}
		if t.width <= limit() || limit() <= 0 {
			place(t, t.text, t.width, t.full)
			continue
		}
		// A word wider than the box is broken where it reaches the edge.
		rest := t.text
		for rest != "" {
			n := fitRunes(t.face, rest, limit()-cursor)
			if n == 0 {
				if cursor > 0 {
					flush()
					continue
				}
				_, n = utf8.DecodeRuneInString(rest)
			}
			part := rest[:n]
			w := measure(t.face, strings.TrimRight(part, " "))
			place(t, part, w, measure(t.face, part))
			rest = rest[n:]
			if rest != "" {
				flush()
			}
		}
	}
	flush()
	// Alignment moves each of the paragraph's lines within what is left
	// of the width.
	for i := start; i < len(*out); i++ {
		l := &(*out)[i]
		room := width - l.x - l.width
		switch p.align {
		case alignCenter:
			l.x += room / 2
		case alignRight:
			l.x += room
		}
	}
}

// splitWords cuts text into words that keep their trailing spaces, and
// line breaks as "\n" tokens.
func splitWords(s string) []string {
	var out []string
	for len(s) > 0 {
		if s[0] == '\n' {
			out = append(out, "\n")
			s = s[1:]
			continue
		}
		i := strings.IndexAny(s, " \n")
		if i < 0 {
			out = append(out, s)
			break
		}
		j := i
		for j < len(s) && s[j] == ' ' {
			j++
		}
		out = append(out, s[:j])
		s = s[j:]
	}
	return out
}

func measure(f *fontFace, s string) float64 { return fixedF(font.MeasureString(f, s)) }

// fitRunes is how many bytes of s fit in w pixels.
func fitRunes(f *fontFace, s string, w float64) int {
	x, n := 0.0, 0
	for i, r := range s {
		a, ok := f.GlyphAdvance(r)
		if !ok {
			a, _ = f.GlyphAdvance('?')
		}
		x += fixedF(a)
		if x > w {
			return n
		}
		n = i + utf8.RuneLen(r)
	}
	return n
}

// textHeight is the height in pixels a body needs at width w pixels,
// insets included.
func (c *canvas) textHeight(w float64, b *textBody) float64 {
	fs := b.scale
	if fs <= 0 {
		fs = 1
	}
	inner := w - (b.inset[0]+b.inset[2])*c.s
	_, h := c.layoutText(math.Max(1, inner), b, fs)
	return h + (b.inset[1]+b.inset[3])*c.s
}

// drawText paints a text body inside r.
func (c *canvas) drawText(r image.Rectangle, b *textBody) {
	if b == nil || b.empty() {
		return
	}
	ax := float64(r.Min.X) + b.inset[0]*c.s
	ay := float64(r.Min.Y) + b.inset[1]*c.s
	aw := math.Max(1, float64(r.Dx())-(b.inset[0]+b.inset[2])*c.s)
	ah := float64(r.Dy()) - (b.inset[1]+b.inset[3])*c.s
	fs := b.scale
	if fs <= 0 {
		fs = 1
	}
	lines, total := c.layoutText(aw, b, fs)
	for b.shrink && total > ah && fs > 0.3 && ah > 0 {
		fs *= 0.9
		lines, total = c.layoutText(aw, b, fs)
	}
	y := ay
	switch b.anchor {
	case anchorMiddle:
		y += (ah - total) / 2
	case anchorBottom:
		y += ah - total
	}
	for _, l := range lines {
		y += l.gapBefore
		base := y + l.ascent
		for _, it := range l.items {
			if it.color.A == 0 || strings.TrimSpace(it.text) == "" {
				continue
			}
			d := font.Drawer{Dst: c.img, Src: image.NewUniform(it.color), Face: it.face,
				Dot: fixed.Point26_6{X: fixed.Int26_6((ax + l.x + it.x) * 64), Y: fixed.Int26_6(base * 64)}}
			if base-l.ascent > float64(c.img.Bounds().Max.Y) || base+l.descent < 0 {
				continue
			}
			d.DrawString(it.text)
		}
		y += l.pitch
	}
}
