package ncfake

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// bookmarksApp serves the Bookmarks 14.2.7 REST API v2 shaped like
// shared/nextcloud-api/bookmarks, quirks included: a POST of a known URL
// merges, DELETE says success for what it did not delete, a deleted folder
// stays readable. Scraping is off, as on the recorded server.
type bookmarksApp struct {
	s *Server

	mu        sync.Mutex
	now       func() int64 // Unix seconds; tests pin it
	next      bookmarkIDs
	bookmarks map[int]*bookmark
	folders   map[int]*bmFolder
}

// Folder ids and bookmark ids are separate sequences (bookmarks/17).
type bookmarkIDs struct{ bookmark, folder int }

type bookmark struct {
	id                      int
	owner, url, title, desc string
	added, lastModified     int64
	clicks                  int
	checked                 bool // available is null until the first check
	tags                    []string
	folders                 []int
}

type bmFolder struct {
	id, parent   int
	owner, title string
	deleted      bool
	// children keeps folders and bookmarks in the order they were added.
	children []bmChild
}

type bmChild struct {
	folder bool
	id     int
}

func newBookmarksApp(s *Server) *bookmarksApp {
	return &bookmarksApp{s: s, now: func() int64 { return time.Now().Unix() }, next: bookmarkIDs{1, 1},
		bookmarks: map[int]*bookmark{}, folders: map[int]*bmFolder{}}
}

const bookmarksBase = "/index.php/apps/bookmarks/public/rest/v2"

func (a *bookmarksApp) routes(mux *http.ServeMux) {
	h := func(pattern string, fn handlerFunc) {
		method, path, _ := strings.Cut(pattern, " ")
		mux.HandleFunc(method+" "+bookmarksBase+path, a.s.appRESTHandler("bookmarks", &a.mu, fn))
	}
	h("GET /bookmark", a.list)
	h("POST /bookmark", a.create)
	h("POST /bookmark/click", a.click)
	h("GET /bookmark/{id}", a.get)
	h("PUT /bookmark/{id}", a.update)
	h("DELETE /bookmark/{id}", a.remove)
	h("GET /tag", a.tags)
	h("PUT /tag/{name}", a.renameTag)
	h("GET /folder", a.tree)
	h("POST /folder", a.createFolder)
	h("GET /folder/{id}", a.getFolder)
	h("DELETE /folder/{id}", a.deleteFolder)
	h("GET /folder/{id}/children", a.children)
	h("GET /folder/{id}/hash", a.hash)
}

func bmSuccess(w http.ResponseWriter, key string, v any) {
	out := map[string]any{"status": "success"}
	if key != "" {
		out[key] = v
	}
	writeJSON(w, http.StatusOK, out)
}

func bmError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"status": "error", "data": []string{msg}})
}

// bookmarkJSON is a bookmark as answers carry it; lists have null page
// contents, single items "" (bookmarks/02 vs 07).
func (a *bookmarksApp) bookmarkJSON(b *bookmark, listed bool) map[string]any {
	var avail, content any
	if b.checked {
		avail = true
	}
	if !listed {
		content = ""
	}
	tags := append([]string{}, b.tags...)
	sort.Strings(tags)
	folders := append([]int{}, b.folders...)
	sort.Ints(folders)
	return map[string]any{"id": b.id, "url": b.url, "target": b.url, "title": b.title, "description": b.desc, "lastmodified": b.lastModified,
		"added": b.added, "clickcount": b.clicks, "lastPreview": 0, "available": avail, "archivedFile": nil, "userId": b.owner,
		"textContent": content, "htmlContent": content, "folders": folders, "tags": tags}
}

func (a *bookmarksApp) own(r *http.Request, u *User) *bookmark {
	id, _ := strconv.Atoi(r.PathValue("id"))
	if b := a.bookmarks[id]; b != nil && b.owner == u.ID {
		return b
	}
	return nil
}

func validBookmarkURL(raw string) bool {
	u, err := url.Parse(strings.TrimSpace(raw))
	return err == nil && u.Scheme != "" && (u.Host != "" || u.Opaque != "")
}

func (a *bookmarksApp) folderExists(u *User, id int) bool {
	if id == -1 {
		return true
	}
	f := a.folders[id]
	return f != nil && f.owner == u.ID
}

func (a *bookmarksApp) addToFolder(b *bookmark, folder int) {
	for _, f := range b.folders {
		if f == folder {
			return
		}
	}
	b.folders = append(b.folders, folder)
	if f := a.folders[folder]; f != nil {
		f.children = append(f.children, bmChild{id: b.id})
	}
}

