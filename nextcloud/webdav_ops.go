package nextcloud

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Mkdir creates one folder (MKCOL). Its parent must exist (409 otherwise);
// an existing name answers 405.
func (c *Client) Mkdir(ctx context.Context, p string) (*WriteResult, error) {
	ep, err := c.FilePath(ctx, p)
	if err != nil {
		return nil, err
	}
	if strings.HasSuffix(ep, "/") {
		return nil, fmt.Errorf("cannot create %q: it names the root folder, which always exists", p)
	}
	resp, err := c.Do(ctx, &Request{Method: "MKCOL", Path: ep, API: APIDAV, OK: []int{http.StatusCreated}})
	if err != nil {
		return nil, err
	}
	drainFileResponse(resp)
	return fileWriteResult(resp), nil
}

// NotDirError says a path that must be a folder is a file.
type NotDirError struct{ Path string }

func (e *NotDirError) Error() string { return e.Path + " is a file, not a folder" }

// MkdirAll creates a folder and any missing parents. It reports whether the
// folder itself was created; an existing folder is not an error.
func (c *Client) MkdirAll(ctx context.Context, p string) (created bool, err error) {
	segs, err := CleanPath(p)
	if err != nil {
		return false, err
	}
	if len(segs) == 0 {
		return false, nil
	}
	_, err = c.Mkdir(ctx, JoinPath(segs))
	switch {
	case err == nil:
		return true, nil
	case StatusOf(err) == http.StatusMethodNotAllowed:
		// 405 means the name is taken; make sure it is a folder and not a file.
		e, serr := c.Stat(ctx, JoinPath(segs))
		if serr != nil {
			return false, serr
		}
		if !e.IsDir {
			return false, &NotDirError{Path: e.Path}
		}
		return false, nil
	case StatusOf(err) == http.StatusConflict && len(segs) > 1:
		// 409: a parent is missing. Create the parents first, then this one.
		if _, err := c.MkdirAll(ctx, JoinPath(segs[:len(segs)-1])); err != nil {
			return false, err
		}
		if _, err := c.Mkdir(ctx, JoinPath(segs)); err != nil {
			return false, err
		}
		return true, nil
	default:
		return false, err
	}
}

// Delete removes a file or a folder with everything in it (to the trash bin
// when the server has one).
func (c *Client) Delete(ctx context.Context, p string) error {
	ep, err := c.FilePath(ctx, p)
	if err != nil {
		return err
	}
	if strings.HasSuffix(ep, "/") {
		return errors.New("refusing to delete the root of your files: name a file or folder inside it")
	}
	resp, err := c.Do(ctx, &Request{Method: http.MethodDelete, Path: ep, API: APIDAV, OK: []int{http.StatusNoContent, http.StatusOK}})
	if err != nil {
		return err
	}
	drainFileResponse(resp)
	return nil
}

// Move renames or moves a file or folder. Without overwrite an existing
// destination makes the server answer 412 and nothing changes; the
// destination's parent must exist (409 otherwise).
func (c *Client) Move(ctx context.Context, src, dst string, overwrite bool) (*WriteResult, error) {
	return c.copyMove(ctx, "MOVE", src, dst, overwrite)
}

// Copy copies a file or folder; see Move for the rules.
func (c *Client) Copy(ctx context.Context, src, dst string, overwrite bool) (*WriteResult, error) {
	return c.copyMove(ctx, "COPY", src, dst, overwrite)
}

func (c *Client) copyMove(ctx context.Context, method, src, dst string, overwrite bool) (*WriteResult, error) {
	es, err := c.FilePath(ctx, src)
	if err != nil {
		return nil, err
	}
	ed, err := c.FilePath(ctx, dst)
	if err != nil {
		return nil, err
	}
	if strings.HasSuffix(es, "/") || strings.HasSuffix(ed, "/") {
		return nil, fmt.Errorf("%s needs a file or folder inside your files as source and destination, not the root", method)
	}
	ow := "F"
	if overwrite {
		ow = "T"
	}
	h := http.Header{"Destination": {c.URL(ed, nil).String()}, "Overwrite": {ow}}
	var stamp writeStamp
	if overwrite {
		// Replacing a file is a write a later If-Match may be checked
		// against: see webdav_mtime.go. Nextcloud ignores X-OC-Mtime on a
		// plain MOVE or COPY, so the etag check afterwards is what counts.
		if stamp, err = c.writeMtime(ctx, ed, true, time.Time{}); err != nil {
			return nil, err
		}
		setWriteMtime(h, stamp.Mtime)
	}
	resp, err := c.Do(ctx, &Request{Method: method, Path: es, Header: h, API: APIDAV, OK: []int{http.StatusCreated, http.StatusNoContent}})
	if err != nil {
		return nil, err
	}
	drainFileResponse(resp)
	wr := fileWriteResult(resp)
	if stamp.Before == "" {
		return wr, nil
	}
	if wr.ETag == "" {
		// COPY answers without an etag (webdav/35): ask for it.
		ms, err := c.DAVRequest(ctx, "PROPFIND", ed, "0", nil, propfindFilesBody)
		if err != nil {
			return wr, err
		}
		if got := c.fileEntries(ms); len(got) > 0 {
			wr.ETag = got[0].ETag
		}
	}
	return wr, c.ensureNewETag(ctx, ed, stamp.Before, wr)
}

// SetFavorite marks or unmarks a file or folder as favorite (PROPPATCH oc:favorite).
func (c *Client) SetFavorite(ctx context.Context, p string, favorite bool) error {
	ep, err := c.FilePath(ctx, p)
	if err != nil {
		return err
	}
	v := "0"
	if favorite {
		v = "1"
	}
	body := []byte(`<?xml version="1.0"?>` + "\n" + `<d:propertyupdate ` + fileDAVNamespaces +
		`><d:set><d:prop><oc:favorite>` + v + `</oc:favorite></d:prop></d:set></d:propertyupdate>`)
	ms, err := c.DAVRequest(ctx, "PROPPATCH", ep, "", nil, body)
	if err != nil {
		return err
	}
	for _, r := range ms.Responses {
		for _, ps := range r.Propstats {
			if s := StatusCode(ps.Status); s != http.StatusOK {
				return fmt.Errorf("PROPPATCH %s: the server refused oc:favorite (%s)", ep, ps.Status)
			}
		}
	}
	return nil
}

func drainFileResponse(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}
