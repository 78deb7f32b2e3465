package ncfake

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// recording is one exchange from shared/nextcloud-api (see its README for the format).
type recording struct {
	Name       string
	Method     string
	Target     string // path?query
	ReqHeader  http.Header
	ReqBody    []byte
	Status     int
	RespHeader http.Header
	RespBody   []byte
}

// recordingsDir finds the recordings: $NEXTCLOUD_API_RECORDINGS, else
// ../shared/nextcloud-api beside the checkout. A fresh clone has neither, so
// the fidelity tests skip there with the reason, except under CI=true, where
// a missing directory fails.
func recordingsDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("NEXTCLOUD_API_RECORDINGS"); d != "" {
		return d
	}
	d, _ := filepath.Abs(filepath.Join("..", "..", "..", "shared", "nextcloud-api"))
	if _, err := os.Stat(d); err == nil {
		return d
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("recordings not found at %s and NEXTCLOUD_API_RECORDINGS unset: CI must run the fidelity tests", d)
	}
	t.Skipf("recordings not found at %s (a fresh clone has no ../shared): set NEXTCLOUD_API_RECORDINGS to run the fidelity tests", d)
	return ""
}

// loadRecording parses <dir>/<area>/<file>.http; file may omit ".http".
func loadRecording(t testing.TB, area, file string) recording {
	t.Helper()
	if !strings.HasSuffix(file, ".http") {
		file += ".http"
	}
	raw, err := os.ReadFile(filepath.Join(recordingsDir(t), area, file))
	if err != nil {
		t.Fatalf("read recording: %v", err)
	}
	req, resp, ok := bytes.Cut(raw, []byte("\n### response\n"))
	if !ok {
		t.Fatalf("%s/%s: no response separator", area, file)
	}
	rec := recording{Name: area + "/" + file}
	reqHead, reqBody, _ := bytes.Cut(req, []byte("\n\n"))
	lines := strings.Split(string(reqHead), "\n")
	f := strings.Fields(lines[0])
	if len(f) < 2 {
		t.Fatalf("%s: bad request line %q", rec.Name, lines[0])
	}
	rec.Method, rec.Target = f[0], f[1]
	rec.ReqHeader = parseHeaderLines(lines[1:])
	rec.ReqBody = reqBody
	respHead, respBody, _ := bytes.Cut(resp, []byte("\n\n"))
	lines = strings.Split(string(respHead), "\n")
	f = strings.Fields(lines[0])
	if len(f) < 2 {
		t.Fatalf("%s: bad status line %q", rec.Name, lines[0])
	}
	rec.Status, _ = strconv.Atoi(f[1])
	rec.RespHeader = parseHeaderLines(lines[1:])
	rec.RespBody = respBody
	return rec
}

func parseHeaderLines(lines []string) http.Header {
	h := http.Header{}
	for _, l := range lines {
		k, v, ok := strings.Cut(l, ":")
		if ok {
			h.Add(strings.TrimSpace(k), strings.TrimSpace(v))
		}
	}
	return h
}

// credentialsFor maps the README's placeholders to the fake's real credentials.
var credentialsFor = map[string][2]string{
	"Basic <admin:app-password>":   {"admin", "admin-app-password"},
	"Basic <alice:password>":       {"alice", "alice"},
	"Basic <alice:wrong-password>": {"alice", "not-the-password"},
	"Basic <alice:app-password>":   {"alice", "alice-app-password"},
}

// replay sends the recorded request to the fake and returns the recorder.
// Placeholder credentials become the fake's; header lines are sent as recorded.
func replay(t testing.TB, s *Server, rec recording) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(rec.Method, rec.Target, bytes.NewReader(rec.ReqBody))
	for k, vs := range rec.ReqHeader {
		if k == "Host" {
			continue
		}
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if a := rec.ReqHeader.Get("Authorization"); a != "" {
		if c, ok := credentialsFor[a]; ok {
			req.Header.Del("Authorization")
			req.SetBasicAuth(c[0], c[1])
		}
	}
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, req)
	return w
}

// assertSameShape checks status, the content type family, and that each
// recorded response header named in keys is present.
func assertSameShape(t testing.TB, rec recording, got *httptest.ResponseRecorder, keys ...string) {
	t.Helper()
	if got.Code != rec.Status {
		t.Errorf("%s: status %d, recorded %d; body: %s", rec.Name, got.Code, rec.Status, got.Body.String())
	}
	wantCT := mediaType(rec.RespHeader.Get("Content-Type"))
	if gotCT := mediaType(got.Header().Get("Content-Type")); wantCT != "" && wantCT != gotCT {
		t.Errorf("%s: content type %q, recorded %q", rec.Name, gotCT, wantCT)
	}
	for _, k := range keys {
		if rec.RespHeader.Get(k) != "" && got.Header().Get(k) == "" {
			t.Errorf("%s: header %s missing (recorded %q)", rec.Name, k, rec.RespHeader.Get(k))
		}
	}
}

func mediaType(ct string) string {
	mt, _, _ := strings.Cut(ct, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}
