package auth

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
	"github.com/nextcloud-mcp/nextcloud-mcp/store"
)

func testOpener(t *testing.T) *StoreOpener {
	t.Helper()
	o := &StoreOpener{Dir: filepath.Join(t.TempDir(), "cfg"), Keys: &KeySource{Keyring: newMemKeyring()}}
	t.Cleanup(func() { o.Close() })
	return o
}

func TestStoredFactoryWithoutAccountPointsToSignIn(t *testing.T) {
	f := NewStoredFactory(testOpener(t), ClientOptions{Version: "test"}, 0)
	_, err := f.Client(context.Background())
	if !errors.Is(err, ErrNoCredentials) || !errors.Is(err, ErrNotSignedIn) {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{"nc_auth_login", "nextcloud-mcp login"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not mention %s", err, want)
		}
	}
	if f.Mode() != ModeBasic {
		t.Fatal(f.Mode())
	}
}

func TestStoredFactoryUsesDefaultAccountAndFollowsChanges(t *testing.T) {
	ctx := context.Background()
	fake := ncfake.New(ncfake.Options{})
	ts := fake.Start()
	defer ts.Close()
	o := testOpener(t)
	st, err := o.Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	f := NewStoredFactory(o, ClientOptions{Version: "test"}, time.Minute)
	f.now = func() time.Time { return now }
	if _, err := st.SaveAccount(ctx, store.Account{ServerURL: ts.URL, Login: "alice", IsDefault: true}, "alice-app-password"); err != nil {
		t.Fatal(err)
	}
	c, err := f.Client(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if u, err := c.CurrentUser(ctx); err != nil || u.ID != "alice" {
		t.Fatalf("stored credential: %v %v", u, err)
	}
	if c2, _ := f.Client(ctx); c2 != c {
		t.Fatal("the client must be reused while nothing changed")
	}
	// Another process logs in as admin: picked up after the recheck interval.
	if _, err := st.SaveAccount(ctx, store.Account{ServerURL: ts.URL, Login: "admin", IsDefault: true}, "admin-app-password"); err != nil {
		t.Fatal(err)
	}
	if c2, _ := f.Client(ctx); c2 != c {
		t.Fatal("re-read before the recheck interval")
	}
	now = now.Add(2 * time.Minute)
	c3, err := f.Client(ctx)
	if err != nil || c3 == c || c3.Login() != "admin" {
		t.Fatalf("change not picked up: %v %v", c3.Login(), err)
	}
	// A sign-in in this process switches at once.
	a, _, _ := st.Account(ctx, store.AccountKey(ts.URL, "alice"))
	if err := f.Use(a, "alice-app-password"); err != nil {
		t.Fatal(err)
	}
	if c4, _ := f.Client(ctx); c4.Login() != "alice" {
		t.Fatalf("Use did not switch: %s", c4.Login())
	}
	acct, ok, err := f.Account(ctx)
	if err != nil || !ok || acct.Login != "alice" {
		t.Fatalf("Account: %+v %v %v", acct, ok, err)
	}
}

func TestStoredFactoryStoreFailureIsImmediateWithPath(t *testing.T) {
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	f := NewStoredFactory(&StoreOpener{Dir: filepath.Join(blocker, "cfg")}, ClientOptions{}, 0)
	start := time.Now()
	_, err := f.Client(context.Background())
	if err == nil || !strings.Contains(err.Error(), filepath.Join(blocker, "cfg")) || errors.Is(err, ErrNoCredentials) {
		t.Fatalf("err = %v", err)
	}
	if time.Since(start) > time.Second {
		t.Fatal("not fail-fast")
	}
}

func TestStoredFactoryWrongKeySaysHowToReset(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	kr := newMemKeyring()
	o := &StoreOpener{Dir: dir, Keys: &KeySource{Keyring: kr}}
	st, err := o.Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveAccount(ctx, store.Account{ServerURL: "https://x", Login: "a"}, "pw"); err != nil {
		t.Fatal(err)
	}
	o.Close()
	// The keyring entry was replaced (a new desktop profile, say).
	delete(kr.entries, KeyringService+"/"+KeyringUser)
	o2 := &StoreOpener{Dir: dir, Keys: &KeySource{Keyring: kr}}
	defer o2.Close()
	_, err = NewStoredFactory(o2, ClientOptions{}, 0).Client(ctx)
	if !errors.Is(err, store.ErrKeyMismatch) || !strings.Contains(err.Error(), "logout --all") {
		t.Fatalf("err = %v", err)
	}
}
