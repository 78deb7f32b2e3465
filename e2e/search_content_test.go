package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestOfficialSDKClientSearchesContent: the TypeScript SDK client calls
// nc_search_content on the demo server; the SDK checks the structured
// result against the tool's output schema, and the demo's sample note is
// found on the first search.
func TestOfficialSDKClientSearchesContent(t *testing.T) {
	node := requireTool(t, "node")
	if _, err := os.Stat("sdkclient/node_modules/@modelcontextprotocol/sdk"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("e2e/sdkclient/node_modules missing: .ci/run must run `npm ci` there")
		}
		t.Skip("run `npm ci` in e2e/sdkclient to enable this test")
	}
	bin := buildBinary(t)
	cmd := exec.Command(node, "sdkclient/check.mjs", bin, "nc_search_content", `{"query":"lighthouse keeper"}`, "serve", "--demo")
	cmd.Env = append(os.Environ(), "NEXTCLOUD_MCP_CONFIG_DIR="+t.TempDir(), "XDG_CACHE_HOME="+t.TempDir())
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("sdk client: %v\n%s", err, stderr)
	}
	var summary struct {
		IsError    bool            `json:"isError"`
		Structured json.RawMessage `json:"structured"`
	}
	if err := json.Unmarshal(out, &summary); err != nil {
		t.Fatalf("summary %q: %v", out, err)
	}
	s := string(summary.Structured)
	if summary.IsError || !strings.Contains(s, `"title":"Book ideas"`) || !strings.Contains(s, `"open_with":"nc_notes_get_note"`) || !strings.Contains(s, `"via":"index"`) {
		t.Errorf("nc_search_content through the SDK: %s", out)
	}
}
