package cmd

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/auth"
	"github.com/nextcloud-mcp/nextcloud-mcp/internal/oidctest"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
	"github.com/nextcloud-mcp/nextcloud-mcp/store"
)

// Sentinels: values that must never appear in plain text anywhere.
const oauthClientSecretSentinel = "SENTINEL0client0secret0b16b00b5"

// oauthCLIWorld is an identity provider, a fake Nextcloud that validates its
// tokens (and records every credential it is sent), and a config dir.
type oauthCLIWorld struct {
	t    *testing.T
	idp  *oidctest.Provider
	fake *ncfake.Server
	ts   *httptest.Server
	dir  string
	env  map[string]string

	mu      sync.Mutex
	sent    []string // Authorization headers Nextcloud received
	outputs []string // everything the commands printed
}

// newOAuthCLIWorld starts the world; audiences are what Nextcloud accepts in
// a token: the client id (pass-through) or "nextcloud" (exchanged tokens).
func newOAuthCLIWorld(t *testing.T, mode string, audiences ...string) *oauthCLIWorld {
	t.Helper()
	idp := oidctest.Start(t, oidctest.Options{ClientSecret: oauthClientSecretSentinel})
	fake := ncfake.New(ncfake.Options{})
	fake.SetBearerValidator(idp.Validator(map[string]string{idp.UserID: "alice"}, audiences...))
	w := &oauthCLIWorld{t: t, idp: idp, fake: fake, dir: filepath.Join(t.TempDir(), "nextcloud-mcp")}
	w.ts = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.mu.Lock()
		w.sent = append(w.sent, r.Header.Get("Authorization")+" "+r.URL.RawQuery)
		w.mu.Unlock()
		fake.Handler().ServeHTTP(rw, r)
	}))
	t.Cleanup(w.ts.Close)
	key := make([]byte, 32)
	rand.Read(key)
	w.env = map[string]string{"NEXTCLOUD_MCP_CONFIG_DIR": w.dir, "TOKEN_ENCRYPTION_KEY": base64.StdEncoding.EncodeToString(key),
		"NEXTCLOUD_MCP_AUTH_MODE": mode, "NEXTCLOUD_MCP_LOG_LEVEL": "debug", "NEXTCLOUD_MCP_LOG_FILE": filepath.Join(t.TempDir(), "serve.log")}
	return w
}

func (w *oauthCLIWorld) app(stdin string) *App {
	browser := w.idp.Browser(w.t)
	return &App{In: strings.NewReader(stdin), Getenv: envMap(w.env),
		OpenBrowser: func(_ context.Context, u string) error { return browser(u) }}
}

func (w *oauthCLIWorld) run(stdin string, args ...string) (int, string, string) {
	w.t.Helper()
	var out, errb bytes.Buffer
	a := w.app(stdin)
	a.Out, a.Err = &out, &errb
	code := a.Run(context.Background(), args)
	w.mu.Lock()
	w.outputs = append(w.outputs, out.String(), errb.String())
	w.mu.Unlock()
	return code, out.String(), errb.String()
}

func (w *oauthCLIWorld) login(t *testing.T) string {
	t.Helper()
	code, out, errOut := w.run(w.idp.ClientSecret+"\n", "login", "--oauth", "--issuer", w.idp.Issuer, "--client-id", w.idp.ClientID, "--client-secret-stdin", w.ts.URL)
	if code != 0 {
		t.Fatalf("login --oauth: exit %d\n%s%s", code, out, errOut)
	}
	return out
}

func (w *oauthCLIWorld) store() *store.Store {
	w.t.Helper()
	ks := &auth.KeySource{EnvKey: w.env["TOKEN_ENCRYPTION_KEY"]}
	st, err := store.Open(context.Background(), w.dir, store.WithKey(ks.Key))
	if err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(func() { st.Close() })
	return st
}

func (w *oauthCLIWorld) session() store.OAuthToken {
	w.t.Helper()
	_, tok, err := auth.StoredOAuthSession(context.Background(), w.store())
	if err != nil {
		w.t.Fatal(err)
	}
	return tok
}

// expire makes the stored access token due, as when its lifetime ran out.
func (w *oauthCLIWorld) expire() {
	w.t.Helper()
	tok := w.session()
	tok.Expiry = time.Now().Add(-time.Second)
	if err := w.store().SaveOAuthToken(context.Background(), tok); err != nil {
		w.t.Fatal(err)
	}
}

func (w *oauthCLIWorld) serve(t *testing.T) *stdioSession {
	t.Helper()
	s := startServeApp(t, w.app(""))
	s.initialize()
	return s
}

// secrets are every token and secret the world has seen: sealed in the
// store, or sent to Nextcloud.
func (w *oauthCLIWorld) secrets(extra ...string) []string {
	out := append([]string{oauthClientSecretSentinel}, extra...)
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, h := range w.sent {
		scheme, cred, _ := strings.Cut(strings.TrimSpace(h), " ")
		if scheme == "Bearer" {
			out = append(out, cred)
		}
		if scheme == "Basic" {
			if b, err := base64.StdEncoding.DecodeString(cred); err == nil {
				if _, pw, ok := strings.Cut(string(b), ":"); ok {
					out = append(out, pw)
				}
			}
		}
	}
	return out
}

