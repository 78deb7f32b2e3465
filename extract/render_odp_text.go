package extract

import (
	"image/color"
	"math"
	"strconv"
	"strings"
)

// Text and tables of ODP slides: paragraphs, spans, lists with their
// bullets and numbers, and the styles they inherit from the shape, the
// outline level and the cell.

// odpTextCtx is where a shape's text takes the properties its paragraphs
// and spans leave out.
type odpTextCtx struct {
	st      *odfStyles
	shape   odpShapeStyle
	outline string // "<master>-outline" for an outline placeholder
	cell    string // the table-cell style of a cell's text
	align   textAlign
	page    int
}

// maxListDepth bounds list nesting (the XML depth limit bounds it too).
const maxListDepth = 10

// outlineBase finds the "-outline" style family of an outline
// placeholder, whose levels 2..9 have their own styles.
func outlineBase(ss odpShapeStyle) string {
	if ss.family != "presentation" {
		return ""
	}
	for _, st := range ss.st.chain("presentation", ss.name) {
		if n := st.attr("name"); strings.HasSuffix(n, "-outline1") {
			return strings.TrimSuffix(n, "1")
		}
	}
	return ""
}

// text builds the text of a shape or text box; nil when it has none.
func (o *odpRenderer) text(st *odfStyles, ss odpShapeStyle, n *xnode, anchor textAnchor, align textAlign) *textBody {
	tc := &odpTextCtx{st: st, shape: ss, outline: outlineBase(ss), align: align, page: o.page}
	tb := &textBody{anchor: anchor, wrap: true, inset: [4]float64{7.09, 3.54, 7.09, 3.54}}
	o.padding(ss, tb)
	if v, ok := ss.prop("graphic-properties", "textarea-vertical-align"); ok {
		tb.anchor = odfAnchor(v, anchor)
	}
	if v, _ := ss.prop("graphic-properties", "fit-to-size"); v == "true" || v == "shrink-to-fit" {
		tb.shrink = true
	}
	if v, _ := ss.prop("graphic-properties", "shrink-to-fit"); v == "true" {
		tb.shrink = true
	}
	if v, _ := ss.prop("graphic-properties", "wrap-option"); v == "no-wrap" && ss.family == "graphic" && n.Local != "text-box" {
		tb.wrap = false
	}
	tc.blocks(n, 1, "", &tb.paras)
	if tb.empty() {
		return nil
	}
	return tb
}

func (tc *odpTextCtx) blocks(n *xnode, level int, list string, out *[]textPara) {
	for _, k := range n.kids() {
		switch k.Local {
		case "p", "h":
			*out = append(*out, tc.para(k, level, "", 0, 0))
		case "list":
			tc.list(k, level, list, out)
		case "section", "text-box":
			tc.blocks(k, level, list, out)
		}
	}
}

// list lays out a text:list; the first list in a shape is level 1.
func (tc *odpTextCtx) list(l *xnode, level int, inherited string, out *[]textPara) {
	if level > maxListDepth {
		return
	}
	style := l.attr("style-name")
	if style == "" {
		style = inherited
	}
	lvl := tc.listLevel(style, level)
	num := max(1, intAttr(lvl, "start-value", 1))
	for _, item := range l.kids() {
		if item.Local != "list-item" && item.Local != "list-header" {
			continue
		}
		if v := intAttr(item, "start-value", 0); v > 0 {
			num = v
		}
		first := item.Local == "list-item"
		for _, k := range item.kids() {
			switch k.Local {
			case "p", "h":
				bullet := ""
				if first {
					bullet = listLabel(lvl, num)
				}
				marL, indent := listIndent(lvl)
				*out = append(*out, tc.para(k, level, bullet, marL, indent))
				first = false
			case "list":
				tc.list(k, level+1, style, out)
			}
		}
		if item.Local == "list-item" {
			num++
		}
	}
}

// listLevel finds the level's element of a list style; a list without a
// style of its own takes the one the shape's style carries.
func (tc *odpTextCtx) listLevel(style string, level int) *xnode {
	ls := tc.st.lists[style]
	if ls == nil {
		for _, st := range tc.st.chain(tc.shape.family, tc.shape.name) {
			if f := st.child("graphic-properties").child("list-style"); f != nil {
				ls = f
				break
			}
		}
	}
	if ls == nil {
		return nil
	}
	for _, k := range ls.kids() {
		if strings.HasPrefix(k.Local, "list-level-style-") && intAttr(k, "level", 1) == level {
			return k
		}
	}
	return nil
}

