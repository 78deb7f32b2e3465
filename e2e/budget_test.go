package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestDynamicToolsetsThroughOfficialSDK: with --dynamic-toolsets the
// TypeScript SDK client sees the small core, turns the notes toolset on,
// receives notifications/tools/list_changed, sees the notes tools and calls
// one; the prompts are listed with titles, their messages name the tools,
// and arguments complete from the demo server.
func TestDynamicToolsetsThroughOfficialSDK(t *testing.T) {
	node := requireTool(t, "node")
	if _, err := os.Stat("sdkclient/node_modules/@modelcontextprotocol/sdk"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("e2e/sdkclient/node_modules missing: .ci/run must run `npm ci` there")
		}
		t.Skip("run `npm ci` in e2e/sdkclient to enable this test")
	}
	bin := buildBinary(t)
	cmd := exec.Command(node, "sdkclient/dynamic.mjs", bin, "serve", "--demo", "--dynamic-toolsets")
	cmd.Env = append(os.Environ(), "NEXTCLOUD_MCP_CONFIG_DIR="+t.TempDir())
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("sdk client: %v\n%s", err, stderr)
	}
	var s struct {
		ListChangedCapability  bool      `json:"listChangedCapability"`
		StartTools             []string  `json:"startTools"`
		AfterTools             []string  `json:"afterTools"`
		ListChangedAfterEnable int       `json:"listChangedAfterEnable"`
		Calls                  []sdkCall `json:"calls"`
		Prompts                []struct {
			Name      string `json:"name"`
			Title     string `json:"title"`
			Arguments []struct {
				Name        string `json:"name"`
				Description string `json:"description"`
			} `json:"arguments"`
		} `json:"prompts"`
		DayText             string   `json:"dayText"`
		SummariseText       string   `json:"summariseText"`
		CalendarCompletions []string `json:"calendarCompletions"`
		FolderCompletions   []string `json:"folderCompletions"`
	}
	if err := json.Unmarshal(out, &s); err != nil {
		t.Fatalf("summary %q: %v", out, err)
	}
	if !s.ListChangedCapability {
		t.Error("initialize does not declare tools.listChanged in dynamic mode")
	}
	wantStart := []string{"nc_auth_status", "nc_index_status", "nc_search_content", "nc_search_providers", "nc_search_unified", "nc_toolsets_describe", "nc_toolsets_enable", "nc_toolsets_list"}
	if !slices.Equal(s.StartTools, wantStart) {
		t.Errorf("start tools = %v, want %v", s.StartTools, wantStart)
	}
	if s.ListChangedAfterEnable < 1 {
		t.Error("no notifications/tools/list_changed after nc_toolsets_enable")
	}
	if !slices.Contains(s.AfterTools, "nc_notes_list_notes") || slices.Contains(s.AfterTools, "nc_deck_list_boards") {
		t.Errorf("after enabling notes the list is %v", s.AfterTools)
	}
	for _, c := range s.Calls {
		if c.IsError {
			t.Errorf("%s failed: %s", c.Name, c.Text)
		}
	}
	if notes, _ := s.Calls[3].Structured["notes"].([]any); len(notes) == 0 {
		t.Errorf("nc_notes_list_notes after enabling returned no demo notes: %s", s.Calls[3].Text)
	}
	var names []string
	for _, p := range s.Prompts {
		names = append(names, p.Name)
		if p.Title == "" {
			t.Errorf("prompt %s has no title", p.Name)
		}
	}
	slices.Sort(names)
	if want := []string{"find_and_file", "meeting_prep", "prepare_my_day", "summarise", "weekly_review"}; !slices.Equal(names, want) {
		t.Errorf("prompts = %v, want %v", names, want)
	}
	if !strings.HasPrefix(s.DayText, "First turn on the toolsets calendar, tasks, deck, talk with nc_toolsets_enable.") || !strings.Contains(s.DayText, "2026-03-02") {
		t.Errorf("prepare_my_day message:\n%s", s.DayText)
	}
	if !strings.Contains(s.SummariseText, `"Documents"`) || !strings.Contains(s.SummariseText, "nc_webdav_read_file") {
		t.Errorf("summarise message:\n%s", s.SummariseText)
	}
	if len(s.CalendarCompletions) == 0 {
		t.Error("no calendar completions from the demo server")
	}
	if !slices.Contains(s.FolderCompletions, "Documents/") {
		t.Errorf("folder completions of Doc = %v", s.FolderCompletions)
	}
}
