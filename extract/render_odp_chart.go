package extract

import (
	"image/color"
	"math"
	"strconv"
	"strings"
)

// ODP charts: an embedded chart document ("Object 1/content.xml") whose
// series point into the table of values it carries.

// odfChartKinds maps chart:class values to what drawChart draws.
var odfChartKinds = map[string]string{
	"bar": "col", "line": "line", "area": "area", "circle": "pie", "ring": "pie",
	"scatter": "line", "bubble": "line", "radar": "line", "filled-radar": "area", "stock": "line",
}

// odfChartPalette is LibreOffice's default series colours.
func odfChartPalette() []color.NRGBA {
	var out []color.NRGBA
	for _, h := range []string{"#004586", "#ff420e", "#ffd320", "#579d1c", "#7e0021", "#83caff", "#314004", "#aecf00"} {
		c, _ := odfColor(h)
		out = append(out, c)
	}
	return out
}

// chart reads the chart an embedded object holds; nil when it is not a
// chart or cannot be read.
func (o *odpRenderer) chart(obj *xnode) *slideChart {
	href := strings.TrimSuffix(strings.TrimPrefix(obj.attrNS(nsXLink, "href"), "./"), "/")
	name := href + "/content.xml"
	if href == "" || !o.z.has(name) {
		return nil
	}
	doc, err := o.z.xml(name)
	if err != nil {
		o.keep(err)
		return nil
	}
	c := doc.path("body", "chart", "chart")
	if c == nil {
		return nil
	}
	st := newODFStyles(doc.child("automatic-styles"))
	if o.z.has(href + "/styles.xml") {
		if styles, err := o.z.xml(href + "/styles.xml"); err == nil {
			st = newODFStyles(doc.child("automatic-styles"), styles.child("styles"))
		} else {
			o.keep(err)
		}
	}
	ch := &slideChart{palette: odfChartPalette()}
	ch.title = strings.TrimSpace(strings.Join(strings.Fields(c.child("title").text()), " "))
	class := strings.TrimPrefix(c.attr("class"), "chart:")
	ch.kind = odfChartKinds[class]
	if ch.kind == "" {
		ch.kind = class
	}
	plot := c.child("plot-area")
	chartProp := func(style, attr string) string {
		v, _ := st.prop("chart", style, "chart-properties", attr)
		return v
	}
	if ch.kind == "col" && chartProp(plot.attr("style-name"), "vertical") == "true" {
		ch.kind = "bar"
	}
	ch.stacked = chartProp(plot.attr("style-name"), "stacked") == "true" || chartProp(plot.attr("style-name"), "percentage") == "true"
	grid := odfChartTable(c.child("table"))
	for _, ax := range plot.children("axis") {
		if ax.attr("dimension") == "x" {
			for _, v := range grid.values(ax.child("categories").attr("cell-range-address")) {
				ch.cats = append(ch.cats, v)
			}
		}
	}
	for _, ser := range plot.children("series") {
		if len(ch.series) >= maxChartSeries {
			break
		}
		s := chartSeries{}
		if names := grid.values(ser.attr("label-cell-address")); len(names) > 0 {
			s.name = names[0]
		}
		for _, v := range grid.values(ser.attr("values-cell-range-address")) {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				f = math.NaN()
			}
			s.vals = append(s.vals, f)
		}
		attr := "fill-color"
		if ch.kind == "line" {
			attr = "stroke-color"
		}
		if v, ok := st.prop("chart", ser.attr("style-name"), "graphic-properties", attr); ok {
			s.color, _ = odfColor(v)
		}
		i := 0
		for _, dp := range ser.children("data-point") {
			rep := max(1, min(intAttr(dp, "repeated", 1), maxChartPoints))
			var c color.NRGBA
			if v, ok := st.prop("chart", dp.attr("style-name"), "graphic-properties", "fill-color"); ok && dp.attr("style-name") != "" {
				c, _ = odfColor(v)
			}
			for range rep {
				if i >= maxChartPoints {
					break
				}
				s.points = append(s.points, c)
				i++
			}
		}
		ch.series = append(ch.series, s)
	}
	if len(ch.cats) == 0 && len(grid) > 1 {
		for _, row := range grid[1:] {
			if len(row) > 0 {
				ch.cats = append(ch.cats, row[0])
			}
		}
	}
	if ch.kind == "pie" && len(ch.series) > 0 {
		ch.series[0].color = color.NRGBA{}
	}
	return ch
}

// odfGrid is a chart's table of values, row by row, as text.
type odfGrid [][]string

func odfChartTable(t *xnode) odfGrid {
	var g odfGrid
	var collect func(n *xnode)
	collect = func(n *xnode) {
		for _, k := range n.kids() {
			switch k.Local {
			case "table-row":
				if len(g) >= maxChartPoints+1 {
					return
				}
				var row []string
				for _, cell := range k.kids() {
					if cell.Local != "table-cell" && cell.Local != "covered-table-cell" {
						continue
					}
					v := cell.attr("value")
					if v == "" {
						v = strings.TrimSpace(cell.text())
					}
					for range max(1, min(intAttr(cell, "number-columns-repeated", 1), maxChartSeries+1)) {
						row = append(row, v)
					}
				}
				g = append(g, row)
			case "table-header-rows", "table-rows", "table-row-group":
				collect(k)
			}
		}
	}
	if t != nil {
		collect(t)
	}
	return g
}

// values reads a cell range such as "local-table.$B$2:.$B$5" (the first
// of several) out of the grid, row by row.
func (g odfGrid) values(addr string) []string {
	addr = strings.Fields(addr + " ")[0]
	if addr == "" {
		return nil
	}
	from, to, _ := strings.Cut(addr, ":")
	c0, r0, ok := odfCell(from)
	if !ok {
		return nil
	}
	c1, r1 := c0, r0
	if to != "" {
		if c, r, ok := odfCell(to); ok {
			c1, r1 = c, r
		}
	}
	var out []string
	for r := r0; r <= r1 && r < len(g) && len(out) < maxChartPoints; r++ {
		for c := c0; c <= c1 && len(out) < maxChartPoints; c++ {
			if r >= 0 && c >= 0 && c < len(g[r]) {
				out = append(out, g[r][c])
			} else {
				out = append(out, "")
			}
		}
	}
	return out
}

// odfCell reads "table.$B$2" (or ".$B$2") as 0-based column and row.
func odfCell(s string) (col, row int, ok bool) {
	if i := strings.LastIndex(s, "."); i >= 0 {
		s = s[i+1:]
	}
	s = strings.ReplaceAll(s, "$", "")
	i := 0
	for i < len(s) && s[i] >= 'A' && s[i] <= 'Z' {
		col = col*26 + int(s[i]-'A'+1)
		i++
		if col > 1<<16 {
			return 0, 0, false
		}
	}
	r, err := strconv.Atoi(s[i:])
	if i == 0 || err != nil || r < 1 || r > 1<<20 {
		return 0, 0, false
	}
	return col - 1, r - 1, true
}
