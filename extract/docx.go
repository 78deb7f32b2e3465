package extract

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// extractDOCX turns a Word document into Markdown: headings by their
// styles, lists by their numbering, tables, links, and footnotes, endnotes
// and comments as [^n] references listed at the end.
func (x *Extractor) extractDOCX(ctx context.Context, r io.ReaderAt, size int64) (*Document, error) {
	z, err := x.openZip(ctx, "docx", r, size)
	if err != nil {
		return nil, err
	}
	body, err := z.xml("word/document.xml")
	if err != nil {
		return nil, err
	}
	c := &docxConv{z: z, headings: map[string]int{}, numFmt: map[string]map[string]string{}}
	if err := c.load(); err != nil {
		return nil, err
	}
	doc := &Document{UnitKind: "section"}
	z.coreProps(doc)
	var out []string
	c.blocks(body.child("body"), &out)
	text := strings.Join(out, "\n\n")
	if notes := c.notes(); notes != "" {
		text += "\n\n" + notes
	}
	doc.Units = []Unit{{Index: 1, Text: strings.TrimSpace(text)}}
	return doc, nil
}

type docxConv struct {
	z        *zipDoc
	rels     map[string]rel
	headings map[string]int               // style id → heading level
	numFmt   map[string]map[string]string // numId → ilvl → numFmt
	foot     map[string]*xnode            // footnote id → element
	end      map[string]*xnode
	comments map[string]*xnode
	// refs are the notes referenced so far, in order: "f1", "e2", "c0";
	// labels numbers them as a reader sees them.
	refs   []string
	labels map[string]string
	// counters number list items per list and level.
	counters map[string]int
}

var headingStyle = regexp.MustCompile(`(?i)^heading ?([1-9])$`)

func (c *docxConv) load() error {
	var err error
	if c.rels, err = c.z.rels("word/document.xml"); err != nil {
		return err
	}
	if styles, err := c.z.optionalXML("word/styles.xml"); err != nil {
		return err
	} else if styles != nil {
		for _, s := range styles.children("style") {
			id := s.attr("styleId")
			name := s.child("name").attr("val")
			if m := headingStyle.FindStringSubmatch(name); m != nil {
				c.headings[id], _ = strconv.Atoi(m[1])
			} else if strings.EqualFold(name, "Title") {
				c.headings[id] = 1
			} else if lvl := s.path("pPr", "outlineLvl"); lvl != nil {
				if n, err := strconv.Atoi(lvl.attr("val")); err == nil && n < 9 {
					c.headings[id] = n + 1
				}
			}
		}
	}
	if num, err := c.z.optionalXML("word/numbering.xml"); err != nil {
		return err
	} else if num != nil {
		abstract := map[string]map[string]string{}
		for _, a := range num.children("abstractNum") {
			lv := map[string]string{}
			for _, l := range a.children("lvl") {
				lv[l.attr("ilvl")] = l.child("numFmt").attr("val")
			}
			abstract[a.attr("abstractNumId")] = lv
		}
		for _, n := range num.children("num") {
			c.numFmt[n.attr("numId")] = abstract[n.child("abstractNumId").attr("val")]
		}
	}
	load := func(part, elem string) (map[string]*xnode, error) {
		n, err := c.z.optionalXML(part)
		if err != nil || n == nil {
			return nil, err
		}
		m := map[string]*xnode{}
		for _, e := range n.children(elem) {
			m[e.attr("id")] = e
		}
		return m, nil
	}
	if c.foot, err = load("word/footnotes.xml", "footnote"); err != nil {
		return err
	}
	if c.end, err = load("word/endnotes.xml", "endnote"); err != nil {
		return err
	}
	c.comments, err = load("word/comments.xml", "comment")
	return err
}

// blocks converts the block-level children of n (body, cell, note).
func (c *docxConv) blocks(n *xnode, out *[]string) {
	if n == nil {
		return
	}
	var list []string
	endList := func() {
		if len(list) > 0 {
			*out = append(*out, strings.Join(list, "\n"))
			list = nil
		}
	}
	for _, k := range n.Kids {
		switch k.Local {
		case "p":
			text, item := c.paragraph(k)
			if text == "" {
				continue
			}
			if item {
				list = append(list, text)
				continue
			}
			endList()
			*out = append(*out, text)
		case "tbl":
			endList()
			*out = append(*out, c.table(k))
		case "sdt":
			endList()
			c.blocks(k.child("sdtContent"), out)
		case "customXml", "ins", "smartTag":
			endList()
			c.blocks(k, out)
		}
	}
	endList()
}

