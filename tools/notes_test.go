package tools

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

func TestNotesToolsEndToEnd(t *testing.T) {
	h := newHarness(t, harnessOpts{})

	var created NoteSummary
	h.ok("nc_notes_create_note", map[string]any{"title": "Trip", "content": "# Trip\n\nPack bags.", "category": "Travel"}, &created)
	if created.ID == 0 || created.Title != "Trip" || created.Category != "Travel" || created.ETag == "" {
		t.Fatalf("created %+v", created)
	}
	if content, ok := h.fake.Note("admin", created.ID); !ok || content != "# Trip\n\nPack bags." {
		t.Fatalf("stored content %q, %v", content, ok)
	}

	var got NoteFull
	h.ok("nc_notes_get_note", map[string]any{"note_id": created.ID}, &got)
	if got.Content != "# Trip\n\nPack bags." || got.ETag != created.ETag || got.Modified == "" {
		t.Fatalf("get %+v", got)
	}

	var list NotesListOutput
	h.ok("nc_notes_list_notes", map[string]any{}, &list)
	if list.Total != 1 || len(list.Notes) != 1 || list.Notes[0].ETag != created.ETag {
		t.Fatalf("list %+v", list)
	}
	raw := resultText(h.call("nc_notes_list_notes", map[string]any{}))
	if strings.Contains(raw, "Pack bags") {
		t.Errorf("list carries content: %s", raw)
	}

	var updated NoteSummary
	h.ok("nc_notes_update_note", map[string]any{"note_id": created.ID, "etag": got.ETag, "content": "# Trip\n\nPack bags.\nBook hotel."}, &updated)
	if updated.ETag == got.ETag {
		t.Error("etag unchanged after update")
	}

	// The etag read before the update is stale now: refused, named, nothing written.
	msg := h.fails("nc_notes_update_note", map[string]any{"note_id": created.ID, "etag": got.ETag, "content": "clobber"})
	for _, want := range []string{fmt.Sprintf("Note %d", created.ID), "412", "re-read", "etag", "nothing was written"} {
		if !strings.Contains(msg, want) {
			t.Errorf("stale-etag error %q does not mention %q", msg, want)
		}
	}
	if content, _ := h.fake.Note("admin", created.ID); content != "# Trip\n\nPack bags.\nBook hotel." {
		t.Errorf("stale update overwrote the note: %q", content)
	}

	// Rename and move with the current etag.
	var moved NoteSummary
	h.ok("nc_notes_update_note", map[string]any{"note_id": created.ID, "etag": updated.ETag, "title": "Trip 2027", "category": ""}, &moved)
	if moved.Title != "Trip 2027" || moved.Category != "" {
		t.Errorf("moved %+v", moved)
	}

	var appended NotesAppendOutput
	h.ok("nc_notes_append_content", map[string]any{"note_id": created.ID, "content": "- passport"}, &appended)
	if content, _ := h.fake.Note("admin", created.ID); content != "# Trip\n\nPack bags.\nBook hotel.\n- passport" {
		t.Errorf("after append: %q", content)
	}
	if appended.Length != len([]rune("# Trip\n\nPack bags.\nBook hotel.\n- passport")) {
		t.Errorf("append length %d", appended.Length)
	}

	var del NotesDeleteOutput
	h.ok("nc_notes_delete_note", map[string]any{"note_id": created.ID}, &del)
	if !del.Deleted {
		t.Error("delete did not report deleted")
	}
	if _, ok := h.fake.Note("admin", created.ID); ok {
		t.Error("note still stored after delete")
	}
	msg = h.fails("nc_notes_get_note", map[string]any{"note_id": created.ID})
	if want := fmt.Sprintf("Note %d was not found (HTTP 404)", created.ID); !strings.HasPrefix(msg, want) {
		t.Errorf("missing-note error %q, want it to start with %q", msg, want)
	}
}

