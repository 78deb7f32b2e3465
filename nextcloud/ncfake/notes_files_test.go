package ncfake

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
)

// notesCall sends one Notes API request as user and decodes the JSON answer.
func notesCall(t *testing.T, ts *httptest.Server, user, method, path string, body any) (int, map[string]any) {
	t.Helper()
	var rd *bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, _ := http.NewRequest(method, ts.URL+"/index.php/apps/notes/api/v1"+path, rd)
	req.SetBasicAuth(user, user+"-app-password")
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

// TestNotesAreFiles: a note is a file in the Notes folder with the note's
// id; renames, moves and deletes through the Notes API reach the file.
func TestNotesAreFiles(t *testing.T) {
	s := New(Options{})
	ts := s.Start()
	defer ts.Close()
	id := s.AddNote("admin", "Plan", "# Plan\nsteps", "Work")
	st, err := s.StatFile("admin", "/Notes/Work/Plan.md")
	if err != nil || st.ID != int64(id) {
		t.Fatalf("note file: %+v %v (note id %d)", st, err, id)
	}
	if b, _ := s.ReadFile("admin", "/Notes/Work/Plan.md"); string(b) != "# Plan\nsteps" {
		t.Fatalf("note file content %q", b)
	}
	// A file id taken by a file is never a note's, and back.
	_ = s.PutFile("admin", "/x.txt", []byte("x"))
	if x, _ := s.StatFile("admin", "/x.txt"); x.ID == int64(id) || x.ID == int64(s.AddNote("admin", "n2", "", "")) {
		t.Fatalf("file and note share an id: %d", x.ID)
	}

	code, n := notesCall(t, ts, "admin", http.MethodPut, "/notes/"+strconv.Itoa(id), map[string]any{"title": "Plan B", "category": "Archive", "content": "moved"})
	if code != http.StatusOK || n["internalPath"] != "/Notes/Archive/Plan B.md" {
		t.Fatalf("update: %d %v", code, n)
	}
	if _, err := s.StatFile("admin", "/Notes/Work"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("empty category folder kept: %v", err)
	}
	if st, err := s.StatFile("admin", "/Notes/Archive/Plan B.md"); err != nil || st.ID != int64(id) {
		t.Fatalf("moved note file: %+v %v", st, err)
	}
	if b, _ := s.ReadFile("admin", "/Notes/Archive/Plan B.md"); string(b) != "moved" {
		t.Fatalf("content after update %q", b)
	}

	if code, _ := notesCall(t, ts, "admin", http.MethodDelete, "/notes/"+strconv.Itoa(id), nil); code != http.StatusOK {
		t.Fatalf("delete: %d", code)
	}
	trash := s.Trash("admin")
	if len(trash) != 1 || trash[0].OriginalPath != "/Notes/Archive/Plan B.md" {
		t.Fatalf("deleted note not in the trash bin: %+v", trash)
	}
}

// TestNoteTitleIsAFileName: titles become file names as Notes makes them.
func TestNoteTitleIsAFileName(t *testing.T) {
	s := New(Options{})
	ts := s.Start()
	defer ts.Close()
	long := strings.Repeat("é", 150)
	for title, want := range map[string]string{
		`a/b:c*d?"<>|\`: "abcd",
		"..hidden":      "hidden",
		"first\nsecond": "first",
		"tab\there":     "tab here",
		long:            strings.Repeat("é", 100),
		"   ":           "New note",
	} {
		code, n := notesCall(t, ts, "admin", http.MethodPost, "/notes", map[string]any{"title": title, "content": "x"})
		if code != http.StatusOK || n["title"] != want || n["internalPath"] != "/Notes/"+want+".md" {
			t.Errorf("title %q: %d %v", title, code, n)
		}
	}
	_, n := notesCall(t, ts, "admin", http.MethodPost, "/notes", map[string]any{"title": long, "content": "x"})
	if got := n["title"].(string); got != strings.Repeat("é", 96)+" (2)" {
		t.Errorf("second long title = %q", got)
	}
	_, n = notesCall(t, ts, "admin", http.MethodPost, "/notes", map[string]any{"title": "c", "category": "../a//b:", "content": "x"})
	if n["category"] != "a/b" || n["internalPath"] != "/Notes/a/b/c.md" {
		t.Errorf("category: %v", n)
	}
}

// TestShareNote: alice's shared note is in admin's Notes with the same id,
// at admin's path, and the file there is alice's.
func TestShareNote(t *testing.T) {
	s := New(Options{})
	ts := s.Start()
	defer ts.Close()
	id := s.AddNote("alice", "Team plan", "from alice", "Shared")
	s.AddNote("alice", "Private", "not shared", "")
	if err := s.ShareNote("alice", id, "admin"); err != nil {
		t.Fatal(err)
	}
	if err := s.ShareNote("alice", id, "admin"); err == nil {
		t.Error("sharing twice was accepted")
	}
	code, n := notesCall(t, ts, "admin", http.MethodGet, "/notes/"+strconv.Itoa(id), nil)
	if code != http.StatusOK || n["content"] != "from alice" || n["internalPath"] != "/Notes/Shared/Team plan.md" || n["isShared"] != true {
		t.Fatalf("admin reads the shared note: %d %v", code, n)
	}
	if _, own := notesCall(t, ts, "alice", http.MethodGet, "/notes/"+strconv.Itoa(id), nil); own["isShared"] != true {
		t.Errorf("alice's note does not say it is shared: %v", own)
	}
	s.files.mu.Lock()
	m := s.files.homes["admin"].meta["/Notes/Shared/Team plan.md"]
	s.files.mu.Unlock()
	if m == nil || m.id != int64(id) || m.share == nil || m.share.owner != "alice" || !m.share.root {
		t.Fatalf("admin's file of the shared note: %+v", m)
	}

	// A category folder shared: every note in it, owned by alice, not shared one by one.
	other := s.AddNote("alice", "Roadmap", "later", "Team/2027")
	if err := s.ShareNoteCategory("alice", "Team", "bob"); err == nil {
		t.Error("shared with an unknown user's files")
	}
	if err := s.ShareNoteCategory("alice", "Team", "admin"); err != nil {
		t.Fatal(err)
	}
	_, n = notesCall(t, ts, "admin", http.MethodGet, "/notes/"+strconv.Itoa(other), nil)
	if n["internalPath"] != "/Notes/Team/2027/Roadmap.md" || n["category"] != "Team/2027" || n["isShared"] != false {
		t.Fatalf("note in a shared category: %v", n)
	}
	s.files.mu.Lock()
	m = s.files.homes["admin"].meta["/Notes/Team/2027/Roadmap.md"]
	root := s.files.homes["admin"].meta["/Notes/Team"]
	s.files.mu.Unlock()
	if m == nil || m.share == nil || m.share.owner != "alice" || m.share.root || root == nil || root.share == nil || !root.share.root {
		t.Fatalf("files of the shared category: %+v / %+v", m, root)
	}
	// admin deletes the shared note: it leaves admin's notes, not alice's.
	if code, _ := notesCall(t, ts, "admin", http.MethodDelete, "/notes/"+strconv.Itoa(id), nil); code != http.StatusOK {
		t.Fatal("delete")
	}
	if code, _ := notesCall(t, ts, "alice", http.MethodGet, "/notes/"+strconv.Itoa(id), nil); code != http.StatusOK {
		t.Errorf("alice lost her note: %d", code)
	}
	if len(s.Trash("admin")) != 0 {
		t.Errorf("a share left in admin's trash bin: %+v", s.Trash("admin"))
	}
}
