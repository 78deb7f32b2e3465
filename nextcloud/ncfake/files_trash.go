package ncfake

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/net/webdav"
)

// The trash bin: a DELETE, and a MOVE or COPY that replaces its
// destination (webdav/35, 40), move what goes into the user's trash bin,
// served under /remote.php/dav/trashbin/<user>/ as Nextcloud's
// files_trashbin does (webdav/53-57). Restoring puts an item back at its
// original path, under a "(restored)" name when that is taken, or in the
// home folder when its folder is gone; nothing is overwritten.

// trashEntry is one deleted file or folder with everything that was in it.
type trashEntry struct {
	id        string // "<name>.d<deletion unix time>"
	name      string
	orig      string // clean path it had
	deletedAt int64
	nodes     []trashNode // the item first, then what was below it
}

type trashNode struct {
	rel  string // "" for the item, "/sub/a.txt" below it
	meta *fileMeta
	body *fileBody // files only
}

func (e *trashEntry) root() *fileMeta { return e.nodes[0].meta }

// size is a file's length; folders report none (webdav/53).
func (e *trashEntry) size() int64 {
	if n := e.nodes[0]; !n.meta.dir {
		return n.meta.size
	}
	return -1
}

// takeBody removes a file's bytes from the user's file system and returns
// them as a body that can be stored again: the file itself, renamed into
// <FilesDir>/kept, when files live on disk. Caller holds a.mu.
func (a *filesApp) takeBody(ctx context.Context, h *fileHome, p string) (*fileBody, error) {
	if d, ok := h.fs.(webdav.Dir); ok {
		kept := filepath.Join(a.diskDir, "kept")
		if err := os.MkdirAll(kept, 0o755); err != nil {
			return nil, err
		}
		f, err := os.CreateTemp(kept, "body-*")
		if err != nil {
			return nil, err
		}
		_ = f.Close()
		src := filepath.Join(string(d), filepath.FromSlash(strings.TrimPrefix(p, "/")))
		if err := os.Rename(src, f.Name()); err != nil {
			_ = os.Remove(f.Name())
			return nil, fmt.Errorf("ncfake: keep %s: %w", p, err)
		}
		return &fileBody{path: f.Name(), size: h.meta[p].size}, nil
	}
	data, err := a.content(ctx, h, p)
	if err != nil {
		return nil, err
	}
	return memBody(data), nil
}

// moveToTrash takes p and everything below it out of the tree into the
// trash bin. Versions stay with the file ids and come back with them.
// Caller holds a.mu.
func (a *filesApp) moveToTrash(ctx context.Context, h *fileHome, p string) error {
	now := a.now().Unix()
	for h.trashEntry(path.Base(p)+".d"+strconv.FormatInt(now, 10)) != nil {
		now++ // two deletions of one name in a second stay apart
	}
	e := &trashEntry{id: path.Base(p) + ".d" + strconv.FormatInt(now, 10), name: path.Base(p), orig: p, deletedAt: now}
	for _, k := range h.subtree(p) {
		n := trashNode{rel: strings.TrimPrefix(k, p), meta: h.meta[k]}
		if !n.meta.dir {
			body, err := a.takeBody(ctx, h, k)
			if err != nil {
				return err
			}
			n.body = body
		}
		e.nodes = append(e.nodes, n)
	}
	if err := h.fs.RemoveAll(ctx, p); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("ncfake: delete %s: %w", p, err)
	}
	for _, k := range h.subtree(p) {
		delete(h.meta, k)
	}
	a.touchAncestors(h, p)
	h.trash = append(h.trash, e)
	return nil
}

func (h *fileHome) trashEntry(id string) *trashEntry {
	for _, e := range h.trash {
		if e.id == id {
			return e
		}
	}
	return nil
}

