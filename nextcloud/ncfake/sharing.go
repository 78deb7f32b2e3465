package ncfake

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// sharingApp serves the files_sharing OCS API the way sharing/01-30 show it.
type sharingApp struct {
	s *Server

	mu         sync.Mutex
	nextID     int
	nextFileID int64
	shares     map[int]*fakeShare
	// nodes are files and folders shares can point at, by user then path
	// ("/a/b"). The files fake can supply them instead (see shareNodeSource).
	nodes map[string]map[string]*shareNode
	// now is the clock, so tests can pin "expiration date in the past".
	now func() time.Time
}

// shareNode is what a share needs to know of the item it shares.
type shareNode struct {
	Path     string
	IsDir    bool
	Size     int64
	MTime    int64
	FileID   int64
	ParentID int64
	MimeType string
}

// shareNodeSource is implemented by a files fake that wants shares to point
// at its files; otherwise the sharing fake keeps its own nodes.
type shareNodeSource interface {
	nodeForShare(user, path string) (shareNode, bool)
}

type fakeShare struct {
	ID            int
	Type          int
	Owner         string
	Node          shareNode
	Permissions   int
	STime         int64
	Expiration    string // "YYYY-MM-DD 00:00:00" or ""
	Token         string
	Note          string
	Label         string
	ShareWith     string
	ShareWithName string
	PasswordHash  string
	HideDownload  bool
}

func newSharingApp(s *Server) *sharingApp {
	return &sharingApp{s: s, nextID: 1, nextFileID: 100, shares: map[int]*fakeShare{}, nodes: map[string]map[string]*shareNode{}, now: time.Now}
}

const sharingBase = "/apps/files_sharing/api/v1"

func (a *sharingApp) routes(mux *http.ServeMux) {
	for _, v := range []string{"/ocs/v1.php", "/ocs/v2.php"} {
		base := v + sharingBase
		h := func(fn func(http.ResponseWriter, *http.Request, *User)) http.HandlerFunc {
			return a.s.ocsAppHandler("files_sharing", nil, fn)
		}
		mux.HandleFunc("GET "+base+"/shares", h(a.list))
		mux.HandleFunc("POST "+base+"/shares", h(a.create))
		mux.HandleFunc("GET "+base+"/shares/pending", h(a.pending))
		mux.HandleFunc("GET "+base+"/shares/{id}", h(a.get))
		mux.HandleFunc("PUT "+base+"/shares/{id}", h(a.update))
		mux.HandleFunc("DELETE "+base+"/shares/{id}", h(a.remove))
		mux.HandleFunc("GET "+base+"/sharees", h(a.sharees))
		mux.HandleFunc("GET "+base+"/sharees_recommended", h(a.recommended))
	}
}

// AddShareablePath makes a file (or folder) exist for the sharing API, with
// its parent folders, so tests can share it without a files fake.
func (s *Server) AddShareablePath(user, p string, folder bool) {
	a := s.sharing
	a.mu.Lock()
	defer a.mu.Unlock()
	a.addNodeLocked(user, p, folder)
}

func (a *sharingApp) addNodeLocked(user, p string, folder bool) *shareNode {
	p = path.Clean("/" + p)
	if a.nodes[user] == nil {
		a.nodes[user] = map[string]*shareNode{"/": {Path: "/", IsDir: true, FileID: 2, MimeType: "httpd/unix-directory"}}
	}
	if n := a.nodes[user][p]; n != nil {
		return n
	}
	parent := a.addNodeLocked(user, path.Dir(p), true)
	a.nextFileID++
	n := &shareNode{Path: p, IsDir: folder, FileID: a.nextFileID, ParentID: parent.FileID, MTime: a.now().Unix(), MimeType: "httpd/unix-directory"}
	if !folder {
		n.Size = 16
		n.MimeType = mimeByExt(p)
	}
	a.nodes[user][p] = n
	return n
}

