package nextcloud

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// FileSearch is a WebDAV SEARCH (basicsearch) over the user's files.
type FileSearch struct {
	// Scope is the folder to search below, relative to the user's root; "" is everything.
	Scope string
	// NamePattern is an SQL LIKE pattern on the file name: % is any run of
	// characters, _ one character. Empty means any name.
	NamePattern string
	// MimeType is a LIKE pattern on the content type, e.g. image/% or application/pdf.
	MimeType string
	// Limit caps the number of results (nresults); 0 means the server's default.
	Limit int
	// Offset skips that many results (SearchDAV's firstresult).
	Offset int
}

// searchDAVNS is the namespace of SearchDAV's firstresult extension.
const searchDAVNS = "https://github.com/icewind1991/SearchDAV/ns"

// SearchFiles runs the search, newest first.
func (c *Client) SearchFiles(ctx context.Context, q FileSearch) ([]FileEntry, error) {
	body, err := c.searchBody(ctx, q)
	if err != nil {
		return nil, err
	}
	ms, err := c.DAVRequest(ctx, "SEARCH", "/remote.php/dav/", "", http.Header{"Content-Type": {"text/xml"}}, body)
	if err != nil {
		return nil, err
	}
	return c.fileEntries(ms), nil
}

// searchBody builds the basicsearch XML. The scope href is escaped like any
// request path: Sabre decodes it before resolving.
func (c *Client) searchBody(ctx context.Context, q FileSearch) ([]byte, error) {
	root, err := c.filesRoot(ctx)
	if err != nil {
		return nil, err
	}
	segs, err := CleanPath(q.Scope)
	if err != nil {
		return nil, err
	}
	scope := strings.TrimPrefix(root, "/remote.php/dav")
	if len(segs) > 0 {
		scope += "/" + EscapeSegments(segs)
	}
	var conds []string
	if q.NamePattern != "" {
		conds = append(conds, `<d:like><d:prop><d:displayname/></d:prop><d:literal>`+xmlText(q.NamePattern)+`</d:literal></d:like>`)
	}
	if q.MimeType != "" {
		conds = append(conds, `<d:like><d:prop><d:getcontenttype/></d:prop><d:literal>`+xmlText(q.MimeType)+`</d:literal></d:like>`)
	}
	var where string
	switch len(conds) {
	case 0:
		where = `<d:like><d:prop><d:displayname/></d:prop><d:literal>%</d:literal></d:like>`
	case 1:
		where = conds[0]
	default:
		where = `<d:and>` + strings.Join(conds, "") + `</d:and>`
	}
	var limit string
	if q.Limit > 0 || q.Offset > 0 {
		limit = `<d:limit>`
		if q.Limit > 0 {
			limit += `<d:nresults>` + strconv.Itoa(q.Limit) + `</d:nresults>`
		}
		if q.Offset > 0 {
			limit += `<ns:firstresult>` + strconv.Itoa(q.Offset) + `</ns:firstresult>`
		}
		limit += `</d:limit>`
	}
	if q.Limit < 0 || q.Offset < 0 {
		return nil, fmt.Errorf("search limit and offset must not be negative")
	}
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<d:searchrequest ` + fileDAVNamespaces + ` xmlns:ns="` + searchDAVNS + `"><d:basicsearch>` +
		`<d:select><d:prop><d:displayname/>` + fileProps + `</d:prop></d:select>` +
		`<d:from><d:scope><d:href>` + xmlText(scope) + `</d:href><d:depth>infinity</d:depth></d:scope></d:from>` +
		`<d:where>` + where + `</d:where>` +
		`<d:orderby><d:order><d:prop><d:getlastmodified/></d:prop><d:descending/></d:order></d:orderby>` +
		limit + `</d:basicsearch></d:searchrequest>`), nil
}

// Favorites lists the files and folders marked as favorite below scope
// ("" for everything), with the oc:filter-files REPORT.
func (c *Client) Favorites(ctx context.Context, scope string) ([]FileEntry, error) {
	ep, err := c.FilePath(ctx, scope)
	if err != nil {
		return nil, err
	}
	body := []byte(`<?xml version="1.0"?>` + "\n" + `<oc:filter-files ` + fileDAVNamespaces + `><d:prop>` + fileProps +
		`</d:prop><oc:filter-rules><oc:favorite>1</oc:favorite></oc:filter-rules></oc:filter-files>`)
	ms, err := c.DAVRequest(ctx, "REPORT", ep, "", nil, body)
	if err != nil {
		return nil, err
	}
	return c.fileEntries(ms), nil
}
