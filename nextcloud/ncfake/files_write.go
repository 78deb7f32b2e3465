package ncfake

import (
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/webdav"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// locked reports whether p, or a folder above it, is locked (LockFile).
// It asks the LockSystem for a zero-depth lock and gives it straight back.
// Caller holds a.mu.
func (h *fileHome) locked(p string) bool {
	if len(h.locks) == 0 {
		return false
	}
	now := time.Now()
	tok, err := h.ls.Create(now, webdav.LockDetails{Root: p, Duration: time.Second, ZeroDepth: true})
	if err != nil {
		return errors.Is(err, webdav.ErrLocked)
	}
	_ = h.ls.Unlock(now, tok)
	return false
}

// writeFileLocked is Nextcloud's 423 for a file another process holds (errors/27-29).
func writeFileLocked(w http.ResponseWriter, p string) {
	writeSabreError(w, http.StatusLocked, `OCA\DAV\Connector\Sabre\Exception\FileLocked`, `"`+path.Base(p)+`" is locked`)
}

// etagListMatches compares an If-Match / If-None-Match list with the
// current quoted ETag. Comparison is exact, so an unquoted ETag never
// matches (webdav/11).
func etagListMatches(list, current string) bool {
	for _, e := range strings.Split(list, ",") {
		e = strings.TrimSpace(e)
		if e == "*" || e == current {
			return true
		}
	}
	return false
}

// checkConditions applies If-Match and If-None-Match as Sabre does and
// answers 412 when they fail (webdav/08, 09, 11). m is nil for a missing
// resource.
func checkConditions(w http.ResponseWriter, r *http.Request, m *fileMeta) bool {
	if im := r.Header.Get("If-Match"); im != "" {
		if m == nil {
			writeSabreError(w, http.StatusPreconditionFailed, `Sabre\DAV\Exception\PreconditionFailed`,
				"An If-Match header was specified and the resource did not exist", "<s:header>If-Match</s:header>")
			return false
		}
		if cur := quoteFileETag(m.etag); !etagListMatches(im, cur) {
			w.Header().Set("ETag", cur)
			writeSabreError(w, http.StatusPreconditionFailed, `Sabre\DAV\Exception\PreconditionFailed`,
				"An If-Match header was specified, but none of the specified ETags matched.", "<s:header>If-Match</s:header>")
			return false
		}
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" && m != nil && etagListMatches(inm, quoteFileETag(m.etag)) {
		writeSabreError(w, http.StatusPreconditionFailed, `Sabre\DAV\Exception\PreconditionFailed`,
			"An If-None-Match header was specified, but the ETag matched (or * was specified).", "<s:header>If-None-Match</s:header>")
		return false
	}
	return true
}

// writeEmpty ends a successful write the way php -S sends an empty body.
func writeEmpty(w http.ResponseWriter, status int) {
	w.Header().Set("Content-Length", "0")
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	w.WriteHeader(status)
}

func ocFileID(id int64) string { return fmt.Sprintf("%08d%s", id, fakeInstanceID) }

func (a *filesApp) handlePut(w http.ResponseWriter, r *http.Request, u *User, p string) {
	body, err := a.readBody(r.Body)
	if err != nil {
		writeSabreError(w, http.StatusBadRequest, `Sabre\DAV\Exception\BadRequest`, "could not read the request body")
		return
	}
	defer body.discard()
	a.mu.Lock()
	defer a.mu.Unlock()
	h := a.homeOf(u.ID)
	m := h.meta[p]
	if p == "/" || (m != nil && m.dir) {
		writeSabreError(w, http.StatusConflict, `Sabre\DAV\Exception\Conflict`, "PUT is not allowed on non-files.")
		return
	}
	if pm := h.meta[path.Dir(p)]; pm == nil || !pm.dir {
		// Nextcloud answers 404 here, not the 409 RFC 4918 suggests (webdav/13).
		writeFileNotFound(w, path.Dir(p))
		return
	}
	if h.locked(p) {
		writeFileLocked(w, p)
		return
	}
	if !checkConditions(w, r, m) {
		return
	}
	if avail := a.quotaAvailable(h); avail != -3 {
		var old int64
		if m != nil {
			old = m.size
		}
		if body.size > avail+old {
			writeSabreError(w, http.StatusInsufficientStorage, `Sabre\DAV\Exception\InsufficientStorage`,
				fmt.Sprintf("Insufficient space in %s, %d required, %d available", p, body.size, avail))
			return
		}
	}
	var mtime int64
	if v := r.Header.Get("X-OC-MTime"); v != "" && !a.ignoreMtime {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
			mtime = n
			w.Header().Set("X-OC-MTime", "accepted")
		}
	}
	nm, err := a.writeBody(r.Context(), h, p, body, mtime)
	if err != nil {
		writeSabreError(w, http.StatusInternalServerError, `Sabre\DAV\Exception`, err.Error())
		return
	}
	w.Header().Set("OC-FileId", ocFileID(nm.id))
	w.Header().Set("ETag", quoteFileETag(nm.etag))
	w.Header().Set("OC-ETag", quoteFileETag(nm.etag))
	if m == nil {
		a.s.fileEvent(nextcloud.EventNodeCreated, u, nm.id, p, "")
		a.s.fileEvent(nextcloud.EventNodeWritten, u, nm.id, p, "")
		writeEmpty(w, http.StatusCreated)
	} else {
		a.s.fileEvent(nextcloud.EventNodeWritten, u, nm.id, p, "")
		writeEmpty(w, http.StatusNoContent)
	}
}

