package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/internal/oidctest"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
	"github.com/nextcloud-mcp/nextcloud-mcp/store"
)

// oauthWorld is an identity provider, a fake Nextcloud that validates its
// tokens, and a store, wired together as in production.
type oauthWorld struct {
	idp    *oidctest.Provider
	fake   *ncfake.Server
	nc     *wireLog
	url    *url.URL
	opener *StoreOpener
}

// newOAuthWorld starts the pieces. audiences are the token audiences the fake
// Nextcloud accepts: the client id for pass-through (user_oidc validating
// the login token), "nextcloud" for exchanged tokens.
func newOAuthWorld(t *testing.T, audiences ...string) *oauthWorld {
	t.Helper()
	idp := oidctest.Start(t, oidctest.Options{})
	fake := ncfake.New(ncfake.Options{})
	fake.SetBearerValidator(idp.Validator(map[string]string{idp.UserID: "alice"}, audiences...))
	wl := &wireLog{next: fake.Handler()}
	ts := httptest.NewServer(wl)
	t.Cleanup(ts.Close)
	u, _ := url.Parse(ts.URL)
	key := make([]byte, 32)
	rand.Read(key)
	opener := &StoreOpener{Dir: filepath.Join(t.TempDir(), "cfg"), Keys: &KeySource{EnvKey: base64.StdEncoding.EncodeToString(key)}}
	t.Cleanup(func() { opener.Close() })
	return &oauthWorld{idp: idp, fake: fake, nc: wl, url: u, opener: opener}
}

func (w *oauthWorld) login(t *testing.T, mode string, x ExchangeSettings) *OAuthSignedIn {
	t.Helper()
	si := &OAuthSignIn{Store: w.opener, Client: ClientOptions{Version: "test"}, Mode: mode, Exchange: x,
		OpenBrowser: w.idp.Browser(t), Timeout: 20 * time.Second}
	res, err := si.Run(context.Background(), OAuthRequest{Server: w.url, Issuer: w.idp.Issuer,
		ClientID: w.idp.ClientID, ClientSecret: w.idp.ClientSecret})
	if err != nil {
		t.Fatalf("login --oauth: %v", err)
	}
	return res
}

func (w *oauthWorld) stored(t *testing.T) (store.Account, store.OAuthToken) {
	t.Helper()
	st, err := w.opener.Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	a, tok, err := StoredOAuthSession(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	return a, tok
}

// expireStored makes the stored access token due, as if its lifetime ran out.
func (w *oauthWorld) expireStored(t *testing.T) {
	t.Helper()
	st, _ := w.opener.Open(context.Background())
	_, tok := w.stored(t)
	tok.Expiry = time.Now().Add(-time.Second)
	if err := st.SaveOAuthToken(context.Background(), tok); err != nil {
		t.Fatal(err)
	}
}

// wireLog records what reached Nextcloud: the auth scheme per path, and
// every header and body, to prove which secrets crossed the wire.
type wireLog struct {
	next http.Handler
	mu   sync.Mutex
	seen []wireRequest
}

type wireRequest struct {
	path, scheme, user, secret, raw string
}

func (l *wireLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(strings.NewReader(string(body)))
	req := wireRequest{path: r.URL.Path, raw: r.URL.String() + "\n" + string(body)}
	for k, v := range r.Header {
		req.raw += "\n" + k + ": " + strings.Join(v, ",")
	}
	h := r.Header.Get("Authorization")
	req.scheme, req.secret, _ = strings.Cut(h, " ")
	if u, p, ok := r.BasicAuth(); ok {
		req.user, req.secret = u, p
	}
	l.mu.Lock()
	l.seen = append(l.seen, req)
	l.mu.Unlock()
	l.next.ServeHTTP(w, r)
}

func (l *wireLog) requests() []wireRequest {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]wireRequest(nil), l.seen...)
}

func (l *wireLog) contains(s string) bool {
	for _, r := range l.requests() {
		if strings.Contains(r.raw, s) {
			return true
		}
	}
	return false
}