// assertNoPlainSecret scans outputs, logs and database files.
func (w *oauthCLIWorld) assertNoPlainSecret(t *testing.T, secrets []string, more ...string) {
	t.Helper()
	var places = map[string]string{}
	w.mu.Lock()
	for i, o := range w.outputs {
		places["command output "+string(rune('A'+i%26))] += o
	}
	w.mu.Unlock()
	for i, m := range more {
		places["serve output "+string(rune('a'+i))] = m
	}
	if b, err := os.ReadFile(w.env["NEXTCLOUD_MCP_LOG_FILE"]); err == nil {
		places["log file"] = string(b)
	}
	entries, _ := os.ReadDir(w.dir)
	for _, e := range entries {
		b, _ := os.ReadFile(filepath.Join(w.dir, e.Name()))
		places[e.Name()] = string(b)
	}
	if _, ok := places[store.FileName]; !ok {
		t.Fatal("no database file to check")
	}
	for _, s := range secrets {
		if len(s) < 8 {
			t.Fatalf("secret %q too short to search for", s)
		}
		for where, text := range places {
			if strings.Contains(text, s) {
				t.Fatalf("a token or secret appears in plain text in %s", where)
			}
		}
	}
}

func toolNames(t *testing.T, s *stdioSession) []string {
	t.Helper()
	s.send("tools/list", nil)
	m := s.recv()
	list, _ := m["result"].(map[string]any)["tools"].([]any)
	var names []string
	for _, x := range list {
		names = append(names, x.(map[string]any)["name"].(string))
	}
	return names
}