// listLabel is the bullet or number of a list item.
func listLabel(lvl *xnode, n int) string {
	if lvl == nil {
		return ""
	}
	switch lvl.Local {
	case "list-level-style-bullet":
		c := []rune(lvl.attr("bullet-char"))
		// Symbol fonts put their bullets in the private use area, which
		// the Go fonts lack.
		if len(c) == 0 || (c[0] >= 0xE000 && c[0] <= 0xF8FF) {
			return "•"
		}
		return string(c[0])
	case "list-level-style-image":
		return "•"
	case "list-level-style-number":
		var s string
		switch lvl.attr("num-format") {
		case "":
			return ""
		case "a":
			s = alphaNumber(n)
		case "A":
			s = strings.ToUpper(alphaNumber(n))
		case "i":
			s = strings.ToLower(romanNumber(n))
		case "I":
			s = romanNumber(n)
		default:
			s = strconv.Itoa(n)
		}
		return lvl.attr("num-prefix") + s + lvl.attr("num-suffix")
	}
	return ""
}

// listIndent reads where a list level's label and text go, in either
// ODF's older (space-before, min-label-width) or newer (label alignment)
// form.
func listIndent(lvl *xnode) (marL, indent float64) {
	props := lvl.child("list-level-properties")
	if props == nil {
		return 0, 0
	}
	if la := props.child("list-level-label-alignment"); la != nil {
		return odfLengthAttr(la, "margin-left", 0), odfLengthAttr(la, "text-indent", 0)
	}
	before := odfLengthAttr(props, "space-before", 0)
	label := odfLengthAttr(props, "min-label-width", 0)
	return before + label, -label
}

// textProp looks a text property up: spans (innermost first), the
// paragraph style, the cell, the outline level, the shape's style, the
// defaults.
func (tc *odpTextCtx) textProp(level int, para string, spans []string, attr string) (string, bool) {
	type src struct{ family, name string }
	var srcs []src
	for i := len(spans) - 1; i >= 0; i-- {
		srcs = append(srcs, src{"text", spans[i]})
	}
	srcs = append(srcs, src{"paragraph", para})
	if tc.cell != "" {
		srcs = append(srcs, src{"table-cell", tc.cell})
	}
	if tc.outline != "" && level > 1 {
		srcs = append(srcs, src{"presentation", tc.outline + strconv.Itoa(min(level, 9))})
	}
	srcs = append(srcs, src{tc.shape.family, tc.shape.name})
	for _, s := range srcs {
		for _, st := range tc.st.chain(s.family, s.name) {
			for _, p := range st.children("text-properties") {
				if v := p.attr(attr); v != "" {
					return v, true
				}
			}
		}
	}
	for _, fam := range []string{"graphic", "paragraph"} {
		if d := tc.st.defaults[fam]; d != nil {
			if v := d.child("text-properties").attr(attr); v != "" {
				return v, true
			}
		}
	}
	return "", false
}

// paraProp looks a paragraph property up the same way.
func (tc *odpTextCtx) paraProp(level int, para, attr string) (string, bool) {
	return tc.propIn("paragraph-properties", level, para, attr)
}

func (tc *odpTextCtx) propIn(props string, level int, para, attr string) (string, bool) {
	type src struct{ family, name string }
	srcs := []src{{"paragraph", para}}
	if tc.outline != "" && level > 1 {
		srcs = append(srcs, src{"presentation", tc.outline + strconv.Itoa(min(level, 9))})
	}
	srcs = append(srcs, src{tc.shape.family, tc.shape.name})
	for _, s := range srcs {
		for _, st := range tc.st.chain(s.family, s.name) {
			if v := st.child(props).attr(attr); v != "" {
				return v, true
			}
		}
	}
	return "", false
}

