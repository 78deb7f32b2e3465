package extract

import (
	"image/color"
	"strconv"
)

// PPTX tables: the grid, cell text and fills, and the table style's look
// (header row, banded rows, borders). A style defined in
// ppt/tableStyles.xml is read from there; PowerPoint's built-in styles
// are only named by id, so the common ones are approximated here.

// tableLook is a table style: per part of the table (wholeTbl, band1H,
// firstRow, ...), a fill, a text colour, bold, and borders.
type tableLook map[string]*tablePart

type tablePart struct {
	fill    *paint
	text    *color.NRGBA
	bold    bool
	borders map[string]stroke // left, right, top, bottom, insideH, insideV
}

// Built-in table styles by id: the family decides the look, the accent
// its colour.
var builtinTableStyles = map[string]struct {
	family string
	accent int
}{
	"{2D5ABB26-0587-4C30-8999-92F81FD0307C}": {"none", 0},
	"{5940675A-B579-460E-94D1-54222C63F5DA}": {"grid", 0},
	"{073A0DAA-6AF3-43AB-8588-CEC1D06C72B9}": {"medium2", 0},
	"{5C22544A-7EE6-4342-B048-85BDC9FD1C3A}": {"medium2", 1},
	"{21E4AEA4-8DFA-4A89-87EB-49C32662AFE0}": {"medium2", 2},
	"{F5AB1C69-6EDB-4FF4-983F-18BD219EF322}": {"medium2", 3},
	"{00A15C55-8517-42AA-B614-E9B94910E393}": {"medium2", 4},
	"{7DF18680-E054-41AD-8BC1-D1AEF772440D}": {"medium2", 5},
	"{93296810-A885-4BE3-A3E7-6D5BEEA58F35}": {"medium2", 6},
	"{9D7B26C5-4107-4FEC-AEDC-1716B250A1EF}": {"light1", 0},
	"{3B4B98B0-60AC-42C2-AFA5-B58CD77FA1E5}": {"light1", 1},
	"{0E3FDE45-AF77-4B5C-9715-49D594BDF05E}": {"light1", 2},
	"{C083E6E3-FA7D-4D7B-A595-EF9225AFEA82}": {"light1", 3},
	"{D27102A9-8310-4765-A935-A1911B00CA55}": {"light1", 4},
	"{5FD0F851-EC5A-4D38-B0AD-8093EC10F338}": {"light1", 5},
	"{68D230F3-CF80-4859-8CE7-A43EE81993B5}": {"light1", 6},
}

// builtinLook approximates a built-in style: "medium" (accent header,
// tinted bands, white rules, the default of PowerPoint), "light" (rules
// and a bold header), "grid" (thin black rules), "none".
func (p *pptxRenderer) builtinLook(id string) tableLook {
	st, ok := builtinTableStyles[id]
	if !ok {
		st.family, st.accent = "medium2", 1
	}
	dk, lt := p.theme.schemeColor("tx1"), p.theme.schemeColor("bg1")
	accent := dk
	if st.accent > 0 {
		accent = p.theme.scheme["accent"+strconv.Itoa(st.accent)]
	}
	tint := func(c color.NRGBA, f float64) *paint {
		h, s, l := rgbToHSL(c)
		pt := solid(hslColor(h, s, l*f+(1-f)))
		return &pt
	}
	rule := func(c color.NRGBA, w float64) map[string]stroke {
		s := stroke{c: c, w: w}
		return map[string]stroke{"left": s, "right": s, "top": s, "bottom": s, "insideH": s, "insideV": s}
	}
	switch st.family {
	case "none":
		return tableLook{"wholeTbl": {text: &dk}}
	case "grid":
		return tableLook{"wholeTbl": {text: &dk, borders: rule(dk, 1)}}
	case "light1":
		return tableLook{
			"wholeTbl": {text: &dk, borders: map[string]stroke{"top": {c: accent, w: 1}, "bottom": {c: accent, w: 1}}},
			"band1H":   {fill: tint(accent, 0.2)},
			"firstRow": {bold: true, borders: map[string]stroke{"bottom": {c: accent, w: 1}}},
		}
	}
	accentFill := solid(accent)
	return tableLook{
		"wholeTbl": {fill: tint(accent, 0.2), text: &dk, borders: rule(lt, 1)},
		"band1H":   {fill: tint(accent, 0.4)},
		"band1V":   {fill: tint(accent, 0.4)},
		"firstRow": {fill: &accentFill, text: &lt, bold: true, borders: map[string]stroke{"bottom": {c: lt, w: 3}}},
		"lastRow":  {fill: &accentFill, text: &lt, bold: true},
		"firstCol": {fill: &accentFill, text: &lt, bold: true},
		"lastCol":  {fill: &accentFill, text: &lt, bold: true},
	}
}

