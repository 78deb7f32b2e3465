package ncfake

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Chunked upload v2 under /remote.php/dav/uploads/<user>/<id>/, as Nextcloud
// 29 on local storage answers it (webdav/63-71): MKCOL makes the upload
// folder, each PUT stores a chunk (201, empty body), PROPFIND lists them
// with a ".file" entry holding their total, MOVE of ".file" assembles them
// in name order onto the Destination (201 or 204 with ETag, OC-ETag and
// OC-FileId), DELETE aborts. Chunk names are not validated (webdav/69), and
// an OC-Total-Length that differs from the chunks' sum is a 400 (webdav/70).
//
// Conditions on the MOVE follow Sabre: If-Match and If-None-Match apply to
// the request URI, the ".file" itself, so If-None-Match: * always fails
// there; a condition on the destination is sent as an If header with a
// tagged list, "<destination-url> (["etag"])", and Overwrite: F refuses an
// existing destination (webdav/36).

// uploadDir is one upload folder.
type uploadDir struct {
	id      string
	dest    string // Destination header of the MKCOL, as sent
	chunks  map[string]*fileBody
	etag    string
	touched time.Time
	// seq and appending: in-order chunks on disk (files_chunked_seq.go).
	seq       *seqFile
	appending bool
}

func (d *uploadDir) total() int64 {
	var n int64
	for _, c := range d.chunks {
		n += c.size
	}
	return n
}

// chunkNames returns the chunk names in assembly order: numbers by value,
// then other names bytewise (Nextcloud sorts them naturally).
func (d *uploadDir) chunkNames() []string {
	names := make([]string, 0, len(d.chunks))
	for n := range d.chunks {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool { return chunkLess(names[i], names[j]) })
	return names
}

// chunkLess orders chunk names: numbers by value first, then other names bytewise.
func chunkLess(x, y string) bool {
	a, aerr := strconv.ParseUint(x, 10, 63)
	b, berr := strconv.ParseUint(y, 10, 63)
	switch {
	case aerr == nil && berr == nil && a != b:
		return a < b
	case aerr == nil && berr != nil:
		return true
	case aerr != nil && berr == nil:
		return false
	}
	return x < y
}

// uploadDirs returns the user's upload folders. Caller holds a.mu.
func (a *filesApp) uploadDirs(user string) map[string]*uploadDir {
	if a.uploads == nil {
		a.uploads = map[string]map[string]*uploadDir{}
	}
	m := a.uploads[user]
	if m == nil {
		m = map[string]*uploadDir{}
		a.uploads[user] = m
	}
	return m
}

func (a *filesApp) serveUploads(w http.ResponseWriter, r *http.Request) {
	u := a.s.davAuth(w, r)
	if u == nil {
		return
	}
	rest := strings.Trim(strings.TrimPrefix(r.URL.Path, "/remote.php/dav/uploads/"), "/")
	segs := strings.Split(rest, "/")
	if segs[0] != u.ID {
		writeSabreError(w, http.StatusNotFound, `Sabre\DAV\Exception\NotFound`, "Principal with name "+segs[0]+" not found")
		return
	}
	switch len(segs) {
	case 1:
		w.Header().Set("Allow", "OPTIONS, GET, HEAD, DELETE, PROPFIND, PUT, PROPPATCH, COPY, MOVE, REPORT")
		writeSabreError(w, http.StatusMethodNotAllowed, `Sabre\DAV\Exception\MethodNotAllowed`, "Listing upload folders is not allowed")
	case 2:
		a.serveUploadDir(w, r, u, segs[1])
	case 3:
		if segs[2] == ".file" && r.Method == "MOVE" {
			a.handleAssemble(w, r, u, segs[1])
			return
		}
		a.serveChunk(w, r, u, segs[1], segs[2])
	default:
		writeSabreError(w, http.StatusNotFound, `Sabre\DAV\Exception\NotFound`, "File with name "+rest+" could not be located")
	}
}

func writeUploadNotFound(w http.ResponseWriter, id string) {
	writeSabreError(w, http.StatusNotFound, `Sabre\DAV\Exception\NotFound`, "File with name "+id+" could not be located")
}

