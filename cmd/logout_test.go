package cmd

import (
	"bytes"
	"context"
	"encoding/base64"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/store"
)

func (w *loginWorld) loginWithBrowser(as string) string {
	w.t.Helper()
	w.grantAs = as
	if code, _, errOut := w.run("", "login", w.ts.URL); code != 0 {
		w.t.Fatalf("login as %s: %s", as, errOut)
	}
	return w.secret(as)
}

func deleteRequests(w *loginWorld) int {
	n := 0
	for _, r := range w.fake.Requests() {
		if r.Method == http.MethodDelete && r.Path == "/ocs/v2.php/core/apppassword" {
			n++
		}
	}
	return n
}

func TestLogoutRevokesRemotelyThenForgets(t *testing.T) {
	w := newLoginWorld(t)
	pw := w.loginWithBrowser("alice")
	code, out, errOut := w.run("", "logout")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if deleteRequests(w) != 1 || w.fake.AppPasswordRevocations() != 1 || w.fake.AppPasswordValid("alice", pw) {
		t.Fatal("the app password was not revoked on the server")
	}
	if !strings.Contains(errOut, "Revoked the app password") || out != "Logged out alice from "+w.ts.URL+".\n" {
		t.Fatalf("output %q / %q", out, errOut)
	}
	if _, ok, _ := w.store().DefaultAccount(context.Background()); ok {
		t.Fatal("the local secret is still there")
	}
	code, out, _ = w.run("", "logout")
	if code != 0 || !strings.Contains(out, "Not logged in") {
		t.Fatalf("second logout: %d %q", code, out)
	}
}

func TestLogoutKeepRemote(t *testing.T) {
	w := newLoginWorld(t)
	pw := w.loginWithBrowser("alice")
	if code, _, errOut := w.run("", "logout", "--keep-remote"); code != 0 {
		t.Fatal(errOut)
	}
	if deleteRequests(w) != 0 || !w.fake.AppPasswordValid("alice", pw) {
		t.Fatal("--keep-remote revoked the app password")
	}
	if accts, _ := w.store().Accounts(context.Background()); len(accts) != 0 {
		t.Fatal("--keep-remote kept the local account")
	}
}

func TestLogoutAll(t *testing.T) {
	w := newLoginWorld(t)
	pa := w.loginWithBrowser("alice")
	pb := w.loginWithBrowser("admin")
	code, out, errOut := w.run("", "logout", "--all")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if w.fake.AppPasswordValid("alice", pa) || w.fake.AppPasswordValid("admin", pb) || w.fake.AppPasswordRevocations() != 2 {
		t.Fatal("not every app password was revoked")
	}
	if strings.Count(out, "Logged out") != 2 {
		t.Fatalf("stdout %q", out)
	}
	if accts, _ := w.store().Accounts(context.Background()); len(accts) != 0 {
		t.Fatal("accounts left")
	}
}

func TestLogoutWithUnreachableServerKeepsTheSecret(t *testing.T) {
	w := newLoginWorld(t)
	w.loginWithBrowser("alice")
	w.ts.Close()
	code, _, errOut := w.run("", "logout")
	if code != ExitFailure || !strings.Contains(errOut, "--keep-remote") || !strings.Contains(errOut, "Devices") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if _, ok, _ := w.store().DefaultAccount(context.Background()); !ok {
		t.Fatal("the secret was deleted although it could not be revoked")
	}
	if code, _, _ := w.run("", "logout", "--keep-remote"); code != 0 {
		t.Fatal("--keep-remote must work offline")
	}
}

func TestLogoutWhenTheAppPasswordIsAlreadyRevoked(t *testing.T) {
	w := newLoginWorld(t)
	pw := w.loginWithBrowser("alice")
	w.fake.RevokeAppPassword("alice", pw)
	code, _, errOut := w.run("", "logout")
	if code != 0 || !strings.Contains(errOut, "no longer valid") {
		t.Fatalf("exit %d: %q", code, errOut)
	}
}

func TestLogoutAllResetsAStoreWhoseKeyWasLost(t *testing.T) {
	w := newLoginWorld(t)
	pw := w.loginWithBrowser("alice")
	w.keys.entries = map[string]string{} // the keyring entry is gone
	code, out, _ := w.run("", "status")
	if code != ExitAuth || !strings.Contains(out, "logout --all") {
		t.Fatalf("status with a lost key: exit %d, %q", code, out)
	}
	code, _, errOut := w.run("", "logout")
	if code == 0 || !strings.Contains(errOut, "logout --all") {
		t.Fatalf("plain logout with a lost key: exit %d, %q", code, errOut)
	}
	code, out, errOut = w.run("", "logout", "--all")
	if code != 0 || !strings.Contains(errOut, "Warning") || !strings.Contains(out, "Logged out alice") {
		t.Fatalf("logout --all: exit %d, %q %q", code, out, errOut)
	}
	if !w.fake.AppPasswordValid("alice", pw) {
		t.Fatal("an app password that could not be opened cannot have been revoked")
	}
	// The store works again with the new key.
	w.loginWithBrowser("alice")
	if code, _, errOut := w.run("", "status"); code != 0 {
		t.Fatalf("status after reset and login: %d %s", code, errOut)
	}
}

func TestLogoutWithoutStoreCreatesNothing(t *testing.T) {
	w := newLoginWorld(t)
	code, out, _ := w.run("", "logout", "--all")
	if code != 0 || !strings.Contains(out, "Not logged in") {
		t.Fatalf("%d %q", code, out)
	}
	if _, err := os.Stat(filepath.Join(w.dir, store.FileName)); !os.IsNotExist(err) {
		t.Fatal("logout created a database")
	}
}

func TestLogoutWithEnvKey(t *testing.T) {
	w := newLoginWorld(t)
	w.env["TOKEN_ENCRYPTION_KEY"] = base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{1}, 32))
	w.keys.fail = os.ErrPermission // the keyring must not be needed at all
	pw := w.loginWithBrowser("alice")
	if code, _, errOut := w.run("", "logout"); code != 0 {
		t.Fatal(errOut)
	}
	if w.fake.AppPasswordValid("alice", pw) {
		t.Fatal("not revoked")
	}
}