func (a *bookmarksApp) removeFromFolder(b *bookmark, folder int) {
	if f := a.folders[folder]; f != nil {
		for i, c := range f.children {
			if !c.folder && c.id == b.id {
				f.children = append(f.children[:i], f.children[i+1:]...)
				break
			}
		}
	}
}

type bookmarkBody struct {
	URL         *string  `json:"url"`
	Title       *string  `json:"title"`
	Description *string  `json:"description"`
	Tags        []string `json:"tags"`
	Folders     []int    `json:"folders"`
}

func (a *bookmarksApp) create(w http.ResponseWriter, r *http.Request, u *User) {
	var in bookmarkBody
	if json.NewDecoder(r.Body).Decode(&in) != nil || in.URL == nil || !validBookmarkURL(*in.URL) {
		bmError(w, http.StatusBadRequest, "Invalid URL")
		return
	}
	for _, f := range in.Folders {
		if !a.folderExists(u, f) {
			bmError(w, http.StatusNotFound, "Folder not found")
			return
		}
	}
	now := a.now()
	var b *bookmark
	for _, have := range a.bookmarks {
		if have.owner == u.ID && have.url == *in.URL {
			b = have
		}
	}
	if b != nil {
		// A known URL merges (bookmarks/04): the new title replaces the old,
		// description and tags stay, the folders add up.
		if in.Title != nil {
			b.title = *in.Title
		}
		for _, f := range in.Folders {
			a.addToFolder(b, f)
		}
		bmSuccess(w, "item", a.bookmarkJSON(b, false))
		return
	}
	b = &bookmark{id: a.next.bookmark, owner: u.ID, url: *in.URL, title: *in.URL, added: now, lastModified: now, tags: in.Tags}
	a.next.bookmark++
	if in.Title != nil && *in.Title != "" {
		b.title = *in.Title
	}
	if in.Description != nil {
		b.desc = *in.Description
	}
	a.bookmarks[b.id] = b
	folders := in.Folders
	if len(folders) == 0 {
		folders = []int{-1}
	}
	for _, f := range folders {
		a.addToFolder(b, f)
	}
	bmSuccess(w, "item", a.bookmarkJSON(b, false))
	b.checked = true
}

func (a *bookmarksApp) get(w http.ResponseWriter, r *http.Request, u *User) {
	b := a.own(r, u)
	if b == nil {
		bmError(w, http.StatusNotFound, "Not found")
		return
	}
	bmSuccess(w, "item", a.bookmarkJSON(b, false))
}

// update is partial (bookmarks/06): absent fields stay.
func (a *bookmarksApp) update(w http.ResponseWriter, r *http.Request, u *User) {
	b := a.own(r, u)
	if b == nil {
		bmError(w, http.StatusNotFound, "Not found")
		return
	}
	var in bookmarkBody
	if json.NewDecoder(r.Body).Decode(&in) != nil {
		bmError(w, http.StatusBadRequest, "Malformed request body")
		return
	}
	if in.URL != nil && !validBookmarkURL(*in.URL) {
		bmError(w, http.StatusBadRequest, "Invalid URL")
		return
	}
	for _, f := range in.Folders {
		if !a.folderExists(u, f) {
			bmError(w, http.StatusNotFound, "Folder not found")
			return
		}
	}
	if in.URL != nil {
		b.url = *in.URL
	}
	if in.Title != nil {
		b.title = *in.Title
	}
	if in.Description != nil {
		b.desc = *in.Description
	}
	if in.Tags != nil {
		b.tags = in.Tags
	}
	if in.Folders != nil {
		for _, f := range b.folders {
			a.removeFromFolder(b, f)
		}
		b.folders = nil
		for _, f := range in.Folders {
			a.addToFolder(b, f)
		}
	}
	b.lastModified = a.now()
	bmSuccess(w, "item", a.bookmarkJSON(b, false))
}

// remove answers success whether or not it deleted anything (bookmarks/21).
func (a *bookmarksApp) remove(w http.ResponseWriter, r *http.Request, u *User) {
	if b := a.own(r, u); b != nil {
		for _, f := range b.folders {
			a.removeFromFolder(b, f)
		}
		delete(a.bookmarks, b.id)
	}
	bmSuccess(w, "", nil)
}

