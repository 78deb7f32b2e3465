package ncfake

import (
	"crypto/rand"
	"encoding/json"
	"mime"
	"net/http"
	"strings"
	"sync"
	"time"
)

// loginFlowApp serves Login Flow v2 and the app-password endpoints of core
// (getapppassword, rotate, delete), as recorded from Nextcloud 29.
type loginFlowApp struct {
	s *Server

	mu      sync.Mutex
	flows   map[string]*loginFlowState // by poll token
	byLogin map[string]string          // login token -> poll token
	// devices names each app password after the User-Agent that asked for it,
	// as Nextcloud's Devices list does.
	devices map[string]string
	// origin, when set, is the scheme://host the server believes it has
	// (a reverse proxy in front of it is reached under another one).
	origin   string
	lifetime time.Duration
	started  int
	revoked  int
}

type loginFlowState struct {
	pollToken, loginToken, userAgent string
	created                          time.Time
	user, appPassword                string // set once granted
	landed                           bool   // the browser opened the login URL
}

func newLoginFlowApp(s *Server) *loginFlowApp {
	return &loginFlowApp{s: s, flows: map[string]*loginFlowState{}, byLogin: map[string]string{}, devices: map[string]string{}, lifetime: 20 * time.Minute}
}

func (a *loginFlowApp) routes(mux *http.ServeMux) {
	mux.HandleFunc("POST /index.php/login/v2", a.handleInit)
	mux.HandleFunc("/index.php/login/v2/poll", a.handlePoll)
	mux.HandleFunc("GET /index.php/login/v2/flow/{token}", a.handleLanding)
	mux.HandleFunc("GET /ocs/v2.php/core/getapppassword", a.s.ocsHandler(a.handleGetAppPassword))
	mux.HandleFunc("POST /ocs/v2.php/core/apppassword/rotate", a.s.ocsHandler(a.handleRotate))
	mux.HandleFunc("DELETE /ocs/v2.php/core/apppassword", a.s.ocsHandler(a.handleDelete))
}

// randomToken is [A-Za-z0-9]{n}, the alphabet Nextcloud uses for tokens and app passwords.
func randomToken(n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

func (a *loginFlowApp) originOf(r *http.Request) string {
	a.mu.Lock()
	o := a.origin
	a.mu.Unlock()
	if o != "" {
		return o
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (a *loginFlowApp) handleInit(w http.ResponseWriter, r *http.Request) {
	origin := a.originOf(r)
	f := &loginFlowState{pollToken: randomToken(128), loginToken: randomToken(128), userAgent: r.UserAgent(), created: time.Now()}
	a.mu.Lock()
	a.flows[f.pollToken] = f
	a.byLogin[f.loginToken] = f.pollToken
	a.started++
	a.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"poll":  map[string]string{"token": f.pollToken, "endpoint": origin + "/index.php/login/v2/poll"},
		"login": origin + "/index.php/login/v2/flow/" + f.loginToken,
	})
}

// writeEmptyList is the "not granted (yet)" answer: 404 with the body [].
func writeEmptyList(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", "2")
	w.WriteHeader(http.StatusNotFound)
	_, _ = w.Write([]byte("[]"))
}

func writeHTMLStatus(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-type", "text/html; charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

func (a *loginFlowApp) handlePoll(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeHTMLStatus(w, http.StatusMethodNotAllowed, "")
		return
	}
	token := ""
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "application/json" {
		var body struct {
			Token string `json:"token"`
		}
		_ = json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&body)
		token = body.Token
	} else {
		token = r.PostFormValue("token")
	}
	if token == "" {
		// Nextcloud fails with its HTML error page when the parameter is missing.
		writeHTMLStatus(w, http.StatusInternalServerError, "<!DOCTYPE html>\n<html><body><h2>Internal Server Error</h2></body></html>\n")
		return
	}
	a.mu.Lock()
	f := a.flows[token]
	expired := f != nil && time.Since(f.created) > a.lifetime
	granted := f != nil && f.appPassword != ""
	if expired || granted {
		// A grant is handed out exactly once; afterwards (or once expired)
		// the flow is gone and every poll looks like an unknown token.
		delete(a.flows, token)
		delete(a.byLogin, f.loginToken)
	}
	a.mu.Unlock()
	if f == nil || expired || !granted {
		writeEmptyList(w)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"server": a.originOf(r), "loginName": f.user, "appPassword": f.appPassword})
}

func (a *loginFlowApp) handleLanding(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	pt, ok := a.byLogin[r.PathValue("token")]
	f := a.flows[pt]
	if ok && f != nil {
		f.landed = true
	}
	a.mu.Unlock()
	if !ok || f == nil || f.appPassword != "" {
		writeHTMLStatus(w, http.StatusForbidden, "<!DOCTYPE html>\n<html><body><h2>Access forbidden</h2></body></html>\n")
		return
	}
	w.Header().Set("Location", a.originOf(r)+"/index.php/login/v2/flow?user=&direct=0")
	w.Header().Set("Content-Length", "0")
	writeHTMLStatus(w, http.StatusSeeOther, "")
}

