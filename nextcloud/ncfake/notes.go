package ncfake

import (
	"bytes"
	"cmp"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// notesApp serves the Notes 4.13 REST API (/index.php/apps/notes/api/v1) the
// way the recordings in shared/nextcloud-api/notes show it.
type notesApp struct {
	s   *Server
	now func() time.Time

	mu       sync.Mutex
	byUser   map[string]map[int]*fakeNote
	settings map[string]map[string]string
}

// fakeNote is a note plus the server-side "last update" of its metadata,
// which (not the user-settable modified time) orders chunked listings.
type fakeNote struct {
	id         int
	title      string
	category   string
	content    string
	favorite   bool
	modified   int64
	lastUpdate int64
	// path is the note's file in the user's files (notes_files.go).
	path string
	// owner is set on a note another user shared with this one.
	owner, ownerName string
	// shared: the owner shared this very file (Notes' shareTypes [0]).
	shared bool
}

const notesAPIVersions = "0.2, 1.3, 1.4"

func newNotesApp(s *Server) *notesApp {
	return &notesApp{s: s, now: time.Now, byUser: map[string]map[int]*fakeNote{}, settings: map[string]map[string]string{}}
}

func (a *notesApp) routes(mux *http.ServeMux) {
	const root = "/index.php/apps/notes/api/v1"
	mux.HandleFunc("GET "+root+"/notes", a.guard(a.handleList))
	mux.HandleFunc("POST "+root+"/notes", a.guard(a.handleCreate))
	mux.HandleFunc("GET "+root+"/notes/{id}", a.guard(a.withNote(a.handleGet)))
	mux.HandleFunc("PUT "+root+"/notes/{id}", a.guard(a.withNote(a.handleUpdate)))
	mux.HandleFunc("DELETE "+root+"/notes/{id}", a.guard(a.withNote(a.handleDelete)))
	mux.HandleFunc("GET "+root+"/settings", a.guard(a.handleGetSettings))
	mux.HandleFunc("PUT "+root+"/settings", a.guard(a.handlePutSettings))
	// Notes routes every other GET below api/ (another API version, a
	// non-numeric id) to a controller that answers 400 [].
	mux.HandleFunc("GET /index.php/apps/notes/api/", a.guard(func(w http.ResponseWriter, _ *http.Request, _ *User) {
		writeNotesJSON(w, http.StatusBadRequest, []any{})
	}))
	mux.HandleFunc("/index.php/apps/notes/", func(w http.ResponseWriter, _ *http.Request) { writeAppRouteNotFound(w) })
}

// AddNote stores a note for user (seeding and tests) and returns its id.
func (s *Server) AddNote(user, title, content, category string) int {
	a := s.notes
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now().Unix()
	n := a.insert(user, title, safeNoteCategory(category))
	n.content, n.modified, n.lastUpdate = content, now, now
	a.writeNoteFile(user, n, "")
	return n.id
}

// Note returns the content of a user's note, for assertions.
func (s *Server) Note(user string, id int) (content string, ok bool) {
	a := s.notes
	a.mu.Lock()
	defer a.mu.Unlock()
	n := a.byUser[user][id]
	if n == nil {
		return "", false
	}
	return n.content, true
}

func writeNotesJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("X-Notes-API-Versions", notesAPIVersions)
	writeJSON(w, status, v)
}

// guard serves a Notes route: Notes' CORS middleware authenticates (Basic
// only), and its failures carry no Notes version header. Handlers lock for
// themselves.
func (a *notesApp) guard(h handlerFunc) http.HandlerFunc {
	return a.s.appRESTHandler("notes", nil, h)
}

// withNote resolves {id} to the user's note, answering 400 for a
// non-numeric id (Notes' catch-all route) and 404 for a missing note.
func (a *notesApp) withNote(h func(w http.ResponseWriter, r *http.Request, u *User, id int)) func(http.ResponseWriter, *http.Request, *User) {
	return func(w http.ResponseWriter, r *http.Request, u *User) {
		id, err := strconv.Atoi(r.PathValue("id"))
		if err != nil || id < 0 {
			if r.Method == http.MethodGet {
				writeNotesJSON(w, http.StatusBadRequest, []any{})
			} else {
				writeAppRouteNotFound(w)
			}
			return
		}
		a.mu.Lock()
		_, ok := a.byUser[u.ID][id]
		a.mu.Unlock()
		if !ok {
			writeNotesJSON(w, http.StatusNotFound, map[string]string{"errorType": `OCA\Notes\Service\NoteDoesNotExistException`})
			return
		}
		h(w, r, u, id)
	}
}