func (a *bookmarksApp) click(w http.ResponseWriter, r *http.Request, u *User) {
	var in struct {
		URL string `json:"url"`
	}
	_ = json.NewDecoder(r.Body).Decode(&in)
	for _, b := range a.bookmarks {
		if b.owner == u.ID && b.url == in.URL {
			b.clicks++
			b.lastModified = a.now()
			bmSuccess(w, "", nil)
			return
		}
	}
	bmError(w, http.StatusNotFound, "Not found")
}

func (a *bookmarksApp) matches(b *bookmark, words, tags []string, and bool) bool {
	var checks []bool
	for _, t := range tags {
		checks = append(checks, containsFold(b.tags, t))
	}
	hay := strings.ToLower(b.title + "\n" + b.desc + "\n" + b.url + "\n" + strings.Join(b.tags, "\n"))
	for _, w := range words {
		checks = append(checks, strings.Contains(hay, strings.ToLower(w)))
	}
	if len(checks) == 0 {
		return true
	}
	for _, c := range checks {
		if c && !and {
			return true
		}
		if !c && and {
			return false
		}
	}
	return and
}

func (a *bookmarksApp) list(w http.ResponseWriter, r *http.Request, u *User) {
	q := r.URL.Query()
	and := q.Get("conjunction") == "and"
	words, tags := q["search[]"], q["tags[]"]
	folder, hasFolder := 0, q.Has("folder")
	if hasFolder {
		folder, _ = strconv.Atoi(q.Get("folder"))
	}
	page, _ := strconv.Atoi(q.Get("page"))
	limit := 10
	if v, err := strconv.Atoi(q.Get("limit")); err == nil && v > 0 {
		limit = v
	}
	var out []*bookmark
	for _, b := range a.bookmarks {
		if b.owner != u.ID || !a.matches(b, words, tags, and) {
			continue
		}
		if hasFolder && !containsInt(b.folders, folder) {
			continue
		}
		out = append(out, b)
	}
	byClicks := q.Get("sortby") == "clickcount"
	sort.Slice(out, func(i, j int) bool {
		x, y := out[i], out[j]
		if byClicks && x.clicks != y.clicks {
			return x.clicks > y.clicks
		}
		if x.lastModified != y.lastModified {
			return x.lastModified > y.lastModified
		}
		return x.id < y.id
	})
	data := []any{}
	for i := page * limit; i < len(out) && i < (page+1)*limit; i++ {
		data = append(data, a.bookmarkJSON(out[i], true))
	}
	bmSuccess(w, "data", data)
}