// restoreTrash puts an entry back and returns where. Caller holds a.mu.
func (a *filesApp) restoreTrash(ctx context.Context, h *fileHome, e *trashEntry) (string, error) {
	dir := path.Dir(e.orig)
	if m := h.meta[dir]; m == nil || !m.dir {
		dir = "/"
	}
	target := path.Join(dir, uniqueRestoreName(h, dir, e.name))
	for _, n := range e.nodes {
		p := target + n.rel
		if n.meta.dir {
			if err := h.fs.Mkdir(ctx, p, 0o755); err != nil {
				return "", fmt.Errorf("ncfake: restore %s: %w", p, err)
			}
		} else if err := a.storeBody(ctx, h, p, n.body); err != nil {
			return "", err
		}
		h.meta[p] = n.meta
	}
	a.touchAncestors(h, target)
	h.dropTrash(e.id)
	return target, nil
}

// uniqueRestoreName is Nextcloud's getUniqueFilename: "a (restored).txt",
// then "a (restored 2).txt" and so on.
func uniqueRestoreName(h *fileHome, dir, name string) string {
	if h.meta[path.Join(dir, name)] == nil {
		return name
	}
	ext := path.Ext(name)
	base := strings.TrimSuffix(name, ext)
	if base == "" {
		base, ext = name, ""
	}
	cand := base + " (restored)" + ext
	for i := 2; h.meta[path.Join(dir, cand)] != nil; i++ {
		cand = base + " (restored " + strconv.Itoa(i) + ")" + ext
	}
	return cand
}

// dropTrash forgets an entry; with purge its bodies and versions go too.
func (h *fileHome) dropTrash(id string) {
	for i, e := range h.trash {
		if e.id == id {
			h.trash = append(h.trash[:i], h.trash[i+1:]...)
			return
		}
	}
}

// purgeTrash deletes an entry for good. Caller holds a.mu.
func (a *filesApp) purgeTrash(h *fileHome, e *trashEntry) {
	for _, n := range e.nodes {
		n.body.discard()
		if n.meta != nil {
			h.dropVersions(n.meta.id)
		}
	}
	h.dropTrash(e.id)
}

