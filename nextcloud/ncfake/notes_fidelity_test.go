package ncfake

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// notesHeaders are the response headers whose presence must match the
// recording exactly: a cursor on the last page, or a missing version header
// on a 401, would mislead a client.
var notesHeaders = []string{"ETag", "Last-Modified", "X-Notes-API-Versions", "X-Notes-Chunk-Cursor", "X-Notes-Chunk-Pending"}

// notesReplay maps the recording's ids, etags and cursors to the fake's as
// the replay goes, so later requests can name what earlier answers returned.
type notesReplay struct {
	t     *testing.T
	s     *Server
	ids   map[int]int       // recorded note id -> fake id
	subst map[string]string // recorded etag/cursor -> fake's
}

func TestNotesFidelity(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(recordingsDir(t), "notes", "*.http"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no notes recordings: %v", err)
	}
	sort.Strings(files)
	s := New(Options{})
	rp := &notesReplay{t: t, s: s, ids: map[int]int{}, subst: map[string]string{}}
	// Notes that existed before the recording started, or were made by
	// setup calls that were not recorded.
	rp.ids[56] = s.AddNote("admin", "smoke-4017-27780", "x", "")
	rp.ids[109] = s.AddNote("admin", "New note", "", "")
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".http")
		if name == "04-create-note-with-modified" {
			rp.ids[195] = s.AddNote("admin", "Golden note B", "B body", "")
		}
		t.Run(name, func(t *testing.T) { rp.step(t, loadRecording(t, "notes", name)) })
	}
}

var notePathID = regexp.MustCompile(`/notes/(\d+)`)

func (rp *notesReplay) step(t *testing.T, rec recording) {
	t.Helper()
	rec.Target = notePathID.ReplaceAllStringFunc(rec.Target, func(m string) string {
		id, _ := strconv.Atoi(strings.TrimPrefix(m, "/notes/"))
		if fake, ok := rp.ids[id]; ok {
			return fmt.Sprintf("/notes/%d", fake)
		}
		return m // a note that never existed (999999) stays missing
	})
	rec.Target = rp.replaceAll(rec.Target)
	if strings.Contains(rec.Target, "pruneBefore=") {
		// The recording pruned with a time in its future; keep it in ours.
		rec.Target = regexp.MustCompile(`pruneBefore=\d+`).ReplaceAllString(rec.Target, fmt.Sprintf("pruneBefore=%d", time.Now().Add(time.Hour).Unix()))
	}
	for _, k := range []string{"If-Match", "If-None-Match"} {
		if v := rec.ReqHeader.Get(k); v != "" {
			rec.ReqHeader.Set(k, rp.replaceAll(v))
		}
	}

	got := replay(t, rp.s, rec)
	assertSameShape(t, rec, got, notesHeaders...)
	for _, k := range notesHeaders {
		if rec.RespHeader.Get(k) == "" && got.Header().Get(k) != "" {
			t.Errorf("header %s = %q, the recording has none", k, got.Header().Get(k))
		}
	}
	if p := rec.RespHeader.Get("X-Notes-Chunk-Pending"); p != "" && got.Header().Get("X-Notes-Chunk-Pending") != p {
		t.Errorf("X-Notes-Chunk-Pending %q, recorded %q", got.Header().Get("X-Notes-Chunk-Pending"), p)
	}
	rp.learnHeader(rec.RespHeader.Get("ETag"), got.Header().Get("ETag"))
	rp.learnHeader(rec.RespHeader.Get("X-Notes-Chunk-Cursor"), got.Header().Get("X-Notes-Chunk-Cursor"))
	if len(bytes.TrimSpace(rec.RespBody)) == 0 {
		if got.Body.Len() != 0 {
			t.Errorf("body %q, recorded none", got.Body.String())
		}
		return
	}
	rp.compareJSON(t, rec.RespBody, got.Body.Bytes())
}

func (rp *notesReplay) replaceAll(s string) string {
	for from, to := range rp.subst {
		s = strings.ReplaceAll(s, from, to)
	}
	return s
}

func (rp *notesReplay) learnHeader(recorded, fake string) {
	recorded, fake = strings.Trim(recorded, `"`), strings.Trim(fake, `"`)
	if recorded != "" && fake != "" {
		rp.subst[recorded] = fake
	}
}

// compareJSON holds a body to the recorded one: same JSON kind, same keys in
// the same order for each object, and for notes the same titles, categories,
// contents and favorites (ids and times differ). Stubs ({"id":N}) must name
// the same set of notes.
func (rp *notesReplay) compareJSON(t *testing.T, recorded, fake []byte) {
	t.Helper()
	var want, have any
	if err := json.Unmarshal(recorded, &want); err != nil {
		t.Fatalf("recorded body: %v", err)
	}
	if err := json.Unmarshal(fake, &have); err != nil {
		t.Fatalf("fake body is not JSON: %v: %s", err, fake)
	}
	switch w := want.(type) {
	case map[string]any:
		h, ok := have.(map[string]any)
		if !ok {
			t.Fatalf("body %s, recorded an object %s", fake, recorded)
		}
		if wk, hk := orderedKeys(t, recorded), orderedKeys(t, fake); !slices.Equal(wk, hk) {
			t.Errorf("keys %v, recorded %v", hk, wk)
		}
		rp.compareNote(t, w, h)
	case []any:
		h, ok := have.([]any)
		if !ok {
			t.Fatalf("body %s, recorded an array", fake)
		}
		if len(h) != len(w) {
			t.Fatalf("%d entries, recorded %d: %s", len(h), len(w), fake)
		}
		var wantStubs, haveStubs []int
		for i := range w {
			wm, _ := w[i].(map[string]any)
			hm, _ := h[i].(map[string]any)
			if len(wm) == 1 {
				wantStubs = append(wantStubs, rp.ids[int(wm["id"].(float64))])
				if len(hm) != 1 {
					t.Errorf("entry %d is %v, recorded an id-only stub", i, hm)
					continue
				}
				haveStubs = append(haveStubs, int(hm["id"].(float64)))
				continue
			}
			if len(wm) != len(hm) {
				t.Errorf("entry %d has keys %v, recorded %v", i, keysOf(hm), keysOf(wm))
			}
			rp.compareNote(t, wm, hm)
		}
		sort.Ints(wantStubs)
		sort.Ints(haveStubs)
		if !slices.Equal(wantStubs, haveStubs) {
			t.Errorf("stubs name notes %v, recorded (mapped) %v", haveStubs, wantStubs)
		}
	}
}

