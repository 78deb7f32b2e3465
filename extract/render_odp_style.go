package extract

import (
	"image/color"
	"math"
	"strconv"
	"strings"
)

// OpenDocument styles for slide rendering: looking a property up through a
// style's parents to the default style, lengths in any unit, colours.

// odfStyles is one set of styles a part sees: its automatic styles over
// the common styles of styles.xml.
type odfStyles struct {
	named     map[string]*xnode // family + "/" + name
	defaults  map[string]*xnode // family → style:default-style
	lists     map[string]*xnode // text:list-style by name
	gradients map[string]*xnode // draw:gradient by name
	images    map[string]*xnode // draw:fill-image by name
}

// newODFStyles indexes style containers, the first winning on a clash.
func newODFStyles(containers ...*xnode) *odfStyles {
	s := &odfStyles{named: map[string]*xnode{}, defaults: map[string]*xnode{}, lists: map[string]*xnode{}, gradients: map[string]*xnode{}, images: map[string]*xnode{}}
	for _, c := range containers {
		if c == nil {
			continue
		}
		for _, k := range c.kids() {
			name := k.attr("name")
			switch k.Local {
			case "style":
				key := k.attr("family") + "/" + name
				if _, ok := s.named[key]; !ok {
					s.named[key] = k
				}
			case "default-style":
				if _, ok := s.defaults[k.attr("family")]; !ok {
					s.defaults[k.attr("family")] = k
				}
			case "list-style":
				if _, ok := s.lists[name]; !ok {
					s.lists[name] = k
				}
			case "gradient":
				s.gradients[name] = k
			case "fill-image":
				s.images[name] = k
			}
		}
	}
	return s
}

func (s *odfStyles) style(family, name string) *xnode {
	if name == "" {
		return nil
	}
	return s.named[family+"/"+name]
}

// maxStyleDepth bounds parent chains, which a hostile file could make
// circular.
const maxStyleDepth = 32

// prop looks an attribute up in a style's properties element (such as
// "graphic-properties"), then in its parents, then in the family's
// default style.
func (s *odfStyles) prop(family, name, props, attr string) (string, bool) {
	st := s.style(family, name)
	for range maxStyleDepth {
		if st == nil {
			break
		}
		for _, p := range st.children(props) {
			if v := p.attr(attr); v != "" {
				return v, true
			}
		}
		st = s.style(family, st.attr("parent-style-name"))
	}
	if d := s.defaults[family]; d != nil {
		if v := d.child(props).attr(attr); v != "" {
			return v, true
		}
	}
	return "", false
}

// chain returns a style and its parents, nearest first.
func (s *odfStyles) chain(family, name string) []*xnode {
	var out []*xnode
	st := s.style(family, name)
	for range maxStyleDepth {
		if st == nil {
			break
		}
		out = append(out, st)
		st = s.style(family, st.attr("parent-style-name"))
	}
	return out
}

// odfLength converts an OpenDocument length (cm, mm, in, pt, pc, px) to
// points.
func odfLength(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	units := []struct {
		suffix string
		pt     float64
	}{{"cm", 72 / 2.54}, {"mm", 72 / 25.4}, {"inch", 72}, {"in", 72}, {"pt", 1}, {"pc", 12}, {"px", 0.75}}
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			v, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), 64)
			v *= u.pt
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return 0, false
			}
			return v, true
		}
	}
	return 0, false
}

func odfLengthAttr(n *xnode, name string, def float64) float64 {
	if v, ok := odfLength(n.attr(name)); ok {
		return v
	}
	return def
}

// odfColor reads #rrggbb.
func odfColor(s string) (color.NRGBA, bool) {
	if len(s) != 7 || s[0] != '#' {
		return color.NRGBA{}, false
	}
	return hexColor(s), true
}

// odfPercent reads "45%" as 0.45.
func odfPercent(s string) (float64, bool) {
	v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(s), "%"), 64)
	if err != nil || !strings.HasSuffix(strings.TrimSpace(s), "%") || math.IsNaN(v) {
		return 0, false
	}
	return v / 100, true
}

// odfBorder reads a border like "0.51pt solid #000000".
func odfBorder(s string) (stroke, bool) {
	if s == "" {
		return stroke{}, false
	}
	if s == "none" || s == "hidden" {
		return stroke{}, true
	}
	st := stroke{c: colBlack, w: 0.75}
	for _, f := range strings.Fields(s) {
		if c, ok := odfColor(f); ok {
			st.c = c
		} else if w, ok := odfLength(f); ok {
			st.w = w
		} else if f == "none" || f == "hidden" {
			return stroke{}, true
		}
	}
	return st, true
}