// insert adds a note with a title unique in its category (the file name),
// as Notes does by appending " (2)", " (3)"... Its id is a file id, as a
// note is a file. Caller holds a.mu.
func (a *notesApp) insert(user, title, category string) *fakeNote {
	notes := a.byUser[user]
	if notes == nil {
		notes = map[int]*fakeNote{}
		a.byUser[user] = notes
	}
	n := &fakeNote{id: a.s.files.newFileID(), category: category}
	n.title = a.uniqueTitle(user, title, category, n.id)
	n.path = a.notePath(user, category, n.title, a.settingsOf(user)["fileSuffix"])
	notes[n.id] = n
	return n
}

// uniqueTitle picks the first free "<title>", "<title> (2)", ... in the
// category, ignoring the note itself. Caller holds a.mu.
func (a *notesApp) uniqueTitle(user, title, category string, self int) string {
	title = safeNoteTitle(title)
	taken := map[string]bool{}
	for _, n := range a.byUser[user] {
		if n.id != self && n.category == category {
			taken[strings.ToLower(n.title)] = true
		}
	}
	candidate := title
	for i := 2; taken[strings.ToLower(candidate)] || a.fileTaken(user, category, candidate, self); i++ {
		suffix := fmt.Sprintf(" (%d)", i)
		candidate = truncateRunes(title, maxNoteTitle-len(suffix)) + suffix
	}
	return candidate
}

// etag hashes everything a client sees of the note, so any change
// (content, title, category, favorite, time) gives a new one.
func (n *fakeNote) etag() string {
	b, _ := json.Marshal([]any{n.id, n.title, n.modified, n.category, n.favorite, n.content})
	sum := md5.Sum(b)
	return hex.EncodeToString(sum[:])
}

// data is the note's JSON with the recorded key order. exclude can drop
// content (and other keys) but not etag: notes/09 asked for
// exclude=content,etag and still got the etag.
func (n *fakeNote) data(exclude []string) orderedJSON {
	exclude = slices.DeleteFunc(slices.Clone(exclude), func(k string) bool { return k == "etag" })
	// shareTypes are the owner's shares of this very file, whoever looks
	// (Notes' NoteUtil::getShareTypes); a share of a parent folder is not one.
	shareTypes := []any{}
	if n.shared {
		shareTypes = append(shareTypes, 0)
	}
	o := orderedJSON{
		{"id", n.id}, {"title", n.title}, {"modified", n.modified}, {"category", n.category},
		{"favorite", n.favorite}, {"readonly", false}, {"internalPath", n.path},
		{"shareTypes", shareTypes}, {"isShared", n.shared}, {"error", false}, {"errorType", ""},
		{"content", n.content}, {"etag", n.etag()},
	}
	return o.without(exclude)
}

// orderedJSON is a JSON object that keeps its key order, as PHP does.
type orderedJSON [][2]any

func (o orderedJSON) without(keys []string) orderedJSON {
	out := o[:0:0]
	for _, kv := range o {
		if !slices.Contains(keys, kv[0].(string)) {
			out = append(out, kv)
		}
	}
	return out
}

func (o orderedJSON) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, kv := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(kv[0])
		v, err := json.Marshal(kv[1])
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// writeCached answers with an ETag and honours If-None-Match with 304, as
// Nextcloud's response layer does for the Notes controllers.
func writeCached(w http.ResponseWriter, r *http.Request, etag string, v any) {
	w.Header().Set("ETag", `"`+etag+`"`)
	if inm := r.Header.Get("If-None-Match"); inm != "" && slices.Contains(splitETags(inm), `"`+etag+`"`) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("X-Notes-API-Versions", notesAPIVersions)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	writeNotesJSON(w, http.StatusOK, v)
}

func splitETags(h string) []string {
	var out []string
	for _, t := range strings.Split(h, ",") {
		out = append(out, strings.TrimSpace(t))
	}
	return out
}

var chunkCursorRE = regexp.MustCompile(`^(\d+)-(\d+)-(\d+)$`)

type chunkCursor struct {
	timeStart, noteLastUpdate int64
	noteID                    int
}

// parseChunkCursor reads "<timeStart>-<lastUpdate>-<id>"; anything else is
// nil, which restarts the listing at page 1 as Notes does.
func parseChunkCursor(s string) *chunkCursor {
	m := chunkCursorRE.FindStringSubmatch(s)
	if m == nil {
		return nil
	}
	c := &chunkCursor{}
	c.timeStart, _ = strconv.ParseInt(m[1], 10, 64)
	c.noteLastUpdate, _ = strconv.ParseInt(m[2], 10, 64)
	c.noteID, _ = strconv.Atoi(m[3])
	return c
}

