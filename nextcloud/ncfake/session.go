package ncfake

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"
	"sync"
)

// Browser-style sessions, for the app controllers that have no
// @NoCSRFRequired (Mail, Collectives): GET /index.php/csrftoken with
// credentials starts a session (cookies) and returns its request token
// (collectives/01); every later call must bring the cookies and the token
// as the "requesttoken" header, or it gets 412 "CSRF check failed"
// (mail/01, collectives/02).

// sessionCookie names the session id cookie, like Nextcloud's "oc<instanceid>".
const sessionCookie = "ocncfake0001"

type sessionStore struct {
	mu sync.Mutex
	// byID maps a session id to its user and CSRF secret.
	byID map[string]*fakeSession
}

type fakeSession struct {
	user   string
	secret []byte
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

// handleCSRFToken answers GET /index.php/csrftoken: a new session unless the
// request brings one of the same user, and a freshly masked token for it.
func (s *Server) handleCSRFToken(w http.ResponseWriter, r *http.Request) {
	u, fail := s.userFor(r, true)
	if fail != authOK {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "Current user is not logged in"})
		return
	}
	st := &s.sessions
	st.mu.Lock()
	if st.byID == nil {
		st.byID = map[string]*fakeSession{}
	}
	var sess *fakeSession
	if c, err := r.Cookie(sessionCookie); err == nil {
		if old := st.byID[c.Value]; old != nil && old.user == u.ID {
			sess = old
		}
	}
	if sess == nil {
		id := base64.RawURLEncoding.EncodeToString(randomBytes(18))
		sess = &fakeSession{user: u.ID, secret: randomBytes(32)}
		st.byID[id] = sess
		http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
		http.SetCookie(w, &http.Cookie{Name: "oc_sessionPassphrase", Value: base64.RawURLEncoding.EncodeToString(randomBytes(24)), Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
		http.SetCookie(w, &http.Cookie{Name: "nc_sameSiteCookielax", Value: "true", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
		http.SetCookie(w, &http.Cookie{Name: "nc_sameSiteCookiestrict", Value: "true", Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
	}
	secret := sess.secret
	st.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]string{"token": maskToken(secret)})
}

// maskToken is Nextcloud's masked request token: a one-time pad and the
// secret XOR the pad, so every answer differs while each one stays valid.
func maskToken(secret []byte) string {
	pad := randomBytes(len(secret))
	x := make([]byte, len(secret))
	for i := range secret {
		x[i] = secret[i] ^ pad[i]
	}
	return base64.StdEncoding.EncodeToString(x) + ":" + base64.StdEncoding.EncodeToString(pad)
}

func tokenMatches(token string, secret []byte) bool {
	a, b, ok := strings.Cut(token, ":")
	if !ok {
		return false
	}
	x, err1 := base64.StdEncoding.DecodeString(a)
	pad, err2 := base64.StdEncoding.DecodeString(b)
	if err1 != nil || err2 != nil || len(x) != len(secret) || len(pad) != len(secret) {
		return false
	}
	got := make([]byte, len(secret))
	for i := range secret {
		got[i] = x[i] ^ pad[i]
	}
	return subtle.ConstantTimeCompare(got, secret) == 1
}

// passesCSRF reports whether the request brings a session of user u and a
// request token of that session.
func (s *Server) passesCSRF(r *http.Request, u *User) bool {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return false
	}
	st := &s.sessions
	st.mu.Lock()
	sess := st.byID[c.Value]
	st.mu.Unlock()
	return sess != nil && sess.user == u.ID && tokenMatches(r.Header.Get("requesttoken"), sess.secret)
}

// ExpireSessions ends every session, as a server whose sessions timed out:
// the next call with old cookies gets 412 until a new token is fetched.
func (s *Server) ExpireSessions() {
	st := &s.sessions
	st.mu.Lock()
	defer st.mu.Unlock()
	st.byID = map[string]*fakeSession{}
}

// SessionCount reports how many sessions were opened and are alive.
func (s *Server) SessionCount() int {
	st := &s.sessions
	st.mu.Lock()
	defer st.mu.Unlock()
	return len(st.byID)
}

// sessionHandler serves a session-guarded app route: a 404 page while the
// app is disabled, app-REST authentication, then the CSRF check (412
// {"message":"CSRF check failed"}), then h under lock.
func (s *Server) sessionHandler(app string, lock sync.Locker, h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.HasApp(app) {
			writeAppRouteNotFound(w)
			return
		}
		u := s.appRESTUser(w, r)
		if u == nil {
			return
		}
		if !s.passesCSRF(r, u) {
			writeJSON(w, http.StatusPreconditionFailed, map[string]string{"message": "CSRF check failed"})
			return
		}
		if lock != nil {
			lock.Lock()
			defer lock.Unlock()
		}
		h(w, r, u)
	}
}
