package extract

import (
	"image"
	"image/color"
	"math"
	"strconv"

	"golang.org/x/image/vector"
)

// slideChart is a chart reduced to what a simple drawing needs: the
// values the file cached for its series. Kinds: "col" (vertical bars),
// "bar" (horizontal bars), "line", "area", "pie" (doughnuts too); other
// kinds are drawn as a labelled box with the title.
type slideChart struct {
	title   string
	kind    string
	stacked bool
	cats    []string
	series  []chartSeries
	palette []color.NRGBA
}

type chartSeries struct {
	name   string
	vals   []float64 // NaN where a point has no value
	color  color.NRGBA
	points []color.NRGBA // per-point colours (pie slices); zero where unset
}

// Charts are kept to a size a picture can show.
const (
	maxChartSeries = 64
	maxChartPoints = 1000
)

// defaultPalette colours series that name no colour (Office's accents).
func defaultPalette() []color.NRGBA {
	return []color.NRGBA{
		{0x44, 0x72, 0xC4, 0xFF}, {0xED, 0x7D, 0x31, 0xFF}, {0xA5, 0xA5, 0xA5, 0xFF},
		{0xFF, 0xC0, 0x00, 0xFF}, {0x5B, 0x9B, 0xD5, 0xFF}, {0x70, 0xAD, 0x47, 0xFF},
	}
}

func (ch *slideChart) color(i int) color.NRGBA {
	p := ch.palette
	if len(p) == 0 {
		p = defaultPalette()
	}
	c := p[i%len(p)]
	if n := i / len(p); n > 0 {
		c = mix(c, colBlack, math.Min(0.6, 0.25*float64(n)))
	}
	return c
}

// drawChart paints a chart into r: title on top, legend at the bottom,
// the plot in between.
func (c *canvas) drawChart(r image.Rectangle, ch *slideChart) {
	if r.Dx() < 8 || r.Dy() < 8 {
		return
	}
	textPt := math.Max(7, math.Min(12, float64(r.Dy())/c.s/22))
	area := r.Inset(int(4 * c.s))
	if ch.title != "" {
		titleH := int(textPt * 1.9 * c.s)
		c.drawText(image.Rect(area.Min.X, area.Min.Y, area.Max.X, area.Min.Y+titleH), &textBody{anchor: anchorMiddle, wrap: true, shrink: true,
			paras: []textPara{{align: alignCenter, runs: []textRun{{text: ch.title, size: textPt * 1.3, bold: true, color: colLabel}}}}})
		area.Min.Y += titleH
	}
	if !ch.drawable() {
		c.placeholder(area, "chart")
		return
	}
	// The legend names the series, or the slices of a pie.
	var names []string
	var colors []color.NRGBA
	if ch.kind == "pie" {
		for i, cat := range ch.cats {
			names = append(names, cat)
			colors = append(colors, ch.pointColor(0, i))
		}
	} else if len(ch.series) > 1 || ch.series[0].name != "" {
		for i, s := range ch.series {
			names = append(names, s.name)
			colors = append(colors, ch.seriesColor(i))
		}
	}
	if len(names) > 0 {
		legendH := int(textPt * 1.8 * c.s)
		c.drawLegend(image.Rect(area.Min.X, area.Max.Y-legendH, area.Max.X, area.Max.Y), names, colors, textPt)
		area.Max.Y -= legendH
	}
	if area.Dx() < 4 || area.Dy() < 4 {
		return
	}
	if ch.kind == "pie" {
		c.drawPie(area, ch)
		return
	}
	c.drawAxes(area, ch, textPt)
}

func (ch *slideChart) drawable() bool {
	switch ch.kind {
	case "col", "bar", "line", "area", "pie":
	default:
		return false
	}
	for _, s := range ch.series {
		for _, v := range s.vals {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				return true
			}
		}
	}
	return false
}

func (ch *slideChart) seriesColor(i int) color.NRGBA {
	if s := ch.series[i]; s.color.A != 0 {
		return s.color
	}
	return ch.color(i)
}

func (ch *slideChart) pointColor(si, pi int) color.NRGBA {
	if s := ch.series[si]; pi < len(s.points) && s.points[pi].A != 0 {
		return s.points[pi]
	}
	return ch.color(pi)
}

func (c *canvas) drawLegend(r image.Rectangle, names []string, colors []color.NRGBA, textPt float64) {
	n := min(len(names), 12)
	cell := r.Dx() / max(n, 1)
	sq := int(textPt * 0.8 * c.s)
	for i := range n {
		x := r.Min.X + i*cell
		y := (r.Min.Y + r.Max.Y - sq) / 2
		c.paintRect(image.Rect(x+sq/2, y, x+sq/2+sq, y+sq), solid(colors[i]))
		c.drawText(image.Rect(x+2*sq, r.Min.Y, x+cell, r.Max.Y), &textBody{anchor: anchorMiddle, shrink: true,
			paras: []textPara{{runs: []textRun{{text: names[i], size: textPt, color: colLabel}}}}})
	}
}

