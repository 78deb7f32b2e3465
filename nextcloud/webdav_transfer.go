package nextcloud

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ReadOptions select the part of a file to download.
type ReadOptions struct {
	// Offset is the first byte to return; with Offset or Length set the
	// request carries a Range header.
	Offset int64
	// Length is how many bytes to ask for; 0 means to the end of the file.
	Length int64
	// MaxBytes caps what Body yields; reading past it fails with ErrTooLarge.
	// 0 means the client's MaxBody.
	MaxBytes int64
}

// FileContent is a download in progress. Close Body when done.
type FileContent struct {
	Body        io.ReadCloser
	ETag        string
	ContentType string
	Modified    time.Time
	// Size is the whole file's size, -1 when the server did not say.
	Size int64
	// Offset is where Body starts in the file.
	Offset int64
	// Length is how many bytes Body holds per the headers, -1 when unknown.
	Length int64
}

// ReadFile starts a GET of a file and returns its body as a stream with its
// metadata. With Offset or Length it asks for a byte range; a server that
// ignores Range is handled by skipping and limiting locally.
func (c *Client) ReadFile(ctx context.Context, p string, o ReadOptions) (*FileContent, error) {
	ep, err := c.FilePath(ctx, p)
	if err != nil {
		return nil, err
	}
	if o.Offset < 0 || o.Length < 0 {
		return nil, fmt.Errorf("read %s: offset and length must not be negative", p)
	}
	h := http.Header{}
	ranged := o.Offset > 0 || o.Length > 0
	if ranged {
		if o.Length > 0 {
			h.Set("Range", fmt.Sprintf("bytes=%d-%d", o.Offset, o.Offset+o.Length-1))
		} else {
			h.Set("Range", fmt.Sprintf("bytes=%d-", o.Offset))
		}
	}
	resp, err := c.Do(ctx, &Request{Method: http.MethodGet, Path: ep, Header: h, API: APIDAV,
		OK: []int{http.StatusOK, http.StatusPartialContent, http.StatusRequestedRangeNotSatisfiable}})
	if err != nil {
		return nil, err
	}
	fc := &FileContent{
		ETag:        resp.Header.Get("ETag"),
		ContentType: resp.Header.Get("Content-Type"),
		Size:        -1,
		Length:      resp.ContentLength,
		Offset:      o.Offset,
	}
	if fc.ETag == "" {
		fc.ETag = resp.Header.Get("OC-ETag")
	}
	if t, err := http.ParseTime(resp.Header.Get("Last-Modified")); err == nil {
		fc.Modified = t
	}
	limit := o.MaxBytes
	if limit <= 0 {
		limit = c.maxBody
	}
	var body io.Reader = resp.Body
	switch resp.StatusCode {
	case http.StatusPartialContent:
		start, total, ok := parseFileContentRange(resp.Header.Get("Content-Range"))
		if !ok {
			resp.Body.Close()
			return nil, fmt.Errorf("GET %s: 206 without a usable Content-Range (%q)", ep, resp.Header.Get("Content-Range"))
		}
		fc.Offset, fc.Size = start, total
	case http.StatusRequestedRangeNotSatisfiable:
		// The offset is at or past the end: an empty window of a file whose size the header gives.
		_, total, _ := parseFileContentRange(resp.Header.Get("Content-Range"))
		fc.Size, fc.Length = total, 0
		body = strings.NewReader("")
	default:
		fc.Size = resp.ContentLength
		if ranged {
			// The server sent the whole file: cut the window out locally.
			if _, err := io.CopyN(io.Discard, resp.Body, o.Offset); err != nil && err != io.EOF {
				resp.Body.Close()
				return nil, fmt.Errorf("GET %s: skip to offset %d: %w", ep, o.Offset, err)
			}
			fc.Length = -1
			if fc.Size >= 0 {
				fc.Length = max(fc.Size-o.Offset, 0)
			}
			if o.Length > 0 {
				body = io.LimitReader(resp.Body, o.Length)
				if fc.Length < 0 || fc.Length > o.Length {
					fc.Length = o.Length
				}
			}
		}
	}
	fc.Body = &cappedBody{r: body, closer: resp.Body, left: limit, limit: limit}
	return fc, nil
}

// parseFileContentRange reads "bytes 0-4/26" or "bytes */26".
func parseFileContentRange(v string) (start, total int64, ok bool) {
	v = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), "bytes"))
	rng, tot, found := strings.Cut(v, "/")
	if !found {
		return 0, -1, false
	}
	total = -1
	if tot != "*" {
		n, err := strconv.ParseInt(tot, 10, 64)
		if err != nil {
			return 0, -1, false
		}
		total = n
	}
	if rng == "*" {
		return 0, total, true
	}
	a, _, found := strings.Cut(rng, "-")
	if !found {
		return 0, total, false
	}
	s, err := strconv.ParseInt(a, 10, 64)
	if err != nil {
		return 0, total, false
	}
	return s, total, true
}