// compareNote checks the user-visible fields of a note and learns the
// recorded id and etag of the fake's note.
func (rp *notesReplay) compareNote(t *testing.T, want, have map[string]any) {
	t.Helper()
	if _, isNote := want["title"]; !isNote {
		for k, v := range want {
			if fmt.Sprint(have[k]) != fmt.Sprint(v) {
				t.Errorf("%s = %v, recorded %v", k, have[k], v)
			}
		}
		return
	}
	for _, k := range []string{"title", "category", "content", "favorite", "readonly"} {
		if fmt.Sprint(have[k]) != fmt.Sprint(want[k]) {
			t.Errorf("note %v: %s = %q, recorded %q", want["id"], k, fmt.Sprint(have[k]), fmt.Sprint(want[k]))
		}
	}
	if want["modified"] == float64(1700000000) && have["modified"] != want["modified"] {
		t.Errorf("modified %v, the request set %v", have["modified"], want["modified"])
	}
	rid, fid := int(want["id"].(float64)), int(have["id"].(float64))
	if mapped, ok := rp.ids[rid]; ok && mapped != fid {
		t.Errorf("note id %d, expected the fake's %d for recorded %d", fid, mapped, rid)
	}
	rp.ids[rid] = fid
	if we, ok := want["etag"].(string); ok {
		he, _ := have["etag"].(string)
		if len(he) != 32 || strings.Contains(he, `"`) {
			t.Errorf("etag %q is not an unquoted 32-hex md5", he)
		}
		rp.subst[we] = he
	}
}

func orderedKeys(t *testing.T, body []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

func keysOf(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestNotesBearerRefused holds the fake to oauth2/15: Notes answers Bearer
// with 401 "CORS requires basic auth".
func TestNotesBearerRefused(t *testing.T) {
	s := New(Options{})
	s.SetBearerValidator(func(_ context.Context, tok string) (string, bool) { return "alice", tok == "<access-token>" })
	rec := loadRecording(t, "oauth2", "15-bearer-notes-api")
	got := replay(t, s, rec)
	assertSameShape(t, rec, got, "Content-Type")
	if got.Header().Get("X-Notes-API-Versions") != "" {
		t.Error("the 401 carries X-Notes-API-Versions; the recording has none")
	}
	if strings.TrimSpace(got.Body.String()) != strings.TrimSpace(string(rec.RespBody)) {
		t.Errorf("body %s, recorded %s", got.Body.String(), rec.RespBody)
	}
}

// TestNotesAppDisabled holds a fake without Notes to errors/24: an index.php
// route no app serves is a 404 HTML page.
func TestNotesAppDisabled(t *testing.T) {
	s := New(Options{Apps: []string{"files"}})
	rec := loadRecording(t, "errors", "24-index-php-unknown-app-route")
	rec.Target = "/index.php/apps/notes/api/v1/notes"
	got := replay(t, s, rec)
	assertSameShape(t, rec, got)
	if got.Header().Get("X-Notes-API-Versions") != "" {
		t.Error("a disabled Notes app must not answer with its version header")
	}
}

// TestNotesChunkPagingSeesEveryNote pages with a small chunk size and checks
// that every note comes exactly once, and that the last page stubs the rest.
func TestNotesChunkPagingSeesEveryNote(t *testing.T) {
	s := New(Options{})
	want := map[int]bool{}
	for i := range 7 {
		want[s.AddNote("admin", fmt.Sprintf("n%d", i), "body", "")] = true
	}
	s.AddNote("alice", "not admin's", "", "")
	seen := map[int]bool{}
	cursor := ""
	for page := 0; ; page++ {
		if page > 10 {
			t.Fatal("paging does not end")
		}
		target := "/index.php/apps/notes/api/v1/notes?chunkSize=3&exclude=content"
		if cursor != "" {
			target += "&chunkCursor=" + cursor
		}
		req := httptest.NewRequest(http.MethodGet, target, nil)
		req.SetBasicAuth("admin", "admin-app-password")
		w := httptest.NewRecorder()
		s.Handler().ServeHTTP(w, req)
		var entries []map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &entries); err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			id := int(e["id"].(float64))
			if _, full := e["title"]; full {
				if seen[id] {
					t.Errorf("note %d sent twice", id)
				}
				seen[id] = true
				if _, hasContent := e["content"]; hasContent {
					t.Error("exclude=content still sent content")
				}
			} else if !want[id] {
				t.Errorf("stub for unknown note %d", id)
			}
		}
		cursor = w.Header().Get("X-Notes-Chunk-Cursor")
		if cursor == "" {
			break
		}
	}
	if len(seen) != len(want) {
		t.Errorf("saw %d notes, want %d", len(seen), len(want))
	}
	if content, ok := s.Note("admin", 0); ok || content != "" {
		t.Error("Note reports a note that does not exist")
	}
}
