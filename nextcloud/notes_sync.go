package nextcloud

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
)

// NotesIndex is the metadata of every note (no content), the cheap listing a
// syncing client compares against what it holds.
type NotesIndex struct {
	// Notes carry id, etag, title, category and modified; Content is empty.
	Notes []Note
	// ETag identifies this listing; pass it back to learn "nothing changed"
	// from a 304 (notes/08).
	ETag string
	// NotModified is true when the listing still had the ETag passed in;
	// Notes is then empty.
	NotModified bool
}

// NotesMetadata lists every note without content in one request. With
// ifNoneMatch set to a previous answer's ETag, an unchanged listing costs a
// 304 and no body.
func (c *Client) NotesMetadata(ctx context.Context, ifNoneMatch string) (*NotesIndex, error) {
	h := http.Header{"Accept": {"application/json"}}
	if ifNoneMatch != "" {
		h.Set("If-None-Match", QuoteETag(ifNoneMatch))
	}
	r := &Request{
		Method: http.MethodGet, Path: notesAPI + "/notes", Query: url.Values{"exclude": {"content"}}, Header: h, API: APIApp,
		OK: []int{http.StatusOK, http.StatusNotModified, http.StatusNotFound},
	}
	resp, body, err := c.Call(ctx, r)
	if err != nil {
		return nil, err
	}
	out := &NotesIndex{ETag: resp.Header.Get("ETag")}
	switch resp.StatusCode {
	case http.StatusNotModified:
		if out.ETag == "" {
			out.ETag = ifNoneMatch
		}
		out.NotModified = true
		return out, nil
	case http.StatusNotFound:
		e := &Error{Method: r.Method, Path: r.Path, Status: http.StatusNotFound}
		if resp.Header.Get(notesVersionsHeader) == "" {
			return nil, fmt.Errorf("the Notes app is not installed or enabled on %s: %w (%w)", c.base.Host, ErrAppMissing, e)
		}
		return nil, e
	}
	var entries []listedNote
	if err := json.Unmarshal(body, &entries); err != nil {
		return nil, fmt.Errorf("GET %s/notes: decode listing: %w", notesAPI, err)
	}
	for _, e := range entries {
		if e.hasTitle {
			out.Notes = append(out.Notes, e.Note)
		}
	}
	return out, nil
}