// look returns the style of a table: from tableStyles.xml when it defines
// it, else the built-in approximation; none without a style id.
func (p *pptxRenderer) look(tblPr *xnode) tableLook {
	id := tblPr.child("tableStyleId").text()
	if id == "" {
		if tblPr == nil || p.tblStyle == nil {
			return nil
		}
		// A table without an id takes the file's default style.
		id = p.tblStyle.attr("def")
		if id == "" {
			return nil
		}
	}
	for _, st := range p.tblStyle.children("tblStyle") {
		if st.attr("styleId") == id {
			return p.definedLook(st)
		}
	}
	return p.builtinLook(id)
}

func (p *pptxRenderer) definedLook(st *xnode) tableLook {
	look := tableLook{}
	for _, k := range st.kids() {
		if k.Local == "" || k.Local == "tblBg" || k.Local == "extLst" {
			continue
		}
		tp := &tablePart{borders: map[string]stroke{}}
		if tx := k.child("tcTxStyle"); tx != nil {
			tp.bold = tx.attr("b") == "on"
			if c, ok := p.theme.color(tx, colBlack); ok {
				tp.text = &c
			} else if c, ok := p.theme.color(tx.child("fontRef"), colBlack); ok {
				tp.text = &c
			}
		}
		if ts := k.child("tcStyle"); ts != nil {
			if f, ok := p.fillOf(nil, ts.child("fill")); ok {
				tp.fill = &f
			} else if c, ok := p.theme.color(ts.child("fillRef"), colBlack); ok {
				f := solid(c)
				tp.fill = &f
			}
			for _, side := range ts.path("tcBdr").kids() {
				if side.Local == "" {
					continue
				}
				if s, ok := p.lineOf(side); ok {
					tp.borders[side.Local] = s
				} else if c, ok := p.theme.color(side.child("lnRef"), colBlack); ok {
					tp.borders[side.Local] = stroke{c: c, w: 1}
				}
			}
		}
		look[k.Local] = tp
	}
	return look
}

// cellStyle merges the parts of a look that apply to a cell, the later
// parts winning: whole table, bands, first/last column, first/last row.
func (l tableLook) cellStyle(tblPr *xnode, row, col, rows, cols int) (fill paint, text *color.NRGBA, bold bool, borders [4]stroke) {
	if l == nil {
		return
	}
	on := func(a string) bool { return boolAttr(tblPr.attr(a)) }
	parts := []string{"wholeTbl"}
	r, c := row, col
	if on("firstRow") {
		r--
	}
	if on("firstCol") {
		c--
	}
	if on("bandRow") && r >= 0 && !(on("lastRow") && row == rows-1) {
		parts = append(parts, map[bool]string{true: "band1H", false: "band2H"}[r%2 == 0])
	}
	if on("bandCol") && c >= 0 && !(on("lastCol") && col == cols-1) {
		parts = append(parts, map[bool]string{true: "band1V", false: "band2V"}[c%2 == 0])
	}
	if on("lastCol") && col == cols-1 {
		parts = append(parts, "lastCol")
	}
	if on("firstCol") && col == 0 {
		parts = append(parts, "firstCol")
	}
	if on("lastRow") && row == rows-1 {
		parts = append(parts, "lastRow")
	}
	if on("firstRow") && row == 0 {
		parts = append(parts, "firstRow")
	}
	edge := [4]string{"insideV", "insideH", "insideV", "insideH"}
	if col == 0 {
		edge[0] = "left"
	}
	if row == 0 {
		edge[1] = "top"
	}
	if col == cols-1 {
		edge[2] = "right"
	}
	if row == rows-1 {
		edge[3] = "bottom"
	}
	for _, name := range parts {
		tp := l[name]
		if tp == nil {
			continue
		}
		if tp.fill != nil {
			fill = *tp.fill
		}
		if tp.text != nil {
			text = tp.text
		}
		bold = bold || tp.bold
		for i, e := range edge {
			if s, ok := tp.borders[e]; ok {
				borders[i] = s
			}
			// A part's own outer edge applies to its cells, e.g. the rule
			// under the header row.
			if s, ok := tp.borders[[4]string{"left", "top", "right", "bottom"}[i]]; ok && name != "wholeTbl" {
				borders[i] = s
			}
		}
	}
	return
}

