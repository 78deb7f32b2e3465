package auth

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/internal/oidctest"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// httpWorld is an identity provider, a fake Nextcloud that accepts only
// exchanged tokens (audience "nextcloud") for its users admin (IdP user id1)
// and alice (id2), and a wire log of what reached Nextcloud.
type httpWorld struct {
	idp  *oidctest.Provider
	fake *ncfake.Server
	nc   *wireLog
	url  string
}

func newHTTPWorld(t *testing.T, o oidctest.Options) *httpWorld {
	t.Helper()
	idp := oidctest.Start(t, o)
	fake := ncfake.New(ncfake.Options{})
	fake.SetBearerValidator(idp.Validator(map[string]string{"id1": "admin", "id2": "alice"}, DefaultTokenAudience))
	wl := &wireLog{next: fake.Handler()}
	ts := httptest.NewServer(wl)
	t.Cleanup(ts.Close)
	return &httpWorld{idp: idp, fake: fake, nc: wl, url: ts.URL}
}

func (w *httpWorld) target() NextcloudTarget {
	return NextcloudTarget{BaseURL: w.url, HTTPClient: &http.Client{}, Version: "test"}
}

func (w *httpWorld) bearer(t *testing.T, mod func(*BearerSettings)) *BearerAuthenticator {
	t.Helper()
	s := BearerSettings{Issuer: w.idp.Issuer, ClientID: w.idp.ClientID, ClientSecret: w.idp.ClientSecret,
		Audiences: []string{MCPServerAudience, w.idp.ClientID}, HTTPClient: &http.Client{Timeout: 5 * time.Second},
		JWKSMinRefresh: 50 * time.Millisecond}
	if mod != nil {
		mod(&s)
	}
	b, err := NewBearerAuthenticator(s, w.target())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	b.Start(ctx)
	deadline := time.Now().Add(10 * time.Second)
	for b.Ready() != nil {
		if time.Now().After(deadline) {
			t.Fatalf("not ready: %v", b.Ready())
		}
		time.Sleep(10 * time.Millisecond)
	}
	return b
}

func wantRefusal(t *testing.T, err error, status int, reason string, secrets ...string) *RequestAuthError {
	t.Helper()
	var ae *RequestAuthError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v, want a RequestAuthError", err)
	}
	if ae.Status != status || ae.Reason != reason {
		t.Fatalf("refusal %d %s (%s), want %d %s", ae.Status, ae.Reason, ae.Description, status, reason)
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(ae.Description, s) {
			t.Fatalf("the refusal repeats a credential: %s", ae.Description)
		}
	}
	return ae
}

func TestBearerTwoUsersOneExchangeEach(t *testing.T) {
	w := newHTTPWorld(t, oidctest.Options{})
	b := w.bearer(t, nil)
	admin, alice := w.idp.AccessToken(t, w.idp.Users[0]), w.idp.AccessToken(t, w.idp.Users[1])
	f, err := NewRequestFactory(ModeTokenExchange, w.url, "test", &http.Client{})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	logins := make(chan string, 100)
	for i := range 100 {
		tok := admin
		if i%2 == 1 {
			tok = alice
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			caller, err := b.Authenticate(context.Background(), "Bearer "+tok)
			if err != nil {
				t.Error(err)
				return
			}
			ctx := WithCaller(context.Background(), caller)
			c, err := f.Client(ctx)
			if err != nil {
				t.Error(err)
				return
			}
			u, err := c.CurrentUser(ctx)
			if err != nil {
				t.Error(err)
				return
			}
			if u.ID != caller.Login {
				t.Errorf("caller %s got user %s", caller.Login, u.ID)
			}
			logins <- u.ID
		}()
	}
	wg.Wait()
	close(logins)
	seen := map[string]int{}
	for l := range logins {
		seen[l]++
	}
	if seen["admin"] != 50 || seen["alice"] != 50 {
		t.Fatalf("users seen: %v", seen)
	}
	if n := w.idp.TokenCalls(oidctest.GrantExchange); n != 2 {
		t.Fatalf("%d exchanges for two users' bursts, want 2", n)
	}
	for _, r := range w.nc.requests() {
		if r.secret == admin || r.secret == alice || strings.Contains(r.raw, admin) || strings.Contains(r.raw, alice) {
			t.Fatalf("a user's IdP token reached Nextcloud at %s", r.path)
		}
	}
}