// usedAppPassword reports whether the request's Basic password is one of
// the user's app passwords (as opposed to the login password).
func usedAppPassword(r *http.Request, u *User, s *Server) (string, bool) {
	_, pw, ok := r.BasicAuth()
	if !ok {
		return "", false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return pw, u.AppPasswords[pw]
}

func (a *loginFlowApp) newAppPassword(user, device string) string {
	pw := randomToken(72)
	a.s.AddAppPassword(user, pw)
	a.mu.Lock()
	a.devices[pw] = device
	a.mu.Unlock()
	return pw
}

func (a *loginFlowApp) handleGetAppPassword(w http.ResponseWriter, r *http.Request, u *User) {
	if _, isApp := usedAppPassword(r, u, a.s); isApp || strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
		writeOCSError(w, r, http.StatusForbidden, 403, "You cannot request an new apppassword with an apppassword")
		return
	}
	writeOCS(w, r, map[string]string{"apppassword": a.newAppPassword(u.ID, r.UserAgent())})
}

func (a *loginFlowApp) handleRotate(w http.ResponseWriter, r *http.Request, u *User) {
	old, isApp := usedAppPassword(r, u, a.s)
	if !isApp {
		writeOCSError(w, r, http.StatusForbidden, 403, "no app password in use")
		return
	}
	a.mu.Lock()
	device := a.devices[old]
	delete(a.devices, old)
	a.mu.Unlock()
	a.s.RevokeAppPassword(u.ID, old)
	writeOCS(w, r, map[string]string{"apppassword": a.newAppPassword(u.ID, device)})
}

func (a *loginFlowApp) handleDelete(w http.ResponseWriter, r *http.Request, u *User) {
	pw, isApp := usedAppPassword(r, u, a.s)
	if !isApp {
		writeOCSError(w, r, http.StatusForbidden, 403, "no app password in use")
		return
	}
	a.s.RevokeAppPassword(u.ID, pw)
	a.mu.Lock()
	a.revoked++
	delete(a.devices, pw)
	a.mu.Unlock()
	writeOCS(w, r, nil)
}

// GrantLogin is the test's stand-in for the user clicking "Grant access" in
// the browser: token is the flow's login token, poll token or login URL. It
// creates an app password for user, named after the User-Agent that started
// the flow, which the next poll hands out once. It returns "" when there is
// no such pending flow or user.
func (s *Server) GrantLogin(token, user string) (appPassword string) {
	a := s.loginFlow
	token = token[strings.LastIndex(token, "/")+1:]
	a.mu.Lock()
	f := a.flows[token]
	if f == nil {
		f = a.flows[a.byLogin[token]]
	}
	a.mu.Unlock()
	s.mu.Lock()
	_, known := s.users[user]
	s.mu.Unlock()
	if f == nil || !known {
		return ""
	}
	pw := a.newAppPassword(user, f.userAgent)
	a.mu.Lock()
	f.user, f.appPassword = user, pw
	a.mu.Unlock()
	return pw
}

// PendingLogins returns the login URLs of the flows started and not yet
// handed out, oldest first, so a test can grant the one its client opened.
func (s *Server) PendingLogins() []string {
	a := s.loginFlow
	a.mu.Lock()
	defer a.mu.Unlock()
	var fs []*loginFlowState
	for _, f := range a.flows {
		if f.appPassword == "" {
			fs = append(fs, f)
		}
	}
	for i := 1; i < len(fs); i++ {
		for j := i; j > 0 && fs[j].created.Before(fs[j-1].created); j-- {
			fs[j], fs[j-1] = fs[j-1], fs[j]
		}
	}
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = "/index.php/login/v2/flow/" + f.loginToken
	}
	return out
}

// LoginFlowsStarted counts the flows started with POST /index.php/login/v2.
func (s *Server) LoginFlowsStarted() int {
	s.loginFlow.mu.Lock()
	defer s.loginFlow.mu.Unlock()
	return s.loginFlow.started
}

// ExpireLoginFlows makes every pending flow older than Nextcloud's 20
// minutes: from now on their polls answer 404 [] forever.
func (s *Server) ExpireLoginFlows() {
	a := s.loginFlow
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, f := range a.flows {
		f.created = f.created.Add(-2 * a.lifetime)
	}
}

// SetLoginFlowOrigin makes the fake name another scheme://host in the URLs it
// returns, as a Nextcloud behind a reverse proxy does; "" restores the
// request's own host.
func (s *Server) SetLoginFlowOrigin(origin string) {
	s.loginFlow.mu.Lock()
	defer s.loginFlow.mu.Unlock()
	s.loginFlow.origin = strings.TrimRight(origin, "/")
}

// AppPasswordRevocations counts successful DELETE /ocs/v2.php/core/apppassword calls.
func (s *Server) AppPasswordRevocations() int {
	s.loginFlow.mu.Lock()
	defer s.loginFlow.mu.Unlock()
	return s.loginFlow.revoked
}

// AppPasswordValid reports whether pw is currently an app password of user.
func (s *Server) AppPasswordValid(user, pw string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[user]
	return u != nil && u.AppPasswords[pw]
}

// DeviceName is the name the app password shows in the user's Devices list:
// the User-Agent of the client that obtained it ("" if unknown).
func (s *Server) DeviceName(appPassword string) string {
	s.loginFlow.mu.Lock()
	defer s.loginFlow.mu.Unlock()
	return s.loginFlow.devices[appPassword]
}
