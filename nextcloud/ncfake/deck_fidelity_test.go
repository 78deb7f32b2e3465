package ncfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// dtShapeDiff compares two JSON values by shape: the key sets of objects
// (recursively) and the first element of arrays. Values, ids and times may
// differ; a null on either side matches anything.
func dtShapeDiff(path string, want, have any) []string {
	if want == nil || have == nil {
		return nil
	}
	switch w := want.(type) {
	case map[string]any:
		h, ok := have.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: recorded an object, fake sent %T", path, have)}
		}
		var diffs []string
		for k := range w {
			if _, ok := h[k]; !ok {
				diffs = append(diffs, fmt.Sprintf("%s: key %q missing", path, k))
			}
		}
		for k := range h {
			if _, ok := w[k]; !ok {
				diffs = append(diffs, fmt.Sprintf("%s: extra key %q", path, k))
			}
		}
		for k, wv := range w {
			if hv, ok := h[k]; ok {
				diffs = append(diffs, dtShapeDiff(path+"."+k, wv, hv)...)
			}
		}
		sort.Strings(diffs)
		return diffs
	case []any:
		h, ok := have.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: recorded an array, fake sent %T", path, have)}
		}
		if len(w) == 0 || len(h) == 0 {
			return nil
		}
		return dtShapeDiff(path+"[0]", w[0], h[0])
	default:
		if fmt.Sprintf("%T", want) != fmt.Sprintf("%T", have) {
			return []string{fmt.Sprintf("%s: recorded %T, fake sent %T", path, want, have)}
		}
	}
	return nil
}

// dtAssertShape replays rec against s and holds the answer to the recording:
// status, content type, the named headers and, for JSON, the body's shape.
func dtAssertShape(t *testing.T, s *Server, rec recording, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	got := replay(t, s, rec)
	assertSameShape(t, rec, got, headers...)
	if mediaType(rec.RespHeader.Get("Content-Type")) != "application/json" || len(bytes.TrimSpace(rec.RespBody)) == 0 {
		if len(bytes.TrimSpace(rec.RespBody)) == 0 && got.Body.Len() != 0 {
			t.Errorf("%s: recorded an empty body, fake sent %q", rec.Name, got.Body.String())
		}
		return got
	}
	var want, have any
	if err := json.Unmarshal(rec.RespBody, &want); err != nil {
		t.Fatalf("%s: recorded body: %v", rec.Name, err)
	}
	if err := json.Unmarshal(got.Body.Bytes(), &have); err != nil {
		t.Fatalf("%s: fake body is not JSON: %v: %s", rec.Name, err, got.Body.String())
	}
	for _, d := range dtShapeDiff("body", want, have) {
		t.Errorf("%s: %s", rec.Name, d)
	}
	return got
}

// dtRecordingNames lists the recordings of an area in order.
func dtRecordingNames(t *testing.T, area string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(recordingsDir(t), area))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".http") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names
}

// TestDeckFidelity replays every deck/ recording, in order, against one
// fake whose id counters start where the recorded server's were, so the
// recorded paths address the fake's objects.
func TestDeckFidelity(t *testing.T) {
	s := New(Options{})
	s.deck.next = deckIDs{board: 5, stack: 8, card: 8, label: 17, acl: 1, assignment: 1, comment: 2}
	names := dtRecordingNames(t, "deck")
	if len(names) != 63 {
		t.Fatalf("found %d deck recordings, want 63", len(names))
	}
	etags := dtETags{}
	for _, name := range names {
		rec := loadRecording(t, "deck", name)
		etags.rewrite(&rec)
		switch {
		case strings.HasPrefix(name, "18-"):
			// The recorded server got a second stack between 17 and 18 without a recording.
			setup := rec
			setup.Method, setup.Target, setup.ReqBody = http.MethodPost, "/index.php/apps/deck/api/v1.0/boards/5/stacks", []byte(`{"title":"Done","order":2}`)
			setup.ReqHeader = rec.ReqHeader.Clone()
			setup.ReqHeader.Set("Content-Type", "application/json")
			if got := replay(t, s, setup); got.Code != http.StatusOK {
				t.Fatalf("setup stack: %d %s", got.Code, got.Body.String())
			}
		case strings.HasPrefix(name, "24-"):
			s.deck.mu.Lock()
			s.deck.next.label = 25
			s.deck.mu.Unlock()
		}
		etags.learn(rec, dtAssertShape(t, s, rec, "ETag"))
	}
}