func (a *filesApp) handleMkcol(w http.ResponseWriter, r *http.Request, u *User, p string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	h := a.homeOf(u.ID)
	if h.meta[p] != nil {
		w.Header().Set("Allow", filesAllow)
		writeSabreError(w, http.StatusMethodNotAllowed, `Sabre\DAV\Exception\MethodNotAllowed`, "The resource you tried to create already exists")
		return
	}
	if pm := h.meta[path.Dir(p)]; pm == nil || !pm.dir {
		writeSabreError(w, http.StatusConflict, `Sabre\DAV\Exception\Conflict`, "Parent node does not exist")
		return
	}
	if err := a.mkdir(h, p); err != nil {
		writeSabreError(w, http.StatusInternalServerError, `Sabre\DAV\Exception`, err.Error())
		return
	}
	w.Header().Set("OC-FileId", ocFileID(h.meta[p].id))
	writeEmpty(w, http.StatusCreated)
}

func (a *filesApp) handleDelete(w http.ResponseWriter, r *http.Request, u *User, p string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	h := a.homeOf(u.ID)
	m := h.meta[p]
	switch {
	case m == nil:
		writeFileNotFound(w, p)
		return
	case p == "/":
		writeSabreError(w, http.StatusForbidden, `Sabre\DAV\Exception\Forbidden`, "Deleting the home folder is not allowed")
		return
	case h.locked(p):
		writeFileLocked(w, p)
		return
	}
	if !checkConditions(w, r, m) {
		return
	}
	if err := a.remove(r.Context(), h, p); err != nil {
		writeSabreError(w, http.StatusInternalServerError, `Sabre\DAV\Exception`, err.Error())
		return
	}
	a.s.fileEvent(nextcloud.EventNodeDeleted, u, m.id, p, "")
	writeEmpty(w, http.StatusNoContent)
}

// destinationPath resolves a Destination header (absolute URL or absolute
// path, webdav/39) to a path in the user's home; ok is false after answering.
func destinationPath(w http.ResponseWriter, r *http.Request, u *User) (string, bool) {
	dh := r.Header.Get("Destination")
	if dh == "" {
		writeSabreError(w, http.StatusBadRequest, `Sabre\DAV\Exception\BadRequest`, "The destination header was not supplied")
		return "", false
	}
	du, err := url.Parse(dh)
	if err != nil {
		writeSabreError(w, http.StatusBadRequest, `Sabre\DAV\Exception\BadRequest`, "The destination header is not a URL")
		return "", false
	}
	if !strings.HasPrefix(du.Path, "/remote.php/dav/") {
		writeSabreError(w, http.StatusForbidden, `Sabre\DAV\Exception\Forbidden`, "Requested uri ("+du.Path+") is out of base uri (/remote.php/dav/)")
		return "", false
	}
	home := "/remote.php/dav/files/" + u.ID
	if du.Path != home && !strings.HasPrefix(du.Path, home+"/") {
		writeSabreError(w, http.StatusConflict, `Sabre\DAV\Exception\Conflict`, "The destination node is not found")
		return "", false
	}
	return cleanFilePath(strings.TrimPrefix(du.Path, home)), true
}

