package extract

import (
	"strings"
	"time"
)

// coreProps reads docProps/core.xml of an OOXML package into doc: title,
// author, created. A missing or broken part leaves the fields empty.
func (z *zipDoc) coreProps(doc *Document) {
	n, err := z.optionalXML("docProps/core.xml")
	if err != nil || n == nil {
		return
	}
	doc.Title = strings.TrimSpace(n.child("title").text())
	doc.Author = strings.TrimSpace(n.child("creator").text())
	doc.Created = parseTime(n.child("created").text())
}

// parseTime reads the ISO 8601 forms office files use.
func parseTime(s string) time.Time {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}
