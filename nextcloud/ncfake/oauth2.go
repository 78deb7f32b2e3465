package ncfake

import (
	"context"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// oauth2App is Nextcloud's built-in oauth2 app as the recordings in
// shared/nextcloud-api/oauth2 show it: clients registered by an admin with
// one redirect URI, authorization codes granted by a signed-in user, no PKCE
// check, and a token endpoint that rotates both tokens on every refresh.
type oauth2App struct {
	s *Server

	mu      sync.Mutex
	nextID  int
	clients map[string]*OAuth2Client // by client id
	state   map[string]string        // client id → state of the last authorize
	codes   map[string]oauth2Grant
	access  map[string]oauth2Access
	refresh map[string]oauth2Grant
	// refreshes counts successful refresh_token grants.
	refreshes int
}

// OAuth2Client is a client an admin registered in the oauth2 app.
type OAuth2Client struct {
	ID           int
	Name         string
	RedirectURI  string
	ClientID     string
	ClientSecret string
}

type oauth2Grant struct {
	client string
	user   string
}

type oauth2Access struct {
	oauth2Grant
	expires time.Time
}

// oauth2TokenLifetime is the expires_in the real app reports.
const oauth2TokenLifetime = 3600 * time.Second

func newOAuth2App(s *Server) *oauth2App {
	a := &oauth2App{s: s, clients: map[string]*OAuth2Client{}, state: map[string]string{},
		codes: map[string]oauth2Grant{}, access: map[string]oauth2Access{}, refresh: map[string]oauth2Grant{}}
	// Like the real server, the app's own tokens are valid Bearer tokens (and
	// Basic passwords) until a test plugs in another validator.
	s.bearer = a.userForToken
	return a
}

func (a *oauth2App) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /index.php/apps/oauth2/authorize", a.enabled(a.handleAuthorize))
	mux.HandleFunc("GET /index.php/login/flow", a.enabled(a.handleGrantPage))
	mux.HandleFunc("POST /index.php/login/flow", a.enabled(a.handleGrant))
	mux.HandleFunc("POST /index.php/apps/oauth2/api/v1/token", a.enabled(a.handleToken))
	// Nextcloud has no OpenID discovery without the oidc app.
	mux.HandleFunc("/.well-known/openid-configuration", handleNoOpenIDConfiguration)
	mux.HandleFunc("/index.php/.well-known/openid-configuration", handleNoOpenIDConfiguration)
}

func (a *oauth2App) enabled(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !a.s.HasApp("oauth2") {
			http.NotFound(w, r)
			return
		}
		h(w, r)
	}
}

func handleNoOpenIDConfiguration(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("X-NEXTCLOUD-WELL-KNOWN", "1")
	writeJSON(w, http.StatusNotFound, map[string]string{"message": "openid-configuration not supported"})
}

// AddOAuth2Client registers a client, as an admin does under Administration
// settings → Security (the real server has no API for it but the settings page).
func (s *Server) AddOAuth2Client(name, redirectURI string) OAuth2Client {
	a := s.oauth2
	a.mu.Lock()
	defer a.mu.Unlock()
	a.nextID++
	c := &OAuth2Client{ID: a.nextID, Name: name, RedirectURI: redirectURI, ClientID: randomToken(64), ClientSecret: randomToken(64)}
	a.clients[c.ClientID] = c
	return *c
}

// OAuth2Refreshes counts successful refresh_token grants at the oauth2 app.
func (s *Server) OAuth2Refreshes() int {
	s.oauth2.mu.Lock()
	defer s.oauth2.mu.Unlock()
	return s.oauth2.refreshes
}

// OAuth2RefreshTokenWorks reports whether the app still honours rt.
func (s *Server) OAuth2RefreshTokenWorks(rt string) bool {
	s.oauth2.mu.Lock()
	defer s.oauth2.mu.Unlock()
	_, ok := s.oauth2.refresh[rt]
	return ok
}

// EndOAuth2Sessions revokes every token of the app, as deleting the client
// does (oauth2/31).
func (s *Server) EndOAuth2Sessions() {
	a := s.oauth2
	a.mu.Lock()
	defer a.mu.Unlock()
	clear(a.access)
	clear(a.refresh)
	clear(a.codes)
}

func (a *oauth2App) userForToken(_ context.Context, token string) (string, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	at, ok := a.access[token]
	if !ok || !time.Now().Before(at.expires) {
		return "", false
	}
	return at.user, true
}

