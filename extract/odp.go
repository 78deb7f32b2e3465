package extract

import (
	"context"
	"io"
	"strings"
)

// extractODP reads an OpenDocument presentation slide by slide, with the
// title frame as the slide's name and the notes page as its notes.
func (x *Extractor) extractODP(ctx context.Context, r io.ReaderAt, size int64, o Options) (*Document, error) {
	z, err := x.openZip(ctx, "odp", r, size)
	if err != nil {
		return nil, err
	}
	content, err := z.odfContent("odp")
	if err != nil {
		return nil, err
	}
	c := &odfConv{}
	if styles, err := z.optionalXML("styles.xml"); err == nil {
		c.loadListStyles(styles)
	}
	c.loadListStyles(content.child("automatic-styles"))
	pages := content.path("body", "presentation").children("page")
	doc := &Document{UnitKind: "slide", UnitCount: len(pages)}
	z.odfMeta(doc)
	lo, hi := unitWindow(o, len(pages))
	for i := lo; i < hi; i++ {
		u := Unit{Index: i + 1}
		var blocks []string
		for _, f := range pages[i].Kids {
			if f.Local != "frame" && f.Local != "custom-shape" && f.Local != "g" {
				continue
			}
			class := f.attrNS(nsODFPres, "class")
			if class == "page-number" || class == "date-time" || class == "footer" || class == "header" {
				continue
			}
			var parts []string
			c.blocks(f, &parts)
			text := strings.TrimSpace(strings.Join(parts, "\n\n"))
			if text == "" {
				continue
			}
			if class == "title" && u.Name == "" {
				u.Name = strings.ReplaceAll(text, "\n", " ")
				continue
			}
			blocks = append(blocks, text)
		}
		text := strings.Join(blocks, "\n\n")
		if u.Name != "" {
			text = "## " + u.Name + "\n\n" + text
		}
		u.Text = strings.TrimSpace(text)
		if notes := pages[i].child("notes"); notes != nil {
			var nb []string
			for _, f := range notes.Kids {
				if f.Local == "frame" && f.attrNS(nsODFPres, "class") == "notes" {
					c.blocks(f.child("text-box"), &nb)
				}
			}
			u.Notes = strings.TrimSpace(strings.Join(nb, "\n\n"))
		}
		doc.Units = append(doc.Units, u)
	}
	return doc, nil
}
