package ncfake

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestSameSecondETagFidelity replays webdav-etag/: within one second an
// overwrite keeps the ETag, so a stale If-Match is accepted and the newer
// content is lost (01-05); a later X-OC-Mtime gives a new ETag and the stale
// write is refused (06-09). The fake's clock is frozen at the recorded
// second, so every write lands in it, as on the recording server.
func TestSameSecondETagFidelity(t *testing.T) {
	recordingsDir(t)
	s := New(Options{})
	frozen := time.Date(2026, 12, 3, 23, 31, 28, 0, time.UTC)
	s.SetFilesClock(func() time.Time { return frozen })
	if err := s.MkdirAll("admin", "/rec-etag"); err != nil {
		t.Fatal(err)
	}
	etags := etagMap{}
	var got = map[string]string{} // recording name → answered ETag
	for _, name := range []string{
		"01-put-v1", "02-put-v2-if-match-v1-same-second", "03-propfind-etag-unchanged", "04-put-v3-stale-if-match-accepted",
		"05-get-v3-overwrote-v2", "06-put-w1", "07-put-w2-if-match-with-x-oc-mtime", "08-put-w3-stale-if-match-refused", "09-get-w2-kept",
	} {
		rec := loadRecording(t, "webdav-etag", name)
		// These files keep Content-Length, and the body before "### response"
		// has one newline more than it counts.
		if n, err := strconv.Atoi(rec.ReqHeader.Get("Content-Length")); err == nil && n <= len(rec.ReqBody) {
			rec.ReqBody = rec.ReqBody[:n]
		}
		etags.rewrite(&rec)
		w := replay(t, s, rec)
		assertSameShape(t, rec, w, "ETag", "OC-ETag", "OC-FileId", "X-OC-MTime")
		etags.learn(rec, w)
		got[name] = w.Header().Get("ETag")
		if rec.Method == http.MethodGet && w.Body.String() != string(rec.RespBody) {
			t.Errorf("%s: body %q, recorded %q", rec.Name, w.Body.String(), rec.RespBody)
		}
		if v := rec.RespHeader.Get("X-OC-MTime"); v != w.Header().Get("X-OC-MTime") {
			t.Errorf("%s: X-OC-MTime %q, recorded %q", rec.Name, w.Header().Get("X-OC-MTime"), v)
		}
		if rec.Method == "PROPFIND" && !strings.Contains(w.Body.String(), strings.Trim(got["01-put-v1"], `"`)) {
			t.Errorf("%s: the PROPFIND after the same-second overwrite should still show the first ETag %s:\n%s", rec.Name, got["01-put-v1"], w.Body.String())
		}
	}
	if got["02-put-v2-if-match-v1-same-second"] != got["01-put-v1"] || got["04-put-v3-stale-if-match-accepted"] != got["01-put-v1"] {
		t.Errorf("same-second overwrites must keep the ETag: %v", got)
	}
	if got["07-put-w2-if-match-with-x-oc-mtime"] == got["06-put-w1"] {
		t.Errorf("a write with a later X-OC-Mtime must get a new ETag: %v", got)
	}
	if got["08-put-w3-stale-if-match-refused"] != got["07-put-w2-if-match-with-x-oc-mtime"] {
		t.Errorf("the 412 must carry the current ETag: %v", got)
	}
}

// TestSameSecondETagClockAndProppatch: the next second gives a new ETag
// without any header; IgnoreClientMtime drops X-OC-Mtime; PROPPATCH
// {DAV:}getetag sets the ETag (Nextcloud's FilesPlugin allows it) and obeys
// If-Match.
func TestSameSecondETagClockAndProppatch(t *testing.T) {
	s := New(Options{})
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	s.SetFilesClock(func() time.Time { return now })
	put := func(body string, h http.Header) *http.Response {
		t.Helper()
		return doFake(t, s, http.MethodPut, "/remote.php/dav/files/admin/a.txt", body, h)
	}
	e1 := put("one", nil).Header.Get("ETag")
	if e := put("two", nil).Header.Get("ETag"); e != e1 {
		t.Fatalf("same second: ETag %s, want kept %s", e, e1)
	}
	now = now.Add(time.Second)
	e2 := put("three", nil).Header.Get("ETag")
	if e2 == e1 {
		t.Fatal("next second: the ETag must change")
	}
	s.IgnoreClientMtime(true)
	r := put("four", http.Header{"X-Oc-Mtime": {"1900000000"}})
	if r.Header.Get("X-OC-MTime") != "" || r.Header.Get("ETag") != e2 {
		t.Fatalf("ignored X-OC-Mtime: header %q ETag %s, want none and %s", r.Header.Get("X-OC-MTime"), r.Header.Get("ETag"), e2)
	}
	pp := `<?xml version="1.0"?><d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><d:getetag>0123456789abcdef0123456789abcdef</d:getetag></d:prop></d:set></d:propertyupdate>`
	if r := doFake(t, s, "PROPPATCH", "/remote.php/dav/files/admin/a.txt", pp, http.Header{"If-Match": {`"ffffffffffffffffffffffffffffffff"`}}); r.StatusCode != http.StatusPreconditionFailed {
		t.Fatalf("PROPPATCH with a stale If-Match: %d", r.StatusCode)
	}
	r = doFake(t, s, "PROPPATCH", "/remote.php/dav/files/admin/a.txt", pp, http.Header{"If-Match": {e2}})
	if r.StatusCode != http.StatusMultiStatus {
		t.Fatalf("PROPPATCH getetag: %d", r.StatusCode)
	}
	st, err := s.StatFile("admin", "a.txt")
	if err != nil || st.ETag != `"0123456789abcdef0123456789abcdef"` {
		t.Fatalf("after PROPPATCH getetag: %+v %v", st, err)
	}
}

func doFake(t *testing.T, s *Server, method, target, body string, h http.Header) *http.Response {
	t.Helper()
	rec := recording{Name: method + " " + target, Method: method, Target: target, ReqHeader: http.Header{"Authorization": {"Basic <admin:app-password>"}}, ReqBody: []byte(body)}
	for k, vs := range h {
		rec.ReqHeader[k] = vs
	}
	return replay(t, s, rec).Result()
}