func TestLoginOAuthPassThroughEndToEnd(t *testing.T) {
	w := newOAuthCLIWorld(t, "oauth", "nextcloud-mcp")
	out := w.login(t)
	if !strings.Contains(out, "Logged in to "+w.ts.URL) || !strings.Contains(out, "(alice) with OAuth via "+w.idp.Issuer) {
		t.Fatalf("login output: %q", out)
	}
	first := w.session()

	// status shows the mode, the issuer and the expiry, and checks the token.
	code, js, errOut := w.run("", "status", "--json")
	if code != 0 {
		t.Fatalf("status: exit %d\n%s%s", code, js, errOut)
	}
	var rep struct {
		Auth  struct{ Mode, Credential string }
		OAuth struct {
			Issuer      string    `json:"issuer"`
			ClientID    string    `json:"client_id"`
			TokenExpiry time.Time `json:"token_expiry"`
			Renewable   bool      `json:"renewable"`
		} `json:"oauth"`
		Server struct{ User string }
	}
	if err := json.Unmarshal([]byte(js), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Auth.Mode != "oauth" || rep.Auth.Credential != "login" || rep.OAuth.Issuer != w.idp.Issuer || rep.OAuth.ClientID != w.idp.ClientID ||
		rep.OAuth.TokenExpiry.IsZero() || !rep.OAuth.Renewable || rep.Server.User != "alice" {
		t.Fatalf("status: %s", js)
	}
	code, human, _ := w.run("", "status")
	if code != 0 || !strings.Contains(human, "Issuer:") || !strings.Contains(human, w.idp.Issuer) || !strings.Contains(human, "valid until") {
		t.Fatalf("status: %d %s", code, human)
	}

	s := w.serve(t)
	names := toolNames(t, s)
	for _, n := range names {
		if n == "nc_auth_login" {
			t.Fatal("nc_auth_login offered in oauth mode, where a chat sign-in would not be used")
		}
	}
	// Notes goes with Basic alice:token, cloud/user and WebDAV with Bearer.
	for _, tool := range []string{"nc_notes_list_notes", "nc_webdav_list_directory"} {
		if text, isErr := toolText(t, s.callTool(tool, map[string]any{})); isErr {
			t.Fatalf("%s: %s", tool, text)
		}
	}
	s.in.Close()
	s.wait()
	stderrs := []string{s.stderr.String()}

	// A server started after the access token expired renews it once and
	// re-seals the rotated refresh token at once.
	w.expire()
	s = w.serve(t)
	var results []string
	text, isErr := toolText(t, s.callTool("nc_notes_list_notes", map[string]any{}))
	if isErr {
		t.Fatalf("after expiry: %s", text)
	}
	results = append(results, text)
	if n := w.idp.TokenCalls(oidctest.GrantRefresh); n != 1 {
		t.Fatalf("%d refreshes after expiry, want 1", n)
	}
	rotated := w.session()
	if rotated.RefreshToken == first.RefreshToken || w.idp.RefreshTokenWorks(first.RefreshToken) {
		t.Fatal("the rotated refresh token was not stored at once, or the old one still works")
	}
	s.in.Close()
	s.wait()
	stderrs = append(stderrs, s.stderr.String())

	// The session ended at the provider: the tool says to sign in again.
	w.idp.EndSessions(t)
	w.expire()
	s = w.serve(t)
	text, isErr = toolText(t, s.callTool("nc_notes_list_notes", map[string]any{}))
	results = append(results, text)
	if !isErr || !strings.Contains(text, "session expired") || !strings.Contains(text, "nextcloud-mcp login --oauth") {
		t.Fatalf("expired session: isError %t: %s", isErr, text)
	}
	s.in.Close()
	s.wait()
	stderrs = append(stderrs, s.stderr.String())

	// No token in plain text: outputs, the log, tool results, the database.
	w.assertNoPlainSecret(t, w.secrets(first.AccessToken, first.RefreshToken, rotated.AccessToken, rotated.RefreshToken),
		strings.Join(stderrs, "\n"), strings.Join(results, "\n"), strings.Join(names, ","))
}

func TestTokenExchangeServeEndToEnd(t *testing.T) {
	w := newOAuthCLIWorld(t, "", "nextcloud")
	delete(w.env, "NEXTCLOUD_MCP_AUTH_MODE")
	w.env["ENABLE_TOKEN_EXCHANGE"] = "true"
	w.env["NEXTCLOUD_MCP_TOKEN_AUDIENCE"] = "nextcloud"
	w.login(t)
	sess := w.session()
	atLogin := w.idp.TokenCalls(oidctest.GrantExchange)

	code, js, _ := w.run("", "status", "--json")
	if code != 0 || !strings.Contains(js, `"mode": "token-exchange"`) || !strings.Contains(js, `"exchange_audience": "nextcloud"`) ||
		!strings.Contains(js, `"accepted_audiences"`) {
		t.Fatalf("status: %d %s", code, js)
	}
	exchangesBefore := w.idp.TokenCalls(oidctest.GrantExchange)

	s := w.serve(t)
	for _, n := range toolNames(t, s) {
		if strings.HasPrefix(n, "nc_auth_") {
			t.Fatalf("%s is registered in token-exchange mode", n)
		}
	}
	var results []string
	for i := range 100 {
		text, isErr := toolText(t, s.callTool("nc_notes_list_notes", map[string]any{}))
		if isErr {
			t.Fatalf("call %d: %s", i, text)
		}
		if i == 0 {
			results = append(results, text)
		}
	}
	// serve's capability prefetch and the 100 calls share one exchanged token.
	if n := w.idp.TokenCalls(oidctest.GrantExchange) - exchangesBefore; n != 1 {
		t.Fatalf("100 tool calls made %d exchanges, want 1", n)
	}
	if atLogin != 1 {
		t.Fatalf("login verified with %d exchanges, want 1", atLogin)
	}
	s.in.Close()
	s.wait()
	w.mu.Lock()
	sent := append([]string(nil), w.sent...)
	w.mu.Unlock()
	for _, h := range sent {
		if strings.Contains(h, sess.AccessToken) || strings.Contains(h, sess.RefreshToken) {
			t.Fatal("the identity provider session token reached Nextcloud")
		}
	}
	w.assertNoPlainSecret(t, w.secrets(sess.AccessToken, sess.RefreshToken), s.stderr.String(), strings.Join(results, "\n"))
}

func TestLoginOAuthUsageErrors(t *testing.T) {
	w := newOAuthCLIWorld(t, "oauth", "nextcloud-mcp")
	for name, args := range map[string][]string{
		"oauth flag missing":   {"login", "--issuer", w.idp.Issuer, w.ts.URL},
		"no client id":         {"login", "--oauth", w.ts.URL},
		"with app password":    {"login", "--oauth", "--client-id", "x", "--user", "alice", "--app-password-stdin", w.ts.URL},
		"no server":            {"login", "--oauth", "--client-id", "x"},
		"exchange without IdP": {"--auth-mode", "token-exchange", "login", "--oauth", "--client-id", "x", "--client-secret-stdin", w.ts.URL},
	} {
		code, out, errOut := w.run("SENTINEL0usage0secret\n", args...)
		if code != ExitUsage {
			t.Errorf("%s: exit %d, want %d\n%s%s", name, code, ExitUsage, out, errOut)
		}
	}
	if _, err := os.Stat(filepath.Join(w.dir, store.FileName)); err == nil {
		if accts, _ := w.store().Accounts(context.Background()); len(accts) != 0 {
			t.Fatal("a usage error stored an account")
		}
		w.assertNoPlainSecret(t, []string{"SENTINEL0usage0secret"})
	}
}

func TestLoginOAuthRefusedByNextcloudIsAuthError(t *testing.T) {
	// Nextcloud validates no token of this provider (no user_oidc).
	w := newOAuthCLIWorld(t, "oauth", "some-other-audience")
	code, out, errOut := w.run(w.idp.ClientSecret+"\n", "login", "--oauth", "--issuer", w.idp.Issuer, "--client-id", w.idp.ClientID, "--client-secret-stdin", w.ts.URL)
	if code != ExitAuth || !strings.Contains(errOut, "user_oidc") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	st := w.store()
	if accts, _ := st.Accounts(context.Background()); len(accts) != 0 {
		t.Fatal("a refused login was stored")
	}
}
