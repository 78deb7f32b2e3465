package cmd

import (
	"encoding/json"
	"strings"
	"testing"
)

// status says what the tool list of the current configuration costs, and
// the narrower configurations cost less.
func TestStatusShowsTheContextCost(t *testing.T) {
	w := newLoginWorld(t)
	w.loginWithBrowser("alice")
	_, full := statusJSON(t, w)
	if full.ContextCost == nil || full.ContextCost.Mode != "static" || full.ContextCost.Tools < 50 || full.ContextCost.Tokens < 1000 {
		t.Fatalf("context cost: %+v", full.ContextCost)
	}
	_, narrow := statusJSONWith(t, w, "--toolsets", "notes,files")
	_, dynamic := statusJSONWith(t, w, "--dynamic-toolsets")
	if narrow.ContextCost == nil || narrow.ContextCost.Tokens >= full.ContextCost.Tokens/3 {
		t.Errorf("--toolsets notes,files: %+v vs %+v", narrow.ContextCost, full.ContextCost)
	}
	if dynamic.ContextCost == nil || dynamic.ContextCost.Mode != "dynamic" || dynamic.ContextCost.Tokens >= 1500 {
		t.Errorf("--dynamic-toolsets: %+v", dynamic.ContextCost)
	}
	_, out, _ := w.run("", "status")
	if !strings.Contains(out, "Context cost:") || !strings.Contains(out, "tokens per conversation") {
		t.Errorf("status output lacks the context cost:\n%s", out)
	}
}

func statusJSONWith(t *testing.T, w *loginWorld, flags ...string) (int, statusReport) {
	t.Helper()
	code, out, errOut := w.run("", append([]string{"status", "--json"}, flags...)...)
	var r statusReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("status --json is not JSON (%v): %q %q", err, out, errOut)
	}
	return code, r
}
