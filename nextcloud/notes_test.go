package nextcloud_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// newFakeClient starts a fake and returns a client signed in as admin.
func newFakeClient(t *testing.T, fake *ncfake.Server) *nextcloud.Client {
	t.Helper()
	ts := fake.Start()
	t.Cleanup(ts.Close)
	c, err := nextcloud.New(nextcloud.Options{
		BaseURL:     ts.URL,
		Credentials: nextcloud.BasicAuth{User: "admin", Password: "admin-app-password"},
		Version:     "test",
		Retry:       fastRetry(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func strp(s string) *string { return &s }

func TestNotesCreateGetUpdate(t *testing.T) {
	ctx := context.Background()
	fake := ncfake.New(ncfake.Options{})
	c := newFakeClient(t, fake)

	n, err := c.CreateNote(ctx, nextcloud.NoteInput{Title: "Groceries", Content: "milk", Category: "Home"})
	if err != nil {
		t.Fatal(err)
	}
	if n.ID == 0 || n.Title != "Groceries" || n.Category != "Home" || len(n.ETag) != 32 {
		t.Fatalf("created %+v", n)
	}
	dup, err := c.CreateNote(ctx, nextcloud.NoteInput{Title: "Groceries", Category: "Home"})
	if err != nil {
		t.Fatal(err)
	}
	if dup.Title != "Groceries (2)" {
		t.Errorf("duplicate title became %q, want %q", dup.Title, "Groceries (2)")
	}

	got, err := c.GetNote(ctx, n.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Content != "milk" || got.ETag != n.ETag {
		t.Fatalf("get %+v", got)
	}

	up, err := c.UpdateNote(ctx, n.ID, n.ETag, nextcloud.NoteChanges{Content: strp("milk\neggs")})
	if err != nil {
		t.Fatalf("update with the current etag: %v", err)
	}
	if up.ETag == n.ETag || up.Content != "milk\neggs" {
		t.Fatalf("update %+v", up)
	}
	// The If-Match sent must be the quoted form, or Notes answers 412.
	var ifMatch string
	for _, r := range fake.Requests() {
		if r.Method == http.MethodPut {
			ifMatch = r.Header.Get("If-Match")
		}
	}
	if ifMatch != `"`+n.ETag+`"` {
		t.Errorf("If-Match %q, want the quoted etag", ifMatch)
	}

	// The old etag is stale now: 412, the current etag reported, nothing written.
	_, err = c.UpdateNote(ctx, n.ID, n.ETag, nextcloud.NoteChanges{Content: strp("overwrite")})
	if !errors.Is(err, nextcloud.ErrPreconditionFailed) {
		t.Fatalf("stale update: %v, want ErrPreconditionFailed", err)
	}
	var ne *nextcloud.Error
	if !errors.As(err, &ne) || ne.ETag != up.ETag {
		t.Errorf("412 reports etag %q, want the current %q", ne.ETag, up.ETag)
	}
	if content, _ := fake.Note("admin", n.ID); content != "milk\neggs" {
		t.Errorf("stale update wrote %q", content)
	}

	// An already quoted etag is accepted too.
	if _, err := c.UpdateNote(ctx, n.ID, `"`+up.ETag+`"`, nextcloud.NoteChanges{Title: strp("Shopping"), Category: strp("")}); err != nil {
		t.Fatalf("update with quoted etag: %v", err)
	}
	moved, err := c.GetNote(ctx, n.ID)
	if err != nil {
		t.Fatal(err)
	}
	if moved.Title != "Shopping" || moved.Category != "" || moved.Content != "milk\neggs" {
		t.Errorf("rename and move gave %+v", moved)
	}
}

func TestNotesDeleteAndNotFound(t *testing.T) {
	ctx := context.Background()
	fake := ncfake.New(ncfake.Options{})
	c := newFakeClient(t, fake)
	id := fake.AddNote("admin", "temp", "x", "")
	if err := c.DeleteNote(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, ok := fake.Note("admin", id); ok {
		t.Error("note still there after delete")
	}
	for name, err := range map[string]error{
		"get":    func() error { _, err := c.GetNote(ctx, id); return err }(),
		"delete": c.DeleteNote(ctx, id),
		"update": func() error {
			_, err := c.UpdateNote(ctx, id, "", nextcloud.NoteChanges{Content: strp("x")})
			return err
		}(),
	} {
		if !errors.Is(err, nextcloud.ErrNotFound) || errors.Is(err, nextcloud.ErrAppMissing) {
			t.Errorf("%s of a deleted note: %v, want ErrNotFound (and not app missing)", name, err)
		}
	}
	// Another user's note is not visible either.
	other := fake.AddNote("alice", "private", "secret", "")
	if _, err := c.GetNote(ctx, other); !errors.Is(err, nextcloud.ErrNotFound) {
		t.Errorf("alice's note as admin: %v, want ErrNotFound", err)
	}
}

func TestNotesListChunksAndFilters(t *testing.T) {
	ctx := context.Background()
	fake := ncfake.New(ncfake.Options{})
	c := newFakeClient(t, fake)
	for i := range 5 {
		fake.AddNote("admin", fmt.Sprintf("work %d", i), "content", "Work")
	}
	fake.AddNote("admin", "home", "content", "")

	all, err := c.ListNotes(ctx, nextcloud.NotesListOptions{ChunkSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 6 {
		t.Fatalf("listed %d notes in chunks of 2, want 6", len(all))
	}
	pages := 0
	for _, r := range fake.Requests() {
		if strings.HasSuffix(r.Path, "/api/v1/notes") {
			pages++
		}
	}
	if pages != 3 {
		t.Errorf("%d list requests, want 3 pages of 2", pages)
	}

	work, err := c.ListNotes(ctx, nextcloud.NotesListOptions{Category: strp("Work"), MetadataOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(work) != 5 {
		t.Errorf("category Work: %d notes, want 5", len(work))
	}
	for _, n := range work {
		if n.Content != "" || n.ETag == "" || n.Category != "Work" {
			t.Errorf("metadata-only entry %+v", n)
		}
	}

	first, err := c.ListNotesPage(ctx, nextcloud.NotesListOptions{ChunkSize: 4})
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Notes) != 4 || first.Cursor == "" || first.Pending != 2 {
		t.Errorf("first page: %d notes, cursor %q, pending %d", len(first.Notes), first.Cursor, first.Pending)
	}
	last, err := c.ListNotesPage(ctx, nextcloud.NotesListOptions{ChunkSize: 4, ChunkCursor: first.Cursor})
	if err != nil {
		t.Fatal(err)
	}
	if len(last.Notes) != 2 || last.Cursor != "" || len(last.StubIDs) != 4 {
		t.Errorf("last page: %d notes, cursor %q, %d stubs", len(last.Notes), last.Cursor, len(last.StubIDs))
	}
}

func TestNotesSettings(t *testing.T) {
	ctx := context.Background()
	c := newFakeClient(t, ncfake.New(ncfake.Options{}))
	s, err := c.NotesSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if s.NotesPath != "Notes" || s.FileSuffix != ".md" {
		t.Errorf("settings %+v", s)
	}
	s, err = c.UpdateNotesSettings(ctx, nextcloud.NotesSettings{FileSuffix: ".txt"})
	if err != nil {
		t.Fatal(err)
	}
	if s.FileSuffix != ".txt" || s.NotesPath != "Notes" {
		t.Errorf("after update %+v", s)
	}
}

func TestNotesAppMissing(t *testing.T) {
	c := newFakeClient(t, ncfake.New(ncfake.Options{Apps: []string{"files"}}))
	_, err := c.GetNote(context.Background(), 1)
	if !errors.Is(err, nextcloud.ErrAppMissing) {
		t.Fatalf("notes app missing: %v, want ErrAppMissing", err)
	}
	if !strings.Contains(err.Error(), "Notes app") {
		t.Errorf("error %q does not name the Notes app", err)
	}
}

type staticToken string

func (s staticToken) AccessToken(context.Context) (string, error) { return string(s), nil }

// Notes refuses Bearer, so an OAuth client must send the token as the Basic password.
func TestNotesWithOAuthTokenUsesBasic(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	fake.SetBearerValidator(func(_ context.Context, tok string) (string, bool) { return "alice", tok == "tok-123" })
	fake.AddNote("alice", "hers", "x", "")
	ts := fake.Start()
	defer ts.Close()
	c, err := nextcloud.New(nextcloud.Options{BaseURL: ts.URL, Credentials: nextcloud.BearerAuth{User: "alice", Tokens: staticToken("tok-123")}})
	if err != nil {
		t.Fatal(err)
	}
	notes, err := c.ListNotes(context.Background(), nextcloud.NotesListOptions{})
	if err != nil {
		t.Fatalf("list with OAuth token: %v", err)
	}
	if len(notes) != 1 || notes[0].Title != "hers" {
		t.Errorf("listed %+v", notes)
	}
}
