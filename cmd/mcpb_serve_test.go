package cmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/install"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// TestMCPBAnswersReachServe: what a user answers in Claude Desktop's form
// for the bundle, resolved as the host resolves the manifest, sets serve's
// local folders and safety switches.
func TestMCPBAnswersReachServe(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	ts := fake.Start()
	defer ts.Close()
	m, err := install.NewManifest(install.BundleOptions{Platform: "linux", Version: "1.0.0"})
	if err != nil {
		t.Fatal(err)
	}
	d1, _ := filepath.EvalSymlinks(t.TempDir())
	d2 := filepath.Join(filepath.Dir(d1), "second folder")
	if err := os.Mkdir(d2, 0o755); err != nil {
		t.Fatal(err)
	}
	answers := map[string]any{
		"server_url": ts.URL, "username": "admin", "app_password": "admin-app-password",
		"local_dirs": []string{d1, d2}, "confirm": "always", "lockdown": true,
	}
	host, err := install.HostConfig(m, "linux", "/ext", answers)
	if err != nil {
		t.Fatal(err)
	}
	s := startServe(t, host.Env, host.Args...)
	instr, _ := s.initialize()["result"].(map[string]any)["instructions"].(string)
	if !strings.Contains(instr, d1) || !strings.Contains(instr, d2) {
		t.Fatalf("the chosen folders are not the local folders: %q", instr)
	}
	names := listedTools(s)
	if !slices.Contains(names, "nc_webdav_upload_file") || slices.Contains(names, "nc_contacts_delete_contact") {
		t.Errorf("folders on, and --confirm always hides irreversible tools from a client that cannot ask: %v", names)
	}

	// status reads the same environment: confirm and lockdown as answered.
	code, out, errb, _ := runApp(t, withConfigDir(t, host.Env), "", "status", "--json")
	var st struct {
		Selection struct {
			Confirm  string `json:"confirm"`
			Lockdown bool   `json:"lockdown"`
			ReadOnly bool   `json:"read_only"`
		} `json:"selection"`
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil || st.Selection.Confirm != "always" || !st.Selection.Lockdown || st.Selection.ReadOnly {
		t.Fatalf("status %d: %s %s", code, out, errb)
	}

	// Read-only and nothing else chosen: no folders, no tool that writes.
	host, err = install.HostConfig(m, "linux", "/ext", map[string]any{"server_url": ts.URL, "username": "admin", "app_password": "admin-app-password", "read_only": true})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(host.Args, []string{"serve"}) {
		t.Fatalf("args without folders: %q", host.Args)
	}
	s = startServe(t, host.Env, host.Args...)
	s.initialize()
	for _, n := range listedTools(s) {
		if n == "nc_notes_create_note" || strings.HasSuffix(n, "_upload_file") {
			t.Errorf("read-only bundle lists %s", n)
		}
	}
}

// TestServeLocalDirArguments: folders after serve are local folders; with
// --http they are refused.
func TestServeLocalDirArguments(t *testing.T) {
	code, _, errb, _ := runApp(t, nil, "", "serve", "--demo", filepath.Join(t.TempDir(), "missing"))
	if code != ExitUsage || !strings.Contains(errb, "does not exist") {
		t.Fatalf("a missing folder argument: %d %q", code, errb)
	}
	code, _, errb, _ = runApp(t, nil, "", "serve", "--http", "127.0.0.1:0", t.TempDir())
	if code != ExitUsage || !strings.Contains(errb, "stdio only") {
		t.Fatalf("folder arguments with --http: %d %q", code, errb)
	}
}

func listedTools(s *stdioSession) []string {
	s.send("tools/list", nil)
	var names []string
	for _, raw := range s.recv()["result"].(map[string]any)["tools"].([]any) {
		names = append(names, raw.(map[string]any)["name"].(string))
	}
	return names
}

func withConfigDir(t *testing.T, env map[string]string) map[string]string {
	out := map[string]string{"NEXTCLOUD_MCP_CONFIG_DIR": t.TempDir()}
	for k, v := range env {
		out[k] = v
	}
	return out
}
