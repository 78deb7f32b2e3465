package ncfake

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/webdav"
)

// filesDAVHeader is the DAV header the files tree answers with (webdav/03, 22).
const filesDAVHeader = "1, 3, extended-mkcol, access-control, calendarserver-principal-property-search, nextcloud-checksum-update, nc-calendar-search, nc-enable-birthday-calendar"

// filesAllow is the Allow header of an existing resource (webdav/03, 05).
const filesAllow = "OPTIONS, GET, HEAD, DELETE, PROPFIND, PUT, PROPPATCH, COPY, MOVE, REPORT"

// fakeInstanceID is the instance id that OC-FileId appends to the padded file id.
const fakeInstanceID = "ocncfake0001"

// filesApp serves each user's files under /remote.php/dav/files/<user>/ on
// top of x/net/webdav's in-memory file system, plus what Nextcloud adds:
// file ids, quoted md5-style ETags, favorites, conditional writes, SEARCH and
// the filter-files REPORT. One mutex guards every home, so each request sees
// and leaves a consistent tree.
type filesApp struct {
	s *Server
	// diskDir, when set, keeps file bodies on disk (Options.FilesDir, files_body.go).
	diskDir string
	// uploads are the chunked upload folders, by user (files_chunked.go).
	uploads map[string]map[string]*uploadDir

	mu     sync.Mutex
	homes  map[string]*fileHome // by user id
	nextID int64
	seq    uint64 // makes every new ETag distinct
	clock  int64  // last folder ETag (µs), kept increasing
	// now is the server's clock for mtimes (SetFilesClock).
	now func() time.Time
	// ignoreMtime drops X-OC-Mtime, as a server behind a proxy that strips it would.
	ignoreMtime bool
}

// fileHome is one user's file tree: the bytes live in the memFS, the
// Nextcloud metadata in meta, keyed by clean path ("/", "/a/b.txt").
type fileHome struct {
	user string
	fs   webdav.FileSystem
	ls   webdav.LockSystem
	meta map[string]*fileMeta
	// locks holds the lock tokens LockFile created, by path.
	locks map[string]string
}

func newFilesApp(s *Server) *filesApp {
	return &filesApp{s: s, homes: map[string]*fileHome{}, nextID: 100, now: time.Now}
}

func (a *filesApp) routes(mux *http.ServeMux) {
	mux.HandleFunc("/remote.php/dav/files/", a.serve)
	mux.HandleFunc("/remote.php/dav/uploads/", a.serveUploads)
	// More specific than dav.go's "/remote.php/dav/{$}" (it names a method),
	// so SEARCH reaches the files app and PROPFIND stays with the DAV root.
	mux.HandleFunc("SEARCH /remote.php/dav/{$}", a.handleSearch)
}

// homeOf returns the user's home, creating it on first use. Caller holds a.mu.
func (a *filesApp) homeOf(user string) *fileHome {
	h := a.homes[user]
	if h != nil {
		return h
	}
	h = &fileHome{user: user, fs: a.newFS(user), ls: webdav.NewMemLS(), meta: map[string]*fileMeta{}, locks: map[string]string{}}
	h.meta["/"] = a.newDirMeta()
	a.homes[user] = h
	return h
}