func TestBearerRefusals(t *testing.T) {
	w := newHTTPWorld(t, oidctest.Options{})
	b := w.bearer(t, nil)
	tok := w.idp.AccessToken(t, w.idp.Users[0])
	ctx := context.Background()

	for _, tc := range []struct {
		header string
		status int
		reason string
	}{
		{"", 401, "missing"},
		{"Basic YWRtaW46YWRtaW4=", 401, "wrong_scheme"},
		{"Bearer", 400, "malformed"},
		{"Bearer ", 400, "malformed"},
		{"Bearer two tokens", 400, "malformed"},
		{"Bearer tok\"en", 400, "malformed"},
		{"Bearer not.a.jwt", 401, "invalid"},
		{"Bearer " + tok[:len(tok)-4] + "AAAA", 401, "invalid"},
	} {
		_, err := b.Authenticate(ctx, tc.header)
		wantRefusal(t, err, tc.status, tc.reason, tok)
	}
	// Scheme names are case-insensitive.
	if _, err := b.Authenticate(ctx, "bearer "+tok); err != nil {
		t.Fatalf("lower-case scheme: %v", err)
	}

	// A server configured for another client: the user's token is not for it.
	other := w.bearer(t, func(s *BearerSettings) {
		s.ClientID, s.Audiences = "other-client", []string{MCPServerAudience, "other-client"}
	})
	before := w.idp.TokenCalls(oidctest.GrantExchange)
	_, err := other.Authenticate(ctx, "Bearer "+tok)
	wantRefusal(t, err, 403, "audience", tok)
	if w.idp.TokenCalls(oidctest.GrantExchange) != before {
		t.Fatal("a token for another audience was sent to the exchange")
	}

	// A token that ran out (a server with a tiny leeway, so the test need not wait 30 s).
	strict := w.bearer(t, func(s *BearerSettings) { s.Leeway = time.Millisecond })
	w.idp.SetTokenLifetime(time.Second)
	expired := w.idp.AccessToken(t, w.idp.Users[1])
	w.idp.SetTokenLifetime(0)
	time.Sleep(2100 * time.Millisecond)
	ae := wantRefusal(t, nil2(strict.Authenticate(ctx, "Bearer "+expired)), 401, "expired", expired)
	if !strings.Contains(ae.Description, "expired") {
		t.Fatalf("description: %s", ae.Description)
	}
}

func nil2(_ *Caller, err error) error { return err }

func TestBearerExchangeFaults(t *testing.T) {
	w := newHTTPWorld(t, oidctest.Options{})
	ctx := context.Background()

	t.Run("refused by policy", func(t *testing.T) {
		b := w.bearer(t, nil)
		tok := w.idp.AccessToken(t, w.idp.Users[0])
		w.idp.RefuseExchange(true)
		defer w.idp.RefuseExchange(false)
		ae := wantRefusal(t, nil2(b.Authenticate(ctx, "Bearer "+tok)), 403, "exchange_refused", tok)
		if !strings.Contains(ae.Description, "access_denied") {
			t.Fatalf("the provider's reason is lost: %s", ae.Description)
		}
	})
	t.Run("failing", func(t *testing.T) {
		b := w.bearer(t, nil)
		tok := w.idp.AccessToken(t, w.idp.Users[0])
		w.idp.SetExchangeFault(0, http.StatusInternalServerError)
		defer w.idp.SetExchangeFault(0, 0)
		wantRefusal(t, nil2(b.Authenticate(ctx, "Bearer "+tok)), 502, "exchange_failed", tok)
	})
	t.Run("slow", func(t *testing.T) {
		b := w.bearer(t, func(s *BearerSettings) { s.HTTPClient = &http.Client{Timeout: 300 * time.Millisecond} })
		tok := w.idp.AccessToken(t, w.idp.Users[0])
		w.idp.SetExchangeFault(2*time.Second, 0)
		defer w.idp.SetExchangeFault(0, 0)
		start := time.Now()
		wantRefusal(t, nil2(b.Authenticate(ctx, "Bearer "+tok)), 504, "exchange_timeout", tok)
		if d := time.Since(start); d > 1500*time.Millisecond {
			t.Fatalf("a slow exchange held the request %v", d)
		}
	})
	t.Run("caller gives up", func(t *testing.T) {
		b := w.bearer(t, nil)
		tok := w.idp.AccessToken(t, w.idp.Users[1])
		w.idp.SetExchangeFault(3*time.Second, 0)
		defer w.idp.SetExchangeFault(0, 0)
		cctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		defer cancel()
		start := time.Now()
		if _, err := b.Authenticate(cctx, "Bearer "+tok); err == nil {
			t.Fatal("no error")
		}
		if d := time.Since(start); d > time.Second {
			t.Fatalf("a cancelled request waited %v for the exchange", d)
		}
	})
}

