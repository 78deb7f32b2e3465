// Package ncfake is an in-memory fake Nextcloud that answers the APIs
// nextcloud-mcp uses the way a real Nextcloud 29 does (see the recordings in
// shared/nextcloud-api). Tests run it with httptest; `serve --demo` runs it
// in-process with sample data.
package ncfake

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
)

// allApps lists the apps the fake can serve; Options.Apps picks a subset.
// It is never modified: AllApps hands out copies.
var allApps = []string{"notes", "files", "dav", "deck", "tables", "files_sharing", "spreed", "webhook_listeners", "activity", "notifications", "oauth2", "news", "cookbook", "bookmarks", "forms", "mail", "collectives"}

// AllApps returns every app the fake can serve.
func AllApps() []string { return append([]string(nil), allApps...) }

// Options configure a fake server.
type Options struct {
	// Apps enabled; nil means AllApps().
	Apps []string
	// Version is the reported Nextcloud version; default 29.0.6.
	Major, Minor, Micro int
	// FilesDir, when set, keeps file bodies on disk below it instead of in
	// memory, so benchmarks can move GiB-sized files (files_body.go).
	FilesDir string
}

// Server is the fake. Create it with New; it is safe for concurrent use.
type Server struct {
	mu                  sync.Mutex
	users               map[string]*User // by login
	apps                map[string]bool
	major, minor, micro int

	faults   faultList
	requests atomic.Int64
	log      requestLog

	// bearer validates Bearer tokens (OAuth tests plug an OIDC provider in here).
	bearer func(ctx context.Context, token string) (user string, ok bool)

	mux *http.ServeMux

	// netFaults sit in front of everything else (faults_modes.go).
	netFaults netFaultList

	notes     *notesApp
	files     *filesApp
	calendars *calendarsApp
	contacts  *contactsApp
	deck      *deckApp
	tables    *tablesApp
	sharing   *sharingApp
	talk      *talkApp
	search    *searchApp
	activity  *activityApp
	webhooks  *webhooksApp
	loginFlow *loginFlowApp
	oauth2    *oauth2App

	// web is what the fake's apps can fetch (feeds, recipe pages).
	web       webPages
	news      *newsApp
	cookbook  *cookbookApp
	bookmarks *bookmarksApp
	forms     *formsApp
	// sessions are the browser-style sessions Mail and Collectives need (session.go).
	sessions    sessionStore
	mail        *mailApp
	collectives *collectivesApp
}

// User is an account of the fake.
type User struct {
	ID           string
	DisplayName  string
	Email        string
	Password     string          // login password
	AppPasswords map[string]bool // valid app passwords
	Groups       []string
	QuotaBytes   int64 // -3 means unlimited
}

// New builds a fake with the users admin (app password "admin-app-password",
// login password "admin") and alice ("alice-app-password", "alice").
func New(o Options) *Server {
	s := &Server{
		users: map[string]*User{},
		apps:  map[string]bool{},
		major: 29, minor: 0, micro: 6,
		mux: http.NewServeMux(),
	}
	if o.Major != 0 {
		s.major, s.minor, s.micro = o.Major, o.Minor, o.Micro
	}
	apps := o.Apps
	if apps == nil {
		apps = allApps
	}
	for _, a := range apps {
		s.apps[a] = true
	}
	s.AddUser(&User{ID: "admin", DisplayName: "admin", Password: "admin", AppPasswords: map[string]bool{"admin-app-password": true}, Groups: []string{"admin"}, QuotaBytes: -3})
	s.AddUser(&User{ID: "alice", DisplayName: "Alice", Email: "alice@example.com", Password: "alice", AppPasswords: map[string]bool{"alice-app-password": true}, Groups: []string{"users"}, QuotaBytes: -3})

	s.notes = newNotesApp(s)
	s.files = newFilesApp(s)
	s.files.diskDir = o.FilesDir
	s.calendars = newCalendarsApp(s)
	s.contacts = newContactsApp(s)
	s.deck = newDeckApp(s)
	s.tables = newTablesApp(s)
	s.sharing = newSharingApp(s)
	s.talk = newTalkApp(s)
	s.search = newSearchApp(s)
	s.activity = newActivityApp(s)
	s.webhooks = newWebhooksApp(s)
	s.loginFlow = newLoginFlowApp(s)
	s.oauth2 = newOAuth2App(s)
	s.news = newNewsApp(s)
	s.cookbook = newCookbookApp(s)
	s.bookmarks = newBookmarksApp(s)
	s.forms = newFormsApp(s)
	s.mail = newMailApp(s)
	s.collectives = newCollectivesApp(s)
	s.routes()
	return s
}

// AddUser adds or replaces an account.
func (s *Server) AddUser(u *User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u.AppPasswords == nil {
		u.AppPasswords = map[string]bool{}
	}
	s.users[u.ID] = u
}

// AddAppPassword makes pw a valid app password of user.
func (s *Server) AddAppPassword(user, pw string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.users[user]; u != nil {
		u.AppPasswords[pw] = true
	}
}

// RevokeAppPassword invalidates an app password.
func (s *Server) RevokeAppPassword(user, pw string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.users[user]; u != nil {
		delete(u.AppPasswords, pw)
	}
}

// SetBearerValidator accepts Bearer tokens that fn validates.
func (s *Server) SetBearerValidator(fn func(ctx context.Context, token string) (user string, ok bool)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bearer = fn
}

// HasApp reports whether the app is enabled.
func (s *Server) HasApp(app string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.apps[app]
}

// Handler returns the HTTP handler of the fake.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveNet) }

// Start serves the fake on a loopback port; close it with Close on the result.
func (s *Server) Start() *httptest.Server { return httptest.NewServer(s.Handler()) }

