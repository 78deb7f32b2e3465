package nextcloud

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Nextcloud keeps a file's etag when the file is overwritten within the same
// second as its last change (nextcloud/server#63994, recorded in
// webdav-etag/): the scanner reuses the cached etag while the mtime is
// unchanged. An If-Match built from the old etag then still matches, and a
// stale write silently replaces newer content. Every WebDAV write that a later
// conditional write may be checked against therefore goes through the two
// helpers below:
//
//  1. writeMtime, before the write: it picks an X-OC-Mtime at least one
//     second past the file's current mtime, so the write moves the mtime and
//     the server hands out a new etag (the server answers X-OC-MTime: accepted).
//  2. ensureNewETag, after the write: if the etag the server answered equals
//     the etag the write was conditioned on (or the file had before an
//     unconditional overwrite), the header was not honoured and the file is
//     not protected; it then gives the file a fresh etag with PROPPATCH
//     {DAV:}getetag, which Nextcloud's FilesPlugin allows, before the write
//     is reported as done.
//
// Chunked uploads use the same pair around their final MOVE of ".file".

// writeStamp is what writeMtime learnt about the target of a write.
type writeStamp struct {
	// Mtime is the X-OC-Mtime to send.
	Mtime time.Time
	// Before is the file's quoted etag before the write; "" when the file did
	// not exist (or was not looked at, for a create-only write).
	Before string
}

// writeMtime returns the X-OC-Mtime for a write to the file at escaped path
// ep: now, but at least one second past the file's current mtime; or want,
// the caller's own mtime, unless it equals the current one. With
// replacing false (a create-only write) the file is not looked up, since it
// must not exist. A folder or a missing file needs no bump.
func (c *Client) writeMtime(ctx context.Context, ep string, replacing bool, want time.Time) (writeStamp, error) {
	st := writeStamp{Mtime: want}
	if st.Mtime.IsZero() {
		st.Mtime = time.Now()
	}
	st.Mtime = st.Mtime.Truncate(time.Second)
	if !replacing {
		return st, nil
	}
	ms, err := c.DAVRequest(ctx, "PROPFIND", ep, "0", nil, propfindFilesBody)
	if StatusOf(err) == http.StatusNotFound {
		return st, nil
	}
	if err != nil {
		return st, err
	}
	entries := c.fileEntries(ms)
	if len(entries) == 0 || entries[0].IsDir {
		return st, nil
	}
	st.Before = entries[0].ETag
	cur := entries[0].Modified
	switch {
	case cur.IsZero():
	case want.IsZero() && st.Mtime.Unix() <= cur.Unix():
		st.Mtime = time.Unix(cur.Unix()+1, 0)
	case !want.IsZero() && st.Mtime.Unix() == cur.Unix():
		// The caller's own mtime is honoured unless it equals the current one.
		st.Mtime = time.Unix(cur.Unix()+1, 0)
	}
	return st, nil
}

// setWriteMtime puts the X-OC-Mtime header (unix seconds) on a write.
func setWriteMtime(h http.Header, t time.Time) {
	h.Set("X-OC-Mtime", strconv.FormatInt(t.Unix(), 10))
}

// ensureNewETag checks the etag a write answered against prior, the etag the
// write was conditioned on (If-Match) or the file had before it was
// replaced. When they are equal the server kept the old etag, so a stale
// If-Match would still match: the file gets a fresh etag (PROPPATCH
// {DAV:}getetag, itself conditioned on the kept etag) and wr carries it. A
// write without a prior etag (a new file) or without an answered etag needs
// nothing. If the fix fails, the error says that the content was written but
// is not protected.
func (c *Client) ensureNewETag(ctx context.Context, ep, prior string, wr *WriteResult) error {
	if prior == "" || wr == nil || wr.ETag == "" || QuoteETag(wr.ETag) != QuoteETag(prior) {
		return nil
	}
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return &UnprotectedWriteError{Path: ep, ETag: wr.ETag, Err: err}
	}
	fresh := hex.EncodeToString(b)
	body := []byte(`<?xml version="1.0"?>` + "\n" + `<d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><d:getetag>` +
		fresh + `</d:getetag></d:prop></d:set></d:propertyupdate>`)
	ms, err := c.DAVRequest(ctx, "PROPPATCH", ep, "", http.Header{"If-Match": {QuoteETag(prior)}}, body)
	if err != nil {
		return &UnprotectedWriteError{Path: ep, ETag: wr.ETag, Err: err}
	}
	for _, r := range ms.Responses {
		for _, ps := range r.Propstats {
			if s := StatusCode(ps.Status); s != http.StatusOK {
				return &UnprotectedWriteError{Path: ep, ETag: wr.ETag, Err: fmt.Errorf("the server refused {DAV:}getetag (%s)", ps.Status)}
			}
		}
	}
	wr.ETag = QuoteETag(fresh)
	return nil
}

// ErrUnprotectedWrite matches an UnprotectedWriteError.
var ErrUnprotectedWrite = errors.New("write not protected by a new etag")

// UnprotectedWriteError says a write went through but the file kept the
// etag it had before, and giving it a new one failed: a writer holding the
// old etag could still replace the content. The caller must re-read the
// file before relying on its etag.
type UnprotectedWriteError struct {
	Path string
	ETag string
	Err  error
}

func (e *UnprotectedWriteError) Error() string {
	return fmt.Sprintf("%s was written, but the server kept its old etag %s and setting a new one failed (%v): "+
		"read the file again before the next conditional write", e.Path, e.ETag, e.Err)
}

// Is matches ErrUnprotectedWrite.
func (e *UnprotectedWriteError) Is(target error) bool { return target == ErrUnprotectedWrite }

func (e *UnprotectedWriteError) Unwrap() error { return e.Err }
