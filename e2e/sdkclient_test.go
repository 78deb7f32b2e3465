// Package e2e runs the built binary against real MCP clients.
package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

// requireTool finds an external tool; under CI=true its absence fails the test.
func requireTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required in CI: .ci/run installs it", name)
		}
		t.Skipf("%s not installed: this test drives the binary with the official TypeScript SDK", name)
	}
	return p
}

// requireSDK finds node and the installed TypeScript SDK client; under
// CI=true their absence fails the test.
func requireSDK(t *testing.T) string {
	t.Helper()
	node := requireTool(t, "node")
	if _, err := os.Stat("sdkclient/node_modules/@modelcontextprotocol/sdk"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("e2e/sdkclient/node_modules missing: .ci/run must run `npm ci` there")
		}
		t.Skip("run `npm ci` in e2e/sdkclient to enable this test")
	}
	return node
}

// binaryDir holds the binary TestMain builds once for every test; linking it
// again per test cost several seconds each.
var binaryDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "nextcloud-mcp-e2e-")
	if err != nil {
		panic(err)
	}
	binaryDir = dir
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// buildBinary returns the binary under test, building it on first use.
func buildBinary(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(binaryDir, "nextcloud-mcp")
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	cmd := exec.Command("go", "build", "-o", bin+".tmp", "..")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("build: %v", err)
	}
	if err := os.Rename(bin+".tmp", bin); err != nil {
		t.Fatalf("build: %v", err)
	}
	return bin
}

// sdkCall is one tool call as the SDK scripts report it.
type sdkCall struct {
	Name       string         `json:"name"`
	IsError    bool           `json:"isError"`
	Structured map[string]any `json:"structured"`
	Text       string         `json:"text"`
}

// runSDKScript runs sdkclient/<script> with the official TypeScript SDK
// against bin started with args, env added to the environment, and decodes
// the JSON report the script prints into v.
func runSDKScript(t *testing.T, script, bin string, env []string, v any, args ...string) {
	t.Helper()
	node := requireSDK(t)
	cmd := exec.Command(node, append([]string{"sdkclient/" + script, bin}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("%s: %v\n%s", script, err, stderr)
	}
	if err := json.Unmarshal(out, v); err != nil {
		t.Fatalf("%s report %q: %v", script, out, err)
	}
}

// TestOfficialSDKClient: the TypeScript SDK client initializes the demo
// server, lists its tools and calls one.
func TestOfficialSDKClient(t *testing.T) {
	node := requireSDK(t)
	bin := buildBinary(t)
	cmd := exec.Command(node, "sdkclient/check.mjs", bin, "nc_notes_list_notes", `{}`, "serve", "--demo")
	cmd.Env = append(os.Environ(), "NEXTCLOUD_MCP_CONFIG_DIR="+t.TempDir())
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("sdk client: %v\n%s", err, stderr)
	}
	var summary struct {
		Server       map[string]any `json:"server"`
		Instructions string         `json:"instructions"`
		ToolCount    int            `json:"toolCount"`
		ToolNames    []string       `json:"toolNames"`
		IsError      bool           `json:"isError"`
		Structured   map[string]any `json:"structured"`
	}
	if err := json.Unmarshal(out, &summary); err != nil {
		t.Fatalf("summary %q: %v", out, err)
	}
	if summary.Server["name"] != "nextcloud-mcp" {
		t.Errorf("server name %v", summary.Server["name"])
	}
	for _, want := range []string{"nc_notes_list_notes", "nc_webdav_read_file"} {
		if !slices.Contains(summary.ToolNames, want) {
			t.Errorf("tool %s not listed (got %d tools)", want, summary.ToolCount)
		}
	}
	if summary.IsError || summary.Structured == nil {
		t.Errorf("nc_notes_list_notes failed or had no structured content: %+v", summary)
	}
}