// valueRange is the span of the value axis: from zero (or the lowest
// negative value) to the highest value or stacked total, rounded out to
// a step of 1, 2 or 5 times a power of ten.
func (ch *slideChart) valueRange() (lo, hi, step float64) {
	n := ch.points()
	for i := range n {
		pos, neg := 0.0, 0.0
		for _, s := range ch.series {
			if i >= len(s.vals) || math.IsNaN(s.vals[i]) || math.IsInf(s.vals[i], 0) {
				continue
			}
			v := s.vals[i]
			if ch.stacked {
				if v >= 0 {
					pos += v
				} else {
					neg += v
				}
			} else {
				pos, neg = math.Max(pos, v), math.Min(neg, v)
			}
			hi, lo = math.Max(hi, pos), math.Min(lo, neg)
		}
	}
	if hi == lo {
		hi = lo + 1
	}
	raw := (hi - lo) / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step = mag
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	return math.Floor(lo/step) * step, math.Ceil(hi/step) * step, step
}

func (ch *slideChart) points() int {
	n := len(ch.cats)
	for _, s := range ch.series {
		n = max(n, len(s.vals))
	}
	return min(n, maxChartPoints)
}

// drawAxes draws bar, column, line and area charts: value gridlines with
// their numbers, category names, and the series.
func (c *canvas) drawAxes(area image.Rectangle, ch *slideChart, textPt float64) {
	lo, hi, step := ch.valueRange()
	n := ch.points()
	if n == 0 {
		return
	}
	horizontal := ch.kind == "bar"
	labelW := int(textPt * 3.5 * c.s)
	labelH := int(textPt * 1.6 * c.s)
	plot := image.Rect(area.Min.X+labelW, area.Min.Y+labelH/2, area.Max.X-labelW/4, area.Max.Y-labelH)
	if horizontal {
		plot = image.Rect(area.Min.X+labelW*2, area.Min.Y+labelH/2, area.Max.X-labelW/2, area.Max.Y-labelH)
	}
	if plot.Dx() < 4 || plot.Dy() < 4 {
		return
	}
	grid := color.NRGBA{0xD9, 0xD9, 0xD9, 0xFF}
	// valuePos maps a value to a pixel along the value axis.
	valuePos := func(v float64) float64 {
		t := (v - lo) / (hi - lo)
		if horizontal {
			return float64(plot.Min.X) + t*float64(plot.Dx())
		}
		return float64(plot.Max.Y) - t*float64(plot.Dy())
	}
	small := func(r image.Rectangle, s string, a textAlign, anchor textAnchor) {
		c.drawText(r, &textBody{anchor: anchor, shrink: true, paras: []textPara{{align: a, runs: []textRun{{text: s, size: textPt, color: colLabel}}}}})
	}
	for i := 0; i <= 50; i++ {
		v := lo + float64(i)*step
		if v > hi+step/2 {
			break
		}
		p := int(math.Round(valuePos(v)))
		label := strconv.FormatFloat(v, 'f', -1, 64)
		if horizontal {
			c.paintRect(image.Rect(p, plot.Min.Y, p+1, plot.Max.Y), solid(grid))
			small(image.Rect(p-labelW/2, plot.Max.Y, p+labelW/2, area.Max.Y), label, alignCenter, anchorTop)
		} else {
			c.paintRect(image.Rect(plot.Min.X, p, plot.Max.X, p+1), solid(grid))
			small(image.Rect(area.Min.X, p-labelH/2, plot.Min.X-int(2*c.s), p+labelH/2), label, alignRight, anchorMiddle)
		}
	}
	slot := float64(plot.Dx()) / float64(n)
	if horizontal {
		slot = float64(plot.Dy()) / float64(n)
	}
	for i := range n {
		if i < len(ch.cats) {
			if horizontal {
				y := plot.Min.Y + int(float64(i)*slot)
				small(image.Rect(area.Min.X, y, plot.Min.X-int(3*c.s), y+int(slot)), ch.cats[i], alignRight, anchorMiddle)
			} else {
				x := plot.Min.X + int(float64(i)*slot)
				small(image.Rect(x, plot.Max.Y+int(2*c.s), x+int(slot), area.Max.Y), ch.cats[i], alignCenter, anchorTop)
			}
		}
	}
	zero := valuePos(math.Max(lo, math.Min(0, hi)))
	switch ch.kind {
	case "col", "bar":
		groups := len(ch.series)
		if ch.stacked {
			groups = 1
		}
		for i := range n {
			pos, neg := 0.0, 0.0
			for si, s := range ch.series {
				if i >= len(s.vals) || math.IsNaN(s.vals[i]) || math.IsInf(s.vals[i], 0) {
					continue
				}
				v := s.vals[i]
				from, to := 0.0, v
				g := si
				if ch.stacked {
					g = 0
					if v >= 0 {
						from, to = pos, pos+v
						pos += v
					} else {
						from, to = neg, neg+v
						neg += v
					}
				}
				a, b := valuePos(from), valuePos(to)
				if !ch.stacked {
					a = zero
				}
				w := slot * 0.7 / float64(groups)
				off := slot*0.15 + float64(g)*w
				var bar image.Rectangle
				if horizontal {
					y := float64(plot.Min.Y) + float64(i)*slot + off
					bar = image.Rect(int(math.Min(a, b)), int(y), int(math.Max(a, b)), int(y+w))
				} else {
					x := float64(plot.Min.X) + float64(i)*slot + off
					bar = image.Rect(int(x), int(math.Min(a, b)), int(x+w), int(math.Max(a, b)))
				}
				c.paintRect(bar, solid(ch.seriesColor(si)))
			}
		}
	case "line", "area":
		for si, s := range ch.series {
			col := ch.seriesColor(si)
			var pts [][2]float64
			for i := 0; i < n && i < len(s.vals); i++ {
				if math.IsNaN(s.vals[i]) || math.IsInf(s.vals[i], 0) {
					continue
				}
				pts = append(pts, [2]float64{float64(plot.Min.X) + (float64(i)+0.5)*slot, valuePos(s.vals[i])})
			}
			if ch.kind == "area" && len(pts) > 1 {
				poly := append([][2]float64{{pts[0][0], zero}}, pts...)
				poly = append(poly, [2]float64{pts[len(pts)-1][0], zero})
				fill := col
				fill.A = 0xB0
				c.paintPath(plot, solid(fill), func(z *vector.Rasterizer, o image.Point) {
					polyPath(z, shift(poly, o))
				})
				continue
			}
			w := math.Max(1.5, 2.25*c.s)
			for k := 1; k < len(pts); k++ {
				c.strokeSegment(pts[k-1][0], pts[k-1][1], pts[k][0], pts[k][1], w, col)
			}
			for _, p := range pts {
				m := int(w * 1.5)
				c.paintRect(image.Rect(int(p[0])-m, int(p[1])-m, int(p[0])+m, int(p[1])+m), solid(col))
			}
		}
	}
	axis := color.NRGBA{0x86, 0x86, 0x86, 0xFF}
	if horizontal {
		z := int(math.Round(zero))
		c.paintRect(image.Rect(z, plot.Min.Y, z+1, plot.Max.Y), solid(axis))
	} else {
		z := int(math.Round(zero))
		c.paintRect(image.Rect(plot.Min.X, z, plot.Max.X, z+1), solid(axis))
	}
}

