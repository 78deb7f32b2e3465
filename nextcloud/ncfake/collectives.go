package ncfake

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// collectivesApp serves Collectives 2.18 (/index.php/apps/collectives/_api),
// shaped like the recordings in shared/nextcloud-api/collectives. A page is
// a markdown file in the owner's files below /Collectives/<name>: its id is
// the file id, its content is read and written over WebDAV, and the file
// layout changes when a page gets its first subpage (collectives/09, 13).
// Content search reads an index that only IndexCollectives (the app's
// background job) updates (collectives/17).
type collectivesApp struct {
	s *Server

	mu          sync.Mutex
	nextID      int
	collectives map[int]*collective
	pages       map[int]*collectivePage
	// indexed is the full-text index: page id → content when last indexed.
	indexed map[int]string
}

type collective struct {
	id                    int
	name, emoji, circleID string
	owner                 string
	members               []string
	trashed               int64
	landing               int
}

type collectivePage struct {
	id, collectiveID, parentID int
	title                      string
	lastUser                   string
	timestamp, trashed         int64
	subpages                   []int
}

func newCollectivesApp(s *Server) *collectivesApp {
	return &collectivesApp{s: s, nextID: 1, collectives: map[int]*collective{}, pages: map[int]*collectivePage{}, indexed: map[int]string{}}
}

const collectivesBase = "/index.php/apps/collectives/_api"

func (a *collectivesApp) routes(mux *http.ServeMux) {
	h := func(pattern string, fn handlerFunc) {
		method, p, _ := strings.Cut(pattern, " ")
		mux.HandleFunc(method+" "+collectivesBase+p, a.s.sessionHandler("collectives", &a.mu, fn))
	}
	h("GET /{$}", a.list)
	h("POST /{$}", a.create)
	h("PUT /{cid}", a.updateEmoji)
	h("DELETE /{cid}", a.trashCollective)
	h("GET /trash", a.listTrashedCollectives)
	h("DELETE /trash/{cid}", a.deleteCollective)
	h("GET /{cid}/_pages", a.listPages)
	h("GET /{cid}/_pages/search", a.search)
	h("GET /{cid}/_pages/trash", a.listTrash)
	h("PATCH /{cid}/_pages/trash/{pid}", a.restore)
	h("GET /{cid}/_pages/{pid}", a.getPage)
	h("POST /{cid}/_pages/{pid}", a.createPage)
	h("PUT /{cid}/_pages/{pid}", a.renamePage)
	h("DELETE /{cid}/_pages/{pid}", a.trashPage)
	h("GET /{cid}/_pages/{pid}/touch", a.touch)
	// Without the trailing slash, as the recordings call it.
	mux.HandleFunc("GET "+collectivesBase, a.s.sessionHandler("collectives", &a.mu, a.list))
	mux.HandleFunc("POST "+collectivesBase, a.s.sessionHandler("collectives", &a.mu, a.create))
}

// collectivesError answers with a bare JSON string, as the app does (collectives/04, 18, 19).
func collectivesError(w http.ResponseWriter, status int, msg string) { writeJSON(w, status, msg) }

func (c *collective) isMember(user string) bool {
	for _, m := range c.members {
		if m == user {
			return true
		}
	}
	return false
}

// collectiveJSON describes c as user sees it: level 9 is the team's admin.
func (a *collectivesApp) collectiveJSON(c *collective, user string) map[string]any {
	var trashed any
	if c.trashed > 0 {
		trashed = c.trashed
	}
	level := 1
	if c.owner == user {
		level = 9
	}
	return map[string]any{
		"id": c.id, "circleId": c.circleID, "emoji": c.emoji, "trashTimestamp": trashed, "pageMode": 0, "name": c.name,
		"level": level, "editPermissionLevel": 1, "sharePermissionLevel": 1, "canEdit": true, "canShare": true,
		"shareToken": nil, "isPageShare": false, "sharePageId": 0, "shareEditable": false, "userPageOrder": 0,
		"userShowMembers": true, "userShowRecentPages": true, "userFavoritePages": []any{}, "canLeave": false,
	}
}

// collectiveOf finds the collective of the path for user u, or answers 404
// "Circle not found" for a collective the user is no member of (collectives/19).
func (a *collectivesApp) collectiveOf(w http.ResponseWriter, r *http.Request, u *User) *collective {
	id, _ := strconv.Atoi(r.PathValue("cid"))
	c := a.collectives[id]
	if c == nil || !c.isMember(u.ID) || c.trashed > 0 {
		collectivesError(w, http.StatusNotFound, "Circle not found")
		return nil
	}
	return c
}