func (a *filesApp) serveUploadDir(w http.ResponseWriter, r *http.Request, u *User, id string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	dirs := a.uploadDirs(u.ID)
	d := dirs[id]
	switch r.Method {
	case "MKCOL":
		if d != nil {
			w.Header().Set("Allow", filesAllow)
			writeSabreError(w, http.StatusMethodNotAllowed, `Sabre\DAV\Exception\MethodNotAllowed`, "The resource you tried to create already exists")
			return
		}
		dirs[id] = &uploadDir{id: id, dest: r.Header.Get("Destination"), chunks: map[string]*fileBody{}, etag: a.folderETag(), touched: time.Now()}
		writeEmpty(w, http.StatusCreated)
	case "PROPFIND":
		if d == nil {
			setFilesDAVHeaders(w)
			writeUploadNotFound(w, id)
			return
		}
		a.propfindUploadDir(w, r, u, d)
	case http.MethodDelete:
		if d == nil {
			writeUploadNotFound(w, id)
			return
		}
		d.discardAll()
		delete(dirs, id)
		writeEmpty(w, http.StatusNoContent)
	default:
		if d == nil {
			writeUploadNotFound(w, id)
			return
		}
		writeSabreError(w, http.StatusMethodNotAllowed, `Sabre\DAV\Exception\MethodNotAllowed`, r.Method+" is not allowed on an upload folder")
	}
}

// propfindUploadDir lists the folder, ".file" and the chunks (webdav/66):
// getcontentlength and resourcetype, anything else as 404.
func (a *filesApp) propfindUploadDir(w http.ResponseWriter, r *http.Request, u *User, d *uploadDir) {
	var pf davPropfind
	if _, ok := readXMLBody(w, r, &pf); !ok {
		return
	}
	names := []xml.Name{{Space: nsDAV, Local: "getcontentlength"}, {Space: nsDAV, Local: "resourcetype"}}
	if pf.Prop != nil {
		names = pf.Prop.names()
	}
	base := "/remote.php/dav/uploads/" + u.ID + "/" + sabreEncode(d.id)
	render := func(href string, dir bool, size int64) string {
		var found, missing []string
		for _, n := range names {
			switch {
			case n.Space == nsDAV && n.Local == "resourcetype" && dir:
				found = append(found, elemXML(n, "<d:collection/>"))
			case n.Space == nsDAV && n.Local == "resourcetype":
				found = append(found, elemXML(n, ""))
			case n.Space == nsDAV && n.Local == "getcontentlength" && !dir:
				found = append(found, elemXML(n, strconv.FormatInt(size, 10)))
			case n.Space == nsDAV && n.Local == "getetag" && dir:
				found = append(found, elemXML(n, quoteFileETag(d.etag)))
			default:
				missing = append(missing, elemXML(n, ""))
			}
		}
		return responseXML(href, found, missing, false)
	}
	responses := []string{render(base+"/", true, 0)}
	if r.Header.Get("Depth") != "0" {
		responses = append(responses, render(base+"/.file", false, d.total()))
		for _, n := range d.chunkNames() {
			responses = append(responses, render(base+"/"+sabreEncode(n), false, d.chunks[n].size))
		}
	}
	setFilesDAVHeaders(w)
	writeMultistatus(w, "application/xml; charset=utf-8", responses, false)
}

func (a *filesApp) serveChunk(w http.ResponseWriter, r *http.Request, u *User, id, name string) {
	switch r.Method {
	case http.MethodPut:
		a.handleChunkPut(w, r, u, id, name)
	case http.MethodDelete:
		a.mu.Lock()
		defer a.mu.Unlock()
		d := a.uploadDirs(u.ID)[id]
		if d == nil || d.chunks[name] == nil {
			writeUploadNotFound(w, name)
			return
		}
		d.chunks[name].discard()
		delete(d.chunks, name)
		writeEmpty(w, http.StatusNoContent)
	case http.MethodGet, http.MethodHead:
		writeSabreError(w, http.StatusMethodNotAllowed, `Sabre\DAV\Exception\MethodNotAllowed`, "Reading intermediate uploads is not allowed")
	default:
		writeSabreError(w, http.StatusMethodNotAllowed, `Sabre\DAV\Exception\MethodNotAllowed`, r.Method+" is not allowed on a chunk")
	}
}