func (a *notesApp) handleList(w http.ResponseWriter, r *http.Request, u *User) {
	q := r.URL.Query()
	exclude := strings.Split(q.Get("exclude"), ",")
	pruneBefore, _ := strconv.ParseInt(q.Get("pruneBefore"), 10, 64)
	chunkSize, _ := strconv.Atoi(q.Get("chunkSize"))
	cursor := parseChunkCursor(q.Get("chunkCursor"))
	lastUpdate := a.now().Unix()
	if cursor != nil {
		lastUpdate = cursor.timeStart
	}

	a.mu.Lock()
	var all []*fakeNote
	for _, n := range a.byUser[u.ID] {
		if _, filter := q["category"]; filter && n.category != q.Get("category") {
			continue
		}
		all = append(all, n)
	}
	// The "all notes" order is the storage order; ids keep it stable.
	slices.SortFunc(all, func(x, y *fakeNote) int { return x.id - y.id })
	var full []*fakeNote
	for _, n := range all {
		pruned := pruneBefore > 0 && n.lastUpdate < pruneBefore
		changedSinceStart := cursor != nil && n.lastUpdate > cursor.timeStart
		alreadySent := cursor != nil && (n.lastUpdate < cursor.noteLastUpdate ||
			(n.lastUpdate == cursor.noteLastUpdate && n.id <= cursor.noteID))
		if !pruned && !changedSinceStart && !alreadySent {
			full = append(full, n)
		}
	}
	slices.SortFunc(full, func(x, y *fakeNote) int {
		if x.lastUpdate != y.lastUpdate {
			return cmp.Compare(x.lastUpdate, y.lastUpdate)
		}
		return x.id - y.id
	})
	chunk := full
	if chunkSize > 0 && len(chunk) > chunkSize {
		chunk = full[:chunkSize]
	}
	pending := len(full) - len(chunk)
	var out []any
	inChunk := map[int]bool{}
	for _, n := range chunk {
		out = append(out, n.data(exclude))
		inChunk[n.id] = true
	}
	nextCursor := ""
	if pending > 0 {
		last := chunk[len(chunk)-1]
		nextCursor = fmt.Sprintf("%d-%d-%d", lastUpdate, last.lastUpdate, last.id)
	} else {
		// The last page names every other note by id, so a syncing client
		// can tell which notes were deleted.
		for _, n := range all {
			if !inChunk[n.id] {
				out = append(out, map[string]int{"id": n.id})
			}
		}
	}
	a.mu.Unlock()

	if out == nil {
		out = []any{}
	}
	body, _ := json.Marshal(out)
	sum := md5.Sum(body)
	w.Header().Set("Last-Modified", time.Unix(lastUpdate, 0).UTC().Format("Mon, 02 Jan 2006 15:04:05 -0700"))
	if nextCursor != "" {
		w.Header().Set("X-Notes-Chunk-Cursor", nextCursor)
		w.Header().Set("X-Notes-Chunk-Pending", strconv.Itoa(pending))
	}
	writeCached(w, r, hex.EncodeToString(sum[:]), out)
}

func (a *notesApp) handleGet(w http.ResponseWriter, r *http.Request, u *User, id int) {
	exclude := strings.Split(r.URL.Query().Get("exclude"), ",")
	a.mu.Lock()
	n := a.byUser[u.ID][id]
	data, etag := n.data(exclude), n.etag()
	a.mu.Unlock()
	writeCached(w, r, etag, data)
}

// noteParams reads a write's parameters: a JSON body, else form values,
// which Nextcloud merges with the query string.
func noteParams(r *http.Request) (map[string]any, bool) {
	p := map[string]any{}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 8<<20))
		dec.UseNumber()
		if err := dec.Decode(&p); err != nil {
			return nil, false
		}
		return p, true
	}
	if err := r.ParseForm(); err != nil {
		return nil, false
	}
	for k, v := range r.Form {
		p[k] = v[0]
	}
	return p, true
}

func paramString(p map[string]any, key string) (string, bool) {
	v, ok := p[key]
	if !ok || v == nil {
		return "", false
	}
	switch t := v.(type) {
	case string:
		return t, true
	case json.Number:
		return t.String(), true
	case bool:
		if t {
			return "1", true
		}
		return "", true
	}
	return fmt.Sprint(v), true
}