func TestNotesUpdateValidation(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	id := h.fake.AddNote("admin", "n", "body", "")
	before := h.fake.RequestCount()
	for _, c := range []struct {
		args map[string]any
		want string
	}{
		{map[string]any{"note_id": id, "etag": "", "content": "x"}, "etag is required"},
		{map[string]any{"note_id": id, "etag": "abc"}, "nothing to change"},
		{map[string]any{"note_id": 0, "etag": "abc", "content": "x"}, "note_id"},
	} {
		if msg := h.fails("nc_notes_update_note", c.args); !strings.Contains(msg, c.want) {
			t.Errorf("%v: %q does not say %q", c.args, msg, c.want)
		}
	}
	if msg := h.fails("nc_notes_search_notes", map[string]any{"query": "   "}); !strings.Contains(msg, "query is empty") {
		t.Errorf("empty query: %q", msg)
	}
	// Only the capability check may have reached the server.
	for _, r := range h.fake.Requests()[before:] {
		if strings.Contains(r.Path, "/apps/notes/") {
			t.Errorf("invalid input still sent %s %s", r.Method, r.Path)
		}
	}
	if content, _ := h.fake.Note("admin", id); content != "body" {
		t.Errorf("content changed to %q", content)
	}
}

func TestNotesListCategoryAndLimit(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	for i := range 4 {
		h.fake.AddNote("admin", fmt.Sprintf("work %d", i), "w", "Work")
	}
	h.fake.AddNote("admin", "private", "p", "")
	var out NotesListOutput
	h.ok("nc_notes_list_notes", map[string]any{"category": "Work", "limit": 3}, &out)
	if out.Total != 4 || len(out.Notes) != 3 || !out.Truncated {
		t.Fatalf("list %+v", out)
	}
	for _, n := range out.Notes {
		if n.Category != "Work" {
			t.Errorf("note %+v outside the category", n)
		}
	}
	if msg := h.fails("nc_notes_list_notes", map[string]any{"limit": 501}); !strings.Contains(msg, "limit") {
		t.Errorf("limit 501: %q", msg)
	}
}

func TestNotesSearchRanking(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	// Enough notes that the search has to walk more than one chunk.
	for i := range notesPageSize + 20 {
		h.fake.AddNote("admin", fmt.Sprintf("filler %d", i), "nothing to see", "")
	}
	once := h.fake.AddNote("admin", "Ideas", "We could try kubernetes someday.", "")
	twice := h.fake.AddNote("admin", "Ops log", "kubernetes broke; kubernetes fixed.", "Ops")
	title := h.fake.AddNote("admin", "Kubernetes upgrade", "Steps to follow.", "Ops")
	titleTwoTerms := h.fake.AddNote("admin", "Kubernetes upgrade plan", "upgrade kubernetes", "Ops")

	var out NotesSearchOutput
	h.ok("nc_notes_search_notes", map[string]any{"query": "Kubernetes upgrade"}, &out)
	var order []int
	for _, r := range out.Results {
		order = append(order, r.ID)
	}
	want := []int{titleTwoTerms, title, twice, once}
	if fmt.Sprint(order) != fmt.Sprint(want) {
		t.Fatalf("ranking %v, want %v (results %+v)", order, want, out.Results)
	}
	if out.Matches != 4 {
		t.Errorf("matches %d, want 4", out.Matches)
	}
	if s := out.Results[3].Snippet; !strings.Contains(s, "kubernetes") || len([]rune(s)) > 160 {
		t.Errorf("snippet %q", s)
	}
	var pages int
	for _, r := range h.fake.Requests() {
		if strings.HasSuffix(r.Path, "/apps/notes/api/v1/notes") {
			pages++
		}
	}
	if pages < 2 {
		t.Errorf("search made %d list requests; %d notes need more than one chunk", pages, notesPageSize+24)
	}

	var limited NotesSearchOutput
	h.ok("nc_notes_search_notes", map[string]any{"query": "kubernetes", "limit": 1}, &limited)
	if len(limited.Results) != 1 || limited.Matches != 4 {
		t.Errorf("limit 1: %+v", limited)
	}
	var none NotesSearchOutput
	h.ok("nc_notes_search_notes", map[string]any{"query": "zeppelin"}, &none)
	if len(none.Results) != 0 || none.Results == nil {
		t.Errorf("no match: %+v", none)
	}
}

func TestSnippetWindow(t *testing.T) {
	long := strings.Repeat("é", 200) + " Needle " + strings.Repeat("x", 300)
	n := nextcloud.Note{Title: "t", Content: long}
	s := scoreNote(n, searchTerms("needle"))
	if s.contentHits != 1 || !strings.Contains(s.snippet, "Needle") {
		t.Fatalf("snippet %q, hits %d", s.snippet, s.contentHits)
	}
	if !strings.HasPrefix(s.snippet, "…") || !strings.HasSuffix(s.snippet, "…") {
		t.Errorf("a cut window should show … on both ends: %q", s.snippet)
	}
	if n := len([]rune(s.snippet)); n > 160 {
		t.Errorf("snippet is %d runes", n)
	}
}

