package ncfake

import (
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Versions: whenever a file's content is replaced, the old content is kept
// as a version named by the unix time it was last modified, served under
// /remote.php/dav/versions/<user>/versions/<fileid>/ as files_versions does
// (webdav/58-62). Restoring one keeps the current content as a version first.

type fileVersion struct {
	id     int64 // the mtime it had, unix seconds
	mtime  time.Time
	size   int64
	author string
	label  string
	body   *fileBody
}

// keepVersion saves the content p has now as a version, before it is
// replaced. A version of the same second replaces the older one, as the
// version file name would. Caller holds a.mu.
func (a *filesApp) keepVersion(ctx context.Context, h *fileHome, p string) error {
	m := h.meta[p]
	if m == nil || m.dir {
		return nil
	}
	body, err := a.takeBody(ctx, h, p)
	if err != nil {
		return err
	}
	v := &fileVersion{id: m.mtime.Unix(), mtime: m.mtime, size: m.size, author: h.user, body: body}
	if h.versions == nil {
		h.versions = map[int64][]*fileVersion{}
	}
	list := h.versions[m.id]
	for i, old := range list {
		if old.id == v.id {
			old.body.discard()
			list = append(list[:i], list[i+1:]...)
			break
		}
	}
	h.versions[m.id] = append(list, v)
	return nil
}

func (h *fileHome) dropVersions(id int64) {
	for _, v := range h.versions[id] {
		v.body.discard()
	}
	delete(h.versions, id)
}

// pathOfID finds the path of a file id in the tree.
func (h *fileHome) pathOfID(id int64) (string, bool) {
	for p, m := range h.meta {
		if m.id == id {
			return p, true
		}
	}
	return "", false
}

// serveVersions answers below /remote.php/dav/versions/.
func (a *filesApp) serveVersions(w http.ResponseWriter, r *http.Request) {
	u := a.s.davAuth(w, r)
	if u == nil {
		return
	}
	rest := strings.Trim(strings.TrimPrefix(r.URL.Path, "/remote.php/dav/versions/"), "/")
	segs := strings.Split(rest, "/")
	if segs[0] != u.ID {
		writeSabreError(w, http.StatusNotFound, `Sabre\DAV\Exception\NotFound`, "Principal with name "+segs[0]+" not found")
		return
	}
	setFilesDAVHeaders(w)
	if len(segs) < 3 || segs[1] != "versions" {
		writeSabreError(w, http.StatusNotImplemented, `Sabre\DAV\Exception\NotImplemented`,
			"There was no plugin in the system that was willing to handle this "+r.Method+" method.")
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	h := a.homeOf(u.ID)
	id, err := strconv.ParseInt(segs[2], 10, 64)
	p, ok := h.pathOfID(id)
	if err != nil || !ok || h.meta[p].dir {
		writeSabreError(w, http.StatusNotFound, `Sabre\DAV\Exception\NotFound`, "")
		return
	}
	if len(segs) == 3 && r.Method == "PROPFIND" {
		a.propfindVersions(w, r, u, h, id, p)
		return
	}
	if len(segs) != 4 {
		writeSabreError(w, http.StatusNotImplemented, `Sabre\DAV\Exception\NotImplemented`,
			"There was no plugin in the system that was willing to handle this "+r.Method+" method.")
		return
	}
	var v *fileVersion
	for _, cand := range h.versions[id] {
		if strconv.FormatInt(cand.id, 10) == segs[3] {
			v = cand
		}
	}
	if v == nil {
		writeSabreError(w, http.StatusNotFound, `Sabre\DAV\Exception\NotFound`, "")
		return
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		a.getVersion(w, r, p, v)
	case "MOVE":
		dst, err := url.Parse(r.Header.Get("Destination"))
		if err != nil || dst.Path != "/remote.php/dav/versions/"+u.ID+"/restore/target" {
			writeSabreError(w, http.StatusForbidden, `Sabre\DAV\Exception\Forbidden`, "Versions can only be restored to restore/target")
			return
		}
		if err := a.restoreVersion(r.Context(), h, p, v); err != nil {
			writeSabreError(w, http.StatusInternalServerError, `Sabre\DAV\Exception`, err.Error())
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		writeEmpty(w, http.StatusCreated)
	default:
		writeSabreError(w, http.StatusNotImplemented, `Sabre\DAV\Exception\NotImplemented`,
			"There was no plugin in the system that was willing to handle this "+r.Method+" method.")
	}
}

// restoreVersion makes v the file's content, keeping the current content as
// a version, and takes v out of the list. Caller holds a.mu.
func (a *filesApp) restoreVersion(ctx context.Context, h *fileHome, p string, v *fileVersion) error {
	m := h.meta[p]
	list := h.versions[m.id]
	for i, cand := range list {
		if cand == v {
			h.versions[m.id] = append(list[:i:i], list[i+1:]...)
			break
		}
	}
	_, err := a.writeBody(ctx, h, p, v.body, 0)
	return err
}

func (a *filesApp) getVersion(w http.ResponseWriter, r *http.Request, p string, v *fileVersion) {
	rc, err := v.body.open()
	if err != nil {
		writeSabreError(w, http.StatusInternalServerError, `Sabre\DAV\Exception`, err.Error())
		return
	}
	defer rc.Close()
	ct := fileMimeType(p)
	if strings.HasPrefix(ct, "text/") {
		ct += ";charset=UTF-8"
	}
	hdr := w.Header()
	etag := strconv.FormatInt(v.id, 10)
	hdr.Set("Content-Type", ct)
	hdr.Set("Last-Modified", v.mtime.UTC().Format(http.TimeFormat))
	hdr.Set("ETag", etag)
	hdr.Set("OC-ETag", etag)
	hdr.Set("Content-Length", strconv.FormatInt(v.size, 10))
	name := rawURLEncode(path.Base(p))
	hdr.Set("Content-Disposition", "attachment; filename*=UTF-8''"+name+`; filename="`+name+`"`)
	hdr.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		_, _ = io.Copy(w, rc)
	}
}

// propfindVersions lists a file's versions as webdav/58 shows them.
func (a *filesApp) propfindVersions(w http.ResponseWriter, r *http.Request, u *User, h *fileHome, id int64, p string) {
	var pf davPropfind
	if _, ok := readXMLBody(w, r, &pf); !ok {
		return
	}
	names := pf.Prop.names()
	base := "/remote.php/dav/versions/" + sabreEncode(u.ID) + "/versions/" + strconv.FormatInt(id, 10) + "/"
	var rootMissing []string
	for _, n := range names {
		rootMissing = append(rootMissing, elemXML(n, ""))
	}
	responses := []string{responseXML(base, nil, rootMissing, false)}
	list := append([]*fileVersion(nil), h.versions[id]...)
	sort.Slice(list, func(i, j int) bool { return list[i].id < list[j].id })
	ct := fileMimeType(p)
	for _, v := range list {
		var found, missing []string
		for _, n := range names {
			val, ok := versionProp(v, n, ct)
			if ok {
				found = append(found, elemXML(n, val))
			} else {
				missing = append(missing, elemXML(n, ""))
			}
		}
		responses = append(responses, responseXML(base+strconv.FormatInt(v.id, 10), found, missing, false))
	}
	writeMultistatus(w, "application/xml; charset=utf-8", responses, false)
}

func versionProp(v *fileVersion, n xml.Name, ct string) (string, bool) {
	switch n.Space + " " + n.Local {
	case nsDAV + " getlastmodified":
		return v.mtime.UTC().Format(http.TimeFormat), true
	case nsDAV + " getcontentlength":
		return strconv.FormatInt(v.size, 10), true
	case nsDAV + " getcontenttype":
		return filesXMLEscape(ct), true
	case nsDAV + " getetag":
		return strconv.FormatInt(v.id, 10), true
	case nsNextcloud + " version-author":
		return filesXMLEscape(v.author), true
	case nsNextcloud + " version-label":
		return filesXMLEscape(v.label), v.label != ""
	case nsNextcloud + " has-preview":
		if hasPreview(ct) {
			return "1", true
		}
		return "0", true
	}
	return "", false
}

// FileVersionIDs lists the version ids the fake keeps for a file, oldest first.
func (s *Server) FileVersionIDs(user, p string) []string {
	a := s.files
	a.mu.Lock()
	defer a.mu.Unlock()
	h := a.homes[user]
	if h == nil {
		return nil
	}
	m := h.meta[cleanFilePath(p)]
	if m == nil {
		return nil
	}
	var out []string
	for _, v := range h.versions[m.id] {
		out = append(out, strconv.FormatInt(v.id, 10))
	}
	sort.Strings(out)
	return out
}