func paramInt(p map[string]any, key string) (int64, bool) {
	s, ok := paramString(p, key)
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

func paramBool(p map[string]any, key string) (bool, bool) {
	s, ok := paramString(p, key)
	if !ok {
		return false, false
	}
	return s == "1" || s == "true", true
}

func (a *notesApp) handleCreate(w http.ResponseWriter, r *http.Request, u *User) {
	p, ok := noteParams(r)
	if !ok {
		writeNotesJSON(w, http.StatusBadRequest, []any{})
		return
	}
	title, _ := paramString(p, "title")
	category, _ := paramString(p, "category")
	content, _ := paramString(p, "content")
	a.mu.Lock()
	now := a.now().Unix()
	n := a.insert(u.ID, title, safeNoteCategory(category))
	n.content, n.modified, n.lastUpdate = content, now, now
	if m, ok := paramInt(p, "modified"); ok && m != 0 {
		n.modified = m
	}
	if f, ok := paramBool(p, "favorite"); ok {
		n.favorite = f
	}
	a.writeNoteFile(u.ID, n, "")
	data := n.data(nil)
	a.mu.Unlock()
	writeNotesJSON(w, http.StatusOK, data)
}

func (a *notesApp) handleUpdate(w http.ResponseWriter, r *http.Request, u *User, id int) {
	p, ok := noteParams(r)
	if !ok {
		writeNotesJSON(w, http.StatusBadRequest, []any{})
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	n := a.byUser[u.ID][id]
	// Notes compares If-Match with the quoted etag, so an unquoted value
	// never matches; the 412 body is the current note.
	if im := r.Header.Get("If-Match"); im != "" && !slices.Contains(splitETags(im), `"`+n.etag()+`"`) {
		writeNotesJSON(w, http.StatusPreconditionFailed, n.data(nil))
		return
	}
	now := a.now().Unix()
	changed, oldPath := false, n.path
	if c, ok := paramString(p, "content"); ok {
		n.content, n.modified, changed = c, now, true
	}
	if m, ok := paramInt(p, "modified"); ok && m != 0 {
		n.modified, changed = m, true
	}
	title, hasTitle := paramString(p, "title")
	category, hasCategory := paramString(p, "category")
	if hasCategory {
		n.category, changed = safeNoteCategory(category), true
	}
	if hasTitle || hasCategory {
		if !hasTitle {
			title = n.title
		}
		n.title, changed = a.uniqueTitle(u.ID, title, n.category, n.id), true
		n.path = a.notePath(u.ID, n.category, n.title, path.Ext(n.path))
	}
	fileChanged := changed
	if f, ok := paramBool(p, "favorite"); ok {
		n.favorite, changed = f, true
	}
	if changed {
		n.lastUpdate = now
	}
	if fileChanged {
		a.writeNoteFile(u.ID, n, oldPath)
	}
	writeNotesJSON(w, http.StatusOK, n.data(nil))
}

func (a *notesApp) handleDelete(w http.ResponseWriter, _ *http.Request, u *User, id int) {
	a.mu.Lock()
	a.deleteNoteFile(u.ID, a.byUser[u.ID][id])
	delete(a.byUser[u.ID], id)
	a.mu.Unlock()
	writeNotesJSON(w, http.StatusOK, []any{})
}

// settingsOf returns the user's settings, defaults filled in. Caller holds a.mu.
func (a *notesApp) settingsOf(user string) map[string]string {
	st := a.settings[user]
	if st == nil {
		st = map[string]string{"notesPath": "Notes", "fileSuffix": ".md", "noteMode": "edit"}
		a.settings[user] = st
	}
	return st
}

func (a *notesApp) settingsJSON(user string) orderedJSON {
	st := a.settingsOf(user)
	return orderedJSON{{"notesPath", st["notesPath"]}, {"fileSuffix", st["fileSuffix"]}, {"noteMode", st["noteMode"]}}
}

func (a *notesApp) handleGetSettings(w http.ResponseWriter, _ *http.Request, u *User) {
	a.mu.Lock()
	data := a.settingsJSON(u.ID)
	a.mu.Unlock()
	writeNotesJSON(w, http.StatusOK, data)
}

func (a *notesApp) handlePutSettings(w http.ResponseWriter, r *http.Request, u *User) {
	p, ok := noteParams(r)
	if !ok {
		writeNotesJSON(w, http.StatusBadRequest, []any{})
		return
	}
	a.mu.Lock()
	st := a.settingsOf(u.ID)
	for _, k := range []string{"notesPath", "fileSuffix", "noteMode"} {
		if v, ok := paramString(p, k); ok && v != "" {
			st[k] = v
		}
	}
	data := a.settingsJSON(u.ID)
	a.mu.Unlock()
	writeNotesJSON(w, http.StatusOK, data)
}