func (a *filesApp) handleCopyMove(w http.ResponseWriter, r *http.Request, u *User, p string) {
	dp, ok := destinationPath(w, r, u)
	if !ok {
		return
	}
	move := r.Method == "MOVE"
	overwrite := !strings.EqualFold(strings.TrimSpace(r.Header.Get("Overwrite")), "F")
	a.mu.Lock()
	defer a.mu.Unlock()
	h := a.homeOf(u.ID)
	m := h.meta[p]
	switch {
	case m == nil:
		writeFileNotFound(w, p)
		return
	case move && h.locked(p):
		// A locked source fails deep inside the move, as a 500 (errors/30).
		writeSabreError(w, http.StatusInternalServerError, `OCP\Lock\LockedException`, `"`+path.Base(p)+`" is locked`)
		return
	case p == "/" || dp == "/":
		writeSabreError(w, http.StatusForbidden, `Sabre\DAV\Exception\Forbidden`, "The home folder cannot be moved, copied or replaced")
		return
	case dp == p:
		writeSabreError(w, http.StatusForbidden, `Sabre\DAV\Exception\Forbidden`, "Source and destination uri are identical.")
		return
	case strings.HasPrefix(dp, p+"/"):
		writeSabreError(w, http.StatusConflict, `Sabre\DAV\Exception\Conflict`, "The destination may not be part of the same subtree as the source path.")
		return
	}
	if pm := h.meta[path.Dir(dp)]; pm == nil || !pm.dir {
		writeSabreError(w, http.StatusConflict, `Sabre\DAV\Exception\Conflict`, "The destination node is not found")
		return
	}
	if !checkConditions(w, r, m) {
		return
	}
	existed := h.meta[dp] != nil
	if existed {
		if !overwrite {
			writeSabreError(w, http.StatusPreconditionFailed, `Sabre\DAV\Exception\PreconditionFailed`,
				"The destination node already exists, and the overwrite header is set to false", "<s:header>Overwrite</s:header>")
			return
		}
		if h.locked(dp) {
			writeFileLocked(w, dp)
			return
		}
		if err := a.remove(r.Context(), h, dp); err != nil {
			writeSabreError(w, http.StatusInternalServerError, `Sabre\DAV\Exception`, err.Error())
			return
		}
	}
	var err error
	if move {
		err = a.move(r.Context(), h, p, dp)
	} else {
		err = a.copyTree(r.Context(), h, p, dp)
	}
	if err != nil {
		writeSabreError(w, http.StatusInternalServerError, `Sabre\DAV\Exception`, err.Error())
		return
	}
	nm := h.meta[dp]
	a.fileMoveEvent(u, move, nm.id, p, dp)
	if move && !nm.dir {
		w.Header().Set("OC-ETag", quoteFileETag(nm.etag))
		w.Header().Set("ETag", quoteFileETag(nm.etag))
	}
	w.Header().Set("OC-FileId", ocFileID(nm.id))
	if existed {
		writeEmpty(w, http.StatusNoContent)
	} else {
		writeEmpty(w, http.StatusCreated)
	}
}

// davPropertyUpdate is a PROPPATCH body.
type davPropertyUpdate struct {
	XMLName xml.Name `xml:"DAV: propertyupdate"`
	Set     []struct {
		Prop davPropList `xml:"DAV: prop"`
	} `xml:"DAV: set"`
	Remove []struct {
		Prop davPropList `xml:"DAV: prop"`
	} `xml:"DAV: remove"`
}

// liveProps are computed by Nextcloud; PROPPATCH cannot set them (webdav/32).
// {DAV:}getetag is not among them: Nextcloud's FilesPlugin takes it out of
// Sabre's protected list and stores the value as the file's etag.
var liveProps = map[string]bool{
	nsDAV + " getlastmodified": true, nsDAV + " getcontentlength": true,
	nsDAV + " getcontenttype": true, nsDAV + " resourcetype": true, nsDAV + " quota-available-bytes": true,
	nsDAV + " quota-used-bytes": true, nsOwnCloud + " fileid": true, nsOwnCloud + " id": true,
	nsOwnCloud + " permissions": true, nsOwnCloud + " size": true, nsOwnCloud + " owner-id": true,
	nsOwnCloud + " owner-display-name": true, nsNextcloud + " has-preview": true,
}