// RequestCount returns how many requests reached the fake.
func (s *Server) RequestCount() int64 { return s.requests.Load() }

// Requests returns the method and path of the requests so far, in order:
// all of them, or the most recent ones past a few thousand.
func (s *Server) Requests() []RecordedRequest { return s.log.all() }

// RecordedRequest is what the fake saw of one request.
type RecordedRequest struct {
	Method string
	Path   string
	Header http.Header
}

type requestLog struct {
	mu   sync.Mutex
	reqs []RecordedRequest
}

// maxLoggedRequests bounds the request log: `serve --demo` runs the fake for
// as long as a desktop client stays open, so an unbounded log is a leak
// (found by the soak benchmark). Tests look at far fewer requests.
const maxLoggedRequests = 4096

func (l *requestLog) add(r *http.Request) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.reqs) >= maxLoggedRequests {
		// Drop the older half at once, so trimming stays cheap per request.
		l.reqs = append(l.reqs[:0], l.reqs[len(l.reqs)/2:]...)
	}
	h := r.Header.Clone()
	h.Del("Authorization")
	l.reqs = append(l.reqs, RecordedRequest{Method: r.Method, Path: r.URL.Path, Header: h})
}

func (l *requestLog) all() []RecordedRequest {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]RecordedRequest(nil), l.reqs...)
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	s.log.add(r)
	if s.faults.apply(w, r, s.mux) {
		return
	}
	s.mux.ServeHTTP(w, r)
}

// routes wires every endpoint. App handlers check s.HasApp themselves so an
// app can be missing the way it is on a real server.
func (s *Server) routes() {
	s.mux.HandleFunc("/status.php", s.handleStatus)
	s.mux.HandleFunc("/ocs/v2.php/cloud/capabilities", s.ocsHandler(s.handleCapabilities))
	s.mux.HandleFunc("/ocs/v1.php/cloud/capabilities", s.ocsHandler(s.handleCapabilities))
	s.mux.HandleFunc("/ocs/v2.php/cloud/user", s.ocsHandler(s.handleCurrentUser))
	s.mux.HandleFunc("/ocs/v1.php/cloud/user", s.ocsHandler(s.handleCurrentUser))
	s.mux.HandleFunc("/ocs/v2.php/cloud/users/{id}", s.ocsHandler(s.handleGetUser))
	s.mux.HandleFunc("/ocs/v1.php/cloud/users/{id}", s.ocsHandler(s.handleGetUser))
	s.mux.HandleFunc("/ocs/", s.ocsHandler(func(w http.ResponseWriter, r *http.Request, _ *User) {
		writeOCSUnknownRoute(w, r)
	}))
	s.mux.HandleFunc("/remote.php/dav/{$}", s.handleDAVRoot)
	s.mux.HandleFunc("/remote.php/dav/principals/", s.handleDAVRoot)
	s.mux.HandleFunc("/.well-known/caldav", s.handleWellKnownDAV)
	s.mux.HandleFunc("/.well-known/carddav", s.handleWellKnownDAV)
	s.mux.HandleFunc("/index.php/core/preview", s.handlePreview)
	s.mux.HandleFunc("/index.php/core/preview.png", s.handlePreview)
	s.notes.routes(s.mux)
	s.files.routes(s.mux)
	s.calendars.routes(s.mux)
	s.contacts.routes(s.mux)
	s.deck.routes(s.mux)
	s.tables.routes(s.mux)
	s.sharing.routes(s.mux)
	s.talk.routes(s.mux)
	s.search.routes(s.mux)
	s.activity.routes(s.mux)
	s.webhooks.routes(s.mux)
	s.loginFlow.routes(s.mux)
	s.oauth2.routes(s.mux)
	s.news.routes(s.mux)
	s.cookbook.routes(s.mux)
	s.bookmarks.routes(s.mux)
	s.forms.routes(s.mux)
	s.mux.HandleFunc("GET /index.php/csrftoken", s.handleCSRFToken)
	s.mail.routes(s.mux)
	s.collectives.routes(s.mux)
}

// userFor authenticates the request as a real Nextcloud would for the API kind.
// appREST is true for /index.php/apps REST endpoints, which refuse Bearer tokens.
func (s *Server) userFor(r *http.Request, appREST bool) (*User, authFailure) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return nil, authMissing
	}
	if tok, ok := strings.CutPrefix(h, "Bearer "); ok {
		if appREST {
			return nil, authBearerRefused
		}
		s.mu.Lock()
		fn := s.bearer
		s.mu.Unlock()
		if fn == nil {
			return nil, authWrong
		}
		id, ok := fn(r.Context(), tok)
		if !ok {
			return nil, authWrong
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if u := s.users[id]; u != nil {
			return u, authOK
		}
		return nil, authWrong
	}
	login, pw, ok := r.BasicAuth()
	if !ok {
		return nil, authWrong
	}
	s.mu.Lock()
	u := s.users[login]
	fn := s.bearer
	s.mu.Unlock()
	if u != nil {
		s.mu.Lock()
		good := u.Password == pw || u.AppPasswords[pw]
		s.mu.Unlock()
		if good {
			return u, authOK
		}
	}
	// An OAuth access token is an app password too, so it works as Basic password.
	if fn != nil && u != nil {
		if id, ok := fn(r.Context(), pw); ok && id == u.ID {
			return u, authOK
		}
	}
	return nil, authWrong
}

type authFailure int

const (
	authOK authFailure = iota
	authMissing
	authWrong
	authBearerRefused
)

func (s *Server) handleStatus(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	v := versionString(s.major, s.minor, s.micro)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"installed": true, "maintenance": false, "needsDbUpgrade": false,
		"version": v + ".1", "versionstring": v, "edition": "", "productname": "Nextcloud", "extendedSupport": false,
	})
}
