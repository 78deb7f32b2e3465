package cmd

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/auth"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
	"github.com/nextcloud-mcp/nextcloud-mcp/store"
)

// testKeyring is an in-memory OS keyring; fail makes it unavailable.
type testKeyring struct {
	mu      sync.Mutex
	entries map[string]string
	fail    error
}

func newTestKeyring() *testKeyring { return &testKeyring{entries: map[string]string{}} }

func (k *testKeyring) Get(s, u string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.fail != nil {
		return "", k.fail
	}
	v, ok := k.entries[s+"/"+u]
	if !ok {
		return "", auth.ErrKeyringNotFound
	}
	return v, nil
}

func (k *testKeyring) Set(s, u, v string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.fail != nil {
		return k.fail
	}
	k.entries[s+"/"+u] = v
	return nil
}

func (k *testKeyring) Delete(s, u string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.entries, s+"/"+u)
	return nil
}

// loginWorld is a fake Nextcloud, a config dir and an in-memory keyring; its
// browser "opens" a page by granting access as grantAs.
type loginWorld struct {
	t       *testing.T
	fake    *ncfake.Server
	ts      *httptest.Server
	dir     string
	keys    *testKeyring
	env     map[string]string
	grantAs string

	mu     sync.Mutex
	opened []string
}

func newLoginWorld(t *testing.T) *loginWorld {
	t.Helper()
	fake := ncfake.New(ncfake.Options{})
	ts := fake.Start()
	t.Cleanup(ts.Close)
	dir := filepath.Join(t.TempDir(), "nextcloud-mcp")
	return &loginWorld{t: t, fake: fake, ts: ts, dir: dir, keys: newTestKeyring(), grantAs: "alice",
		env: map[string]string{"NEXTCLOUD_MCP_CONFIG_DIR": dir}}
}

func (w *loginWorld) app(stdin string, out, errb *bytes.Buffer) *App {
	return &App{In: strings.NewReader(stdin), Out: out, Err: errb, Getenv: envMap(w.env), Keyring: w.keys,
		OpenBrowser: func(_ context.Context, u string) error {
			w.mu.Lock()
			w.opened = append(w.opened, u)
			w.mu.Unlock()
			if w.grantAs != "" {
				w.fake.GrantLogin(u, w.grantAs)
			}
			return nil
		}}
}

func (w *loginWorld) runCtx(ctx context.Context, stdin string, args ...string) (int, string, string) {
	w.t.Helper()
	var out, errb bytes.Buffer
	code := w.app(stdin, &out, &errb).Run(ctx, args)
	return code, out.String(), errb.String()
}

func (w *loginWorld) run(stdin string, args ...string) (int, string, string) {
	w.t.Helper()
	return w.runCtx(context.Background(), stdin, args...)
}

// store opens the world's store with its key.
func (w *loginWorld) store() *store.Store {
	w.t.Helper()
	ks := &auth.KeySource{Keyring: w.keys, EnvKey: w.env["TOKEN_ENCRYPTION_KEY"]}
	st, err := store.Open(context.Background(), w.dir, store.WithKey(ks.Key))
	if err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(func() { st.Close() })
	return st
}

func (w *loginWorld) secret(login string) string {
	w.t.Helper()
	s, err := w.store().AccountSecret(context.Background(), store.AccountKey(w.ts.URL, login))
	if err != nil {
		w.t.Fatalf("secret of %s: %v", login, err)
	}
	return s
}

func TestLoginWithBrowser(t *testing.T) {
	w := newLoginWorld(t)
	code, out, errOut := w.run("", "login", w.ts.URL+"/index.php/")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if out != "Logged in to "+w.ts.URL+" as Alice (alice)\n" {
		t.Fatalf("stdout %q", out)
	}
	if len(w.opened) != 1 || !strings.Contains(errOut, w.opened[0]) || !strings.Contains(w.opened[0], "/index.php/login/v2/flow/") {
		t.Fatalf("the sign-in URL must be printed and opened: opened %v, stderr %q", w.opened, errOut)
	}
	pw := w.secret("alice")
	if !w.fake.AppPasswordValid("alice", pw) || w.fake.DeviceName(pw) != auth.DeviceName() || !strings.HasPrefix(auth.DeviceName(), "nextcloud-mcp on ") {
		t.Fatalf("stored app password: valid=%v device=%q", w.fake.AppPasswordValid("alice", pw), w.fake.DeviceName(pw))
	}
	a, ok, _ := w.store().DefaultAccount(context.Background())
	if !ok || a.Login != "alice" || a.DisplayName != "Alice" || a.VerifiedAt.IsZero() {
		t.Fatalf("default account %+v", a)
	}
	if strings.Contains(out+errOut, pw) {
		t.Fatal("the app password was printed")
	}
}

func TestLoginNoBrowserPrintsURL(t *testing.T) {
	w := newLoginWorld(t)
	go func() {
		for len(w.fake.PendingLogins()) == 0 {
			time.Sleep(5 * time.Millisecond)
		}
		w.fake.GrantLogin(w.fake.PendingLogins()[0], "alice") // the user opens the printed URL
	}()
	code, _, errOut := w.run("", "login", w.ts.URL, "--no-browser")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if len(w.opened) != 0 {
		t.Fatal("--no-browser opened a browser")
	}
	if !strings.Contains(errOut, "/index.php/login/v2/flow/") {
		t.Fatalf("the URL was not printed: %q", errOut)
	}
}

