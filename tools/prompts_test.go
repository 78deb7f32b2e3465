package tools

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
)

func (h *harness) prompt(name string, args map[string]string) (string, error) {
	h.t.Helper()
	req := mcp.GetPromptRequest{}
	req.Params.Name, req.Params.Arguments = name, args
	res, err := h.client.GetPrompt(h.t.Context(), req)
	if err != nil {
		return "", err
	}
	if len(res.Messages) != 1 || res.Messages[0].Role != mcp.RoleUser {
		h.t.Fatalf("%s: want one user message, got %+v", name, res.Messages)
	}
	tc, ok := res.Messages[0].Content.(mcp.TextContent)
	if !ok {
		h.t.Fatalf("%s: message is %T, want text", name, res.Messages[0].Content)
	}
	return tc.Text, nil
}

func (h *harness) complete(prompt, arg, value string) []string {
	h.t.Helper()
	req := mcp.CompleteRequest{}
	req.Params.Ref = mcp.PromptReference{Type: "ref/prompt", Name: prompt}
	req.Params.Argument = mcp.CompleteArgument{Name: arg, Value: value}
	res, err := h.client.Complete(h.t.Context(), req)
	if err != nil {
		h.t.Fatalf("complete %s.%s: %v", prompt, arg, err)
	}
	return res.Completion.Values
}

func TestPromptsAreListedWithTitlesAndArguments(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	res, err := h.client.ListPrompts(t.Context(), mcp.ListPromptsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range res.Prompts {
		names = append(names, p.Name)
		if p.Title == "" || p.Description == "" {
			t.Errorf("%s: missing title or description", p.Name)
		}
		for _, a := range p.Arguments {
			if a.Title == "" || a.Description == "" {
				t.Errorf("%s.%s: missing title or description", p.Name, a.Name)
			}
		}
	}
	want := []string{"find_and_file", "meeting_prep", "prepare_my_day", "summarise", "weekly_review"}
	slices.Sort(names)
	if !slices.Equal(names, want) {
		t.Fatalf("prompts = %v, want %v", names, want)
	}
}

func TestPromptMessagesNameTheToolsOfTheAppsOffered(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	day, err := h.prompt("prepare_my_day", map[string]string{"date": "2026-03-02", "calendar": "personal"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"2026-03-02", `calendar_name "personal"`, "nc_calendar_list_events", "nc_tasks_list", "nc_deck_board_overview", "nc_talk_list_conversations", "Change nothing"} {
		if !strings.Contains(day, want) {
			t.Errorf("prepare_my_day lacks %q:\n%s", want, day)
		}
	}
	if _, err := h.prompt("meeting_prep", nil); err == nil || !strings.Contains(err.Error(), "event") {
		t.Errorf("meeting_prep without event: %v", err)
	}
	meet, err := h.prompt("meeting_prep", map[string]string{"event": "Budget review"})
	if err != nil || !strings.Contains(meet, `query "Budget review"`) || !strings.Contains(meet, "nc_contacts_search") {
		t.Errorf("meeting_prep: %v\n%s", err, meet)
	}
	sum, err := h.prompt("summarise", map[string]string{"path": "Documents/report.pdf", "focus": "risks"})
	if err != nil || !strings.Contains(sum, "nc_webdav_read_file") || !strings.Contains(sum, "risks") {
		t.Errorf("summarise: %v\n%s", err, sum)
	}
	file, err := h.prompt("find_and_file", map[string]string{"topic": "Alpha", "destination": "Projects/Alpha"})
	if err != nil || !strings.Contains(file, "nc_webdav_move_resource") || !strings.Contains(file, "after I confirm") {
		t.Errorf("find_and_file: %v\n%s", err, file)
	}
	week, err := h.prompt("weekly_review", nil)
	if err != nil || !strings.Contains(week, "this week") || !strings.Contains(week, "nc_activity_list") {
		t.Errorf("weekly_review: %v\n%s", err, week)
	}
}

func TestPromptsFollowTheConfiguration(t *testing.T) {
	h := newHarness(t, harnessOpts{opts: Options{ReadOnly: true, Toolsets: []string{"calendar", "tasks", "files", "search"}}})
	day, err := h.prompt("prepare_my_day", nil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(day, "nc_deck") || strings.Contains(day, "nc_talk") || !strings.Contains(day, "nc_tasks_list") || !strings.Contains(day, "today") {
		t.Errorf("prepare_my_day with calendar and tasks only:\n%s", day)
	}
	file, err := h.prompt("find_and_file", map[string]string{"topic": "Alpha"})
	if err != nil || !strings.Contains(file, "read-only") || strings.Contains(file, "nc_webdav_move_resource") || strings.Contains(file, "nc_notes") {
		t.Errorf("find_and_file in read-only mode: %v\n%s", err, file)
	}

	dyn := newHarness(t, harnessOpts{opts: Options{Dynamic: true}})
	day, err = dyn.prompt("prepare_my_day", nil)
	if err != nil || !strings.HasPrefix(day, "First turn on the toolsets calendar, tasks, deck, talk with nc_toolsets_enable.") {
		t.Errorf("prepare_my_day in dynamic mode: %v\n%s", err, day)
	}
}

func TestPromptArgumentsComplete(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	if got := h.complete("prepare_my_day", "calendar", "pers"); !slices.Equal(got, []string{"personal"}) {
		t.Errorf("calendar completion = %v", got)
	}
	h.ok("nc_webdav_create_directory", map[string]any{"path": "Projects"}, nil)
	h.ok("nc_webdav_create_directory", map[string]any{"path": "Projects/Alpha"}, nil)
	h.ok("nc_webdav_write_file", map[string]any{"path": "Projects/plan.md", "content": "# Plan"}, nil)
	if got := h.complete("summarise", "path", "proj"); !slices.Equal(got, []string{"Projects/"}) {
		t.Errorf("path completion of proj = %v", got)
	}
	if got := h.complete("summarise", "path", "Projects/"); !slices.Equal(got, []string{"Projects/Alpha/", "Projects/plan.md"}) {
		t.Errorf("path completion inside Projects = %v", got)
	}
	if got := h.complete("find_and_file", "destination", "Projects/"); !slices.Equal(got, []string{"Projects/Alpha/"}) {
		t.Errorf("destination completion = %v", got)
	}
	start := time.Now().Add(48 * time.Hour).UTC().Format("2006-01-02T15:04:05Z")
	h.ok("nc_calendar_create_event", map[string]any{"calendar_name": "personal", "title": "Budget review", "start": start}, nil)
	if got := h.complete("meeting_prep", "event", "budget"); !slices.Equal(got, []string{"Budget review"}) {
		t.Errorf("event completion = %v", got)
	}
	if got := h.complete("summarise", "focus", "x"); len(got) != 0 {
		t.Errorf("an argument without completion completes to %v", got)
	}
}
