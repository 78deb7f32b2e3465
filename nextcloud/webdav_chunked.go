package nextcloud

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// The requests of chunked upload v2 (webdav/63-71): an upload folder below
// /remote.php/dav/uploads/<user>/, numbered chunks in it, and a MOVE of its
// ".file" onto the destination. Every request names the destination in a
// Destination header, as v2 requires.

// uploadFolder is one upload folder on the server.
type uploadFolder struct {
	path string // escaped request path, no trailing slash
	dest string // absolute URL of the destination, for Destination
}

// newUploadID returns a fresh upload folder name.
func newUploadID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return "nextcloud-mcp-" + hex.EncodeToString(b)
}

// uploadFolderFor returns the upload folder id for the destination file ep.
func (c *Client) uploadFolderFor(ctx context.Context, id, ep string) (*uploadFolder, error) {
	uid, err := c.UserID(ctx)
	if err != nil {
		return nil, err
	}
	if dec, err := url.PathUnescape(uid); err == nil {
		uid = dec
	}
	return &uploadFolder{
		path: "/remote.php/dav/uploads/" + url.PathEscape(uid) + "/" + url.PathEscape(id),
		dest: c.URL(ep, nil).String(),
	}, nil
}

// chunkName is the name of chunk n: five digits, as the desktop client
// sends them, so names sort in order and stay within v2's 1-10000.
func chunkName(n int) string { return fmt.Sprintf("%05d", n) }

// create makes the upload folder (MKCOL).
func (c *Client) createUploadFolder(ctx context.Context, f *uploadFolder) error {
	resp, err := c.Do(ctx, &Request{Method: "MKCOL", Path: f.path, Header: http.Header{"Destination": {f.dest}}, API: APIDAV, OK: []int{http.StatusCreated}})
	if err != nil {
		return err
	}
	drainFileResponse(resp)
	return nil
}

// putChunk sends chunk n. The body is streamed with its length; the caller
// retries, because a streamed body is never retried by Do.
func (c *Client) putChunk(ctx context.Context, f *uploadFolder, n int, body io.Reader, size, total int64) error {
	h := http.Header{
		"Destination":     {f.dest},
		"Oc-Total-Length": {strconv.FormatInt(total, 10)},
		"Content-Type":    {"application/octet-stream"},
	}
	req := &Request{Method: http.MethodPut, Path: f.path + "/" + chunkName(n), Header: h, API: APIDAV,
		BodyReader: body, ContentLength: size, NoTimeout: true, OK: []int{http.StatusCreated, http.StatusNoContent}}
	if size == 0 {
		req.BodyReader, req.Body = nil, []byte{}
	}
	resp, err := c.Do(ctx, req)
	if err != nil {
		return err
	}
	drainFileResponse(resp)
	return nil
}

// uploadedChunk is a chunk the server holds.
type uploadedChunk struct {
	n    int
	size int64
}

var propfindChunksBody = []byte(`<?xml version="1.0"?>` + "\n" +
	`<d:propfind ` + fileDAVNamespaces + `><d:prop><d:getcontentlength/><d:resourcetype/></d:prop></d:propfind>`)

// listChunks lists the numbered chunks of the upload folder, in order
// (webdav/66). ".file" and names that are not numbers are left out.
func (c *Client) listChunks(ctx context.Context, f *uploadFolder) ([]uploadedChunk, error) {
	ms, err := c.DAVRequest(ctx, "PROPFIND", f.path, "1", nil, propfindChunksBody)
	if err != nil {
		return nil, err
	}
	var out []uploadedChunk
	for i := range ms.Responses {
		r := &ms.Responses[i]
		href := strings.TrimSuffix(r.Href, "/")
		name := href[strings.LastIndex(href, "/")+1:]
		n, err := strconv.Atoi(name)
		if err != nil || n < 1 {
			continue
		}
		size, err := strconv.ParseInt(filePropText(r.Found()[NSDAV+" getcontentlength"]), 10, 64)
		if err != nil {
			continue
		}
		out = append(out, uploadedChunk{n: n, size: size})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].n < out[j].n })
	return out, nil
}

// deleteChunk removes one chunk.
func (c *Client) deleteChunk(ctx context.Context, f *uploadFolder, n int) error {
	resp, err := c.Do(ctx, &Request{Method: http.MethodDelete, Path: f.path + "/" + chunkName(n), API: APIDAV,
		Header: http.Header{"Destination": {f.dest}}, OK: []int{http.StatusNoContent, http.StatusOK}})
	if err != nil {
		return err
	}
	drainFileResponse(resp)
	return nil
}

// abortUpload deletes the upload folder and every chunk in it (webdav/71).
func (c *Client) abortUpload(ctx context.Context, f *uploadFolder) error {
	resp, err := c.Do(ctx, &Request{Method: http.MethodDelete, Path: f.path, API: APIDAV,
		Header: http.Header{"Destination": {f.dest}}, OK: []int{http.StatusNoContent, http.StatusOK, http.StatusNotFound}})
	if err != nil {
		return err
	}
	drainFileResponse(resp)
	return nil
}

// assembleOptions make the final MOVE conditional.
type assembleOptions struct {
	total    int64
	mtime    int64
	checksum string // "SHA1:<hex>", sent as OC-Checksum
	// ifMatch replaces the destination only if it has this ETag. Sabre
	// evaluates If-Match against the request URI (the ".file"), so the
	// condition on the destination travels in an If header's tagged list.
	ifMatch string
	// createOnly refuses an existing destination (Overwrite: F, webdav/36).
	createOnly bool
}

// assemble moves ".file" onto the destination (webdav/67).
func (c *Client) assemble(ctx context.Context, f *uploadFolder, o assembleOptions) (*WriteResult, error) {
	h := http.Header{
		"Destination":     {f.dest},
		"Oc-Total-Length": {strconv.FormatInt(o.total, 10)},
		"Overwrite":       {"T"},
	}
	if o.mtime > 0 {
		h.Set("X-OC-MTime", strconv.FormatInt(o.mtime, 10))
	}
	if o.checksum != "" {
		h.Set("OC-Checksum", o.checksum)
	}
	if o.createOnly {
		h.Set("Overwrite", "F")
	}
	if o.ifMatch != "" {
		h.Set("If", "<"+f.dest+"> (["+QuoteETag(o.ifMatch)+"])")
	}
	// Assembling a big file takes the server a while: no client timeout.
	resp, err := c.Do(ctx, &Request{Method: "MOVE", Path: f.path + "/.file", Header: h, API: APIDAV, NoTimeout: true,
		OK: []int{http.StatusCreated, http.StatusNoContent}})
	if err != nil {
		return nil, err
	}
	drainFileResponse(resp)
	return fileWriteResult(resp), nil
}
