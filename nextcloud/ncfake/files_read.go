package ncfake

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"os"
	"path"
	"strings"
	"time"

	"golang.org/x/net/webdav"
)

// davPropfind is a PROPFIND body.
type davPropfind struct {
	XMLName  xml.Name     `xml:"DAV: propfind"`
	Prop     *davPropList `xml:"DAV: prop"`
	AllProp  *struct{}    `xml:"DAV: allprop"`
	PropName *struct{}    `xml:"DAV: propname"`
}

// readXMLBody reads a request body and decodes it into v; a syntax error is
// answered with Sabre's 400 and reported as false.
func readXMLBody(w http.ResponseWriter, r *http.Request, v any) (empty, ok bool) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		writeSabreError(w, http.StatusBadRequest, `Sabre\DAV\Exception\BadRequest`, "could not read the request body")
		return false, false
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return true, true
	}
	if err := xml.Unmarshal(body, v); err != nil {
		writeSabreError(w, http.StatusBadRequest, `Sabre\DAV\Exception\BadRequest`, err.Error())
		return false, false
	}
	return false, true
}

func (a *filesApp) handlePropfind(w http.ResponseWriter, r *http.Request, u *User, p string) {
	var pf davPropfind
	empty, ok := readXMLBody(w, r, &pf)
	if !ok {
		return
	}
	depth := r.Header.Get("Depth")
	if depth == "" {
		depth = "infinity"
	}
	if depth != "0" && depth != "1" && depth != "infinity" {
		writeSabreError(w, http.StatusBadRequest, `Sabre\DAV\Exception\BadRequest`, "The HTTP Depth header may only be \"0\", \"1\" or \"infinity\"")
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	h := a.homeOf(u.ID)
	m := h.meta[p]
	setFilesDAVHeaders(w)
	if m == nil {
		writeFileNotFound(w, p)
		return
	}
	nodes := []string{p}
	switch depth {
	case "1":
		nodes = append(nodes, h.children(p)...)
	case "infinity":
		nodes = h.subtree(p)
	}
	var responses []string
	for _, n := range nodes {
		t := propTarget{h: h, user: u, p: n, m: h.meta[n]}
		var names []xml.Name
		switch {
		case empty || pf.AllProp != nil:
			names = allProps(t.m)
		case pf.PropName != nil:
			// Names only: render every all-prop name as an empty element.
			var found []string
			for _, n := range allProps(t.m) {
				found = append(found, elemXML(n, ""))
			}
			responses = append(responses, responseXML(t.href(), found, nil, false))
			continue
		default:
			names = pf.Prop.names()
		}
		found, missing := a.renderProps(t, names, false)
		responses = append(responses, responseXML(t.href(), found, missing, false))
	}
	writeMultistatus(w, "application/xml; charset=utf-8", responses, false)
}

// handleGet serves a file's bytes through x/net/webdav (Range, If-None-Match
// and HEAD come from http.ServeContent) with Nextcloud's headers added.
func (a *filesApp) handleGet(w http.ResponseWriter, r *http.Request, u *User, p string) {
	a.mu.Lock()
	h := a.homeOf(u.ID)
	m := h.meta[p]
	switch {
	case m == nil:
		a.mu.Unlock()
		writeFileNotFound(w, p)
		return
	case m.dir:
		a.mu.Unlock()
		writeFilesInterfacePage(w)
		return
	case h.locked(p):
		a.mu.Unlock()
		writeFileLocked(w, p)
		return
	}
	// Take what the response needs under the lock; the bytes are then read
	// from the memFS, which guards itself.
	snap := snapshotFS{FileSystem: h.fs, name: p, etag: quoteFileETag(m.etag), mtime: m.mtime, ctype: fileMimeType(p)}
	ls := h.ls
	a.mu.Unlock()

	hdr := w.Header()
	ct := snap.ctype
	if strings.HasPrefix(ct, "text/") {
		ct += ";charset=UTF-8"
	}
	hdr.Set("Content-Type", ct)
	hdr.Set("OC-ETag", snap.etag)
	name := rawURLEncode(path.Base(p))
	hdr.Set("Content-Disposition", "attachment; filename*=UTF-8''"+name+`; filename="`+name+`"`)
	hdr.Set("X-Accel-Buffering", "no")
	dav := &webdav.Handler{Prefix: "/remote.php/dav/files/" + u.ID, FileSystem: snap, LockSystem: ls}
	dav.ServeHTTP(w, r)
}

// snapshotFS presents one file with the ETag, mtime and type Nextcloud's
// metadata gives it, so x/net/webdav's GET sends those.
type snapshotFS struct {
	webdav.FileSystem
	name  string
	etag  string
	mtime time.Time
	ctype string
}

func (s snapshotFS) OpenFile(ctx context.Context, name string, flag int, perm os.FileMode) (webdav.File, error) {
	f, err := s.FileSystem.OpenFile(ctx, name, flag, perm)
	if err != nil || path.Clean(name) != s.name {
		return f, err
	}
	return snapshotFile{File: f, fs: s}, nil
}

type snapshotFile struct {
	webdav.File
	fs snapshotFS
}

func (f snapshotFile) Stat() (os.FileInfo, error) {
	fi, err := f.File.Stat()
	if err != nil {
		return nil, err
	}
	return snapshotInfo{FileInfo: fi, fs: f.fs}, nil
}

type snapshotInfo struct {
	os.FileInfo
	fs snapshotFS
}

func (i snapshotInfo) ModTime() time.Time                          { return i.fs.mtime }
func (i snapshotInfo) ETag(context.Context) (string, error)        { return i.fs.etag, nil }
func (i snapshotInfo) ContentType(context.Context) (string, error) { return i.fs.ctype, nil }
