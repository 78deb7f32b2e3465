package cmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A client that ignores list_changed keeps the static mode, and is told how
// to list fewer tools; one that honours it gets dynamic mode.
func TestInstallKeepsStaticModeForClientsWithoutListChanged(t *testing.T) {
	w := newInstallWorld(t)
	os.MkdirAll(filepath.Join(w.home, ".cursor"), 0o700)
	code, _, stderr := w.run("install", "cursor", "--env", "NEXTCLOUD_MCP_DYNAMIC_TOOLSETS=true", "--", "--dynamic-toolsets", "--read-only")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "--dynamic-toolsets is left out") || !strings.Contains(stderr, "--toolsets files,notes") {
		t.Errorf("stderr lacks the note:\n%s", stderr)
	}
	var cfg map[string]map[string]struct {
		Args []string          `json:"args"`
		Env  map[string]string `json:"env"`
	}
	json.Unmarshal([]byte(mustRead(t, filepath.Join(w.home, ".cursor", "mcp.json"))), &cfg)
	e := cfg["mcpServers"]["nextcloud"]
	if strings.Join(e.Args, " ") != "serve --read-only" || e.Env["NEXTCLOUD_MCP_DYNAMIC_TOOLSETS"] != "" {
		t.Errorf("cursor entry = %+v", e)
	}

	if !honoursListChanged("vscode") || !honoursListChanged("zed") || honoursListChanged("claude-desktop") || honoursListChanged("claude-code") {
		t.Error("the list of clients that honour list_changed changed")
	}
}
