package ncfake

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

// TestFormsFidelity replays every forms/ recording in order against one
// fake with the recorded id counters and holds each answer to the recording:
// status, type, shape and values apart from times and the random share hash.
func TestFormsFidelity(t *testing.T) {
	names := dtRecordingNames(t, "forms")
	if len(names) != 24 {
		t.Fatalf("found %d forms recordings, want 24", len(names))
	}
	s := New(Options{})
	s.forms.next.form = 2
	stamp := regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00`)
	for _, name := range names {
		rec := loadRecording(t, "forms", name)
		got := dtAssertShape(t, s, rec, "Content-Disposition")
		if strings.HasPrefix(name, "18-") {
			// The CSV export: BOM, every field quoted, ISO 8601 times.
			have := stamp.ReplaceAll(got.Body.Bytes(), []byte("T"))
			want := stamp.ReplaceAll(rec.RespBody, []byte("T"))
			if !bytes.Equal(have, want) {
				t.Errorf("%s: csv\n%q\nrecorded\n%q", name, have, want)
			}
			if got.Header().Get("Content-Disposition") != rec.RespHeader.Get("Content-Disposition") {
				t.Errorf("%s: Content-Disposition %q", name, got.Header().Get("Content-Disposition"))
			}
			continue
		}
		if !sameJSONExcept(got.Body.Bytes(), rec.RespBody, "created", "lastUpdated", "timestamp", "hash") {
			t.Errorf("%s: body\n %s\nrecorded\n %s", name, got.Body.String(), rec.RespBody)
		}
	}
}
