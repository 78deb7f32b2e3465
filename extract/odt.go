package extract

import (
	"context"
	"io"
	"strings"
)

// extractODT turns an OpenDocument text into Markdown, like extractDOCX.
func (x *Extractor) extractODT(ctx context.Context, r io.ReaderAt, size int64) (*Document, error) {
	z, err := x.openZip(ctx, "odt", r, size)
	if err != nil {
		return nil, err
	}
	content, err := z.odfContent("odt")
	if err != nil {
		return nil, err
	}
	c := &odfConv{}
	if styles, err := z.optionalXML("styles.xml"); err == nil {
		c.loadListStyles(styles)
	}
	c.loadListStyles(content.child("automatic-styles"))
	doc := &Document{UnitKind: "section"}
	z.odfMeta(doc)
	var out []string
	c.blocks(content.path("body", "text"), &out)
	text := strings.Join(out, "\n\n")
	if len(c.notes) > 0 {
		text += "\n\n" + strings.Join(c.notes, "\n")
	}
	doc.Units = []Unit{{Index: 1, Text: strings.TrimSpace(text)}}
	return doc, nil
}

// odfContent reads content.xml of an OpenDocument package, refusing one
// saved with a password: its manifest lists encryption data for the content,
// which is then not XML at all.
func (z *zipDoc) odfContent(format string) (*xnode, error) {
	if z.has("META-INF/manifest.xml") {
		m, err := z.xml("META-INF/manifest.xml")
		if err != nil {
			return nil, err
		}
		if len(m.find("encryption-data")) > 0 {
			return nil, encryptedODF(format)
		}
	}
	return z.xml("content.xml")
}

func encryptedODF(format string) error {
	return failf(format, KindEncrypted, ErrEncrypted, "the document is protected with a password; remove the password in the app that made it (File > Properties > Security) and save it again")
}