func mimeByExt(p string) string {
	switch strings.ToLower(path.Ext(p)) {
	case ".txt":
		return "text/plain"
	case ".md":
		return "text/markdown"
	case ".pdf":
		return "application/pdf"
	case ".png":
		return "image/png"
	case ".jpg", ".jpeg":
		return "image/jpeg"
	}
	return "application/octet-stream"
}

func (a *sharingApp) nodeLocked(user, p string) (shareNode, bool) {
	p = path.Clean("/" + p)
	if src, ok := any(a.s.files).(shareNodeSource); ok {
		if n, ok := src.nodeForShare(user, p); ok {
			return n, true
		}
	}
	if n := a.nodes[user][p]; n != nil && p != "/" {
		return *n, true
	}
	return shareNode{}, false
}

// itemPermissions is what the owner may do with the item: a file cannot
// have children created or be the target of delete-inside.
func (n shareNode) itemPermissions() int {
	if n.IsDir {
		return 31
	}
	return 27
}

// sharingParams merges the query with a form or JSON body, as OCS does.
func sharingParams(r *http.Request) map[string]string {
	out := map[string]string{}
	for k, v := range r.URL.Query() {
		if len(v) > 0 {
			out[k] = v[0]
		}
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		var body map[string]any
		if json.NewDecoder(r.Body).Decode(&body) == nil {
			for k, v := range body {
				switch x := v.(type) {
				case string:
					out[k] = x
				case float64:
					out[k] = strconv.FormatFloat(x, 'f', -1, 64)
				case bool:
					out[k] = strconv.FormatBool(x)
				case nil:
					out[k] = ""
				}
			}
		}
		return out
	}
	if err := r.ParseForm(); err == nil {
		for k, v := range r.PostForm {
			if len(v) > 0 {
				out[k] = v[0]
			}
		}
	}
	return out
}

// shareJSON renders a share for viewer: the owner sees it from their files,
// a recipient from theirs. Link shares expose the password hash in
// password and share_with, as the real server does.
func (a *sharingApp) shareJSON(r *http.Request, sh *fakeShare, viewer string, fresh bool) map[string]any {
	var expiration, token, label any
	if sh.Expiration != "" {
		expiration = sh.Expiration
	}
	if sh.Token != "" {
		token = sh.Token
	}
	// An empty label reads as null on user shares, except in the create answer (sharing/01, 09).
	if sh.Label != "" || sh.Type == 3 || fresh {
		label = sh.Label
	}
	itemType := "file"
	if sh.Node.IsDir {
		itemType = "folder"
	}
	target := "/" + path.Base(sh.Node.Path)
	m := map[string]any{
		"id":                     strconv.Itoa(sh.ID),
		"share_type":             sh.Type,
		"uid_owner":              sh.Owner,
		"displayname_owner":      a.displayName(sh.Owner),
		"permissions":            sh.Permissions,
		"can_edit":               true,
		"can_delete":             true,
		"stime":                  sh.STime,
		"parent":                 nil,
		"expiration":             expiration,
		"token":                  token,
		"uid_file_owner":         sh.Owner,
		"note":                   sh.Note,
		"label":                  label,
		"displayname_file_owner": a.displayName(sh.Owner),
		"path":                   sh.Node.Path,
		"item_type":              itemType,
		"item_permissions":       sh.Node.itemPermissions(),
		"mimetype":               sh.Node.MimeType,
		"has_preview":            !sh.Node.IsDir,
		"storage_id":             "home::" + sh.Owner,
		"storage":                1,
		"item_source":            sh.Node.FileID,
		"file_source":            sh.Node.FileID,
		"file_parent":            sh.Node.ParentID,
		"file_target":            target,
		"item_size":              sh.Node.Size,
		"item_mtime":             sh.Node.MTime,
		"mail_send":              0,
		"hide_download":          shareFlag(sh.HideDownload),
		"attributes":             nil,
	}
	if fresh {
		m["mail_send"] = 1
	}
	switch sh.Type {
	case 3:
		var pw any
		if sh.PasswordHash != "" {
			pw = sh.PasswordHash
		}
		m["share_with"] = pw
		m["share_with_displayname"] = "(Shared link)"
		m["password"] = pw
		m["send_password_by_talk"] = false
		m["url"] = "http://" + r.Host + "/index.php/s/" + sh.Token
	case 4:
		m["share_with"] = sh.ShareWith
		m["share_with_displayname"] = sh.ShareWith
		var pw any
		if sh.PasswordHash != "" {
			pw = sh.PasswordHash
		}
		m["password"] = pw
		m["send_password_by_talk"] = false
	default:
		m["share_with"] = sh.ShareWith
		m["share_with_displayname"] = sh.ShareWithName
		m["share_with_displayname_unique"] = sh.ShareWith
	}
	if viewer != sh.Owner {
		// A recipient sees the item where it landed in their own files.
		m["path"] = target
		m["can_edit"] = false
		m["storage_id"] = "shared::" + target
		delete(m, "item_permissions")
	}
	return m
}

