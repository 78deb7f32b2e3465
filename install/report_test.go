package install

import (
	"os"
	"path/filepath"
	"testing"
)

func TestReport(t *testing.T) {
	home := t.TempDir()
	self := filepath.Join(home, "bin", "nextcloud-mcp")
	os.MkdirAll(filepath.Dir(self), 0o755)
	os.WriteFile(self, []byte("bin"), 0o755)
	self, _ = filepath.EvalSymlinks(self)

	// Claude Desktop: our entry, pointing here.
	claude := filepath.Join(home, ".config", "Claude")
	os.MkdirAll(claude, 0o700)
	writeFile(t, filepath.Join(claude, "claude_desktop_config.json"),
		`{"mcpServers": {"nextcloud": {"command": "`+self+`", "args": ["serve"]}}}`, 0o600)
	// Cursor: an entry under another name, pointing at an old binary.
	os.MkdirAll(filepath.Join(home, ".cursor"), 0o700)
	writeFile(t, filepath.Join(home, ".cursor", "mcp.json"),
		`{"mcpServers": {"my-cloud": {"command": "/old/nextcloud-mcp", "args": ["serve"]}, "x": {"command": "y"}}}`, 0o600)
	// Zed: installed, broken settings.
	os.MkdirAll(filepath.Join(home, ".config", "zed"), 0o700)
	writeFile(t, filepath.Join(home, ".config", "zed", "settings.json"), `{"context_servers": {`, 0o600)
	// Windsurf: installed, no entry.
	os.MkdirAll(filepath.Join(home, ".codeium", "windsurf"), 0o700)

	env := Env{GOOS: "linux", Home: home, Getenv: func(string) string { return "" }, ReadDir: readDirNames}
	got := map[string]ClientStatus{}
	for _, st := range Report(env, self, DefaultName) {
		got[st.Client] = st
	}
	if len(got) != len(Clients()) {
		t.Fatalf("report covers %d clients", len(got))
	}
	if st := got["claude-desktop"]; !st.Installed || !st.HasEntry || !st.PointsHere || st.EntryName != "nextcloud" {
		t.Errorf("claude-desktop: %+v", st)
	}
	if st := got["cursor"]; !st.HasEntry || st.PointsHere || st.EntryName != "my-cloud" || st.Command != "/old/nextcloud-mcp" {
		t.Errorf("cursor: %+v", st)
	}
	if st := got["zed"]; st.Error == "" || st.HasEntry {
		t.Errorf("zed: %+v", st)
	}
	if st := got["windsurf"]; !st.Installed || st.HasEntry || st.Error != "" {
		t.Errorf("windsurf: %+v", st)
	}
	if st := got["vscode"]; st.Installed || st.HasEntry {
		t.Errorf("vscode: %+v", st)
	}
}
