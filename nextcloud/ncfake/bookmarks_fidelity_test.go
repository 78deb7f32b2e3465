package ncfake

import (
	"net/http"
	"strings"
	"testing"
)

// TestBookmarksFidelity replays every bookmarks/ recording in order against
// one fake with a pinned clock and the recorded id counters, and holds each
// answer to the recording: status, type, shape and values (the subtree hash
// aside, which depends on the server's data layout).
func TestBookmarksFidelity(t *testing.T) {
	names := dtRecordingNames(t, "bookmarks")
	if len(names) != 25 {
		t.Fatalf("found %d bookmarks recordings, want 25", len(names))
	}
	s := New(Options{})
	now := int64(1796340813)
	s.bookmarks.now = func() int64 { return now }
	s.bookmarks.next = bookmarkIDs{bookmark: 7, folder: 8}
	admin := func(method, target, body string) {
		t.Helper()
		rec := recording{Name: "setup", Method: method, Target: target, ReqBody: []byte(body),
			ReqHeader: http.Header{"Authorization": {"Basic <admin:app-password>"}, "Content-Type": {"application/json"}}}
		if got := replay(t, s, rec); got.Code != http.StatusOK {
			t.Fatalf("setup %s %s: %d %s", method, target, got.Code, got.Body.String())
		}
	}
	for _, name := range names {
		rec := loadRecording(t, "bookmarks", name)
		switch {
		case strings.HasPrefix(name, "02-"):
			// Folder 9 ("Go" in "Reading") was made without a recording.
			admin(http.MethodPost, bookmarksBase+"/folder", `{"title":"Go","parent_folder":8}`)
		case strings.HasPrefix(name, "04-"):
			// So was bookmark 9, between 03 and 04: folder 8 lists it before 7 (17).
			admin(http.MethodPost, bookmarksBase+"/bookmark", `{"url":"http://127.0.0.1:8099/pages/article-3.html","tags":["go"],"folders":[8]}`)
		case strings.HasPrefix(name, "06-"):
			now++
		}
		got := dtAssertShape(t, s, rec)
		skip := []string{}
		if strings.HasPrefix(name, "18-") {
			skip = append(skip, "data")
		}
		if !sameJSONExcept(got.Body.Bytes(), rec.RespBody, skip...) {
			t.Errorf("%s: body\n %s\nrecorded\n %s", name, got.Body.String(), rec.RespBody)
		}
	}
}
