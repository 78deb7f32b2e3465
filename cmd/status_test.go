package cmd

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/store"
)

func statusJSON(t *testing.T, w *loginWorld) (int, statusReport) {
	t.Helper()
	code, out, errOut := w.run("", "status", "--json")
	var r statusReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("status --json is not JSON (%v): %q %q", err, out, errOut)
	}
	return code, r
}

func TestStatusHealthyStoredLogin(t *testing.T) {
	w := newLoginWorld(t)
	w.loginWithBrowser("alice")
	code, r := statusJSON(t, w)
	if code != 0 || !r.OK || len(r.Problems) != 0 {
		t.Fatalf("exit %d, problems %+v", code, r.Problems)
	}
	if r.ConfigDir != w.dir || r.Database.Path != filepath.Join(w.dir, store.FileName) || !r.Database.Exists || r.Database.SchemaVersion != store.LatestSchemaVersion() {
		t.Fatalf("dir/db: %+v %+v", r.ConfigDir, r.Database)
	}
	if r.Keyring.Source != "keyring" || !r.Keyring.Works || !r.Keyring.HasKey || r.Keyring.OpensSecrets == nil || !*r.Keyring.OpensSecrets {
		t.Fatalf("keyring: %+v", r.Keyring)
	}
	if r.DefaultAccount == nil || r.DefaultAccount.Login != "alice" || r.DefaultAccount.Server != w.ts.URL || r.Accounts != 1 {
		t.Fatalf("account: %+v", r.DefaultAccount)
	}
	if r.Auth != (authStatus{Mode: "basic", ModeSource: "default", Credential: "login"}) {
		t.Fatalf("auth: %+v", r.Auth)
	}
	if r.Server == nil || !r.Server.Reachable || r.Server.Version != "29.0.6" || r.Server.User != "alice" || r.Server.LatencyMS <= 0 {
		t.Fatalf("server: %+v", r.Server)
	}
	for _, ts := range []string{"notes", "files", "auth"} {
		if !slices.Contains(r.Toolsets, ts) {
			t.Errorf("toolset %s missing from %v", ts, r.Toolsets)
		}
	}
	// The human form, and the doctor alias.
	code, out, _ := w.run("", "doctor")
	for _, want := range []string{"Config dir:", w.dir, fmt.Sprintf("schema %d", store.LatestSchemaVersion()), "OS keyring, working", "alice at " + w.ts.URL, "credential from `nextcloud-mcp login`", "Nextcloud 29.0.6", "Signed in as:    Alice (alice)", "Everything works."} {
		if !strings.Contains(out, want) {
			t.Errorf("status output lacks %q:\n%s", want, out)
		}
	}
	if code != 0 {
		t.Fatalf("doctor exit %d", code)
	}
}

func TestStatusNotLoggedIn(t *testing.T) {
	w := newLoginWorld(t)
	code, r := statusJSON(t, w)
	if code != ExitAuth || r.OK || r.Database.Exists || r.Auth.Credential != "none" {
		t.Fatalf("exit %d: %+v", code, r)
	}
	if len(r.Problems) != 1 || !strings.Contains(r.Problems[0].Fix, "nextcloud-mcp login") {
		t.Fatalf("problems %+v", r.Problems)
	}
	if !r.Keyring.Works || r.Keyring.HasKey {
		t.Fatalf("keyring: %+v (status must not create a key)", r.Keyring)
	}
	if _, err := os.Stat(filepath.Join(w.dir, store.FileName)); !os.IsNotExist(err) {
		t.Fatal("status created the database")
	}
}