// runStyle resolves a run's size, weight and colour, and whether it is
// shown in capitals.
func (tc *odpTextCtx) runStyle(level int, para string, spans []string) (textRun, bool) {
	r := textRun{size: defaultFontSize, color: colBlack}
	// Sizes in percent scale the size they inherit.
	factor := 1.0
	srcSpans := spans
	for {
		v, ok := tc.textProp(level, para, srcSpans, "font-size")
		if !ok {
			break
		}
		if f, ok := odfPercent(v); ok {
			factor *= f
			// Look further down: drop the span that gave the percentage.
			if len(srcSpans) == 0 {
				break
			}
			srcSpans = srcSpans[:len(srcSpans)-1]
			continue
		}
		if l, ok := odfLength(v); ok {
			r.size = l
		}
		break
	}
	r.size *= factor
	if v, ok := tc.textProp(level, para, spans, "font-weight"); ok {
		n, err := strconv.Atoi(v)
		r.bold = v == "bold" || (err == nil && n >= 600)
	}
	if v, ok := tc.textProp(level, para, spans, "color"); ok {
		if c, ok := odfColor(v); ok {
			r.color = c
		}
	}
	upper := false
	if v, ok := tc.textProp(level, para, spans, "text-transform"); ok && v == "uppercase" {
		upper = true
	}
	return r, upper
}

// para builds a paragraph with its runs.
func (tc *odpTextCtx) para(p *xnode, level int, bullet string, listMarL, listIndent float64) textPara {
	ps := p.attr("style-name")
	tp := textPara{align: tc.align, bullet: bullet, marL: listMarL, indent: listIndent}
	if v, ok := tc.paraProp(level, ps, "text-align"); ok {
		switch v {
		case "center":
			tp.align = alignCenter
		case "end", "right":
			tp.align = alignRight
		case "start", "left", "justify":
			tp.align = alignLeft
		}
	}
	if v, ok := tc.paraProp(level, ps, "margin-left"); ok {
		if l, ok := odfLength(v); ok {
			tp.marL += l
		}
	}
	if v, ok := tc.paraProp(level, ps, "text-indent"); ok {
		if l, ok := odfLength(v); ok && bullet == "" {
			tp.indent = l
		}
	}
	if v, ok := tc.paraProp(level, ps, "margin-top"); ok {
		tp.spaceBefore, _ = odfLength(v)
	}
	if v, ok := tc.paraProp(level, ps, "margin-bottom"); ok {
		tp.spaceAfter, _ = odfLength(v)
	}
	if v, ok := tc.paraProp(level, ps, "line-height"); ok {
		if f, ok := odfPercent(v); ok {
			tp.lineSpacing = f
		}
	}
	base, _ := tc.runStyle(level, ps, nil)
	tp.size = base.size
	tc.inline(p, level, ps, nil, &tp.runs)
	if tp.bulletColor == (color.NRGBA{}) && len(tp.runs) > 0 {
		tp.bulletColor = tp.runs[0].color
	}
	return tp
}

// inline collects the runs of a paragraph or span.
func (tc *odpTextCtx) inline(n *xnode, level int, para string, spans []string, out *[]textRun) {
	add := func(text string) {
		r, upper := tc.runStyle(level, para, spans)
		if upper {
			text = strings.ToUpper(text)
		}
		r.text = text
		*out = append(*out, r)
	}
	for _, k := range n.kids() {
		switch k.Local {
		case "":
			if t := strings.Join(strings.Fields(k.Text), " "); t != "" {
				if strings.HasPrefix(k.Text, " ") || strings.HasPrefix(k.Text, "\n") {
					t = " " + t
				}
				if strings.HasSuffix(k.Text, " ") || strings.HasSuffix(k.Text, "\n") {
					t += " "
				}
				add(t)
			}
		case "s":
			add(strings.Repeat(" ", max(1, min(intAttr(k, "c", 1), 100))))
		case "tab":
			add("    ")
		case "line-break":
			add("\n")
		case "span", "a", "meta":
			tc.inline(k, level, para, append(spans[:len(spans):len(spans)], k.attr("style-name")), out)
		case "page-number":
			add(strconv.Itoa(tc.page))
		case "note", "annotation", "bookmark", "bookmark-start", "bookmark-end", "soft-page-break":
		default:
			if t := k.text(); t != "" {
				add(t)
			}
		}
	}
}