func shareFlag(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (a *sharingApp) displayName(id string) string {
	s := a.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.users[id]; u != nil {
		return u.DisplayName
	}
	return id
}

// receives reports whether user is a recipient of sh.
func (a *sharingApp) receives(sh *fakeShare, u *User) bool {
	switch sh.Type {
	case 0:
		return sh.ShareWith == u.ID
	case 1:
		return sh.Owner != u.ID && hasGroup(u, sh.ShareWith)
	}
	return false
}

func (a *sharingApp) sorted() []*fakeShare {
	out := make([]*fakeShare, 0, len(a.shares))
	for _, sh := range a.shares {
		out = append(out, sh)
	}
	// The real list groups user shares before links; ids order within.
	sort.Slice(out, func(i, j int) bool {
		if out[i].Type != out[j].Type {
			return out[i].Type < out[j].Type
		}
		return out[i].ID < out[j].ID
	})
	return out
}

func (a *sharingApp) list(w http.ResponseWriter, r *http.Request, u *User) {
	p := sharingParams(r)
	a.mu.Lock()
	defer a.mu.Unlock()
	data := []any{}
	if p["shared_with_me"] == "true" {
		for _, sh := range a.sorted() {
			if a.receives(sh, u) {
				data = append(data, a.shareJSON(r, sh, u.ID, false))
			}
		}
		writeOCS(w, r, data)
		return
	}
	want := ""
	if raw, ok := p["path"]; ok {
		n, found := a.nodeLocked(u.ID, raw)
		if !found {
			writeOCSError(w, r, http.StatusNotFound, http.StatusNotFound, "Wrong path, file/folder does not exist")
			return
		}
		want = n.Path
	}
	subfiles := p["subfiles"] == "true"
	for _, sh := range a.sorted() {
		if sh.Owner != u.ID {
			continue
		}
		switch {
		case want == "":
		case subfiles && path.Dir(sh.Node.Path) != want:
			continue
		case !subfiles && sh.Node.Path != want:
			continue
		}
		data = append(data, a.shareJSON(r, sh, u.ID, false))
	}
	writeOCS(w, r, data)
}

func (a *sharingApp) pending(w http.ResponseWriter, r *http.Request, _ *User) {
	// Shares between local users are accepted at once (sharing/14).
	writeOCS(w, r, []any{})
}

func (a *sharingApp) find(r *http.Request, u *User) (*fakeShare, bool) {
	id, err := strconv.Atoi(r.PathValue("id"))
	if err != nil {
		return nil, false
	}
	sh := a.shares[id]
	if sh == nil || (sh.Owner != u.ID && !a.receives(sh, u)) {
		return nil, false
	}
	return sh, true
}

func writeNoShare(w http.ResponseWriter, r *http.Request) {
	writeOCSError(w, r, http.StatusNotFound, http.StatusNotFound, "Wrong share ID, share does not exist")
}

func (a *sharingApp) get(w http.ResponseWriter, r *http.Request, u *User) {
	a.mu.Lock()
	defer a.mu.Unlock()
	sh, ok := a.find(r, u)
	if !ok {
		writeNoShare(w, r)
		return
	}
	// The single share comes wrapped in a list (sharing/12).
	writeOCS(w, r, []any{a.shareJSON(r, sh, u.ID, false)})
}

func (a *sharingApp) remove(w http.ResponseWriter, r *http.Request, u *User) {
	a.mu.Lock()
	defer a.mu.Unlock()
	sh, ok := a.find(r, u)
	if !ok || sh.Owner != u.ID {
		writeNoShare(w, r)
		return
	}
	delete(a.shares, sh.ID)
	if sh.Type == 0 {
		a.s.files.unmountShare(sh.Owner, sh.Node.FileID, sh.ShareWith)
	}
	writeOCS(w, r, []any{})
}

// parseExpire checks an expireDate the way files_sharing does; "" clears it.
func (a *sharingApp) parseExpire(v string) (string, string) {
	if v == "" {
		return "", ""
	}
	d, err := time.Parse("2006-01-02", v)
	if err != nil {
		return "", "Invalid date, date format must be YYYY-MM-DD"
	}
	today := a.now().UTC().Truncate(24 * time.Hour)
	if !d.After(today) && !d.Equal(today) {
		return "", "Expiration date is in the past"
	}
	return d.Format("2006-01-02") + " 00:00:00", ""
}

// hashSharePassword stands in for Nextcloud's bcrypt hash: a value that is
// clearly not the password but is returned by the API like the real one.
func hashSharePassword(pw string) string {
	salt := make([]byte, 8)
	_, _ = rand.Read(salt)
	sum := sha256.Sum256(append(salt, pw...))
	return "$2y$10$" + base64.RawStdEncoding.EncodeToString(append(salt, sum[:]...))[:53]
}

func newShareToken() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 15)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// capPermissions applies what the server does to asked permissions: files
// cannot grant create or delete; links always carry the share bit.
func capPermissions(typ, perms int, n shareNode) int {
	if !n.IsDir {
		perms &^= 4 | 8
	}
	if typ == 3 && perms&1 != 0 {
		perms |= 16
	}
	return perms
}