// serveTrash answers below /remote.php/dav/trashbin/.
func (a *filesApp) serveTrash(w http.ResponseWriter, r *http.Request) {
	u := a.s.davAuth(w, r)
	if u == nil {
		return
	}
	rest := strings.Trim(strings.TrimPrefix(r.URL.Path, "/remote.php/dav/trashbin/"), "/")
	segs := strings.Split(rest, "/")
	if segs[0] != u.ID {
		writeSabreError(w, http.StatusNotFound, `Sabre\DAV\Exception\NotFound`, "Principal with name "+segs[0]+" not found")
		return
	}
	setFilesDAVHeaders(w)
	a.mu.Lock()
	defer a.mu.Unlock()
	h := a.homeOf(u.ID)
	switch {
	case len(segs) == 2 && segs[1] == "trash" && r.Method == "PROPFIND":
		a.propfindTrash(w, r, u, h)
	case len(segs) == 2 && segs[1] == "trash" && r.Method == http.MethodDelete:
		for len(h.trash) > 0 {
			a.purgeTrash(h, h.trash[0])
		}
		writeEmpty(w, http.StatusNoContent)
	case len(segs) == 3 && segs[1] == "trash":
		id, _ := url.PathUnescape(segs[2])
		e := h.trashEntry(id)
		if e == nil {
			writeSabreError(w, http.StatusNotFound, `Sabre\DAV\Exception\NotFound`, "")
			return
		}
		switch r.Method {
		case "MOVE":
			dst, err := url.Parse(r.Header.Get("Destination"))
			if err != nil || !strings.HasPrefix(dst.Path, "/remote.php/dav/trashbin/"+u.ID+"/restore/") {
				writeSabreError(w, http.StatusForbidden, `Sabre\DAV\Exception\Forbidden`, "Items can only be moved to the restore folder")
				return
			}
			if _, err := a.restoreTrash(r.Context(), h, e); err != nil {
				writeSabreError(w, http.StatusInternalServerError, `Sabre\DAV\Exception`, err.Error())
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=UTF-8")
			writeEmpty(w, http.StatusCreated)
		case http.MethodDelete:
			a.purgeTrash(h, e)
			writeEmpty(w, http.StatusNoContent)
		default:
			writeSabreError(w, http.StatusNotImplemented, `Sabre\DAV\Exception\NotImplemented`,
				"There was no plugin in the system that was willing to handle this "+r.Method+" method.")
		}
	default:
		writeSabreError(w, http.StatusNotImplemented, `Sabre\DAV\Exception\NotImplemented`,
			"There was no plugin in the system that was willing to handle this "+r.Method+" method.")
	}
}

// propfindTrash lists the trash bin as webdav/53 shows it.
func (a *filesApp) propfindTrash(w http.ResponseWriter, r *http.Request, u *User, h *fileHome) {
	var pf davPropfind
	if _, ok := readXMLBody(w, r, &pf); !ok {
		return
	}
	names := pf.Prop.names()
	base := "/remote.php/dav/trashbin/" + sabreEncode(u.ID) + "/trash/"
	value := func(e *trashEntry, n xml.Name) (string, bool) {
		switch n.Space + " " + n.Local {
		case nsNextcloud + " trashbin-filename":
			return filesXMLEscape(e.name), true
		case nsNextcloud + " trashbin-original-location":
			return filesXMLEscape(strings.TrimPrefix(e.orig, "/")), true
		case nsNextcloud + " trashbin-deletion-time", nsDAV + " getetag":
			return strconv.FormatInt(e.deletedAt, 10), true
		case nsDAV + " getcontentlength":
			return strconv.FormatInt(e.size(), 10), !e.root().dir
		case nsDAV + " resourcetype":
			if e.root().dir {
				return "<d:collection/>", true
			}
			return "", true
		case nsOwnCloud + " fileid":
			return strconv.FormatInt(e.root().id, 10), true
		case nsDAV + " getlastmodified":
			return e.root().mtime.UTC().Format(http.TimeFormat), true
		}
		return "", false
	}
	var rootFound, rootMissing []string
	for _, n := range names {
		if n.Space == nsDAV && n.Local == "resourcetype" {
			rootFound = append(rootFound, elemXML(n, "<d:collection/>"))
		} else {
			rootMissing = append(rootMissing, elemXML(n, ""))
		}
	}
	responses := []string{responseXML(base, rootFound, rootMissing, false)}
	if r.Header.Get("Depth") != "0" {
		entries := append([]*trashEntry(nil), h.trash...)
		sort.SliceStable(entries, func(i, j int) bool { return entries[i].deletedAt > entries[j].deletedAt })
		for _, e := range entries {
			var found, missing []string
			for _, n := range names {
				if v, ok := value(e, n); ok {
					found = append(found, elemXML(n, v))
				} else {
					missing = append(missing, elemXML(n, ""))
				}
			}
			href := base + sabreEncode(e.id)
			if e.root().dir {
				href += "/"
			}
			responses = append(responses, responseXML(href, found, missing, false))
		}
	}
	writeMultistatus(w, "application/xml; charset=utf-8", responses, false)
}

// ---- exported helpers for tests ----

// TrashedItem is what the fake's trash bin holds for one deleted item.
type TrashedItem struct {
	ID           string
	OriginalPath string
	IsDir        bool
	Size         int64
}

// Trash lists the user's trash bin.
func (s *Server) Trash(user string) []TrashedItem {
	a := s.files
	a.mu.Lock()
	defer a.mu.Unlock()
	h := a.homes[user]
	if h == nil {
		return nil
	}
	var out []TrashedItem
	for _, e := range h.trash {
		out = append(out, TrashedItem{ID: e.id, OriginalPath: e.orig, IsDir: e.root().dir, Size: e.size()})
	}
	return out
}