// serve dispatches a request below /remote.php/dav/files/.
func (a *filesApp) serve(w http.ResponseWriter, r *http.Request) {
	u := a.s.davAuth(w, r)
	if u == nil {
		return
	}
	rest := strings.TrimPrefix(r.URL.Path, "/remote.php/dav/files/")
	owner, sub, _ := strings.Cut(rest, "/")
	p := cleanFilePath(sub)
	if owner == "" {
		a.serveForeignHome(w, r, "/remote.php/dav/files/", p)
		return
	}
	if owner != u.ID {
		a.s.mu.Lock()
		_, known := a.s.users[owner]
		a.s.mu.Unlock()
		if !known {
			setFilesDAVHeaders(w)
			writeSabreError(w, http.StatusNotFound, `Sabre\DAV\Exception\NotFound`, "Principal with name "+owner+" not found")
			return
		}
		a.serveForeignHome(w, r, "/remote.php/dav/files/"+owner+"/", p)
		return
	}
	switch r.Method {
	case http.MethodOptions:
		a.handleOptions(w)
	case http.MethodGet, http.MethodHead:
		a.handleGet(w, r, u, p)
	case "PROPFIND":
		a.handlePropfind(w, r, u, p)
	case "PROPPATCH":
		a.handleProppatch(w, r, u, p)
	case http.MethodPut:
		a.handlePut(w, r, u, p)
	case "MKCOL":
		a.handleMkcol(w, r, u, p)
	case http.MethodDelete:
		a.handleDelete(w, r, u, p)
	case "MOVE", "COPY":
		a.handleCopyMove(w, r, u, p)
	case "REPORT":
		a.handleReport(w, r, u, p)
	default:
		// LOCK among them: Nextcloud has no lock plugin for ordinary clients (errors/12).
		writeSabreError(w, http.StatusNotImplemented, `Sabre\DAV\Exception\NotImplemented`,
			"There was no plugin in the system that was willing to handle this "+r.Method+" method.")
	}
}

// serveForeignHome answers for another user's home: it exists as a bare
// collection (errors/25, 33) but nothing in it can be reached.
func (a *filesApp) serveForeignHome(w http.ResponseWriter, r *http.Request, href, p string) {
	switch {
	case p == "/" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		writeFilesInterfacePage(w)
	case p == "/" && r.Method == "PROPFIND":
		setFilesDAVHeaders(w)
		w.Header().Set("Content-Type", "application/xml; charset=utf-8")
		w.WriteHeader(http.StatusMultiStatus)
		fmt.Fprint(w, filesMultistatusOpen+`<d:response><d:href>`+filesXMLEscape(href)+`</d:href><d:propstat><d:prop><d:resourcetype><d:collection/></d:resourcetype></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response></d:multistatus>`)
	case r.Method == http.MethodOptions:
		a.handleOptions(w)
	default:
		writeFileNotFound(w, p)
	}
}

func (a *filesApp) handleOptions(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Allow", filesAllow)
	h.Set("DAV", filesDAVHeader)
	h.Set("MS-Author-Via", "DAV")
	h.Set("Accept-Ranges", "bytes")
	h.Set("Content-Length", "0")
	h.Set("Content-Type", "text/html; charset=UTF-8")
	w.WriteHeader(http.StatusOK)
}

func writeFilesInterfacePage(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "This is the WebDAV interface. It can only be accessed by WebDAV clients such as the Nextcloud desktop sync client.")
}

func setFilesDAVHeaders(w http.ResponseWriter) {
	w.Header().Set("Vary", "Brief,Prefer")
	w.Header().Set("DAV", filesDAVHeader)
}

// writeFileNotFound is Sabre's answer for a path that does not exist.
func writeFileNotFound(w http.ResponseWriter, p string) {
	writeSabreError(w, http.StatusNotFound, `Sabre\DAV\Exception\NotFound`, "File with name "+p+" could not be located")
}

// cleanFilePath turns the part of the URL path below the home into a clean
// absolute path without trailing slash ("/" for the home itself).
func cleanFilePath(sub string) string {
	return path.Clean("/" + sub)
}

// ---- exported helpers for tests and the demo ----

// errFilesNoUser is returned by the file helpers for an unknown user.
var errFilesNoUser = errors.New("ncfake: no such user")

func (a *filesApp) userHome(user string) (*fileHome, error) {
	a.s.mu.Lock()
	_, ok := a.s.users[user]
	a.s.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("%w: %q", errFilesNoUser, user)
	}
	return a.homeOf(user), nil
}