// handleAuthorize checks only client_id and response_type (oauth2/05-07).
func (a *oauth2App) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	a.mu.Lock()
	c, ok := a.clients[q.Get("client_id")]
	a.mu.Unlock()
	if !ok {
		htmlPage(w, http.StatusOK, "<p>Your client is not authorized to connect. Please inform the administrator of your client.</p>")
		return
	}
	if q.Get("response_type") != "code" {
		redirect(w, q.Get("redirect_uri")+"?error=unsupported_response_type&state="+url.QueryEscape(q.Get("state")))
		return
	}
	a.mu.Lock()
	a.state[c.ClientID] = q.Get("state")
	a.mu.Unlock()
	redirect(w, "http://"+r.Host+"/index.php/login/flow?clientIdentifier="+url.QueryEscape(c.ClientID))
}

func (a *oauth2App) handleGrantPage(w http.ResponseWriter, r *http.Request) {
	htmlPage(w, http.StatusOK, `<form method="post"><input type="hidden" name="clientIdentifier" value="`+
		url.QueryEscape(r.URL.Query().Get("clientIdentifier"))+`"><button>Grant access</button></form>`)
}

// handleGrant is the signed-in user granting access: the browser goes to the
// redirect URI registered with the client, whatever the authorize request
// said (oauth2/08). The real page needs a session; the fake takes the
// user's Basic credentials instead.
func (a *oauth2App) handleGrant(w http.ResponseWriter, r *http.Request) {
	u, fail := a.s.userFor(r, false)
	if fail != authOK {
		htmlPage(w, http.StatusUnauthorized, "<p>Sign in first.</p>")
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	c, ok := a.clients[r.FormValue("clientIdentifier")]
	if !ok {
		htmlPage(w, http.StatusOK, "<p>Your client is not authorized to connect.</p>")
		return
	}
	state := r.FormValue("oauthState")
	if state == "" {
		state = a.state[c.ClientID]
	}
	code := randomToken(128)
	a.codes[code] = oauth2Grant{client: c.ClientID, user: u.ID}
	redirect(w, c.RedirectURI+"?state="+url.QueryEscape(state)+"&code="+code)
}

// handleToken is the token endpoint (oauth2/09-10, 19-27).
func (a *oauth2App) handleToken(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	grantType := r.PostForm.Get("grant_type")
	if grantType != "authorization_code" && grantType != "refresh_token" {
		tokenError(w, "invalid_grant")
		return
	}
	c, ok := a.clients[id]
	if !ok || c.ClientSecret != secret {
		tokenError(w, "invalid_client")
		return
	}
	var g oauth2Grant
	if grantType == "authorization_code" {
		// The code_verifier is not checked: the app ignores PKCE (oauth2/09).
		code := r.PostForm.Get("code")
		if g, ok = a.codes[code]; !ok || g.client != c.ClientID {
			tokenError(w, "invalid_request")
			return
		}
		delete(a.codes, code)
	} else {
		rt := r.PostForm.Get("refresh_token")
		if g, ok = a.refresh[rt]; !ok || g.client != c.ClientID {
			tokenError(w, "invalid_request")
			return
		}
		// Both tokens rotate; the old ones die (oauth2/20). The real server
		// honours the old access token for a few more seconds from a cache.
		delete(a.refresh, rt)
		for tok, at := range a.access {
			if at.oauth2Grant == g {
				delete(a.access, tok)
			}
		}
		a.refreshes++
	}
	access, refresh := randomToken(72), randomToken(128)
	a.access[access] = oauth2Access{oauth2Grant: g, expires: time.Now().Add(oauth2TokenLifetime)}
	a.refresh[refresh] = g
	writeJSON(w, http.StatusOK, map[string]any{"access_token": access, "token_type": "Bearer",
		"expires_in": int(oauth2TokenLifetime.Seconds()), "refresh_token": refresh, "user_id": g.user})
}

// tokenError answers as the app does: HTTP 400, a throttle header, and the code.
func tokenError(w http.ResponseWriter, code string) {
	w.Header().Set("X-Nextcloud-Bruteforce-Throttled", "200ms")
	writeJSON(w, http.StatusBadRequest, map[string]string{"error": code})
}

func redirect(w http.ResponseWriter, location string) {
	w.Header().Set("Location", location)
	w.Header().Set("Content-type", "text/html; charset=UTF-8")
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusSeeOther)
}

func htmlPage(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-type", "text/html; charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte("<!DOCTYPE html><html><body>" + body + "</body></html>"))
}