func (a *collectivesApp) list(w http.ResponseWriter, _ *http.Request, u *User) {
	var list []*collective
	for _, c := range a.collectives {
		if c.isMember(u.ID) && c.trashed == 0 {
			list = append(list, c)
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].id < list[j].id })
	out := []any{}
	for _, c := range list {
		out = append(out, a.collectiveJSON(c, u.ID))
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out})
}

func (a *collectivesApp) create(w http.ResponseWriter, r *http.Request, u *User) {
	var in struct {
		Name  string `json:"name"`
		Emoji string `json:"emoji"`
	}
	_ = json.NewDecoder(r.Body).Decode(&in)
	c, err := a.createCollective(u.ID, in.Name, in.Emoji)
	if err != nil {
		collectivesError(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": a.collectiveJSON(c, u.ID), "message": ""})
}

// createCollective makes the collective, its team and its folder with the
// landing page. Caller holds a.mu.
func (a *collectivesApp) createCollective(owner, name, emoji string) (*collective, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, fmt.Errorf("Invalid collective name.")
	}
	for _, c := range a.collectives {
		if strings.EqualFold(c.name, name) {
			return nil, fmt.Errorf("Collective already exists.")
		}
	}
	c := &collective{id: a.nextID, name: name, emoji: emoji, owner: owner, members: []string{owner},
		circleID: base64.RawURLEncoding.EncodeToString(randomBytes(23))[:31]}
	a.nextID++
	id, err := a.writePageFile(owner, a.folder(c)+"/Readme.md", []byte(collectivesWelcome))
	if err != nil {
		return nil, err
	}
	c.landing = int(id)
	a.pages[c.landing] = &collectivePage{id: c.landing, collectiveID: c.id, title: "Readme", lastUser: owner, timestamp: time.Now().Unix()}
	a.collectives[c.id] = c
	return c, nil
}

const collectivesWelcome = "# Welcome to your new collective\n\n**Come, organize and build shared knowledge!**\n"

func (a *collectivesApp) folder(c *collective) string { return "/Collectives/" + c.name }

func (a *collectivesApp) updateEmoji(w http.ResponseWriter, r *http.Request, u *User) {
	c := a.collectiveOf(w, r, u)
	if c == nil {
		return
	}
	var in struct {
		Emoji string `json:"emoji"`
	}
	_ = json.NewDecoder(r.Body).Decode(&in)
	c.emoji = in.Emoji
	writeJSON(w, http.StatusOK, map[string]any{"data": a.collectiveJSON(c, u.ID)})
}

// trashCollective moves the collective to the trash (collectives/23).
func (a *collectivesApp) trashCollective(w http.ResponseWriter, r *http.Request, u *User) {
	c := a.collectiveOf(w, r, u)
	if c == nil {
		return
	}
	c.trashed = time.Now().Unix()
	writeJSON(w, http.StatusOK, map[string]any{"data": a.collectiveJSON(c, u.ID)})
}

func (a *collectivesApp) listTrashedCollectives(w http.ResponseWriter, _ *http.Request, u *User) {
	out := []any{}
	for _, c := range a.collectives {
		if c.isMember(u.ID) && c.trashed > 0 {
			out = append(out, a.collectiveJSON(c, u.ID))
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out})
}

// deleteCollective deletes a trashed collective for good; with circle=1
// its team goes too (collectives/25).
func (a *collectivesApp) deleteCollective(w http.ResponseWriter, r *http.Request, u *User) {
	id, _ := strconv.Atoi(r.PathValue("cid"))
	c := a.collectives[id]
	if c == nil || !c.isMember(u.ID) || c.trashed == 0 {
		collectivesError(w, http.StatusNotFound, "Circle not found")
		return
	}
	delete(a.collectives, id)
	for pid, p := range a.pages {
		if p.collectiveID == id {
			delete(a.pages, pid)
			delete(a.indexed, pid)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": a.collectiveJSON(c, u.ID)})
}

// --- pages ---------------------------------------------------------------------------

// location is where the page's markdown file is: the folder below the
// collective ("" at the top) and the file name. A page with subpages is a
// folder holding Readme.md; the landing page is the collective's Readme.md.
func (a *collectivesApp) location(p *collectivePage) (filePath, fileName string) {
	return a.locate(p, len(a.liveChildren(p)) > 0)
}

// locate is location for p as a folder page (asFolder) or as a leaf.
func (a *collectivesApp) locate(p *collectivePage, asFolder bool) (filePath, fileName string) {
	if p.parentID == 0 {
		return "", "Readme.md"
	}
	var chain []string
	for q := a.pages[p.parentID]; q != nil && q.parentID != 0; q = a.pages[q.parentID] {
		chain = append([]string{q.title}, chain...)
	}
	dir := strings.Join(chain, "/")
	if asFolder {
		return path.Join(dir, p.title), "Readme.md"
	}
	return dir, p.title + ".md"
}

func (a *collectivesApp) filePathOf(c *collective, p *collectivePage) string {
	return a.join(c, a.location)(p)
}

// join turns a location function into the file's path in the owner's files.
func (a *collectivesApp) join(c *collective, loc func(*collectivePage) (string, string)) func(*collectivePage) string {
	return func(p *collectivePage) string {
		dir, name := loc(p)
		if dir == "" {
			return a.folder(c) + "/" + name
		}
		return a.folder(c) + "/" + dir + "/" + name
	}
}

func (a *collectivesApp) liveChildren(p *collectivePage) []int {
	var out []int
	for _, id := range p.subpages {
		if q := a.pages[id]; q != nil && q.trashed == 0 {
			out = append(out, id)
		}
	}
	return out
}

func (a *collectivesApp) pageJSON(c *collective, p *collectivePage) map[string]any {
	dir, name := a.location(p)
	size := int64(0)
	if st, err := a.s.StatFile(c.owner, a.filePathOf(c, p)); err == nil {
		size = st.Size
	}
	var trashed, collectivePath any = nil, "Collectives/" + c.name
	if p.trashed > 0 {
		trashed = p.trashed
	}
	display := p.lastUser
	a.s.mu.Lock()
	if usr := a.s.users[p.lastUser]; usr != nil && usr.DisplayName != "" {
		display = usr.DisplayName
	}
	a.s.mu.Unlock()
	sub := a.liveChildren(p)
	if sub == nil {
		sub = []int{}
	}
	return map[string]any{
		"id": p.id, "lastUserId": p.lastUser, "lastUserDisplayName": display, "emoji": nil, "isFullWidth": false,
		"subpageOrder": sub, "trashTimestamp": trashed, "title": p.title, "timestamp": p.timestamp, "size": size,
		"fileName": name, "filePath": dir, "collectivePath": collectivePath, "parentId": p.parentID, "shareToken": nil,
	}
}

// pagesOf lists the collective's live pages, the landing page first.
func (a *collectivesApp) pagesOf(c *collective) []*collectivePage {
	var out []*collectivePage
	for _, p := range a.pages {
		if p.collectiveID == c.id && p.trashed == 0 && !a.inTrash(p) {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if (out[i].parentID == 0) != (out[j].parentID == 0) {
			return out[i].parentID == 0
		}
		return out[i].id < out[j].id
	})
	return out
}

// inTrash reports whether an ancestor of p is trashed.
func (a *collectivesApp) inTrash(p *collectivePage) bool {
	for q := a.pages[p.parentID]; q != nil; q = a.pages[q.parentID] {
		if q.trashed > 0 {
			return true
		}
	}
	return false
}

func (a *collectivesApp) listPages(w http.ResponseWriter, r *http.Request, u *User) {
	c := a.collectiveOf(w, r, u)
	if c == nil {
		return
	}
	out := []any{}
	for _, p := range a.pagesOf(c) {
		out = append(out, a.pageJSON(c, p))
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out})
}

// pageOf finds a live page of the collective or answers 404 "File not found: <id>" (collectives/18).
func (a *collectivesApp) pageOf(w http.ResponseWriter, r *http.Request, c *collective) *collectivePage {
	id, _ := strconv.Atoi(r.PathValue("pid"))
	p := a.pages[id]
	if p == nil || p.collectiveID != c.id || p.trashed > 0 || a.inTrash(p) {
		collectivesError(w, http.StatusNotFound, "File not found: "+r.PathValue("pid"))
		return nil
	}
	return p
}

func (a *collectivesApp) getPage(w http.ResponseWriter, r *http.Request, u *User) {
	c := a.collectiveOf(w, r, u)
	if c == nil {
		return
	}
	if p := a.pageOf(w, r, c); p != nil {
		writeJSON(w, http.StatusOK, map[string]any{"data": a.pageJSON(c, p)})
	}
}

// uniqueTitle renames a title taken among the siblings: "Onboarding (2)" (collectives/10).
func (a *collectivesApp) uniqueTitle(parent *collectivePage, title string, except int) string {
	taken := map[string]bool{}
	for _, id := range a.liveChildren(parent) {
		if id != except {
			taken[strings.ToLower(a.pages[id].title)] = true
		}
	}
	if !taken[strings.ToLower(title)] {
		return title
	}
	for n := 2; ; n++ {
		t := fmt.Sprintf("%s (%d)", title, n)
		if !taken[strings.ToLower(t)] {
			return t
		}
	}
}

func (a *collectivesApp) createPage(w http.ResponseWriter, r *http.Request, u *User) {
	c := a.collectiveOf(w, r, u)
	if c == nil {
		return
	}
	parent := a.pageOf(w, r, c)
	if parent == nil {
		return
	}
	var in struct {
		Title string `json:"title"`
	}
	_ = json.NewDecoder(r.Body).Decode(&in)
	title := strings.TrimSpace(strings.ReplaceAll(in.Title, "/", "-"))
	if title == "" {
		collectivesError(w, http.StatusUnprocessableEntity, "Invalid page title")
		return
	}
	p, err := a.addPage(c, parent, a.uniqueTitle(parent, title, 0), u.ID, nil)
	if err != nil {
		collectivesError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": a.pageJSON(c, p)})
}

// addPage creates the page's file, first turning a leaf parent into a
// folder with Readme.md (same file id). Caller holds a.mu.
func (a *collectivesApp) addPage(c *collective, parent *collectivePage, title, user string, content []byte) (*collectivePage, error) {
	leaf := func(p *collectivePage) (string, string) { return a.locate(p, false) }
	folder := func(p *collectivePage) (string, string) { return a.locate(p, true) }
	if parent.parentID != 0 && len(a.liveChildren(parent)) == 0 {
		if err := a.s.moveFile(c.owner, a.join(c, leaf)(parent), a.join(c, folder)(parent)); err != nil {
			return nil, err
		}
	}
	p := &collectivePage{collectiveID: c.id, parentID: parent.id, title: title, lastUser: user, timestamp: time.Now().Unix()}
	id, err := a.writePageFile(c.owner, a.join(c, leaf)(p), content)
	if err != nil {
		return nil, err
	}
	p.id = int(id)
	a.pages[p.id] = p
	parent.subpages = append(parent.subpages, p.id)
	return p, nil
}

func (a *collectivesApp) writePageFile(owner, p string, content []byte) (int64, error) {
	if err := a.s.PutFile(owner, p, content); err != nil {
		return 0, err
	}
	st, err := a.s.StatFile(owner, p)
	if err != nil {
		return 0, err
	}
	return st.ID, nil
}

// renamePage: PUT {"title","parentId","index"} renames (and moves) the file too (collectives/16).
func (a *collectivesApp) renamePage(w http.ResponseWriter, r *http.Request, u *User) {
	c := a.collectiveOf(w, r, u)
	if c == nil {
		return
	}
	p := a.pageOf(w, r, c)
	if p == nil {
		return
	}
	var in struct {
		Title    *string `json:"title"`
		ParentID *int    `json:"parentId"`
	}
	_ = json.NewDecoder(r.Body).Decode(&in)
	if p.parentID == 0 {
		collectivesError(w, http.StatusUnprocessableEntity, "Not allowed to rename landing page")
		return
	}
	oldPath := a.filePathOf(c, p)
	if len(a.liveChildren(p)) > 0 {
		oldPath = path.Dir(oldPath)
	}
	if in.ParentID != nil && *in.ParentID != p.parentID {
		np := a.pages[*in.ParentID]
		if np == nil || np.collectiveID != c.id {
			collectivesError(w, http.StatusNotFound, "File not found: "+strconv.Itoa(*in.ParentID))
			return
		}
		old := a.pages[p.parentID]
		for i, id := range old.subpages {
			if id == p.id {
				old.subpages = append(old.subpages[:i], old.subpages[i+1:]...)
				break
			}
		}
		np.subpages = append(np.subpages, p.id)
		p.parentID = np.id
	}
	if in.Title != nil && strings.TrimSpace(*in.Title) != "" {
		p.title = a.uniqueTitle(a.pages[p.parentID], strings.TrimSpace(*in.Title), p.id)
	}
	newPath := a.filePathOf(c, p)
	if len(a.liveChildren(p)) > 0 {
		newPath = path.Dir(newPath)
	}
	if newPath != oldPath {
		if err := a.s.moveFile(c.owner, oldPath, newPath); err != nil {
			collectivesError(w, http.StatusInternalServerError, err.Error())
			return
		}
	}
	p.lastUser, p.timestamp = u.ID, time.Now().Unix()
	writeJSON(w, http.StatusOK, map[string]any{"data": a.pageJSON(c, p)})
}

// touch is a GET that writes: it records who last edited the page and when (collectives/14).
func (a *collectivesApp) touch(w http.ResponseWriter, r *http.Request, u *User) {
	c := a.collectiveOf(w, r, u)
	if c == nil {
		return
	}
	p := a.pageOf(w, r, c)
	if p == nil {
		return
	}
	p.lastUser, p.timestamp = u.ID, time.Now().Unix()
	writeJSON(w, http.StatusOK, map[string]any{"data": a.pageJSON(c, p)})
}

func (a *collectivesApp) trashPage(w http.ResponseWriter, r *http.Request, u *User) {
	c := a.collectiveOf(w, r, u)
	if c == nil {
		return
	}
	p := a.pageOf(w, r, c)
	if p == nil {
		return
	}
	if p.parentID == 0 {
		collectivesError(w, http.StatusUnprocessableEntity, "Not allowed to delete landing page")
		return
	}
	p.trashed = time.Now().Unix()
	writeJSON(w, http.StatusOK, map[string]any{"data": a.pageJSON(c, p)})
}

func (a *collectivesApp) listTrash(w http.ResponseWriter, r *http.Request, u *User) {
	c := a.collectiveOf(w, r, u)
	if c == nil {
		return
	}
	out := []any{}
	for _, p := range a.pages {
		if p.collectiveID == c.id && p.trashed > 0 {
			j := a.pageJSON(c, p)
			j["fileName"] = j["fileName"].(string) + ".d" + strconv.FormatInt(p.trashed, 10)
			j["filePath"], j["collectivePath"], j["parentId"] = "", nil, 0
			out = append(out, j)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out})
}

func (a *collectivesApp) restore(w http.ResponseWriter, r *http.Request, u *User) {
	c := a.collectiveOf(w, r, u)
	if c == nil {
		return
	}
	id, _ := strconv.Atoi(r.PathValue("pid"))
	p := a.pages[id]
	if p == nil || p.collectiveID != c.id || p.trashed == 0 {
		collectivesError(w, http.StatusNotFound, "File not found: "+r.PathValue("pid"))
		return
	}
	p.trashed = 0
	writeJSON(w, http.StatusOK, map[string]any{"data": a.pageJSON(c, p)})
}

// search matches the words against the full-text index, which holds the
// content as of the last IndexCollectives (collectives/17).
func (a *collectivesApp) search(w http.ResponseWriter, r *http.Request, u *User) {
	c := a.collectiveOf(w, r, u)
	if c == nil {
		return
	}
	words := strings.Fields(strings.ToLower(r.URL.Query().Get("searchString")))
	out := []any{}
	for _, p := range a.pagesOf(c) {
		text, ok := a.indexed[p.id]
		if !ok || len(words) == 0 {
			continue
		}
		text = strings.ToLower(text)
		all := true
		for _, wd := range words {
			all = all && strings.Contains(text, wd)
		}
		if all {
			out = append(out, a.pageJSON(c, p))
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out})
}

// IndexCollectives runs the app's indexing job: content search sees pages
// as they are now.
func (s *Server) IndexCollectives() {
	a := s.collectives
	a.mu.Lock()
	defer a.mu.Unlock()
	for id, p := range a.pages {
		c := a.collectives[p.collectiveID]
		if b, err := s.ReadFile(c.owner, a.filePathOf(c, p)); err == nil {
			a.indexed[id] = string(b)
		}
	}
}

// moveFile renames a file or folder in the user's files, keeping ids.
func (s *Server) moveFile(user, src, dst string) error {
	a := s.files
	a.mu.Lock()
	defer a.mu.Unlock()
	h, err := a.userHome(user)
	if err != nil {
		return err
	}
	src, dst = cleanFilePath(src), cleanFilePath(dst)
	if h.meta[src] == nil {
		return fmt.Errorf("ncfake: %s: %w", src, os.ErrNotExist)
	}
	if err := a.mkdirAll(h, path.Dir(dst)); err != nil {
		return err
	}
	return a.move(context.Background(), h, src, dst)
}