func TestLoginCtrlC(t *testing.T) {
	w := newLoginWorld(t)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for len(w.fake.PendingLogins()) == 0 {
			time.Sleep(5 * time.Millisecond)
		}
		cancel() // Ctrl-C while waiting for the browser (or just before)
	}()
	code, out, errOut := w.runCtx(ctx, "", "login", w.ts.URL, "--no-browser")
	if code == 0 || !strings.Contains(errOut, "cancelled") || out != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if _, ok, _ := w.store().DefaultAccount(context.Background()); ok {
		t.Fatal("a cancelled login stored an account")
	}
}

func TestLoginUsageErrors(t *testing.T) {
	w := newLoginWorld(t)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"login"}, "which server"},
		{[]string{"login", "http://cloud.example.com"}, "--allow-http"},
		{[]string{"login", w.ts.URL, "--user", "alice"}, "--app-password-stdin"},
		{[]string{"login", w.ts.URL, "--app-password-stdin"}, "--user"},
		{[]string{"login", "a", "b"}, "accepts at most 1 arg"},
	}
	for _, c := range cases {
		code, _, errOut := w.run("", c.args...)
		if code != ExitUsage || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, code, errOut, c.want)
		}
	}
	if w.fake.RequestCount() != 0 {
		t.Fatal("a refused login contacted the server")
	}
	code, _, errOut := w.run("", "login", w.ts.URL, "--user", "alice", "--app-password-stdin")
	if code != ExitUsage || !strings.Contains(errOut, "stdin is empty") {
		t.Fatalf("empty stdin: %d %q", code, errOut)
	}
}

func TestLoginNonInteractive(t *testing.T) {
	w := newLoginWorld(t)
	code, _, errOut := w.run("wrong-password\n", "login", w.ts.URL, "--user", "alice", "--app-password-stdin")
	if code != ExitAuth || !strings.Contains(errOut, "401") {
		t.Fatalf("wrong password: exit %d, %q", code, errOut)
	}
	code, out, errOut := w.run("alice-app-password\n", "login", w.ts.URL, "--user", "alice", "--app-password-stdin")
	if code != 0 || out != "Logged in to "+w.ts.URL+" as Alice (alice)\n" {
		t.Fatalf("exit %d, %q %q", code, out, errOut)
	}
	if w.secret("alice") != "alice-app-password" {
		t.Fatal("wrong secret stored")
	}
	// Logging in again replaces the credential.
	w.fake.AddAppPassword("alice", "second-app-password")
	code, _, errOut = w.run("second-app-password", "login", w.ts.URL, "--user", "alice", "--app-password-stdin")
	if code != 0 || !strings.Contains(errOut, "Replaced") {
		t.Fatalf("second login: %d %q", code, errOut)
	}
	if w.secret("alice") != "second-app-password" {
		t.Fatal("second login did not replace the secret")
	}
	if accts, _ := w.store().Accounts(context.Background()); len(accts) != 1 {
		t.Fatalf("%d accounts after logging in twice", len(accts))
	}
	// A login password is swapped for an app password before anything is stored.
	code, _, errOut = w.run("alice", "login", w.ts.URL, "--user", "alice", "--app-password-stdin")
	if code != 0 || !strings.Contains(errOut, "exchanged for an app password") {
		t.Fatalf("login password: %d %q", code, errOut)
	}
	if s := w.secret("alice"); s == "alice" || !w.fake.AppPasswordValid("alice", s) {
		t.Fatal("the login password itself was stored")
	}
}

func TestLoginFailsEarlyWhenTheKeyringIsUnavailable(t *testing.T) {
	w := newLoginWorld(t)
	w.keys.fail = errors.New("org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided")
	code, _, errOut := w.run("", "login", w.ts.URL)
	if code == 0 || !strings.Contains(errOut, "TOKEN_ENCRYPTION_KEY") || !strings.Contains(errOut, "Secret Service") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if len(w.opened) != 0 || w.fake.LoginFlowsStarted() != 0 {
		t.Fatal("the browser flow started although its result could not be stored")
	}
	w.env["TOKEN_ENCRYPTION_KEY"] = base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32))
	code, out, errOut := w.run("", "login", w.ts.URL)
	if code != 0 || !strings.Contains(out, "Logged in") {
		t.Fatalf("with TOKEN_ENCRYPTION_KEY: exit %d, %q %q", code, out, errOut)
	}
	if w.secret("alice") == "" {
		t.Fatal("nothing stored")
	}
}

func TestLoginBadEnvKeyIsRefused(t *testing.T) {
	w := newLoginWorld(t)
	w.env["TOKEN_ENCRYPTION_KEY"] = "dG9vIHNob3J0"
	code, _, errOut := w.run("alice-app-password", "login", w.ts.URL, "--user", "alice", "--app-password-stdin")
	if code == 0 || !strings.Contains(errOut, "32-byte") || strings.Contains(errOut, "dG9vIHNob3J0") {
		t.Fatalf("exit %d, %q", code, errOut)
	}
}