func TestOAuthLoginCodePKCEThroughLoopbackStoresSession(t *testing.T) {
	w := newOAuthWorld(t, "nextcloud-mcp")
	res := w.login(t, ModeOAuth, ExchangeSettings{})
	if res.User.ID != "alice" || res.Account.Kind != store.KindOAuth || !res.Account.IsDefault || res.Issuer != w.idp.Issuer {
		t.Fatalf("signed in as %+v, account %+v, issuer %q", res.User, res.Account, res.Issuer)
	}
	if n := w.idp.TokenCalls(oidctest.GrantCode); n != 1 {
		t.Fatalf("%d code exchanges, want 1", n)
	}
	a, tok := w.stored(t)
	if a.Login != "alice" || a.ServerURL != w.url.String() {
		t.Fatalf("stored account %+v", a)
	}
	if tok.Issuer != w.idp.Issuer || tok.ClientID != w.idp.ClientID || tok.ClientSecret != w.idp.ClientSecret ||
		tok.TokenURL != w.idp.TokenURL() || tok.AccessToken == "" || tok.RefreshToken == "" || !tok.Expiry.After(time.Now()) {
		t.Fatalf("stored session: issuer %q client %q url %q expiry %v access %t refresh %t", tok.Issuer, tok.ClientID, tok.TokenURL,
			tok.Expiry, tok.AccessToken != "", tok.RefreshToken != "")
	}
	if !strings.Contains(tok.Scope, "offline_access") {
		t.Errorf("scope %q lacks offline_access, so no refresh token would be issued", tok.Scope)
	}
	// The sign-in check went to Nextcloud with the user's token as Bearer.
	var sawBearer bool
	for _, r := range w.nc.requests() {
		sawBearer = sawBearer || (r.path == "/ocs/v2.php/cloud/user" && r.scheme == "Bearer" && r.secret == tok.AccessToken)
	}
	if !sawBearer {
		t.Fatal("login did not verify with cloud/user using Bearer")
	}
}

func TestOAuthLoginRefusesWrongState(t *testing.T) {
	w := newOAuthWorld(t, "nextcloud-mcp")
	si := &OAuthSignIn{Store: w.opener, Client: ClientOptions{}, Mode: ModeOAuth, Timeout: 10 * time.Second,
		OpenBrowser: func(authURL string) error {
			u, _ := url.Parse(authURL)
			cb := u.Query().Get("redirect_uri")
			go func() {
				resp, err := http.Get(cb + "?state=forged&code=x")
				if err == nil {
					resp.Body.Close()
				}
			}()
			return nil
		}}
	_, err := si.Run(context.Background(), OAuthRequest{Server: w.url, Issuer: w.idp.Issuer, ClientID: w.idp.ClientID, ClientSecret: w.idp.ClientSecret})
	if err == nil || !strings.Contains(err.Error(), "wrong state") {
		t.Fatalf("err = %v", err)
	}
	if n := w.idp.TokenCalls(oidctest.GrantCode); n != 0 {
		t.Fatalf("a forged redirect reached the token endpoint %d times", n)
	}
}

