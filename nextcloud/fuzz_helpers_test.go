package nextcloud

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The fuzz targets feed untrusted bytes to the parsers the way a hostile or
// broken server would: as the body of an answer. Their seeds are the bodies
// the recordings of a real Nextcloud hold (when ../shared is there) plus the
// corpus checked in under testdata/fuzz, so a fresh clone has seeds too.
// Without -fuzz, `go test` runs every seed as an ordinary test.

// recordingBodies returns the request and response bodies of the recordings
// of an area that contain want, largest last. It returns nothing when the
// recordings are absent: seeding is a bonus, the checked-in corpus suffices.
func recordingBodies(area, want string) [][]byte {
	dir := os.Getenv("NEXTCLOUD_API_RECORDINGS")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "nextcloud-api")
	}
	files, _ := filepath.Glob(filepath.Join(dir, area, "*.http"))
	var out [][]byte
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		req, resp, _ := bytes.Cut(raw, []byte("\n### response\n"))
		for _, part := range [][]byte{req, resp} {
			_, body, _ := bytes.Cut(part, []byte("\n\n"))
			if len(body) > 0 && len(body) <= 64<<10 && bytes.Contains(body, []byte(want)) {
				out = append(out, body)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i]) < len(out[j]) })
	return out
}

// scripted answers every request with the same status and body, as a
// server under the fuzzer's control.
type scripted struct {
	status int
	header http.Header
	body   []byte
}

func (s scripted) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		_ = r.Body.Close()
	}
	h := s.header.Clone()
	if h == nil {
		h = http.Header{}
	}
	return &http.Response{
		StatusCode: s.status, Header: h, Request: r,
		Body: io.NopCloser(bytes.NewReader(s.body)), ContentLength: int64(len(s.body)),
	}, nil
}

// fuzzClient is a client whose server answers everything with body. The DAV
// principal and homes are known already, so every request reaches the
// parser under test instead of failing in discovery.
func fuzzClient(tb testing.TB, status int, contentType string, body []byte) *Client {
	tb.Helper()
	c, err := New(Options{
		BaseURL:     "https://cloud.example.com/nc",
		Credentials: BasicAuth{User: "admin", Password: "pw"},
		Retry:       RetryPolicy{MaxAttempts: 1, LockedMaxAttempts: 1},
		Timeout:     5 * time.Second,
		MaxBody:     1 << 20,
		HTTPClient:  &http.Client{Transport: scripted{status: status, header: http.Header{"Content-Type": {contentType}}, body: body}},
	})
	if err != nil {
		tb.Fatal(err)
	}
	c.principal = "/remote.php/dav/principals/users/admin/"
	c.davHomes = davHomes{found: true, homes: DAVHomes{
		Principal:    c.principal,
		Calendars:    "/remote.php/dav/calendars/admin/",
		AddressBooks: "/remote.php/dav/addressbooks/users/admin/",
	}}
	return c
}

// noDotSegments fails when a path a parser produced could climb out.
func noDotSegments(t *testing.T, what, p string) {
	t.Helper()
	for _, seg := range strings.Split(p, "/") {
		if seg == ".." {
			t.Errorf("%s %q holds a '..' segment", what, p)
		}
	}
}

func fuzzCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestWriteRecordingSeeds copies small recorded bodies into testdata/fuzz,
// so a fresh clone (without ../shared) fuzzes from real server answers too.
// It runs only on request:
//
//	FUZZ_WRITE_SEEDS=1 go test ./nextcloud -run TestWriteRecordingSeeds
func TestWriteRecordingSeeds(t *testing.T) {
	if os.Getenv("FUZZ_WRITE_SEEDS") != "1" {
		t.Skip("set FUZZ_WRITE_SEEDS=1 to rewrite the recorded seeds in testdata/fuzz")
	}
	write := func(target, name string, values ...string) {
		dir := filepath.Join("testdata", "fuzz", target)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		data := "go test fuzz v1\n" + strings.Join(values, "\n") + "\n"
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	const perTarget = 6
	seeds := []struct {
		target, area, want string
		status             bool
	}{
		{"FuzzICalendar", "caldav", "BEGIN:VCALENDAR", false},
		{"FuzzVCard", "carddav", "BEGIN:VCARD", false},
		{"FuzzMultistatus", "webdav", "multistatus>", false},
		{"FuzzMultistatus", "caldav", "multistatus>", false},
		{"FuzzMultistatus", "carddav", "multistatus>", false},
		{"FuzzOCSEnvelope", "sharing", `"ocs"`, true},
		{"FuzzOCSEnvelope", "talk", `"ocs"`, true},
		{"FuzzOCSEnvelope", "ocs", `"ocs"`, true},
		{"FuzzNotesJSON", "notes", `"id"`, false},
		{"FuzzDeckJSON", "deck", `"id"`, false},
	}
	for _, s := range seeds {
		bodies := recordingBodies(s.area, s.want)
		if len(bodies) == 0 {
			t.Fatalf("no recordings for %s in %s", s.want, s.area)
		}
		for i, b := range bodies[:min(perTarget, len(bodies))] {
			vals := []string{"[]byte(" + strconv.Quote(string(b)) + ")"}
			if s.status {
				vals = append([]string{"int(200)"}, vals...)
			}
			write(s.target, fmt.Sprintf("recorded-%s-%d", s.area, i), vals...)
		}
	}
}