func containsInt(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// tags answers a bare array (bookmarks/14), the one answer without envelope.
func (a *bookmarksApp) tags(w http.ResponseWriter, r *http.Request, u *User) {
	count := map[string]int{}
	for _, b := range a.bookmarks {
		if b.owner == u.ID {
			for _, t := range b.tags {
				count[t]++
			}
		}
	}
	names := make([]string, 0, len(count))
	for t := range count {
		names = append(names, t)
	}
	sort.Slice(names, func(i, j int) bool {
		if count[names[i]] != count[names[j]] {
			return count[names[i]] > count[names[j]]
		}
		return names[i] < names[j]
	})
	if r.URL.Query().Get("count") != "true" {
		writeJSON(w, http.StatusOK, names)
		return
	}
	out := []any{}
	for _, t := range names {
		out = append(out, map[string]any{"name": t, "count": count[t]})
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *bookmarksApp) renameTag(w http.ResponseWriter, r *http.Request, u *User) {
	var in struct {
		Name string `json:"name"`
	}
	_ = json.NewDecoder(r.Body).Decode(&in)
	old := r.PathValue("name")
	for _, b := range a.bookmarks {
		if b.owner != u.ID {
			continue
		}
		for i, t := range b.tags {
			if t == old {
				b.tags[i] = in.Name
			}
		}
	}
	bmSuccess(w, "", nil)
}

func (a *bookmarksApp) folderJSON(f *bmFolder, u *User) map[string]any {
	return map[string]any{"id": f.id, "title": f.title, "userId": f.owner, "parent_folder": f.parent, "userDisplayName": u.DisplayName}
}

func (a *bookmarksApp) subtree(parent int, u *User) []any {
	var ids []int
	for id, f := range a.folders {
		if f.owner == u.ID && f.parent == parent && !f.deleted {
			ids = append(ids, id)
		}
	}
	sort.Ints(ids)
	out := []any{}
	for _, id := range ids {
		m := a.folderJSON(a.folders[id], u)
		m["children"] = a.subtree(id, u)
		out = append(out, m)
	}
	return out
}

func (a *bookmarksApp) tree(w http.ResponseWriter, r *http.Request, u *User) {
	root := -1
	if v := r.URL.Query().Get("root"); v != "" {
		root, _ = strconv.Atoi(v)
	}
	bmSuccess(w, "data", a.subtree(root, u))
}

func (a *bookmarksApp) createFolder(w http.ResponseWriter, r *http.Request, u *User) {
	var in struct {
		Title  string `json:"title"`
		Parent *int   `json:"parent_folder"`
	}
	if json.NewDecoder(r.Body).Decode(&in) != nil || strings.TrimSpace(in.Title) == "" {
		bmError(w, http.StatusBadRequest, "Please pass a title")
		return
	}
	parent := -1
	if in.Parent != nil {
		parent = *in.Parent
	}
	if !a.folderExists(u, parent) {
		bmError(w, http.StatusNotFound, "Parent folder not found")
		return
	}
	f := &bmFolder{id: a.next.folder, parent: parent, owner: u.ID, title: in.Title}
	a.next.folder++
	a.folders[f.id] = f
	if p := a.folders[parent]; p != nil {
		p.children = append(p.children, bmChild{folder: true, id: f.id})
	}
	bmSuccess(w, "item", a.folderJSON(f, u))
}

func (a *bookmarksApp) ownFolder(r *http.Request, u *User) *bmFolder {
	id, _ := strconv.Atoi(r.PathValue("id"))
	if f := a.folders[id]; f != nil && f.owner == u.ID {
		return f
	}
	return nil
}

// getFolder also answers for a folder in the trash (bookmarks/25).
func (a *bookmarksApp) getFolder(w http.ResponseWriter, r *http.Request, u *User) {
	f := a.ownFolder(r, u)
	if f == nil {
		bmError(w, http.StatusNotFound, "Not found")
		return
	}
	bmSuccess(w, "item", a.folderJSON(f, u))
}

// deleteFolder moves the folder to the trash: it leaves the tree but stays readable.
func (a *bookmarksApp) deleteFolder(w http.ResponseWriter, r *http.Request, u *User) {
	if f := a.ownFolder(r, u); f != nil {
		f.deleted = true
	}
	bmSuccess(w, "", nil)
}

// children mixes folders and bookmarks in insertion order, each with its
// type; layers says how deep subfolders list their own children (bookmarks/17).
func (a *bookmarksApp) children(w http.ResponseWriter, r *http.Request, u *User) {
	f := a.ownFolder(r, u)
	if f == nil {
		bmError(w, http.StatusNotFound, "Not found")
		return
	}
	layers, _ := strconv.Atoi(r.URL.Query().Get("layers"))
	bmSuccess(w, "data", a.childList(f, layers))
}

func (a *bookmarksApp) childList(f *bmFolder, layers int) []any {
	out := []any{}
	for _, c := range f.children {
		if c.folder {
			sub := a.folders[c.id]
			if sub == nil || sub.deleted {
				continue
			}
			m := map[string]any{"type": "folder", "id": sub.id, "title": sub.title, "userId": sub.owner}
			if layers > 0 {
				m["children"] = a.childList(sub, layers-1)
			}
			out = append(out, m)
			continue
		}
		b := a.bookmarks[c.id]
		if b == nil {
			continue
		}
		m := a.bookmarkJSON(b, false)
		delete(m, "folders")
		delete(m, "tags")
		m["type"] = "bookmark"
		out = append(out, m)
	}
	return out
}

// hash is a SHA-256 over the folder's subtree, for change detection (bookmarks/18).
func (a *bookmarksApp) hash(w http.ResponseWriter, r *http.Request, u *User) {
	id, _ := strconv.Atoi(r.PathValue("id"))
	if id != -1 && a.ownFolder(r, u) == nil {
		bmError(w, http.StatusNotFound, "Not found")
		return
	}
	h := sha256.New()
	var ids []int
	for bid, b := range a.bookmarks {
		if b.owner == u.ID && (id == -1 || containsInt(b.folders, id)) {
			ids = append(ids, bid)
		}
	}
	sort.Ints(ids)
	for _, bid := range ids {
		b := a.bookmarks[bid]
		fmt.Fprintf(h, "%d|%s|%s|%s|%d\n", b.id, b.url, b.title, b.desc, b.lastModified)
	}
	bmSuccess(w, "data", hex.EncodeToString(h.Sum(nil)))
}
