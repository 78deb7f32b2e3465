package install

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestHostConfigMapping: the answers in Claude Desktop's form reach serve
// as the arguments and variables it reads.
func TestHostConfigMapping(t *testing.T) {
	m, err := NewManifest(BundleOptions{Platform: "linux", Version: "1.0.0"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := HostConfig(m, "linux", "/ext", map[string]any{
		"server_url": "https://cloud.example.com",
		"local_dirs": []string{"/home/ann/Downloads", "/home/ann/My Desktop"},
		"confirm":    "always",
		"read_only":  true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.Command != "/ext/server/nextcloud-mcp" || !reflect.DeepEqual(got.Args, []string{"serve", "/home/ann/Downloads", "/home/ann/My Desktop"}) {
		t.Errorf("command %q args %q", got.Command, got.Args)
	}
	want := map[string]string{
		"NEXTCLOUD_HOST": "https://cloud.example.com", "NEXTCLOUD_USERNAME": "", "NEXTCLOUD_PASSWORD": "",
		"NEXTCLOUD_MCP_CONFIRM": "always", "NEXTCLOUD_MCP_READ_ONLY": "true", "NEXTCLOUD_MCP_LOCKDOWN": "false",
	}
	if !reflect.DeepEqual(got.Env, want) {
		t.Errorf("env %v, want %v", got.Env, want)
	}

	// Nothing chosen: no folder argument, the defaults for the rest.
	win, _ := NewManifest(BundleOptions{Platform: "win32", Version: "1.0.0"})
	got, err = HostConfig(win, "win32", `C:\ext`, map[string]any{"server_url": "https://cloud.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if got.Command != `C:\ext/server/nextcloud-mcp.exe` || !reflect.DeepEqual(got.Args, []string{"serve"}) || got.Env["NEXTCLOUD_MCP_CONFIRM"] != "auto" || got.Env["NEXTCLOUD_MCP_READ_ONLY"] != "false" {
		t.Errorf("defaults: %+v", got)
	}
	if _, err := HostConfig(m, "linux", "/ext", nil); err == nil {
		t.Error("a missing server URL was accepted")
	}
	// The one way a list could go wrong: inside a string it is not expanded.
	m.Server.MCPConfig.Env["NEXTCLOUD_MCP_LOCAL_DIRS"] = "${user_config.local_dirs}"
	got, _ = HostConfig(m, "linux", "/ext", map[string]any{"server_url": "x", "local_dirs": []string{"/a"}})
	if got.Env["NEXTCLOUD_MCP_LOCAL_DIRS"] != "${user_config.local_dirs}" {
		t.Errorf("a list in env became %q", got.Env["NEXTCLOUD_MCP_LOCAL_DIRS"])
	}
}

// mcpbPackage finds the installed @anthropic-ai/mcpb package (next to the
// mcpb command). Without it the test skips, except under CI=true.
func mcpbPackage(t *testing.T) string {
	t.Helper()
	if bin, err := exec.LookPath("mcpb"); err == nil {
		if real, err := filepath.EvalSymlinks(bin); err == nil {
			for dir := filepath.Dir(real); dir != filepath.Dir(dir); dir = filepath.Dir(dir) {
				var pkg struct {
					Name string `json:"name"`
				}
				if b, err := os.ReadFile(filepath.Join(dir, "package.json")); err == nil && json.Unmarshal(b, &pkg) == nil && pkg.Name == "@anthropic-ai/mcpb" {
					return dir
				}
			}
		}
	}
	msg := "the MCPB CLI is not installed; run: npm install -g @anthropic-ai/mcpb@" + mcpbVersion
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// TestHostConfigMatchesReferenceHost runs the host code of the official
// package on our manifest and compares it with HostConfig, so the mapping
// the other tests rely on is the one hosts apply.
func TestHostConfigMatchesReferenceHost(t *testing.T) {
	t.Parallel()
	pkg := mcpbPackage(t)
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is missing, though the MCPB CLI is installed")
	}
	m, err := NewManifest(BundleOptions{Platform: "linux", Version: "1.0.0"})
	if err != nil {
		t.Fatal(err)
	}
	cases := []map[string]any{
		{"server_url": "https://cloud.example.com"},
		{"server_url": "https://cloud.example.com", "username": "ann", "local_dirs": []string{"/a", "/b c"}, "confirm": "never", "read_only": true, "lockdown": true},
	}
	raw, _ := json.Marshal(map[string]any{"manifest": m, "cases": cases})
	script := `
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
import(require("url").pathToFileURL(process.argv[1] + "/dist/shared/config.js")).then(async ({ getMcpConfigForManifest }) => {
  const out = [];
  for (const userConfig of input.cases) {
    out.push(await getMcpConfigForManifest({ manifest: input.manifest, extensionPath: "/ext", systemDirs: {}, userConfig, pathSeparator: "/" }));
  }
  process.stdout.write(JSON.stringify(out));
});`
	cmd := exec.Command(node, "-e", script, pkg)
	cmd.Stdin = strings.NewReader(string(raw))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	var ref []struct {
		Command string            `json:"command"`
		Args    []string          `json:"args"`
		Env     map[string]string `json:"env"`
	}
	if err := json.Unmarshal(out, &ref); err != nil || len(ref) != len(cases) {
		t.Fatalf("reference output %s: %v", out, err)
	}
	for i, c := range cases {
		got, err := HostConfig(m, "linux", "/ext", c)
		if err != nil {
			t.Fatal(err)
		}
		if got.Command != ref[i].Command || !reflect.DeepEqual(got.Args, ref[i].Args) || !reflect.DeepEqual(got.Env, ref[i].Env) {
			t.Errorf("case %d: ours %+v, reference %+v", i, got, ref[i])
		}
	}
}
