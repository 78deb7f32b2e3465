package auth

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/store"
)

// TestRealKeyring talks to the desktop's Secret Service (gnome-keyring under
// dbus-run-session in CI). It runs whenever a session bus is configured, and
// under CI=true a missing or broken keyring is a failure, not a skip.
func TestRealKeyring(t *testing.T) {
	ctx := context.Background()
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but DBUS_SESSION_BUS_ADDRESS is unset: run the tests under dbus-run-session with gnome-keyring (see .ci/run)")
		}
		t.Skip("no D-Bus session (DBUS_SESSION_BUS_ADDRESS unset): run under dbus-run-session with gnome-keyring to test the real keyring")
	}
	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix)
	// A throwaway entry, so a developer's real store key is never touched.
	ks := &KeySource{Keyring: SystemKeyring{}, User: "test-" + hex.EncodeToString(suffix)}
	if _, err := ks.Check(ctx); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the Secret Service is not usable: %v", err)
		}
		t.Skipf("a D-Bus session exists but its Secret Service is not usable (%v); start gnome-keyring-daemon --unlock --components=secrets", err)
	}
	t.Cleanup(func() { _ = ks.Forget(context.Background()) })

	k1, err := ks.Key(ctx)
	if err != nil {
		t.Fatalf("create key: %v", err)
	}
	if found, err := ks.Check(ctx); !found || err != nil {
		t.Fatalf("key not found after creation: %v %v", found, err)
	}
	k2, err := (&KeySource{Keyring: SystemKeyring{}, User: ks.User}).Key(ctx)
	if err != nil || string(k1) != string(k2) {
		t.Fatalf("second read: %v (same key: %v)", err, string(k1) == string(k2))
	}
	// The key from the real keyring seals and opens a secret in a real store.
	dir := t.TempDir()
	st, err := store.Open(ctx, dir, store.WithKey(ks.Key))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a, err := st.SaveAccount(ctx, store.Account{ServerURL: "https://x", Login: "u"}, "pw-real-keyring")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := st.AccountSecret(ctx, a.Key); err != nil || got != "pw-real-keyring" {
		t.Fatalf("secret via real keyring key: %q %v", got, err)
	}
	if err := ks.Forget(ctx); err != nil {
		t.Fatal(err)
	}
	if found, _ := ks.Check(ctx); found {
		t.Fatal("entry still present after Forget")
	}
}