// table builds a table:table in a frame: column widths and row heights
// from their styles, cells with their fills, borders and text.
func (o *odpRenderer) table(st *odfStyles, t *xnode) *slideTable {
	const maxCols, maxRows = 256, 1024
	out := &slideTable{}
	var colDefault []string
	var rows []*xnode
	var collect func(n *xnode)
	collect = func(n *xnode) {
		for _, k := range n.kids() {
			switch k.Local {
			case "table-column":
				w, _ := st.prop("table-column", k.attr("style-name"), "table-column-properties", "column-width")
				width, ok := odfLength(w)
				if !ok {
					width = 72
				}
				for range max(1, min(intAttr(k, "number-columns-repeated", 1), maxCols)) {
					if len(out.cols) < maxCols {
						out.cols = append(out.cols, width)
						colDefault = append(colDefault, k.attr("default-cell-style-name"))
					}
				}
			case "table-row":
				if len(rows) < maxRows {
					rows = append(rows, k)
				}
			case "table-columns", "table-header-columns", "table-column-group", "table-rows", "table-header-rows", "table-row-group":
				collect(k)
			}
		}
	}
	collect(t)
	for ri, row := range rows {
		h, _ := st.prop("table-row", row.attr("style-name"), "table-row-properties", "row-height")
		height, _ := odfLength(h)
		if v, _ := st.prop("table-row", row.attr("style-name"), "table-row-properties", "min-row-height"); v != "" {
			if mh, ok := odfLength(v); ok {
				height = math.Max(height, mh)
			}
		}
		out.rows = append(out.rows, height)
		col := 0
		for _, cell := range row.kids() {
			if cell.Local != "table-cell" && cell.Local != "covered-table-cell" {
				continue
			}
			rep := max(1, min(intAttr(cell, "number-columns-repeated", 1), maxCols))
			if cell.Local == "covered-table-cell" {
				col += rep
				continue
			}
			for range rep {
				if col >= len(out.cols) {
					break
				}
				style := cell.attr("style-name")
				if style == "" {
					style = row.attr("default-cell-style-name")
				}
				if style == "" && col < len(colDefault) {
					style = colDefault[col]
				}
				out.cells = append(out.cells, o.tableCell(st, cell, style, ri, col))
				col++
			}
		}
	}
	return out
}

func (o *odpRenderer) tableCell(st *odfStyles, cell *xnode, style string, row, col int) tableCell {
	cs := odpShapeStyle{st: st, family: "table-cell", name: style}
	tcl := tableCell{row: row, col: col,
		rowSpan: max(1, intAttr(cell, "number-rows-spanned", 1)), colSpan: max(1, intAttr(cell, "number-columns-spanned", 1)),
		fill: o.fill(cs, "graphic-properties")}
	if tcl.fill.kind == paintNone {
		if v, ok := st.prop("table-cell", style, "table-cell-properties", "background-color"); ok {
			if c, ok := odfColor(v); ok {
				tcl.fill = solid(c)
			}
		}
	}
	all, _ := st.prop("table-cell", style, "paragraph-properties", "border")
	if all == "" {
		all, _ = st.prop("table-cell", style, "table-cell-properties", "border")
	}
	for i, side := range []string{"border-left", "border-top", "border-right", "border-bottom"} {
		v, _ := st.prop("table-cell", style, "paragraph-properties", side)
		if v == "" {
			v, _ = st.prop("table-cell", style, "table-cell-properties", side)
		}
		if v == "" {
			v = all
		}
		if s, ok := odfBorder(v); ok {
			tcl.borders[i] = s
		}
	}
	tc := &odpTextCtx{st: st, shape: odpShapeStyle{st: st, family: "graphic", name: "standard"}, cell: style, page: o.page}
	tb := &textBody{wrap: true, inset: [4]float64{7.09, 3.54, 7.09, 3.54}}
	for i, side := range []string{"padding-left", "padding-top", "padding-right", "padding-bottom"} {
		if v, ok := st.prop("table-cell", style, "graphic-properties", side); ok {
			if l, ok := odfLength(v); ok {
				tb.inset[i] = l
			}
		}
	}
	if v, ok := st.prop("table-cell", style, "graphic-properties", "textarea-vertical-align"); ok {
		tb.anchor = odfAnchor(v, anchorTop)
	}
	tc.blocks(cell, 1, "", &tb.paras)
	if !tb.empty() {
		tcl.text = tb
	}
	return tcl
}