func (a *sharingApp) create(w http.ResponseWriter, r *http.Request, u *User) {
	p := sharingParams(r)
	fail := func(status int, msg string) { writeOCSError(w, r, status, status, msg) }
	a.mu.Lock()
	defer a.mu.Unlock()
	rawPath, ok := p["path"]
	if !ok || rawPath == "" {
		fail(http.StatusNotFound, "Please specify a file or folder path")
		return
	}
	n, found := a.nodeLocked(u.ID, rawPath)
	if !found {
		fail(http.StatusNotFound, "Wrong path, file/folder does not exist")
		return
	}
	typ, err := strconv.Atoi(p["shareType"])
	if err != nil {
		fail(http.StatusBadRequest, "Unknown share type")
		return
	}
	perms := 31
	if v := p["permissions"]; v != "" {
		if perms, err = strconv.Atoi(v); err != nil || perms < 0 || perms > 31 {
			fail(http.StatusNotFound, "Cannot increase permissions of "+n.Path)
			return
		}
	} else if typ == 3 {
		perms = 1
	}
	if p["publicUpload"] == "true" {
		if !n.IsDir {
			fail(http.StatusForbidden, "Public upload is only possible for publicly shared folders")
			return
		}
		perms = 31
	}
	if typ == 3 && perms&^(1|16) != 0 && !n.IsDir {
		fail(http.StatusForbidden, "Public upload is only possible for publicly shared folders")
		return
	}
	sh := &fakeShare{Type: typ, Owner: u.ID, Node: n, STime: a.now().Unix(), Note: p["note"], Label: p["label"]}
	with := p["shareWith"]
	switch typ {
	case 0:
		a.s.mu.Lock()
		target := a.s.users[with]
		a.s.mu.Unlock()
		if target == nil {
			fail(http.StatusNotFound, "Please specify a valid account to share with")
			return
		}
		if target.ID == u.ID {
			fail(http.StatusForbidden, "Cannot share with yourself")
			return
		}
		sh.ShareWith, sh.ShareWithName = target.ID, target.DisplayName
	case 1:
		if !a.groupExists(with) {
			fail(http.StatusNotFound, "Please specify a valid group")
			return
		}
		sh.ShareWith, sh.ShareWithName = with, with
	case 4:
		if !strings.Contains(with, "@") || strings.ContainsAny(with, " /") {
			fail(http.StatusBadRequest, "Invalid recipient")
			return
		}
		sh.ShareWith, sh.ShareWithName = with, with
	case 6:
		at := strings.LastIndex(with, "@")
		if at <= 0 || at == len(with)-1 {
			fail(http.StatusBadRequest, "Invalid federated cloud id")
			return
		}
		sh.ShareWith, sh.ShareWithName = with, with
	case 3:
		sh.Token = newShareToken()
	default:
		fail(http.StatusBadRequest, "Unknown share type")
		return
	}
	exp, msg := a.parseExpire(p["expireDate"])
	if msg != "" {
		fail(http.StatusNotFound, msg)
		return
	}
	sh.Expiration = exp
	sh.Permissions = capPermissions(typ, perms, n)
	if pw := p["password"]; pw != "" && (typ == 3 || typ == 4) {
		sh.PasswordHash = hashSharePassword(pw)
	}
	if typ != 3 {
		// An identical share answers 200 with the existing one (sharing/03).
		for _, old := range a.shares {
			if old.Type == typ && old.Owner == u.ID && old.ShareWith == sh.ShareWith && old.Node.Path == n.Path {
				writeOCS(w, r, a.shareJSON(r, old, u.ID, false))
				return
			}
		}
	}
	sh.ID = a.nextID
	a.nextID++
	a.shares[sh.ID] = sh
	if typ == 0 {
		a.s.files.mountShare(u.ID, n.Path, sh.ShareWith)
	}
	writeOCS(w, r, a.shareJSON(r, sh, u.ID, true))
}