// handleProppatch sets oc:favorite and stores other dead properties. Like
// Sabre it is all or nothing: the first property that cannot be set gets
// 403 and every other one 424 Failed Dependency.
func (a *filesApp) handleProppatch(w http.ResponseWriter, r *http.Request, u *User, p string) {
	var pu davPropertyUpdate
	empty, ok := readXMLBody(w, r, &pu)
	if !ok {
		return
	}
	if empty {
		writeSabreError(w, http.StatusBadRequest, `Sabre\DAV\Exception\BadRequest`, "The request body for a PROPPATCH must not be empty")
		return
	}
	type op struct {
		name   xml.Name
		value  string
		remove bool
	}
	var ops []op
	for _, s := range pu.Set {
		for _, e := range s.Prop.Props {
			ops = append(ops, op{name: e.XMLName, value: e.Inner})
		}
	}
	for _, s := range pu.Remove {
		for _, e := range s.Prop.Props {
			ops = append(ops, op{name: e.XMLName, remove: true})
		}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	h := a.homeOf(u.ID)
	m := h.meta[p]
	if m == nil {
		writeFileNotFound(w, p)
		return
	}
	if !checkConditions(w, r, m) {
		return
	}
	failed := -1
	for i, o := range ops {
		if liveProps[o.name.Space+" "+o.name.Local] {
			failed = i
			break
		}
	}
	statusOf := func(i int) string {
		switch {
		case failed < 0:
			return "HTTP/1.1 200 OK"
		case i == failed:
			return "HTTP/1.1 403 Forbidden"
		default:
			return "HTTP/1.1 424 Failed Dependency"
		}
	}
	if failed < 0 {
		for _, o := range ops {
			key := o.name.Space + " " + o.name.Local
			switch {
			case key == nsOwnCloud+" favorite":
				v := strings.TrimSpace(o.value)
				m.favorite = !o.remove && (v == "1" || v == "true")
			case key == nsDAV+" getetag" && !o.remove:
				// Node::setEtag stores the value; PROPFIND quotes it.
				if v := strings.Trim(strings.TrimSpace(o.value), `"`); v != "" {
					m.etag = v
				}
			case o.remove:
				delete(m.dead, key)
			default:
				if m.dead == nil {
					m.dead = map[string]string{}
				}
				m.dead[key] = o.value
			}
		}
	}
	// Group the names by status, in the order the statuses first appear.
	var statuses []string
	byStatus := map[string][]string{}
	for i, o := range ops {
		st := statusOf(i)
		if _, seen := byStatus[st]; !seen {
			statuses = append(statuses, st)
		}
		byStatus[st] = append(byStatus[st], elemXML(o.name, ""))
	}
	t := propTarget{h: h, user: u, p: p, m: m}
	var b strings.Builder
	b.WriteString("<d:response><d:href>" + filesXMLEscape(t.href()) + "</d:href>")
	for _, st := range statuses {
		b.WriteString("<d:propstat><d:prop>" + strings.Join(byStatus[st], "") + "</d:prop><d:status>" + st + "</d:status></d:propstat>")
	}
	b.WriteString("</d:response>")
	w.Header().Set("Vary", "Brief,Prefer")
	writeMultistatus(w, "application/xml; charset=utf-8", []string{b.String()}, false)
}

// fileMoveEvent queues the webhook deliveries of a MOVE or COPY. Before the
// fix of nextcloud/server#53648 a rename event fails to serialise and is
// never delivered (seen on 31.0.6); the fake does the same on 30 and 31.
func (a *filesApp) fileMoveEvent(u *User, move bool, id int64, src, dst string) {
	if !move {
		a.s.fileEvent(nextcloud.EventNodeCopied, u, id, dst, src)
		return
	}
	a.s.mu.Lock()
	v := nextcloud.Version{Major: a.s.major, Minor: a.s.minor, Micro: a.s.micro}
	a.s.mu.Unlock()
	if !nextcloud.RenameEventsBroken(v) {
		a.s.fileEvent(nextcloud.EventNodeRenamed, u, id, dst, src)
	}
}