// paragraph renders one w:p; item is true for a list item.
func (c *docxConv) paragraph(p *xnode) (text string, item bool) {
	var b strings.Builder
	c.runs(p, &b)
	text = strings.TrimSpace(b.String())
	if text == "" {
		return "", false
	}
	ppr := p.child("pPr")
	if lvl, ok := c.headings[ppr.child("pStyle").attr("val")]; ok {
		return strings.Repeat("#", lvl) + " " + strings.ReplaceAll(text, "\n", " "), false
	}
	if lvl := ppr.child("outlineLvl"); lvl != nil {
		if n, err := strconv.Atoi(lvl.attr("val")); err == nil && n < 9 {
			return strings.Repeat("#", n+1) + " " + strings.ReplaceAll(text, "\n", " "), false
		}
	}
	if np := ppr.child("numPr"); np != nil {
		ilvl := np.child("ilvl").attr("val")
		depth, _ := strconv.Atoi(ilvl)
		marker := "- "
		numID := np.child("numId").attr("val")
		if f := c.numFmt[numID][orString(ilvl, "0")]; f != "" && f != "bullet" && f != "none" {
			if c.counters == nil {
				c.counters = map[string]int{}
			}
			key := numID + "/" + strconv.Itoa(depth)
			c.counters[key]++
			// A new item at this level restarts the levels below it.
			for d := depth + 1; d < 9; d++ {
				delete(c.counters, numID+"/"+strconv.Itoa(d))
			}
			marker = strconv.Itoa(c.counters[key]) + ". "
		}
		return strings.Repeat("  ", min(depth, 8)) + marker + strings.ReplaceAll(text, "\n", " "), true
	}
	return text, false
}

// runs writes the inline content of a paragraph or hyperlink.
func (c *docxConv) runs(n *xnode, b *strings.Builder) {
	for _, k := range n.Kids {
		switch k.Local {
		case "r":
			c.run(k, b)
		case "hyperlink":
			var t strings.Builder
			c.runs(k, &t)
			text := t.String()
			if r, ok := c.rels[k.attrNS(nsOfficeRels, "id")]; ok && r.mode == "External" && strings.TrimSpace(text) != "" {
				fmt.Fprintf(b, "[%s](%s)", strings.TrimSpace(text), r.target)
			} else {
				b.WriteString(text)
			}
		case "ins", "smartTag", "customXml", "fldSimple", "sdtContent":
			c.runs(k, b)
		case "sdt":
			c.runs(k.child("sdtContent"), b)
		case "commentRangeStart":
			// Marked where the comment reference run appears.
		}
	}
}

func (c *docxConv) run(r *xnode, b *strings.Builder) {
	for _, k := range r.Kids {
		switch k.Local {
		case "t":
			b.WriteString(k.text())
		case "tab", "ptab":
			b.WriteString("\t")
		case "br", "cr":
			if k.attr("type") != "page" {
				b.WriteString("\n")
			}
		case "noBreakHyphen":
			b.WriteString("-")
		case "footnoteReference":
			b.WriteString(c.ref("f", k.attr("id")))
		case "endnoteReference":
			b.WriteString(c.ref("e", k.attr("id")))
		case "commentReference":
			b.WriteString(c.ref("c", k.attr("id")))
		}
	}
}

// ref records a note reference and returns its Markdown marker.
func (c *docxConv) ref(kind, id string) string {
	key := kind + id
	if c.labels == nil {
		c.labels = map[string]string{}
	}
	if _, ok := c.labels[key]; !ok {
		n := 1
		for _, r := range c.refs {
			if r[:1] == kind {
				n++
			}
		}
		label := strconv.Itoa(n)
		switch kind {
		case "e":
			label = "e" + label
		case "c":
			label = "comment" + label
		}
		c.labels[key] = label
		c.refs = append(c.refs, key)
	}
	return "[^" + c.labels[key] + "]"
}

// notes lists the referenced footnotes, endnotes and comments.
func (c *docxConv) notes() string {
	var lines []string
	// Notes may reference further notes, which append to refs.
	for i := 0; i < len(c.refs); i++ {
		key := c.refs[i]
		kind, id := key[:1], key[1:]
		var n *xnode
		prefix := ""
		switch kind {
		case "f":
			n = c.foot[id]
		case "e":
			n = c.end[id]
		case "c":
			n = c.comments[id]
			if n != nil {
				prefix = "Comment"
				if a := n.attr("author"); a != "" {
					prefix += " by " + a
				}
				prefix += ": "
			}
		}
		if n == nil {
			continue
		}
		var parts []string
		c.blocks(n, &parts)
		lines = append(lines, "[^"+c.labels[key]+"]: "+prefix+strings.Join(parts, " "))
	}
	return strings.Join(lines, "\n")
}

func (c *docxConv) table(t *xnode) string {
	var rows [][]string
	for _, tr := range t.children("tr") {
		var row []string
		for _, tc := range tr.children("tc") {
			var parts []string
			c.blocks(tc, &parts)
			row = append(row, strings.ReplaceAll(strings.Join(parts, " "), "\n", " "))
		}
		rows = append(rows, row)
	}
	return markdownTable(rows)
}
