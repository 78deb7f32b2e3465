package tools

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

func TestRegistryToolsetsAndReadOnlySelection(t *testing.T) {
	h := newHarness(t, harnessOpts{opts: Options{Toolsets: []string{"notes"}, ReadOnly: true}})
	names := h.toolNames()
	if len(names) == 0 {
		t.Fatal("no tools listed")
	}
	for _, n := range names {
		if !strings.HasPrefix(n, "nc_notes_") {
			t.Errorf("--toolsets notes listed %s", n)
		}
		for _, tool := range h.reg.Tools() {
			if tool.Def.Name == n && !tool.ReadOnly() {
				t.Errorf("--read-only listed the write tool %s", n)
			}
		}
	}
	// A hidden write tool does not exist for the client: calling it is refused.
	req := mcp.CallToolRequest{}
	req.Params.Name = "nc_notes_create_note"
	req.Params.Arguments = map[string]any{"title": "x", "content": "y"}
	if _, err := h.client.CallTool(context.Background(), req); err == nil {
		t.Error("calling a tool hidden by --read-only must fail")
	}
	if n, _ := h.fake.Note("admin", 1); n != "" {
		t.Error("the hidden tool wrote a note")
	}
}

func TestRegistryUnknownToolset(t *testing.T) {
	d := &Deps{}
	_, err := NewRegistry(d, All(d), Options{Toolsets: []string{"nope"}})
	if err == nil || !strings.Contains(err.Error(), "nope") || !strings.Contains(err.Error(), "notes") {
		t.Fatalf("want an error naming the bad toolset and the choices, got %v", err)
	}
}

func TestCapabilityGatingHidesMissingApps(t *testing.T) {
	fake := ncfake.New(ncfake.Options{Apps: []string{"files"}})
	h := newHarness(t, harnessOpts{fake: fake})
	names := h.toolNames()
	if slices.ContainsFunc(names, func(n string) bool { return strings.HasPrefix(n, "nc_notes_") || strings.HasPrefix(n, "nc_deck_") }) {
		t.Errorf("tools of missing apps are listed: %v", names)
	}
	if !slices.ContainsFunc(names, func(n string) bool { return strings.HasPrefix(n, "nc_webdav_") }) {
		t.Errorf("files tools missing: %v", names)
	}
}

// A wrong password must not turn every tools/list and tools/call into another
// failed login (brute-force throttling): the failed capabilities fetch is not
// repeated at once.
func TestWrongPasswordDoesNotRefetchCapabilities(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	h := newHarness(t, harnessOpts{fake: fake, user: "alice", password: "wrong"})
	for i := 0; i < 3; i++ {
		h.toolNames()
		h.call("nc_notes_list_notes", map[string]any{})
	}
	n := 0
	for _, r := range fake.Requests() {
		if strings.HasSuffix(r.Path, "/cloud/capabilities") {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("capabilities fetched %d times with a wrong password, want 1", n)
	}
}