// A concurrent edit between the read and the write makes the append re-read
// and retry, keeping both changes.
func TestNotesAppendRetriesOnConcurrentChange(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	h := newHarness(t, harnessOpts{fake: fake})
	id := fake.AddNote("admin", "log", "line 1", "")
	// The held PUT must outlast the other device's whole round trip, even on a
	// loaded two-core runner, or the test checks a race instead of the retry.
	fake.AddFault(ncfake.Fault{Method: http.MethodPut, PathPrefix: "/index.php/apps/notes/", Times: 1, Delay: 1500 * time.Millisecond})

	other, err := nextcloud.New(nextcloud.Options{BaseURL: h.url, Credentials: nextcloud.BasicAuth{User: "admin", Password: "admin-app-password"}})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		// Wait until the tool's PUT is held by the fault, then change the note.
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			for _, r := range fake.Requests() {
				if r.Method == http.MethodPut {
					content := "line 1\nline 2 (other device)"
					_, err := other.UpdateNote(context.Background(), id, "", nextcloud.NoteChanges{Content: &content})
					done <- err
					return
				}
			}
			time.Sleep(5 * time.Millisecond)
		}
		done <- fmt.Errorf("the tool never sent its PUT")
	}()
	h.ok("nc_notes_append_content", map[string]any{"note_id": id, "content": "line 3"}, nil)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if content, _ := fake.Note("admin", id); content != "line 1\nline 2 (other device)\nline 3" {
		t.Errorf("content %q, want both changes", content)
	}
}

func TestNotesAppendGivesUpAfterSecondConflict(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	h := newHarness(t, harnessOpts{fake: fake})
	id := fake.AddNote("admin", "log", "line 1", "")
	fake.AddFault(ncfake.Fault{Method: http.MethodPut, PathPrefix: "/index.php/apps/notes/", Times: 2, Status: http.StatusPreconditionFailed, Body: "{}"})
	msg := h.fails("nc_notes_append_content", map[string]any{"note_id": id, "content": "line 2"})
	if !strings.HasPrefix(msg, fmt.Sprintf("Note %d was changed", id)) || !strings.Contains(msg, "412") {
		t.Errorf("error %q", msg)
	}
	puts := 0
	for _, r := range fake.Requests() {
		if r.Method == http.MethodPut {
			puts++
		}
	}
	if puts != 2 {
		t.Errorf("%d PUTs, want the write and one retry", puts)
	}
	if content, _ := fake.Note("admin", id); content != "line 1" {
		t.Errorf("content %q", content)
	}
}

func TestNotesResourceTemplate(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	id := h.fake.AddNote("admin", "r", "# Resource\nbody", "")
	req := mcp.ReadResourceRequest{}
	req.Params.URI = fmt.Sprintf("nc://notes/%d", id)
	res, err := h.client.ReadResource(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Contents) != 1 {
		t.Fatalf("contents %+v", res.Contents)
	}
	tc, ok := res.Contents[0].(mcp.TextResourceContents)
	if !ok || tc.Text != "# Resource\nbody" || tc.MIMEType != "text/markdown" {
		t.Errorf("resource %+v", res.Contents[0])
	}
	req.Params.URI = "nc://notes/999999"
	if _, err := h.client.ReadResource(context.Background(), req); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("missing note resource: %v", err)
	}
}

func TestNotesToolsetHiddenWithoutApp(t *testing.T) {
	h := newHarness(t, harnessOpts{fake: ncfake.New(ncfake.Options{Apps: []string{"files"}})})
	for _, n := range h.toolNames() {
		if strings.HasPrefix(n, "nc_notes_") {
			t.Errorf("%s listed though the server has no Notes app", n)
		}
	}
	// Calling it anyway is refused before any Notes request is sent.
	req := mcp.CallToolRequest{}
	req.Params.Name = "nc_notes_get_note"
	req.Params.Arguments = map[string]any{"note_id": 1}
	res, err := h.client.CallTool(context.Background(), req)
	if err == nil && !res.IsError {
		t.Errorf("hidden tool ran: %s", resultText(res))
	}
	for _, r := range h.fake.Requests() {
		if strings.Contains(r.Path, "/apps/notes/") {
			t.Errorf("hidden tool reached the server: %s %s", r.Method, r.Path)
		}
	}
}
