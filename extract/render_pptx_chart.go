package extract

import (
	"math"
	"sort"
	"strconv"
	"strings"
)

// PPTX charts (c:chartSpace parts) reduced to a slideChart from the
// values the file caches for each series.

// chartKinds maps DrawingML chart elements to what drawChart draws.
var chartKinds = map[string]string{
	"barChart": "bar", "bar3DChart": "bar", "lineChart": "line", "line3DChart": "line", "stockChart": "line",
	"radarChart": "line", "scatterChart": "line", "bubbleChart": "line", "areaChart": "area", "area3DChart": "area",
	"pieChart": "pie", "pie3DChart": "pie", "doughnutChart": "pie", "ofPieChart": "pie",
	"surfaceChart": "surface", "surface3DChart": "surface",
}

// chart reads the chart part a c:chart element points at; nil when it is
// missing or broken.
func (p *pptxRenderer) chart(part *pptxPart, ref *xnode) *slideChart {
	r, ok := part.rels[ref.attrNS(nsOfficeRels, "id")]
	if !ok || !p.z.has(r.target) {
		return nil
	}
	cs, err := p.z.xml(r.target)
	if err != nil {
		p.keep(err)
		return nil
	}
	return drawingMLChart(cs, p.theme)
}

func drawingMLChart(cs *xnode, theme *pptxTheme) *slideChart {
	ch := &slideChart{palette: theme.accents()}
	c := cs.child("chart")
	if c == nil {
		return nil
	}
	title := c.child("title")
	ch.title = chartTitle(title)
	var plot *xnode
	for _, k := range c.path("plotArea").kids() {
		if kind, ok := chartKinds[k.Local]; ok {
			plot = k
			ch.kind = kind
			break
		}
	}
	if plot == nil {
		return ch
	}
	if ch.kind == "bar" && plot.path("barDir").attr("val") != "bar" {
		ch.kind = "col"
	}
	if g := plot.path("grouping").attr("val"); g == "stacked" || g == "percentStacked" {
		ch.stacked = true
	}
	for _, ser := range plot.children("ser") {
		if len(ch.series) >= maxChartSeries {
			break
		}
		s := chartSeries{name: seriesName(ser.child("tx"))}
		valNode, catNode := ser.child("val"), ser.child("cat")
		if plot.Local == "scatterChart" || plot.Local == "bubbleChart" {
			valNode, catNode = ser.child("yVal"), ser.child("xVal")
		}
		s.vals = numCache(valNode)
		if cats := strCache(catNode); len(cats) > len(ch.cats) {
			ch.cats = cats
		}
		props := ser.child("spPr")
		fill, ok := theme.color(props.child("solidFill"), colBlack)
		if !ok {
			fill, ok = theme.color(props.path("ln", "solidFill"), colBlack)
		}
		if ok {
			s.color = fill
		}
		for _, dp := range ser.children("dPt") {
			i := intAttr(dp.child("idx"), "val", -1)
			if i < 0 || i >= maxChartPoints {
				continue
			}
			if c, ok := theme.color(dp.path("spPr", "solidFill"), colBlack); ok {
				for len(s.points) <= i {
					s.points = append(s.points, s.color)
				}
				s.points[i] = c
			}
		}
		ch.series = append(ch.series, s)
	}
	if ch.kind == "pie" && len(ch.series) > 0 && len(ch.series[0].points) == 0 && ch.series[0].color.A != 0 && len(ch.series[0].vals) > 1 {
		// A pie whose series has one colour would show one blot; slices
		// take the palette unless they name their own colours.
		ch.series[0].color.A = 0
	}
	if ch.title == "" && title != nil && !boolAttr(c.path("autoTitleDeleted").attr("val")) && len(ch.series) == 1 {
		ch.title = ch.series[0].name
	}
	return ch
}

// chartTitle is the text of a chart's title: rich text or a cached
// reference.
func chartTitle(title *xnode) string {
	if title == nil {
		return ""
	}
	tx := title.child("tx")
	if rich := tx.child("rich"); rich != nil {
		var parts []string
		for _, p := range rich.children("p") {
			var b strings.Builder
			for _, t := range p.find("t") {
				b.WriteString(t.text())
			}
			if s := strings.TrimSpace(b.String()); s != "" {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, " ")
	}
	return seriesName(tx)
}

func seriesName(tx *xnode) string {
	if tx == nil {
		return ""
	}
	if v := tx.child("v"); v != nil {
		return strings.TrimSpace(v.text())
	}
	if vals := strCache(tx); len(vals) > 0 {
		return vals[0]
	}
	return ""
}

// numCache reads the cached numbers of a data reference, by point index.
func numCache(n *xnode) []float64 {
	pts := cachePoints(n)
	out := make([]float64, 0, len(pts))
	for _, p := range pts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p.v), 64)
		if err != nil {
			v = math.NaN()
		}
		for len(out) < p.idx {
			out = append(out, math.NaN())
		}
		out = append(out, v)
	}
	return out
}

// strCache reads the cached labels of a category or name reference; for
// multi-level categories, the innermost level.
func strCache(n *xnode) []string {
	pts := cachePoints(n)
	var out []string
	for _, p := range pts {
		for len(out) < p.idx {
			out = append(out, "")
		}
		out = append(out, strings.TrimSpace(p.v))
	}
	return out
}

type cachePoint struct {
	idx int
	v   string
}

func cachePoints(n *xnode) []cachePoint {
	if n == nil {
		return nil
	}
	var cache *xnode
	for _, name := range []string{"strCache", "numCache", "strLit", "numLit", "multiLvlStrCache"} {
		if f := n.find(name); len(f) > 0 {
			cache = f[0]
			break
		}
	}
	if cache == nil {
		return nil
	}
	if cache.Local == "multiLvlStrCache" {
		cache = cache.child("lvl")
	}
	var pts []cachePoint
	for _, pt := range cache.children("pt") {
		i := intAttr(pt, "idx", -1)
		if i < 0 || i >= maxChartPoints {
			continue
		}
		pts = append(pts, cachePoint{i, pt.child("v").text()})
	}
	sort.SliceStable(pts, func(a, b int) bool { return pts[a].idx < pts[b].idx })
	// Duplicate indexes keep the first.
	out := pts[:0]
	for _, p := range pts {
		if len(out) == 0 || out[len(out)-1].idx != p.idx {
			out = append(out, p)
		}
	}
	return out
}