// PutFile stores data at path in the user's files, creating missing parent
// folders, as a client upload would (new ETag, file id kept on overwrite).
func (s *Server) PutFile(user, p string, data []byte) error {
	a := s.files
	a.mu.Lock()
	defer a.mu.Unlock()
	h, err := a.userHome(user)
	if err != nil {
		return err
	}
	p = cleanFilePath(p)
	if p == "/" {
		return errors.New("ncfake: PutFile needs a file path, not the home folder")
	}
	if err := a.mkdirAll(h, path.Dir(p)); err != nil {
		return err
	}
	if m := h.meta[p]; m != nil && m.dir {
		return fmt.Errorf("ncfake: %s is a folder", p)
	}
	_, err = a.writeFile(context.Background(), h, p, data, 0)
	return err
}

// MkdirAll creates a folder and its missing parents in the user's files.
func (s *Server) MkdirAll(user, p string) error {
	a := s.files
	a.mu.Lock()
	defer a.mu.Unlock()
	h, err := a.userHome(user)
	if err != nil {
		return err
	}
	return a.mkdirAll(h, cleanFilePath(p))
}

// ReadFile returns the content of a file in the user's files.
func (s *Server) ReadFile(user, p string) ([]byte, error) {
	a := s.files
	a.mu.Lock()
	defer a.mu.Unlock()
	h, err := a.userHome(user)
	if err != nil {
		return nil, err
	}
	p = cleanFilePath(p)
	m := h.meta[p]
	if m == nil {
		return nil, fmt.Errorf("ncfake: %s: %w", p, os.ErrNotExist)
	}
	if m.dir {
		return nil, fmt.Errorf("ncfake: %s is a folder", p)
	}
	return a.content(context.Background(), h, p)
}

// FileStat is what the fake knows about a file or folder.
type FileStat struct {
	ID          int64
	IsDir       bool
	ETag        string // quoted
	Size        int64
	ContentType string
	Favorite    bool
}

// StatFile describes a file or folder of the user, or fails with os.ErrNotExist.
func (s *Server) StatFile(user, p string) (FileStat, error) {
	a := s.files
	a.mu.Lock()
	defer a.mu.Unlock()
	h, err := a.userHome(user)
	if err != nil {
		return FileStat{}, err
	}
	p = cleanFilePath(p)
	m := h.meta[p]
	if m == nil {
		return FileStat{}, fmt.Errorf("ncfake: %s: %w", p, os.ErrNotExist)
	}
	st := FileStat{ID: m.id, IsDir: m.dir, ETag: quoteFileETag(m.etag), Size: h.size(p), Favorite: m.favorite}
	if !m.dir {
		st.ContentType = fileMimeType(p)
	}
	return st, nil
}

// SetFileFavorite marks a file or folder of the user as favorite, or unmarks it.
func (s *Server) SetFileFavorite(user, p string, favorite bool) error {
	a := s.files
	a.mu.Lock()
	defer a.mu.Unlock()
	h, err := a.userHome(user)
	if err != nil {
		return err
	}
	m := h.meta[cleanFilePath(p)]
	if m == nil {
		return fmt.Errorf("ncfake: %s: %w", p, os.ErrNotExist)
	}
	m.favorite = favorite
	return nil
}

// LockFile makes the file (or folder, with everything below it) locked the
// way Nextcloud's own file locking does while another process works on it:
// PUT, GET and DELETE answer 423 and MOVE 500 until the returned func is called.
func (s *Server) LockFile(user, p string) (unlock func(), err error) {
	a := s.files
	a.mu.Lock()
	defer a.mu.Unlock()
	h, err := a.userHome(user)
	if err != nil {
		return nil, err
	}
	p = cleanFilePath(p)
	tok, err := h.ls.Create(time.Now(), webdav.LockDetails{Root: p, Duration: -1})
	if err != nil {
		return nil, fmt.Errorf("ncfake: lock %s: %w", p, err)
	}
	h.locks[p] = tok
	return func() {
		a.mu.Lock()
		defer a.mu.Unlock()
		_ = h.ls.Unlock(time.Now(), tok)
		delete(h.locks, p)
	}, nil
}