func (a *sharingApp) update(w http.ResponseWriter, r *http.Request, u *User) {
	p := sharingParams(r)
	fail := func(status int, msg string) { writeOCSError(w, r, status, status, msg) }
	a.mu.Lock()
	defer a.mu.Unlock()
	sh, ok := a.find(r, u)
	if !ok || sh.Owner != u.ID {
		writeNoShare(w, r)
		return
	}
	next := *sh
	if v, ok := p["permissions"]; ok {
		perms, err := strconv.Atoi(v)
		if err != nil || perms < 0 || perms > 31 {
			fail(http.StatusNotFound, "Cannot increase permissions of "+sh.Node.Path)
			return
		}
		next.Permissions = capPermissions(sh.Type, perms, sh.Node)
	}
	if v, ok := p["publicUpload"]; ok && sh.Type == 3 {
		if !sh.Node.IsDir {
			fail(http.StatusForbidden, "Public upload is only possible for publicly shared folders")
			return
		}
		if v == "true" {
			next.Permissions = 31
		} else {
			next.Permissions = 17
		}
	}
	if v, ok := p["password"]; ok && (sh.Type == 3 || sh.Type == 4) {
		next.PasswordHash = ""
		if v != "" {
			next.PasswordHash = hashSharePassword(v)
		}
	}
	if v, ok := p["expireDate"]; ok {
		exp, msg := a.parseExpire(v)
		if msg != "" {
			fail(http.StatusNotFound, msg)
			return
		}
		next.Expiration = exp
	}
	if v, ok := p["note"]; ok {
		next.Note = v
	}
	if v, ok := p["label"]; ok {
		next.Label = v
	}
	if v, ok := p["hideDownload"]; ok {
		next.HideDownload = v == "true" || v == "1"
	}
	*sh = next
	writeOCS(w, r, a.shareJSON(r, sh, u.ID, false))
}

func (a *sharingApp) groupExists(g string) bool {
	s := a.s
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range s.users {
		if hasGroup(u, g) {
			return true
		}
	}
	return false
}