func TestBearerKeyRotationAndKeysDown(t *testing.T) {
	w := newHTTPWorld(t, oidctest.Options{})
	b := w.bearer(t, nil)
	ctx := context.Background()
	if _, err := b.Authenticate(ctx, "Bearer "+w.idp.AccessToken(t, w.idp.Users[0])); err != nil {
		t.Fatal(err)
	}
	fetches := w.idp.KeyRequests()
	w.idp.RotateKey(t)
	time.Sleep(60 * time.Millisecond)
	if _, err := b.Authenticate(ctx, "Bearer "+w.idp.AccessToken(t, w.idp.Users[1])); err != nil {
		t.Fatalf("token signed with a rotated key: %v", err)
	}
	if n := w.idp.KeyRequests() - fetches; n != 1 {
		t.Fatalf("%d key fetches after rotation, want 1", n)
	}

	// A server starting while the provider's keys are down is not ready and
	// answers 503, then recovers by itself.
	w.idp.SetKeysDown(true)
	s := BearerSettings{Issuer: w.idp.Issuer, ClientID: w.idp.ClientID, ClientSecret: w.idp.ClientSecret, Audiences: []string{w.idp.ClientID}}
	cold, err := NewBearerAuthenticator(s, w.target())
	if err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cold.Start(cctx)
	time.Sleep(300 * time.Millisecond)
	if cold.Ready() == nil {
		t.Fatal("ready with the JWKS endpoint down")
	}
	tok := w.idp.AccessToken(t, w.idp.Users[0])
	wantRefusal(t, nil2(cold.Authenticate(ctx, "Bearer "+tok)), 503, "idp_unavailable", tok)
	w.idp.SetKeysDown(false)
	deadline := time.Now().Add(5 * time.Second)
	for cold.Ready() != nil && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := cold.Authenticate(ctx, "Bearer "+tok); err != nil {
		t.Fatalf("after the keys came back: %v", err)
	}
}

func TestBearerOpaqueTokensNeedIntrospection(t *testing.T) {
	w := newHTTPWorld(t, oidctest.Options{OpaqueTokens: true})
	tok := w.idp.AccessToken(t, w.idp.Users[0])
	plain := w.bearer(t, nil)
	wantRefusal(t, nil2(plain.Authenticate(context.Background(), "Bearer "+tok)), 401, "invalid", tok)

	b := w.bearer(t, func(s *BearerSettings) { s.Introspect = true })
	caller, err := b.Authenticate(context.Background(), "Bearer "+tok)
	if err != nil {
		t.Fatalf("introspected token: %v", err)
	}
	if caller.Login != "admin" {
		t.Fatalf("login %q", caller.Login)
	}
	wantRefusal(t, nil2(b.Authenticate(context.Background(), "Bearer made-up-opaque-token")), 401, "invalid")
}

func TestBasicPassThrough(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	wl := &wireLog{next: fake.Handler()}
	ts := httptest.NewServer(wl)
	t.Cleanup(ts.Close)
	b := &BasicAuthenticator{Nextcloud: NextcloudTarget{BaseURL: ts.URL, HTTPClient: &http.Client{}, Version: "test"}}
	f, _ := NewRequestFactory(ModeBasic, ts.URL, "test", &http.Client{})
	basic := func(u, p string) string { return "Basic " + base64.StdEncoding.EncodeToString([]byte(u+":"+p)) }
	ctx := context.Background()

	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			user, pw := "admin", "admin-app-password"
			if i%2 == 1 {
				user, pw = "alice", "alice-app-password"
			}
			caller, err := b.Authenticate(ctx, basic(user, pw))
			if err != nil {
				t.Error(err)
				return
			}
			cctx := WithCaller(ctx, caller)
			c, _ := f.Client(cctx)
			u, err := c.CurrentUser(cctx)
			if err != nil || u.ID != user {
				t.Errorf("%s sees %v (%v)", user, u, err)
			}
		}()
	}
	wg.Wait()
	checks := 0
	for _, r := range wl.requests() {
		if r.path == "/ocs/v2.php/cloud/user" {
			checks++
		}
	}
	// Two logins checked once each, then one CurrentUser per call.
	if checks != 42 {
		t.Fatalf("%d /cloud/user requests, want 2 checks + 40 calls", checks)
	}

	wrong := "sentinel-wrong-password-4711"
	wantRefusal(t, nil2(b.Authenticate(ctx, basic("alice", wrong))), 401, "nextcloud_refused", wrong)
	for _, tc := range []struct {
		header string
		status int
		reason string
	}{
		{"", 401, "missing"},
		{"Bearer abc", 401, "wrong_scheme"},
		{"Basic !!!", 400, "malformed"},
		{"Basic " + base64.StdEncoding.EncodeToString([]byte("no-colon")), 400, "malformed"},
		{"Basic " + base64.StdEncoding.EncodeToString([]byte(":pw")), 400, "malformed"},
	} {
		wantRefusal(t, nil2(b.Authenticate(ctx, tc.header)), tc.status, tc.reason)
	}

	// Without a caller in the context there is no client at all.
	if _, err := f.Client(ctx); !errors.Is(err, ErrNoCaller) {
		t.Fatalf("client without a caller: %v", err)
	}
	// A caller prints without its credentials.
	caller, _ := b.Authenticate(ctx, basic("admin", "admin-app-password"))
	for _, s := range []string{caller.String(), caller.GoString()} {
		if strings.Contains(s, "admin-app-password") {
			t.Fatalf("a caller prints its password: %s", s)
		}
	}
}
