package extract

import (
	"context"
	"io"
	"strings"
)

// nsOfficeRels is the namespace of r:id attributes that name relationships.
const nsOfficeRels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

// extractPPTX reads a presentation slide by slide: the title, the text of
// every shape and table in order, and the speaker notes.
func (x *Extractor) extractPPTX(ctx context.Context, r io.ReaderAt, size int64, o Options) (*Document, error) {
	z, err := x.openZip(ctx, "pptx", r, size)
	if err != nil {
		return nil, err
	}
	_, slides, err := z.pptxPresentation()
	if err != nil {
		return nil, err
	}
	doc := &Document{UnitKind: "slide", UnitCount: len(slides)}
	z.coreProps(doc)
	lo, hi := unitWindow(o, len(slides))
	for i := lo; i < hi; i++ {
		u, err := pptxSlide(z, slides[i])
		if err != nil {
			return nil, err
		}
		u.Index = i + 1
		doc.Units = append(doc.Units, u)
	}
	return doc, nil
}

func pptxSlide(z *zipDoc, part string) (Unit, error) {
	var u Unit
	slide, err := z.xml(part)
	if err != nil {
		return u, err
	}
	rels, err := z.rels(part)
	if err != nil {
		return u, err
	}
	var blocks []string
	pptxShapes(slide.path("cSld", "spTree"), &u.Name, &blocks, false)
	text := strings.Join(blocks, "\n\n")
	if u.Name != "" {
		text = "## " + u.Name + "\n\n" + text
	}
	u.Text = strings.TrimSpace(text)
	if nr, ok := relOfType(rels, "/notesSlide"); ok && z.has(nr.target) {
		notes, err := z.xml(nr.target)
		if err != nil {
			return u, err
		}
		var nb []string
		var ignored string
		pptxShapes(notes.path("cSld", "spTree"), &ignored, &nb, true)
		u.Notes = strings.TrimSpace(strings.Join(nb, "\n\n"))
	}
	return u, nil
}

// pptxShapes walks a shape tree in order. On a slide the title placeholder
// becomes the title; on a notes page only the notes body counts.
func pptxShapes(tree *xnode, title *string, blocks *[]string, notesPage bool) {
	if tree == nil {
		return
	}
	for _, k := range tree.Kids {
		switch k.Local {
		case "sp":
			ph := k.path("nvSpPr", "nvPr", "ph")
			phType := ph.attr("type")
			if notesPage {
				if ph == nil || phType != "body" {
					continue
				}
			} else if phType == "sldNum" || phType == "dt" || phType == "ftr" {
				continue
			}
			text := drawingML(k.child("txBody"))
			if text == "" {
				continue
			}
			if !notesPage && (phType == "title" || phType == "ctrTitle") && *title == "" {
				*title = strings.ReplaceAll(text, "\n", " ")
				continue
			}
			*blocks = append(*blocks, text)
		case "graphicFrame":
			for _, tbl := range k.find("tbl") {
				var rows [][]string
				for _, tr := range tbl.children("tr") {
					var row []string
					for _, tc := range tr.children("tc") {
						row = append(row, strings.ReplaceAll(drawingML(tc.child("txBody")), "\n", " "))
					}
					rows = append(rows, row)
				}
				*blocks = append(*blocks, markdownTable(rows))
			}
		case "grpSp":
			pptxShapes(k, title, blocks, notesPage)
		}
	}
}

// drawingML renders a text body: one line per paragraph, indented by level.
func drawingML(body *xnode) string {
	if body == nil {
		return ""
	}
	var lines []string
	for _, p := range body.children("p") {
		var b strings.Builder
		for _, k := range p.Kids {
			switch k.Local {
			case "r", "fld":
				b.WriteString(k.child("t").text())
			case "br":
				b.WriteString("\n")
			}
		}
		if t := strings.TrimSpace(b.String()); t != "" {
			lines = append(lines, t)
		}
	}
	return strings.Join(lines, "\n")
}
