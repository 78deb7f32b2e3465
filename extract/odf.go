package extract

import (
	"fmt"
	"strconv"
	"strings"
)

// OpenDocument namespaces whose attributes need telling apart.
const (
	nsODFText  = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
	nsODFTable = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
	nsODFPres  = "urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"
	nsODFDraw  = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
	nsXLink    = "http://www.w3.org/1999/xlink"
	nsODFStyle = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
)

// odfMeta reads meta.xml: title, author, created.
func (z *zipDoc) odfMeta(doc *Document) {
	n, err := z.optionalXML("meta.xml")
	if err != nil || n == nil {
		return
	}
	m := n.child("meta")
	doc.Title = strings.TrimSpace(m.child("title").text())
	doc.Author = strings.TrimSpace(m.child("initial-creator").text())
	if doc.Author == "" {
		doc.Author = strings.TrimSpace(m.child("creator").text())
	}
	doc.Created = parseTime(m.child("creation-date").text())
}

// odfConv converts OpenDocument text content (text:p, text:h, lists,
// tables, notes, annotations) to Markdown.
type odfConv struct {
	// numbered says which list styles number their items.
	numbered map[string]bool
	notes    []string
	noteNum  int
}

// loadListStyles learns which list styles are numbered from a styles tree.
func (c *odfConv) loadListStyles(n *xnode) {
	if n == nil {
		return
	}
	if c.numbered == nil {
		c.numbered = map[string]bool{}
	}
	for _, ls := range n.find("list-style") {
		name := ls.attr("name")
		for _, k := range ls.Kids {
			if k.Local == "list-level-style-number" {
				c.numbered[name] = true
				break
			}
			if k.Local == "list-level-style-bullet" {
				break
			}
		}
	}
}

// blocks converts block content: paragraphs, headings, lists, tables, sections.
func (c *odfConv) blocks(n *xnode, out *[]string) {
	if n == nil {
		return
	}
	for _, k := range n.Kids {
		switch k.Local {
		case "h":
			lvl, _ := strconv.Atoi(k.attr("outline-level"))
			lvl = max(1, min(lvl, 6))
			if t := strings.TrimSpace(c.inline(k)); t != "" {
				*out = append(*out, strings.Repeat("#", lvl)+" "+strings.ReplaceAll(t, "\n", " "))
			}
		case "p":
			if t := strings.TrimSpace(c.inline(k)); t != "" {
				if strings.EqualFold(k.attr("style-name"), "Title") {
					t = "# " + t
				}
				*out = append(*out, t)
			}
			// Frames anchored in a paragraph hold their own blocks.
			for _, f := range k.find("text-box") {
				c.blocks(f, out)
			}
		case "list":
			var lines []string
			c.list(k, 0, c.numbered[k.attr("style-name")], &lines)
			if len(lines) > 0 {
				*out = append(*out, strings.Join(lines, "\n"))
			}
		case "table":
			*out = append(*out, c.table(k))
		case "section", "text-box", "frame", "index-body", "change", "inserted":
			c.blocks(k, out)
		}
	}
}

func (c *odfConv) list(n *xnode, depth int, numbered bool, lines *[]string) {
	if s := n.attr("style-name"); s != "" {
		numbered = c.numbered[s]
	}
	num := 0
	for _, item := range n.Kids {
		if item.Local != "list-item" && item.Local != "list-header" {
			continue
		}
		marker := "- "
		if numbered {
			num++
			marker = strconv.Itoa(num) + ". "
		}
		first := true
		for _, k := range item.Kids {
			switch k.Local {
			case "p", "h":
				t := strings.ReplaceAll(strings.TrimSpace(c.inline(k)), "\n", " ")
				if t == "" {
					continue
				}
				if first {
					*lines = append(*lines, strings.Repeat("  ", depth)+marker+t)
					first = false
				} else {
					*lines = append(*lines, strings.Repeat("  ", depth)+strings.Repeat(" ", len(marker))+t)
				}
			case "list":
				c.list(k, depth+1, numbered, lines)
			case "table":
				*lines = append(*lines, c.table(k))
			}
		}
	}
}

// inline renders the text of a paragraph with spaces, tabs, breaks, links,
// and notes and annotations as [^n] references.
func (c *odfConv) inline(n *xnode) string {
	var b strings.Builder
	c.inlineTo(n, &b)
	return b.String()
}

func (c *odfConv) inlineTo(n *xnode, b *strings.Builder) {
	for _, k := range n.Kids {
		switch k.Local {
		case "":
			b.WriteString(k.Text)
		case "s":
			cnt, err := strconv.Atoi(k.attr("c"))
			if err != nil || cnt < 1 {
				cnt = 1
			}
			b.WriteString(strings.Repeat(" ", min(cnt, 200)))
		case "tab":
			b.WriteString("\t")
		case "line-break":
			b.WriteString("\n")
		case "a":
			t := c.inline(k)
			href := k.attrNS(nsXLink, "href")
			if href != "" && strings.TrimSpace(t) != "" && !strings.HasPrefix(href, "#") && href != t {
				fmt.Fprintf(b, "[%s](%s)", strings.TrimSpace(t), href)
			} else {
				b.WriteString(t)
			}
		case "note":
			c.noteNum++
			label := strings.TrimSpace(k.child("note-citation").text())
			if label == "" {
				label = strconv.Itoa(c.noteNum)
			}
			var parts []string
			c.blocks(k.child("note-body"), &parts)
			c.notes = append(c.notes, "[^"+label+"]: "+strings.Join(parts, " "))
			b.WriteString("[^" + label + "]")
		case "annotation":
			c.noteNum++
			label := "comment" + strconv.Itoa(c.noteNum)
			var parts []string
			c.blocks(k, &parts)
			who := "Comment"
			if a := strings.TrimSpace(k.child("creator").text()); a != "" {
				who += " by " + a
			}
			c.notes = append(c.notes, "[^"+label+"]: "+who+": "+strings.Join(parts, " "))
			b.WriteString("[^" + label + "]")
		case "span", "meta", "ruby", "ruby-base", "text-input", "date", "time", "page-number", "page-count", "title",
			"subject", "author-name", "sequence", "bookmark-ref", "reference-ref", "note-ref", "chapter", "file-name", "placeholder", "sender-firstname", "sender-lastname":
			c.inlineTo(k, b)
		case "frame", "text-box":
			// Anchored frames are rendered as blocks by the caller.
		}
	}
}

// table renders a table:table as a Markdown table, header rows included.
func (c *odfConv) table(t *xnode) string {
	var rows [][]string
	var collect func(n *xnode)
	collect = func(n *xnode) {
		for _, k := range n.Kids {
			switch k.Local {
			case "table-row":
				var row []string
				for _, cell := range k.Kids {
					if cell.Local != "table-cell" && cell.Local != "covered-table-cell" {
						continue
					}
					var parts []string
					c.blocks(cell, &parts)
					row = append(row, strings.ReplaceAll(strings.Join(parts, " "), "\n", " "))
				}
				rows = append(rows, row)
			case "table-header-rows", "table-rows", "table-row-group":
				collect(k)
			}
		}
	}
	collect(t)
	return markdownTable(rows)
}
