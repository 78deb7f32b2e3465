package tools

import (
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

func TestDynamicStartsWithTheCore(t *testing.T) {
	h := newHarness(t, harnessOpts{opts: Options{Dynamic: true}})
	got := h.toolNames()
	slices.Sort(got)
	want := []string{"nc_auth_status", "nc_search_providers", "nc_search_unified", "nc_toolsets_describe", "nc_toolsets_enable", "nc_toolsets_list"}
	// The content index is part of the core too, but this harness has no
	// index, so the capability gate hides it (e2e/budget_test.go has one).
	if !slices.Equal(got, want) {
		t.Fatalf("dynamic start lists %v, want %v", got, want)
	}
	// A tool of a toolset that is off cannot be called either.
	req := mcp.CallToolRequest{}
	req.Params.Name = "nc_notes_list_notes"
	if res, err := h.client.CallTool(t.Context(), req); err == nil && !res.IsError {
		t.Fatal("a tool of a toolset that is off answered")
	}
}

func TestDynamicEnableListsTheToolsetAndNotifies(t *testing.T) {
	h := newHarness(t, harnessOpts{opts: Options{Dynamic: true}})
	var changed atomic.Int32
	h.client.OnNotification(func(n mcp.JSONRPCNotification) {
		if n.Method == mcp.MethodNotificationToolsListChanged {
			changed.Add(1)
		}
	})

	var list toolsetsListOut
	h.ok("nc_toolsets_list", nil, &list)
	var notes *toolsetLine
	for i := range list.Toolsets {
		if list.Toolsets[i].Name == "notes" {
			notes = &list.Toolsets[i]
		}
		if list.Toolsets[i].Name == "core" {
			t.Error("the core toolset has no tools and must not be offered")
		}
	}
	if notes == nil || notes.Enabled || notes.Tools == 0 || notes.Description == "" {
		t.Fatalf("notes line = %+v", notes)
	}

	var desc toolsetsDescribeOut
	h.ok("nc_toolsets_describe", map[string]any{"toolset": "notes"}, &desc)
	if desc.Enabled || len(desc.Tools) != notes.Tools || !slices.ContainsFunc(desc.Tools, func(s toolSummary) bool { return s.Name == "nc_notes_create_note" && !s.ReadOnly }) {
		t.Fatalf("describe notes = %+v", desc)
	}

	var en toolsetsEnableOut
	h.ok("nc_toolsets_enable", map[string]any{"toolsets": []string{"notes"}}, &en)
	if !slices.Equal(en.Enabled, []string{"notes"}) || !slices.Contains(en.Tools, "nc_notes_list_notes") {
		t.Fatalf("enable = %+v", en)
	}
	deadline := time.Now().Add(5 * time.Second)
	for changed.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if changed.Load() == 0 {
		t.Fatal("no notifications/tools/list_changed after enabling")
	}
	if names := h.toolNames(); !slices.Contains(names, "nc_notes_list_notes") {
		t.Fatalf("after enabling notes the list is %v", names)
	}
	h.ok("nc_notes_list_notes", nil, nil)

	// Enabling again changes nothing and says so.
	before := changed.Load()
	h.ok("nc_toolsets_enable", map[string]any{"toolsets": []string{"notes"}}, &en)
	if len(en.Enabled) != 0 {
		t.Fatalf("second enable reports %v as newly enabled", en.Enabled)
	}
	time.Sleep(50 * time.Millisecond)
	if changed.Load() != before {
		t.Fatal("a second enable of the same toolset sent list_changed again")
	}
}

func TestDynamicKeepsReadOnlyToolsetsAndCapabilities(t *testing.T) {
	apps := slices.DeleteFunc(ncfake.AllApps(), func(a string) bool { return a == "deck" })
	h := newHarness(t, harnessOpts{fake: ncfake.New(ncfake.Options{Apps: apps}), opts: Options{Dynamic: true, ReadOnly: true, Toolsets: []string{"notes", "deck", "search"}}})

	if msg := h.fails("nc_toolsets_enable", map[string]any{"toolsets": []string{"deck"}}); !strings.Contains(msg, "no deck app") {
		t.Errorf("enabling an app the server lacks: %q", msg)
	}
	if msg := h.fails("nc_toolsets_enable", map[string]any{"toolsets": []string{"calendar"}}); !strings.Contains(msg, `unknown toolset "calendar"`) || !strings.Contains(msg, "notes") {
		t.Errorf("enabling a toolset --toolsets left out: %q", msg)
	}
	h.fails("nc_toolsets_enable", map[string]any{"toolsets": []string{}})

	h.ok("nc_toolsets_enable", map[string]any{"toolsets": []string{"notes"}}, nil)
	names := h.toolNames()
	if !slices.Contains(names, "nc_notes_list_notes") || slices.Contains(names, "nc_notes_create_note") {
		t.Fatalf("read-only dynamic mode lists %v", names)
	}
}

func TestMetaToolsFollowTheSurfaceRules(t *testing.T) {
	d := &Deps{}
	reg, err := NewRegistry(d, All(d), Options{Dynamic: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range MetaTools(reg) {
		lintDefinition(t, tool.Def)
	}
}

// lintDefinition applies TestToolSurface's rules to one definition.
func lintDefinition(t *testing.T, def mcp.Tool) {
	t.Helper()
	if !toolName.MatchString(def.Name) || len(def.Name) > 64 {
		t.Errorf("tool name %q does not follow nc_<app>_<verb>[_<noun>] within 64 chars", def.Name)
	}
	a := def.Annotations
	if def.Title == "" || a.Title == "" || def.Description == "" {
		t.Errorf("%s: missing title or description", def.Name)
	}
	if a.ReadOnlyHint == nil || a.DestructiveHint == nil || a.IdempotentHint == nil || a.OpenWorldHint == nil {
		t.Errorf("%s: every one of the four annotation hints must be set", def.Name)
	} else if *a.ReadOnlyHint && *a.DestructiveHint {
		t.Errorf("%s: a read-only tool cannot be destructive", def.Name)
	}
	if def.InputSchema.Type != "object" && len(def.RawInputSchema) == 0 {
		t.Errorf("%s: input schema must be an object", def.Name)
	}
	if def.OutputSchema.Type != "object" && len(def.RawOutputSchema) == 0 {
		t.Errorf("%s: output schema must be an object", def.Name)
	}
}