// cappedBody fails with ErrTooLarge once more than limit bytes come through,
// so a caller never buffers more than it asked for without noticing.
type cappedBody struct {
	r      io.Reader
	closer io.Closer
	left   int64
	limit  int64
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, fmt.Errorf("%w: the file has more than %d bytes", ErrTooLarge, b.limit)
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		return n + int(b.left), fmt.Errorf("%w: the file has more than %d bytes", ErrTooLarge, b.limit)
	}
	return n, err
}

func (b *cappedBody) Close() error { return b.closer.Close() }

// WriteOptions make an upload conditional.
type WriteOptions struct {
	// IfMatch, when set, is sent as If-Match (quoted if it is not): the
	// write happens only if the file still has this ETag.
	IfMatch string
	// CreateOnly sends If-None-Match: * so an existing file is never replaced.
	CreateOnly bool
	// ContentType of the upload; default application/octet-stream.
	ContentType string
	// ModTime, when set, is sent as X-OC-Mtime (unless it equals the file's
	// current mtime, see writeMtime); otherwise the write time is sent.
	ModTime time.Time
}

// WriteResult is what the server reports after an upload, move or copy.
type WriteResult struct {
	// ETag is the new quoted ETag (ETag or OC-ETag header), when sent.
	ETag string `json:"etag,omitempty"`
	// OCFileID is the raw OC-FileId header, e.g. 00000163oc62p9v20xez.
	OCFileID string `json:"-"`
	// FileID is the numeric file id read from OC-FileId, 0 when absent.
	FileID int64 `json:"file_id,omitempty"`
	// Created is true for 201 (new resource), false for 204 (replaced).
	Created bool `json:"created"`
}

// WriteFile uploads data with PUT. The parent folder must exist: Nextcloud
// answers 404 otherwise (see MkdirAll).
func (c *Client) WriteFile(ctx context.Context, p string, data []byte, o WriteOptions) (*WriteResult, error) {
	if data == nil {
		data = []byte{}
	}
	return c.put(ctx, p, &Request{Body: data}, o)
}

// WriteFileStream uploads from r with PUT. A *bytes.Reader, *bytes.Buffer or
// *strings.Reader is sent with its length; other readers go out chunked. A
// streamed body is never retried.
func (c *Client) WriteFileStream(ctx context.Context, p string, r io.Reader, o WriteOptions) (*WriteResult, error) {
	return c.put(ctx, p, &Request{BodyReader: r, NoTimeout: true}, o)
}

func (c *Client) put(ctx context.Context, p string, req *Request, o WriteOptions) (*WriteResult, error) {
	ep, err := c.FilePath(ctx, p)
	if err != nil {
		return nil, err
	}
	if strings.HasSuffix(ep, "/") {
		return nil, fmt.Errorf("cannot write to %q: it names the root folder, not a file", p)
	}
	if req.Header == nil {
		req.Header = http.Header{}
	}
	ct := o.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	req.Header.Set("Content-Type", ct)
	if o.IfMatch != "" {
		req.Header.Set("If-Match", QuoteETag(o.IfMatch))
	}
	if o.CreateOnly {
		req.Header.Set("If-None-Match", "*")
	}
	stamp, err := c.writeMtime(ctx, ep, !o.CreateOnly, o.ModTime)
	if err != nil {
		return nil, err
	}
	setWriteMtime(req.Header, stamp.Mtime)
	req.Method, req.Path, req.API = http.MethodPut, ep, APIDAV
	req.OK = []int{http.StatusCreated, http.StatusNoContent, http.StatusOK}
	resp, err := c.Do(ctx, req)
	if err != nil {
		return nil, err
	}
	drainFileResponse(resp)
	wr := fileWriteResult(resp)
	prior := stamp.Before
	if o.IfMatch != "" {
		prior = o.IfMatch
	}
	if err := c.ensureNewETag(ctx, ep, prior, wr); err != nil {
		return wr, err
	}
	return wr, nil
}

func fileWriteResult(resp *http.Response) *WriteResult {
	wr := &WriteResult{
		ETag:     resp.Header.Get("OC-ETag"),
		OCFileID: resp.Header.Get("OC-FileId"),
		Created:  resp.StatusCode == http.StatusCreated,
	}
	if wr.ETag == "" {
		wr.ETag = resp.Header.Get("ETag")
	}
	wr.FileID = ParseOCFileID(wr.OCFileID)
	return wr
}

// ParseOCFileID reads the numeric id from an OC-FileId header value: the
// zero-padded digits before the instance id ("00000163oc62p9v20xez" → 163).
func ParseOCFileID(v string) int64 {
	i := 0
	for i < len(v) && v[i] >= '0' && v[i] <= '9' {
		i++
	}
	n, err := strconv.ParseInt(v[:i], 10, 64)
	if err != nil {
		return 0
	}
	return n
}