// dtETags maps recorded ETags to the fake's, learnt from answers, so a
// recorded If-None-Match can be sent with the fake's value.
type dtETags map[string]string

func (m dtETags) learn(rec recording, got *httptest.ResponseRecorder) {
	if w, h := rec.RespHeader.Get("ETag"), got.Header().Get("ETag"); w != "" && h != "" {
		m[w] = h
	}
}

func (m dtETags) rewrite(rec *recording) {
	if v := rec.ReqHeader.Get("If-None-Match"); v != "" && m[v] != "" {
		rec.ReqHeader = rec.ReqHeader.Clone()
		rec.ReqHeader.Set("If-None-Match", m[v])
	}
}

// TestDeckCardMoveAndUpdateStack checks the behaviour the client relies on:
// a PUT moves a card to the stack in its URL, reorder renumbers the target.
func TestDeckCardMoveAndUpdateStack(t *testing.T) {
	s := New(Options{})
	board := s.SeedDeckBoard("admin", "B", "", DeckSeedStack{Title: "To do", Cards: []DeckSeedCard{{Title: "a"}, {Title: "b"}}}, DeckSeedStack{Title: "Done", Cards: []DeckSeedCard{{Title: "c"}}})
	do := func(method, path, body string) (int, string) {
		req := httptest.NewRequest(method, "/index.php/apps/deck/api/v1.0"+path, strings.NewReader(body))
		req.SetBasicAuth("admin", "admin-app-password")
		w := httptest.NewRecorder()
		s.Handler().ServeHTTP(w, req)
		return w.Code, w.Body.String()
	}
	code, body := do("PUT", fmt.Sprintf("/boards/%d/stacks/1/cards/1/reorder", board), `{"order":0,"stackId":2}`)
	if code != 200 || !strings.Contains(body, `"stackId":2`) {
		t.Fatalf("reorder: %d %s", code, body)
	}
	var cards []map[string]any
	_ = json.Unmarshal([]byte(body), &cards)
	if len(cards) != 2 || cards[0]["title"] != "a" || cards[1]["title"] != "c" || cards[1]["order"] != float64(1) {
		t.Errorf("reorder answered %s, want a then c renumbered", body)
	}
	code, body = do("PUT", fmt.Sprintf("/boards/%d/stacks/1/cards/1", board), `{"title":"a2","type":"plain","owner":"admin"}`)
	if code != 200 || !strings.Contains(body, `"stackId":1`) || !strings.Contains(body, `"description":""`) {
		t.Errorf("PUT to stack 1 should move the card back and clear the description: %d %s", code, body)
	}
	code, body = do("PUT", fmt.Sprintf("/boards/%d/stacks/1/cards/1/unassignUser", board), `{"userId":"alice"}`)
	if code != 404 {
		t.Errorf("unassigning a user who is not assigned: %d %s", code, body)
	}
}

func TestDeckAppDisabledAndAuth(t *testing.T) {
	s := New(Options{Apps: []string{"notes"}})
	req := httptest.NewRequest("GET", "/index.php/apps/deck/api/v1.0/boards", nil)
	req.SetBasicAuth("admin", "admin-app-password")
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, req)
	// A disabled app's route is Nextcloud's HTML 404 page (errors/24).
	if w.Code != 404 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") || w.Body.Len() == 0 {
		t.Errorf("disabled Deck: %d %q", w.Code, w.Body.String())
	}
	s = New(Options{})
	req = httptest.NewRequest("GET", "/index.php/apps/deck/api/v1.0/boards", nil)
	req.Header.Set("Authorization", "Bearer x")
	w = httptest.NewRecorder()
	s.Handler().ServeHTTP(w, req)
	if w.Code != 401 || !strings.Contains(w.Body.String(), "CORS requires basic auth") {
		t.Errorf("Bearer on Deck REST: %d %s", w.Code, w.Body.String())
	}
}