func shift(pts [][2]float64, o image.Point) [][2]float64 {
	out := make([][2]float64, len(pts))
	for i, p := range pts {
		out[i] = [2]float64{p[0] - float64(o.X), p[1] - float64(o.Y)}
	}
	return out
}

// drawPie draws the first series as slices clockwise from twelve o'clock.
func (c *canvas) drawPie(area image.Rectangle, ch *slideChart) {
	s := ch.series[0]
	total := 0.0
	for _, v := range s.vals {
		if v > 0 && !math.IsInf(v, 0) {
			total += v
		}
	}
	if total <= 0 {
		return
	}
	d := min(area.Dx(), area.Dy())
	cx, cy := float64(area.Min.X+area.Max.X)/2, float64(area.Min.Y+area.Max.Y)/2
	rad := float64(d) / 2 * 0.9
	box := image.Rect(int(cx-rad)-1, int(cy-rad)-1, int(cx+rad)+2, int(cy+rad)+2)
	a := -math.Pi / 2
	for i, v := range s.vals {
		if !(v > 0) || math.IsInf(v, 0) || i >= maxChartPoints {
			continue
		}
		sweep := 2 * math.Pi * v / total
		a0, a1 := a, a+sweep
		a = a1
		c.paintPath(box, solid(ch.pointColor(0, i)), func(z *vector.Rasterizer, o image.Point) {
			pts := [][2]float64{{cx, cy}}
			steps := max(2, int(sweep/(math.Pi/60)))
			for k := 0; k <= steps; k++ {
				t := a0 + (a1-a0)*float64(k)/float64(steps)
				pts = append(pts, [2]float64{cx + rad*math.Cos(t), cy + rad*math.Sin(t)})
			}
			polyPath(z, shift(pts, o))
		})
	}
}
