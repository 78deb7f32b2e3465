package nextcloud

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// PreviewFile is what deciding on a preview needs to know about a file.
type PreviewFile struct {
	FileEntry
	// HasPreview is nc:has-preview: whether the server can render a preview.
	// It is false for PDFs on servers without Imagick and Ghostscript
	// (previews/01).
	HasPreview bool
}

var propfindPreviewBody = []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
	`<d:propfind ` + fileDAVNamespaces + `><d:prop>` + fileProps + `<nc:has-preview/></d:prop></d:propfind>`)

// StatPreview describes one file with its nc:has-preview flag (PROPFIND depth 0).
func (c *Client) StatPreview(ctx context.Context, p string) (*PreviewFile, error) {
	ep, err := c.FilePath(ctx, p)
	if err != nil {
		return nil, err
	}
	ms, err := c.DAVRequest(ctx, "PROPFIND", ep, "0", nil, propfindPreviewBody)
	if err != nil {
		return nil, err
	}
	for i := range ms.Responses {
		r := &ms.Responses[i]
		if s := StatusCode(r.Status); s != 0 && s != http.StatusOK {
			continue
		}
		pf := &PreviewFile{FileEntry: c.fileEntry(r)}
		pf.HasPreview = filePropText(r.Found()[NSNextcloud+" has-preview"]) == "true"
		return pf, nil
	}
	return nil, fmt.Errorf("PROPFIND %s: the server answered without an entry for the path", ep)
}

// PreviewOptions size a preview. Without a size the server sends its
// default, 64 px (previews/09).
type PreviewOptions struct {
	Width, Height int
	// Crop fills the box exactly (a=0, previews/03); otherwise the aspect
	// ratio is kept and the preview fits inside the box (a=1, previews/02).
	Crop bool
	// MaxBytes caps the image read; 0 means 4 MiB.
	MaxBytes int64
}

// Preview is an image the server rendered.
type Preview struct {
	Data        []byte
	ContentType string
	ETag        string
}

// ErrNoPreview is returned when the server has no preview for the file: it
// answers 404 with "[]" for a type it cannot preview (a PDF without
// Imagick), a folder, a missing id or another user's file (previews/05, 07,
// 08, 10).
var ErrNoPreview = errors.New("no preview available")

// Preview fetches the server's preview of a file by its id
// (GET /index.php/core/preview?fileId=…). Servers may answer PNG, JPEG or
// WebP: read ContentType.
func (c *Client) Preview(ctx context.Context, fileID int64, o PreviewOptions) (*Preview, error) {
	q := url.Values{"fileId": {strconv.FormatInt(fileID, 10)}}
	if o.Width > 0 || o.Height > 0 {
		w, h := o.Width, o.Height
		if w <= 0 {
			w = h
		}
		if h <= 0 {
			h = w
		}
		q.Set("x", strconv.Itoa(w))
		q.Set("y", strconv.Itoa(h))
		if o.Crop {
			q.Set("a", "0")
		} else {
			q.Set("a", "1")
		}
	}
	limit := o.MaxBytes
	if limit <= 0 {
		limit = 4 << 20
	}
	h := http.Header{"Accept": {"image/*"}, "OCS-APIRequest": {"true"}}
	resp, err := c.Do(ctx, &Request{Method: http.MethodGet, Path: "/index.php/core/preview", Query: q, Header: h, API: APIOCS})
	if err != nil {
		var e *Error
		if errors.As(err, &e) && e.Status == http.StatusNotFound {
			return nil, fmt.Errorf("preview of file %d: %w", fileID, ErrNoPreview)
		}
		return nil, err
	}
	defer resp.Body.Close()
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if !strings.HasPrefix(ct, "image/") {
		return nil, fmt.Errorf("preview of file %d: the server answered %q, not an image: %w", fileID, ct, ErrNoPreview)
	}
	data, err := ReadCapped(resp.Body, limit)
	if err != nil {
		return nil, fmt.Errorf("preview of file %d: %w", fileID, err)
	}
	return &Preview{Data: data, ContentType: ct, ETag: resp.Header.Get("ETag")}, nil
}