// table builds a:tbl: column widths, row heights, cells with their text,
// fills and borders over the style's.
func (p *pptxRenderer) table(tbl *xnode) *slideTable {
	t := &slideTable{}
	for _, gc := range tbl.path("tblGrid").children("gridCol") {
		t.cols = append(t.cols, emuAttr(gc, "w", 0))
	}
	tblPr := tbl.child("tblPr")
	look := p.look(tblPr)
	rows := tbl.children("tr")
	for ri, tr := range rows {
		t.rows = append(t.rows, emuAttr(tr, "h", 0))
		for ci, tc := range tr.children("tc") {
			if boolAttr(tc.attr("hMerge")) || boolAttr(tc.attr("vMerge")) || ci >= len(t.cols) {
				continue
			}
			fill, textColor, bold, borders := look.cellStyle(tblPr, ri, ci, len(rows), len(t.cols))
			cell := tableCell{row: ri, col: ci, rowSpan: max(1, intAttr(tc, "rowSpan", 1)), colSpan: max(1, intAttr(tc, "gridSpan", 1)), fill: fill, borders: borders}
			tcPr := tc.child("tcPr")
			if f, ok := p.fillOf(nil, tcPr); ok {
				cell.fill = f
			}
			for i, side := range []string{"lnL", "lnT", "lnR", "lnB"} {
				if s, ok := p.lineFrom(tcPr.child(side)); ok {
					cell.borders[i] = s
				}
			}
			layers := []textLayer{{lst: p.defaults}, {lst: p.txStyle("other")}}
			if textColor != nil {
				layers = append(layers, textLayer{color: textColor})
			}
			body := tc.child("txBody")
			cell.text = p.textBody(body, layers)
			if cell.text != nil {
				cell.text.inset = [4]float64{emuAttr(tcPr, "marL", 7.2), emuAttr(tcPr, "marT", 3.6), emuAttr(tcPr, "marR", 7.2), emuAttr(tcPr, "marB", 3.6)}
				cell.text.anchor = map[string]textAnchor{"ctr": anchorMiddle, "b": anchorBottom}[tcPr.attr("anchor")]
				cell.text.shrink, cell.text.scale = false, 0
				if bold {
					for pi := range cell.text.paras {
						for ri := range cell.text.paras[pi].runs {
							if !explicitBold(body, pi, ri) {
								cell.text.paras[pi].runs[ri].bold = true
							}
						}
					}
				}
			}
			t.cells = append(t.cells, cell)
		}
	}
	return t
}

// explicitBold says whether run ri of paragraph pi sets b itself.
func explicitBold(body *xnode, pi, ri int) bool {
	ps := body.children("p")
	if pi >= len(ps) {
		return false
	}
	n := 0
	for _, k := range ps[pi].kids() {
		if k.Local != "r" && k.Local != "fld" && k.Local != "br" {
			continue
		}
		if n == ri {
			return k.child("rPr").attr("b") != ""
		}
		n++
	}
	return false
}