func TestStatusStoppedServer(t *testing.T) {
	w := newLoginWorld(t)
	w.loginWithBrowser("alice")
	w.ts.Close()
	code, out, errOut := w.run("", "status")
	if code != ExitFailure || !strings.Contains(out, "Cannot reach "+w.ts.URL) || !strings.Contains(out, "Fix: Check that the server is running") {
		t.Fatalf("exit %d:\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "status found 1 problem") {
		t.Fatalf("stderr %q", errOut)
	}
}

func TestStatusRejectedCredential(t *testing.T) {
	w := newLoginWorld(t)
	pw := w.loginWithBrowser("alice")
	w.fake.RevokeAppPassword("alice", pw)
	code, r := statusJSON(t, w)
	if code != ExitAuth || r.Server == nil || !r.Server.Reachable || len(r.Problems) != 1 ||
		!strings.Contains(r.Problems[0].Problem, "401") || !strings.Contains(r.Problems[0].Fix, "nextcloud-mcp login "+w.ts.URL) {
		t.Fatalf("exit %d: %+v %+v", code, r.Server, r.Problems)
	}
}

func TestStatusEnvCredentials(t *testing.T) {
	w := newLoginWorld(t)
	w.env["NEXTCLOUD_HOST"] = w.ts.URL
	w.env["NEXTCLOUD_USERNAME"] = "admin"
	w.env["NEXTCLOUD_PASSWORD"] = "admin-app-password"
	w.env["NEXTCLOUD_MCP_AUTH_MODE"] = "basic"
	w.keys.fail = os.ErrPermission // not needed with env credentials: reported, not a problem
	code, r := statusJSON(t, w)
	if code != 0 || r.Auth.Credential != "env" || r.Auth.ModeSource != "env" || r.Server.User != "admin" || r.Keyring.Works {
		t.Fatalf("exit %d: %+v %+v %+v %+v", code, r.Auth, r.Server, r.Keyring, r.Problems)
	}
	w.env["NEXTCLOUD_PASSWORD"] = "wrong"
	code, r = statusJSON(t, w)
	if code != ExitAuth || !strings.Contains(r.Problems[0].Fix, "NEXTCLOUD_PASSWORD") {
		t.Fatalf("wrong env password: exit %d, %+v", code, r.Problems)
	}
}

func TestStatusKeyringUnavailable(t *testing.T) {
	w := newLoginWorld(t)
	w.keys.fail = os.ErrDeadlineExceeded
	code, r := statusJSON(t, w)
	if code == 0 || r.Keyring.Works || r.Keyring.Error == "" {
		t.Fatalf("exit %d: %+v", code, r.Keyring)
	}
	found := false
	for _, p := range r.Problems {
		found = found || strings.Contains(p.Fix, "TOKEN_ENCRYPTION_KEY")
	}
	if !found {
		t.Fatalf("no fix names TOKEN_ENCRYPTION_KEY: %+v", r.Problems)
	}
}

func TestStatusWrongEnvKey(t *testing.T) {
	w := newLoginWorld(t)
	w.env["TOKEN_ENCRYPTION_KEY"] = base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{1}, 32))
	w.loginWithBrowser("alice")
	w.env["TOKEN_ENCRYPTION_KEY"] = base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{2}, 32))
	code, r := statusJSON(t, w)
	if code != ExitAuth || r.Keyring.Source != "env" || r.Keyring.OpensSecrets == nil || *r.Keyring.OpensSecrets {
		t.Fatalf("exit %d: %+v", code, r.Keyring)
	}
	if len(r.Problems) != 1 || !strings.Contains(r.Problems[0].Fix, "logout --all") {
		t.Fatalf("problems %+v", r.Problems)
	}
}

// status lists the MCP clients that have our entry and says whether each
// points at this binary.
func TestStatusListsInstalledClients(t *testing.T) {
	w := newLoginWorld(t)
	home := t.TempDir()
	w.env["HOME"] = home
	w.env["XDG_CONFIG_HOME"] = filepath.Join(home, ".config")
	desktop := filepath.Join(home, ".config", "Claude")
	if err := os.MkdirAll(desktop, 0o700); err != nil {
		t.Fatal(err)
	}
	cfg := `{"mcpServers":{"nextcloud":{"command":"/opt/old/nextcloud-mcp","args":["serve"]},"other":{"command":"x"}}}`
	if err := os.WriteFile(filepath.Join(desktop, "claude_desktop_config.json"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	_, r := statusJSON(t, w)
	var found bool
	for _, c := range r.Clients {
		if c.Client == "claude-desktop" {
			found = true
			if !c.HasEntry || c.PointsHere || c.Command != "/opt/old/nextcloud-mcp" {
				t.Errorf("claude-desktop: %+v", c)
			}
		} else if c.HasEntry {
			t.Errorf("%s reported an entry that does not exist", c.Client)
		}
	}
	if !found {
		t.Fatalf("claude-desktop missing from %+v", r.Clients)
	}
	_, out, _ := w.run("", "status")
	if !strings.Contains(out, "Claude Desktop: installed, but runs /opt/old/nextcloud-mcp") {
		t.Errorf("human status does not show the client entry:\n%s", out)
	}
}