func TestOAuthPassThroughRefreshRotatesOnceForConcurrentCalls(t *testing.T) {
	ctx := context.Background()
	w := newOAuthWorld(t, "nextcloud-mcp")
	w.login(t, ModeOAuth, ExchangeSettings{})
	_, before := w.stored(t)
	w.expireStored(t)

	f := NewOAuthFactory(ModeOAuth, w.opener, ClientOptions{Version: "test"}, ExchangeSettings{})
	c, err := f.Client(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.CurrentUser(ctx); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n := w.idp.TokenCalls(oidctest.GrantRefresh); n != 1 {
		t.Fatalf("20 concurrent calls at expiry made %d refreshes, want 1", n)
	}
	_, after := w.stored(t)
	if after.RefreshToken == before.RefreshToken || after.AccessToken == before.AccessToken || !after.Expiry.After(time.Now()) {
		t.Fatal("the rotated tokens were not stored")
	}
	if w.idp.RefreshTokenWorks(before.RefreshToken) {
		t.Fatal("the old refresh token still works at the provider")
	}
	if !w.idp.RefreshTokenWorks(after.RefreshToken) {
		t.Fatal("the stored refresh token is not the live one")
	}
	if after.ClientSecret != before.ClientSecret || after.TokenURL != before.TokenURL || after.Issuer != before.Issuer {
		t.Fatal("storing the rotated tokens lost the session's metadata")
	}
	// A second factory (another server process) starts from the stored tokens.
	f2 := NewOAuthFactory(ModeOAuth, w.opener, ClientOptions{Version: "test"}, ExchangeSettings{})
	c2, _ := f2.Client(ctx)
	if _, err := c2.CurrentUser(ctx); err != nil {
		t.Fatal(err)
	}
	if n := w.idp.TokenCalls(oidctest.GrantRefresh); n != 1 {
		t.Fatalf("the stored token was refreshed again: %d refreshes", n)
	}
	if w.nc.contains(before.RefreshToken) || w.nc.contains(after.RefreshToken) {
		t.Fatal("a refresh token reached Nextcloud")
	}
}

func TestOAuthSessionAdoptsTokensRotatedByAnotherProcess(t *testing.T) {
	ctx := context.Background()
	w := newOAuthWorld(t, "nextcloud-mcp")
	w.login(t, ModeOAuth, ExchangeSettings{})
	w.expireStored(t)
	a := NewOAuthFactory(ModeOAuth, w.opener, ClientOptions{Version: "test"}, ExchangeSettings{})
	b := NewOAuthFactory(ModeOAuth, w.opener, ClientOptions{Version: "test"}, ExchangeSettings{})
	ca, _ := a.Client(ctx)
	cb, _ := b.Client(ctx)
	if _, err := ca.CurrentUser(ctx); err != nil {
		t.Fatal(err)
	}
	// b still holds the spent refresh token; it must take a's from the store.
	if _, err := cb.CurrentUser(ctx); err != nil {
		t.Fatalf("second process: %v", err)
	}
	if n := w.idp.TokenCalls(oidctest.GrantRefresh); n != 1 {
		t.Fatalf("%d refreshes, want 1", n)
	}
}

func TestOAuthExpiredRefreshTokenMeansSessionExpired(t *testing.T) {
	ctx := context.Background()
	w := newOAuthWorld(t, "nextcloud-mcp")
	w.login(t, ModeOAuth, ExchangeSettings{})
	w.idp.EndSessions(t)
	w.expireStored(t)
	f := NewOAuthFactory(ModeOAuth, w.opener, ClientOptions{Version: "test"}, ExchangeSettings{})
	c, err := f.Client(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CurrentUser(ctx)
	if !errors.Is(err, ErrSessionExpired) {
		t.Fatalf("err = %v, want ErrSessionExpired", err)
	}
	if !strings.Contains(err.Error(), "login --oauth") {
		t.Fatalf("%q does not say how to sign in again", err)
	}
	// The refused refresh token is not sent again: refusals feed throttling.
	if _, err := c.CurrentUser(ctx); !errors.Is(err, ErrSessionExpired) {
		t.Fatalf("second call: %v", err)
	}
	if n := w.idp.TokenCalls(oidctest.GrantRefresh); n != 1 {
		t.Fatalf("%d refresh attempts with a dead session, want 1", n)
	}
}

func TestOAuthFactoryWithoutSessionPointsToLogin(t *testing.T) {
	w := newOAuthWorld(t, "nextcloud-mcp")
	for _, mode := range []string{ModeOAuth, ModeTokenExchange} {
		f := NewOAuthFactory(mode, w.opener, ClientOptions{}, ExchangeSettings{})
		_, err := f.Client(context.Background())
		if !errors.Is(err, ErrNoCredentials) || !strings.Contains(err.Error(), "login --oauth") {
			t.Fatalf("%s: err = %v", mode, err)
		}
		if f.Mode() != mode {
			t.Fatal(f.Mode())
		}
	}
}

func TestTokenExchangeOneExchangePerTokenLifetime(t *testing.T) {
	ctx := context.Background()
	// Nextcloud accepts only exchanged tokens (audience "nextcloud").
	w := newOAuthWorld(t, "nextcloud")
	w.login(t, ModeTokenExchange, ExchangeSettings{})
	_, sess := w.stored(t)
	atLogin := w.idp.TokenCalls(oidctest.GrantExchange)
	if atLogin != 1 {
		t.Fatalf("login made %d exchanges to verify, want 1", atLogin)
	}
	f := NewOAuthFactory(ModeTokenExchange, w.opener, ClientOptions{Version: "test"}, ExchangeSettings{})
	c, err := f.Client(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 100 {
		if _, err := c.CurrentUser(ctx); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if n := w.idp.TokenCalls(oidctest.GrantExchange) - atLogin; n != 1 {
		t.Fatalf("100 calls made %d exchanges, want 1", n)
	}
	if n := w.idp.TokenCalls(oidctest.GrantRefresh); n != 0 {
		t.Fatalf("%d refreshes inside the token lifetime", n)
	}
	if w.nc.contains(sess.RefreshToken) || w.nc.contains(sess.AccessToken) {
		t.Fatal("the IdP session token reached Nextcloud; only exchanged tokens may")
	}
	// A renewed subject token is exchanged again, once.
	w.expireStored(t)
	f2 := NewOAuthFactory(ModeTokenExchange, w.opener, ClientOptions{Version: "test"}, ExchangeSettings{})
	c2, _ := f2.Client(ctx)
	for range 10 {
		if _, err := c2.CurrentUser(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if r, x := w.idp.TokenCalls(oidctest.GrantRefresh), w.idp.TokenCalls(oidctest.GrantExchange)-atLogin; r != 1 || x != 2 {
		t.Fatalf("after expiry: %d refreshes (want 1), %d exchanges in all (want 2)", r, x)
	}
	_, renewed := w.stored(t)
	if w.nc.contains(renewed.RefreshToken) || w.nc.contains(renewed.AccessToken) {
		t.Fatal("the renewed IdP token reached Nextcloud")
	}
}

func TestTokenExchangeRefusesWrongAudienceBeforeExchanging(t *testing.T) {
	ctx := context.Background()
	w := newOAuthWorld(t, "nextcloud")
	w.login(t, ModeTokenExchange, ExchangeSettings{})
	before := w.idp.TokenCalls(oidctest.GrantExchange)
	// NEXTCLOUD_MCP_CLIENT_ID names another client: the login token's aud
	// (this client) is neither that nor "mcp-server".
	f := NewOAuthFactory(ModeTokenExchange, w.opener, ClientOptions{}, ExchangeSettings{ClientID: "another-client"})
	c, err := f.Client(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sentBefore := len(w.nc.requests())
	_, err = c.CurrentUser(ctx)
	if err == nil || !strings.Contains(err.Error(), "audience") || !strings.Contains(err.Error(), "another-client") {
		t.Fatalf("err = %v", err)
	}
	if n := w.idp.TokenCalls(oidctest.GrantExchange); n != before {
		t.Fatalf("an exchange was attempted with a token for another audience (%d → %d)", before, n)
	}
	if n := len(w.nc.requests()); n != sentBefore {
		t.Fatal("a request reached Nextcloud without a token")
	}
}

func TestTokenExchangeLoginNeedsAnIdP(t *testing.T) {
	w := newOAuthWorld(t, "nextcloud")
	si := &OAuthSignIn{Store: w.opener, Mode: ModeTokenExchange, Timeout: 5 * time.Second}
	// No --issuer: the issuer is Nextcloud, whose oauth2 app cannot exchange.
	_, err := si.Run(context.Background(), OAuthRequest{Server: w.url, ClientID: "x", ClientSecret: "y"})
	if !errors.Is(err, ErrExchangeNeedsIdP) {
		t.Fatalf("err = %v", err)
	}
}

// TestBearerOrBasicPerAPI: OCS and WebDAV get the token as Bearer; Notes and
// Deck, which answer Bearer with 401 "CORS requires basic auth", get Basic
// login:token. The fake refuses the wrong form, and the wire log shows it.
func TestBearerOrBasicPerAPI(t *testing.T) {
	ctx := context.Background()
	w := newOAuthWorld(t, "nextcloud-mcp")
	w.login(t, ModeOAuth, ExchangeSettings{})
	_, sess := w.stored(t)
	f := NewOAuthFactory(ModeOAuth, w.opener, ClientOptions{Version: "test"}, ExchangeSettings{})
	c, err := f.Client(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, pathPrefix, scheme string
		call                     func() error
	}{
		{"ocs", "/ocs/v2.php/cloud/user", "Bearer", func() error { _, err := c.CurrentUser(ctx); return err }},
		{"webdav", "/remote.php/dav/files/alice", "Bearer", func() error { _, err := c.Stat(ctx, "/"); return err }},
		{"notes", "/index.php/apps/notes/", "Basic", func() error { _, err := c.ListNotes(ctx, nextcloud.NotesListOptions{}); return err }},
		{"deck", "/index.php/apps/deck/", "Basic", func() error {
			_, err := c.Deck().Boards(ctx, nextcloud.DeckBoardsOptions{})
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.call(); err != nil {
				t.Fatal(err)
			}
			var found bool
			for _, r := range w.nc.requests() {
				if !strings.HasPrefix(r.path, tc.pathPrefix) {
					continue
				}
				found = true
				if r.scheme != tc.scheme || r.secret != sess.AccessToken {
					t.Fatalf("%s went with %s (token %t)", r.path, r.scheme, r.secret == sess.AccessToken)
				}
				if tc.scheme == "Basic" && r.user != "alice" {
					t.Fatalf("Basic user %q, want alice", r.user)
				}
			}
			if !found {
				t.Fatalf("no request under %s", tc.pathPrefix)
			}
		})
	}
}

// TestOAuthFactoryOpensTheStoreOnlyWhenATokenIsNeeded: building the factory
// touches nothing; the first client request opens the store and fails fast
// with its path when it cannot.
func TestOAuthFactoryOpensTheStoreOnlyWhenATokenIsNeeded(t *testing.T) {
	blocker := filepath.Join(t.TempDir(), "not-a-dir")
	if err := os.WriteFile(blocker, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	opener := &StoreOpener{Dir: filepath.Join(blocker, "cfg"), Keys: &KeySource{EnvKey: base64.StdEncoding.EncodeToString(make([]byte, 32))}}
	f := NewOAuthFactory(ModeTokenExchange, opener, ClientOptions{}, ExchangeSettings{})
	if f.Mode() != ModeTokenExchange {
		t.Fatal(f.Mode())
	}
	_, err := f.Client(context.Background())
	if err == nil || !strings.Contains(err.Error(), blocker) {
		t.Fatalf("err = %v, want the store path", err)
	}
}
