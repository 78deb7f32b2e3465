package extract

import (
	"context"
	"io"
	"net/url"
	"path"
	"strings"
)

// extractEPUB reads a book chapter by chapter in reading order (the spine),
// each chapter's XHTML as Markdown.
func (x *Extractor) extractEPUB(ctx context.Context, r io.ReaderAt, size int64, o Options) (*Document, error) {
	z, err := x.openZip(ctx, "epub", r, size)
	if err != nil {
		return nil, err
	}
	if z.has("META-INF/encryption.xml") {
		enc, err := z.xml("META-INF/encryption.xml")
		if err != nil {
			return nil, err
		}
		if len(enc.find("EncryptedData")) > 0 {
			return nil, failf("epub", KindEncrypted, ErrEncrypted, "the book is protected with DRM, so its text cannot be read")
		}
	}
	container, err := z.xml("META-INF/container.xml")
	if err != nil {
		return nil, err
	}
	var opfPath string
	for _, rf := range container.find("rootfile") {
		if mt := rf.attr("media-type"); mt == "" || mt == "application/oebps-package+xml" {
			opfPath = strings.TrimPrefix(rf.attr("full-path"), "/")
			break
		}
	}
	if opfPath == "" {
		return nil, failf("epub", KindMalformed, ErrMalformed, "the book names no package document in META-INF/container.xml")
	}
	opf, err := z.xml(opfPath)
	if err != nil {
		return nil, err
	}
	doc := &Document{UnitKind: "chapter"}
	meta := opf.child("metadata")
	doc.Title = strings.TrimSpace(meta.child("title").text())
	doc.Author = strings.TrimSpace(meta.child("creator").text())
	doc.Created = parseTime(meta.child("date").text())
	base := path.Dir(opfPath)
	type item struct{ href, mediaType, props string }
	manifest := map[string]item{}
	for _, it := range opf.path("manifest").children("item") {
		manifest[it.attr("id")] = item{href: it.attr("href"), mediaType: it.attr("media-type"), props: it.attr("properties")}
	}
	var chapters []string
	for _, ref := range opf.path("spine").children("itemref") {
		it, ok := manifest[ref.attr("idref")]
		if !ok || ref.attr("linear") == "no" || strings.Contains(it.props, "nav") {
			continue
		}
		if it.mediaType != "" && it.mediaType != "application/xhtml+xml" && it.mediaType != "text/html" {
			continue
		}
		href := it.href
		if i := strings.IndexAny(href, "#?"); i >= 0 {
			href = href[:i]
		}
		chapters = append(chapters, path.Clean(path.Join(base, unescapeHref(href))))
	}
	doc.UnitCount = len(chapters)
	lo, hi := unitWindow(o, len(chapters))
	for i := lo; i < hi; i++ {
		b, err := z.read(chapters[i])
		if err != nil {
			return nil, err
		}
		title, md, err := htmlToMarkdown(ctx, b, "application/xhtml+xml; charset=utf-8", x.cfg.MaxDepth)
		if err != nil {
			return nil, withFormat(err, "epub")
		}
		name := firstHeading(md)
		if name == "" {
			name = title
		}
		doc.Units = append(doc.Units, Unit{Index: i + 1, Name: name, Text: md})
	}
	return doc, nil
}

func unescapeHref(h string) string {
	// Manifest hrefs are URLs: "ch%201.xhtml" names "ch 1.xhtml".

	if s, err := url.PathUnescape(h); err == nil {
		return s
	}
	return h
}

// firstHeading returns the text of the first Markdown heading.
func firstHeading(md string) string {
	for _, l := range strings.SplitN(md, "\n", 20) {
		if strings.HasPrefix(l, "#") {
			return strings.TrimSpace(strings.TrimLeft(l, "#"))
		}
	}
	return ""
}