// handleChunkPut stores one chunk. With OC-Total-Length the quota is
// checked up front, so a too-big upload fails at its first chunk.
func (a *filesApp) handleChunkPut(w http.ResponseWriter, r *http.Request, u *User, id, name string) {
	a.mu.Lock()
	d := a.uploadDirs(u.ID)[id]
	if d == nil {
		a.mu.Unlock()
		writeUploadNotFound(w, id)
		return
	}
	if tl := r.Header.Get("OC-Total-Length"); tl != "" {
		total, _ := strconv.ParseInt(tl, 10, 64)
		if avail := a.quotaAvailable(a.homeOf(u.ID)); avail != -3 && total > avail {
			a.mu.Unlock()
			writeSabreError(w, http.StatusInsufficientStorage, `Sabre\DAV\Exception\InsufficientStorage`,
				fmt.Sprintf("Insufficient space in %s, %d required, %d available", uploadTarget(d, r), total, avail))
			return
		}
	}
	if off, ok := d.appendAt(name); ok && a.onDisk() {
		d.appending = true
		a.mu.Unlock()
		a.appendChunk(w, r, u, d, name, off)
		return
	}
	a.mu.Unlock()

	body, err := a.readBody(r.Body)
	if err != nil {
		writeSabreError(w, http.StatusBadRequest, `Sabre\DAV\Exception\BadRequest`, "could not read the request body")
		return
	}
	if cl := r.ContentLength; cl >= 0 && body.size != cl {
		body.discard()
		writeSabreError(w, http.StatusBadRequest, `Sabre\DAV\Exception\BadRequest`,
			fmt.Sprintf("Expected filesize of %d bytes but read (from Nextcloud client) and wrote (to Nextcloud storage) %d bytes. Could either be a network problem on the sending side or a problem writing to the storage on the server side.", cl, body.size))
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	d = a.uploadDirs(u.ID)[id]
	if d == nil {
		body.discard()
		writeUploadNotFound(w, id)
		return
	}
	old := d.chunks[name]
	d.chunks[name] = body
	d.touched = time.Now()
	if old != nil {
		old.discard()
		writeEmpty(w, http.StatusNoContent)
		return
	}
	writeEmpty(w, http.StatusCreated)
}

func uploadTarget(d *uploadDir, r *http.Request) string {
	dest := r.Header.Get("Destination")
	if dest == "" {
		dest = d.dest
	}
	if i := strings.Index(dest, "/remote.php/dav/files/"); i >= 0 {
		p := strings.TrimPrefix(dest[i:], "/remote.php/dav/files/")
		if _, rest, ok := strings.Cut(p, "/"); ok {
			return "/" + rest
		}
	}
	return dest
}

// ifTagged matches one tagged-list condition of an If header:
// <url> (["etag"]) — the form clients use to make a MOVE conditional on
// the destination's ETag.
var ifTagged = regexp.MustCompile(`<([^>]*)>\s*\(\s*(Not\s+)?\[\s*("[^"]*"|W/"[^"]*")\s*\]\s*\)`)

// handleAssemble is MOVE .file: check, join the chunks, write the target.
func (a *filesApp) handleAssemble(w http.ResponseWriter, r *http.Request, u *User, id string) {
	dp, ok := destinationPath(w, r, u)
	if !ok {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	h := a.homeOf(u.ID)
	dirs := a.uploadDirs(u.ID)
	d := dirs[id]
	if d == nil {
		writeUploadNotFound(w, id)
		return
	}
	// Sabre checks If-Match / If-None-Match against the request URI: the
	// .file, whose ETag is the upload folder's, and which always exists.
	if im := r.Header.Get("If-Match"); im != "" && !etagListMatches(im, quoteFileETag(d.etag)) {
		writeSabreError(w, http.StatusPreconditionFailed, `Sabre\DAV\Exception\PreconditionFailed`,
			"An If-Match header was specified, but none of the specified ETags matched.", "<s:header>If-Match</s:header>")
		return
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagListMatches(inm, quoteFileETag(d.etag)) {
		writeSabreError(w, http.StatusPreconditionFailed, `Sabre\DAV\Exception\PreconditionFailed`,
			"An If-None-Match header was specified, but the ETag matched (or * was specified).", "<s:header>If-None-Match</s:header>")
		return
	}
	dm := h.meta[dp]
	for _, m := range ifTagged.FindAllStringSubmatch(r.Header.Get("If"), -1) {
		target := dp
		if tp, ok := filesPathOfURL(m[1], u); ok {
			target = tp
		}
		tm := h.meta[target]
		if tm == nil {
			writeFileNotFound(w, target)
			return
		}
		match := !tm.dir && quoteFileETag(tm.etag) == m[3]
		if match == (m[2] != "") {
			writeSabreError(w, http.StatusPreconditionFailed, `Sabre\DAV\Exception\PreconditionFailed`,
				"Failed to find a valid token/etag combination for "+m[1], "<s:header>If</s:header>")
			return
		}
	}
	overwrite := !strings.EqualFold(strings.TrimSpace(r.Header.Get("Overwrite")), "F")
	if dm != nil && !overwrite {
		writeSabreError(w, http.StatusPreconditionFailed, `Sabre\DAV\Exception\PreconditionFailed`,
			"The destination node already exists, and the overwrite header is set to false", "<s:header>Overwrite</s:header>")
		return
	}
	if pm := h.meta[path.Dir(dp)]; pm == nil || !pm.dir {
		writeSabreError(w, http.StatusConflict, `Sabre\DAV\Exception\Conflict`, "The destination node is not found")
		return
	}
	if dm != nil && dm.dir {
		writeSabreError(w, http.StatusConflict, `Sabre\DAV\Exception\Conflict`, "The destination "+dp+" is a folder")
		return
	}
	total := d.total()
	if tl := r.Header.Get("OC-Total-Length"); tl != "" && tl != strconv.FormatInt(total, 10) {
		writeSabreError(w, http.StatusBadRequest, `Sabre\DAV\Exception\BadRequest`,
			fmt.Sprintf("Chunks on server do not sum up to %s but to %d bytes", tl, total))
		return
	}
	if h.locked(dp) {
		writeFileLocked(w, dp)
		return
	}
	if avail := a.quotaAvailable(h); avail != -3 {
		var old int64
		if dm != nil {
			old = dm.size
		}
		if total > avail+old {
			writeSabreError(w, http.StatusInsufficientStorage, `Sabre\DAV\Exception\InsufficientStorage`,
				fmt.Sprintf("Insufficient space in %s, %d required, %d available", dp, total, avail))
			return
		}
	}
	if d.appending {
		writeFileLocked(w, ".file")
		return
	}
	body, err := d.assembled()
	if err == nil && body == nil {
		parts := make([]*fileBody, 0, len(d.chunks))
		for _, n := range d.chunkNames() {
			parts = append(parts, d.chunks[n])
		}
		body, err = a.concatBodies(parts)
	}
	if err != nil {
		writeSabreError(w, http.StatusInternalServerError, `Sabre\DAV\Exception`, err.Error())
		return
	}
	defer body.discard()
	var mtime int64
	if v := r.Header.Get("X-OC-MTime"); v != "" && !a.ignoreMtime {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
			mtime = n
			w.Header().Set("X-OC-MTime", "accepted")
		}
	}
	nm, err := a.writeBody(r.Context(), h, dp, body, mtime)
	if err != nil {
		writeSabreError(w, http.StatusInternalServerError, `Sabre\DAV\Exception`, err.Error())
		return
	}
	d.discardAll()
	delete(dirs, id)
	w.Header().Set("OC-ETag", quoteFileETag(nm.etag))
	w.Header().Set("ETag", quoteFileETag(nm.etag))
	w.Header().Set("OC-FileId", ocFileID(nm.id))
	if dm != nil {
		writeEmpty(w, http.StatusNoContent)
		return
	}
	writeEmpty(w, http.StatusCreated)
}

// filesPathOfURL maps an absolute URL or path of the user's files tree to
// the path in the home.
func filesPathOfURL(raw string, u *User) (string, bool) {
	p := raw
	if i := strings.Index(p, "://"); i >= 0 {
		if j := strings.Index(p[i+3:], "/"); j >= 0 {
			p = p[i+3+j:]
		}
	}
	home := "/remote.php/dav/files/" + u.ID
	if p != home && !strings.HasPrefix(p, home+"/") {
		return "", false
	}
	dec, err := url.PathUnescape(strings.TrimPrefix(p, home))
	if err != nil {
		return "", false
	}
	return cleanFilePath(dec), true
}

// ---- helpers for tests and benchmarks ----

// Uploads lists the ids of the user's upload folders, sorted.
func (s *Server) Uploads(user string) []string {
	a := s.files
	a.mu.Lock()
	defer a.mu.Unlock()
	var ids []string
	for id := range a.uploadDirs(user) {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// UploadChunks returns the sizes of an upload folder's chunks by name.
func (s *Server) UploadChunks(user, id string) map[string]int64 {
	a := s.files
	a.mu.Lock()
	defer a.mu.Unlock()
	d := a.uploadDirs(user)[id]
	if d == nil {
		return nil
	}
	out := map[string]int64{}
	for n, c := range d.chunks {
		out[n] = c.size
	}
	return out
}

// ExpireUploads deletes the user's upload folders, as Nextcloud's cleanup
// job does after 24 hours without activity.
func (s *Server) ExpireUploads(user string) {
	a := s.files
	a.mu.Lock()
	defer a.mu.Unlock()
	for id, d := range a.uploadDirs(user) {
		d.discardAll()
		delete(a.uploads[user], id)
	}
}
