package ncfake

import (
	"encoding/xml"
	"fmt"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"
)

// filesHeaders are the response headers whose presence the files fidelity
// tests compare with the recordings.
var filesHeaders = []string{"ETag", "OC-ETag", "OC-FileId", "DAV", "Allow", "Content-Range", "X-OC-MTime", "Content-Disposition", "Vary"}

// seedRecordedHome gives admin the files the recorded server already had
// before webdav/03 (seen in webdav/23).
func seedRecordedHome(t *testing.T, s *Server) {
	t.Helper()
	for p, data := range map[string]string{
		"/welcome.txt":               strings.Repeat("w", 164),
		"/golden-search-target.txt":  "search target\n",
		"/Notes/n.txt":               "n",
		"/mcp-test/blob.bin":         "x",
		"/mcp-test/sub/readme.txt":   "r",
		"/mcp-test/sub/another.json": "{}",
	} {
		if err := s.PutFile("admin", p, []byte(data)); err != nil {
			t.Fatal(err)
		}
	}
}

// etagMap follows the recorded ETags to the fake's, so a replayed If-Match
// names the fake's current ETag exactly when the recording named the
// recorded server's current one.
type etagMap map[string]string

func (m etagMap) learn(rec recording, got *httptest.ResponseRecorder) {
	for _, k := range []string{"ETag", "OC-ETag"} {
		if want, have := rec.RespHeader.Get(k), got.Header().Get(k); want != "" && have != "" {
			m[want] = have
			m[strings.Trim(want, `"`)] = strings.Trim(have, `"`)
		}
	}
}

func (m etagMap) rewrite(rec *recording) {
	for _, k := range []string{"If-Match", "If-None-Match"} {
		if v := rec.ReqHeader.Get(k); v != "" {
			if nv, ok := m[v]; ok {
				rec.ReqHeader.Set(k, nv)
			}
		}
	}
}

// multistatusShape summarises a 207 body as one line per response:
// decoded href, then per propstat the status and the sorted property names.
func multistatusShape(t *testing.T, name string, body []byte) []string {
	t.Helper()
	var ms struct {
		Responses []struct {
			Href      string `xml:"DAV: href"`
			Propstats []struct {
				Status string `xml:"DAV: status"`
				Prop   struct {
					Props []davElem `xml:",any"`
				} `xml:"DAV: prop"`
			} `xml:"DAV: propstat"`
		} `xml:"DAV: response"`
	}
	if err := xml.Unmarshal(body, &ms); err != nil {
		t.Fatalf("%s: multistatus does not parse: %v\n%s", name, err, body)
	}
	var out []string
	for _, r := range ms.Responses {
		href, err := url.PathUnescape(r.Href)
		if err != nil {
			t.Fatalf("%s: href %q: %v", name, r.Href, err)
		}
		line := href
		var stats []string
		for _, ps := range r.Propstats {
			var names []string
			for _, p := range ps.Prop.Props {
				names = append(names, p.XMLName.Space+" "+p.XMLName.Local)
			}
			sort.Strings(names)
			stats = append(stats, fmt.Sprintf("[%s: %s]", ps.Status, strings.Join(names, ", ")))
		}
		sort.Strings(stats)
		out = append(out, line+" "+strings.Join(stats, " "))
	}
	return out
}

func assertSameMultistatus(t *testing.T, rec recording, got *httptest.ResponseRecorder) {
	t.Helper()
	if rec.Status != 207 || got.Code != 207 {
		return
	}
	want := multistatusShape(t, rec.Name+" (recorded)", rec.RespBody)
	have := multistatusShape(t, rec.Name+" (fake)", got.Body.Bytes())
	if strings.Join(want, "\n") != strings.Join(have, "\n") {
		t.Errorf("%s: multistatus differs\nrecorded:\n  %s\nfake:\n  %s", rec.Name, strings.Join(want, "\n  "), strings.Join(have, "\n  "))
	}
}

// assertSameSabreError compares the exception class and the s:header of an error body.
func assertSameSabreError(t *testing.T, rec recording, got *httptest.ResponseRecorder) {
	t.Helper()
	if !strings.Contains(string(rec.RespBody), "<d:error") {
		return
	}
	type sabre struct {
		Exception string `xml:"http://sabredav.org/ns exception"`
		Header    string `xml:"http://sabredav.org/ns header"`
	}
	var want, have sabre
	if err := xml.Unmarshal(rec.RespBody, &want); err != nil {
		t.Fatalf("%s: recorded error body: %v", rec.Name, err)
	}
	if err := xml.Unmarshal(got.Body.Bytes(), &have); err != nil {
		t.Fatalf("%s: fake error body is not Sabre XML: %v\n%s", rec.Name, err, got.Body.String())
	}
	if want != have {
		t.Errorf("%s: error %+v, recorded %+v", rec.Name, have, want)
	}
}

// TestFilesFidelity replays webdav/03-52 in recorded order against a fake
// holding what the recorded server held, including the unrecorded setup
// steps between fixtures.
func TestFilesFidelity(t *testing.T) {
	s := New(Options{})
	recordingsDir(t)
	seedRecordedHome(t, s)
	setup := map[string]func(){
		// Before webdav/16 the recorder restored hello.txt to v2 and created b.txt and sub/ (seen in 16 and 24).
		"16": func() {
			for p, data := range map[string]string{"/golden/hello.txt": "Hello, golden world! (v2)\n", "/golden/b.txt": "b\n"} {
				if err := s.PutFile("admin", p, []byte(data)); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.MkdirAll("admin", "/golden/sub"); err != nil {
				t.Fatal(err)
			}
		},
	}
	files := []string{
		"03-options-files-home", "04-mkcol-201", "05-mkcol-existing-405", "06-mkcol-missing-parent-409",
		"07-put-new-201", "08-put-if-none-match-star-existing-412", "09-put-if-match-stale-412",
		"10-put-if-match-correct-204", "11-put-if-match-unquoted-etag-412", "12-put-same-second-etag-unchanged-quirk",
		"13-put-missing-parent-404", "14-put-with-x-oc-mtime", "15-put-onto-collection-409",
		"16-get-200", "17-head-200", "18-get-range-206", "19-get-if-none-match-304", "20-get-missing-404",
		"21-get-collection", "22-propfind-home-depth0", "23-propfind-home-depth1", "24-propfind-folder-depth1",
		"25-propfind-file-no-body-allprop", "26-propfind-depth-infinity", "27-propfind-missing-404",
		"28-propfind-quota-and-unknown-props",
		// 29 is the legacy /remote.php/webdav endpoint, which the client never uses.
		"30-propfind-malformed-xml-400", "31-proppatch-favorite", "32-proppatch-protected-props",
		"33-report-filter-files-favorites", "34-copy-201", "35-copy-onto-existing-default-overwrite-204",
		"36-move-overwrite-f-onto-existing-412", "37-move-201", "38-move-missing-parent-409",
		"39-move-destination-absolute-path", "40-move-overwrite-t-onto-existing-204", "41-copy-collection-201",
		"42-move-missing-source-404", "43-delete-204", "44-delete-missing-404", "45-delete-collection-204",
		"46-put-unicode-and-space-name", "47-propfind-shows-encoded-hrefs", "48-get-unicode-lowercase-percent-encoding",
		"49-search-by-name-like", "50-search-by-mimetype", "51-search-and-mimetype-like-mtime-gt", "52-search-foreign-scope",
	}
	etags := etagMap{}
	for _, f := range files {
		if fn := setup[f[:2]]; fn != nil {
			fn()
		}
		rec := loadRecording(t, "webdav", f)
		etags.rewrite(&rec)
		got := replay(t, s, rec)
		assertSameShape(t, rec, got, filesHeaders...)
		assertSameMultistatus(t, rec, got)
		assertSameSabreError(t, rec, got)
		etags.learn(rec, got)
		if rec.Status == 200 && rec.Method == "GET" && got.Code == 200 && !strings.HasPrefix(string(rec.RespBody), "[...") {
			if got.Body.String() != string(rec.RespBody) {
				t.Errorf("%s: body %q, recorded %q", rec.Name, got.Body.String(), rec.RespBody)
			}
		}
	}
}

// TestFilesErrorsFidelity covers errors/: quota, other users' homes, LOCK
// and Nextcloud's own file locks.
func TestFilesErrorsFidelity(t *testing.T) {
	s := New(Options{})
	recordingsDir(t)
	s.AddUser(&User{ID: "alice", DisplayName: "Alice", Password: "alice", AppPasswords: map[string]bool{"alice-app-password": true}, Groups: []string{"users"}, QuotaBytes: 1024})
	if err := s.PutFile("alice", "/welcome.txt", []byte(strings.Repeat("w", 164))); err != nil {
		t.Fatal(err)
	}
	if err := s.PutFile("admin", "/golden-lock.txt", []byte("lock me")); err != nil {
		t.Fatal(err)
	}
	if err := s.PutFile("admin", "/golden-locked.txt", []byte("locked")); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"12-lock-default-user-agent", "19-put-over-quota-507", "20-propfind-quota-with-limit",
		"25-webdav-other-users-home", "33-propfind-other-users-home", "34-propfind-unknown-users-home"} {
		rec := loadRecording(t, "errors", f)
		got := replay(t, s, rec)
		assertSameShape(t, rec, got, filesHeaders...)
		assertSameMultistatus(t, rec, got)
		assertSameSabreError(t, rec, got)
	}
	if _, err := s.ReadFile("alice", "/golden-too-big.bin"); err == nil {
		t.Error("the upload over quota was stored")
	}

	unlock, err := s.LockFile("admin", "/golden-locked.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"27-put-on-locked-file-423", "28-get-on-exclusively-locked-file", "29-delete-locked-file-423",
		"30-move-locked-file-500", "31-propfind-locked-file"} {
		rec := loadRecording(t, "errors", f)
		got := replay(t, s, rec)
		assertSameShape(t, rec, got, filesHeaders...)
		assertSameSabreError(t, rec, got)
	}
	unlock()
	rec := loadRecording(t, "errors", "32-put-after-lock-released")
	got := replay(t, s, rec)
	assertSameShape(t, rec, got, filesHeaders...)
	if b, _ := s.ReadFile("admin", "/golden-locked.txt"); string(b) != string(rec.ReqBody) {
		t.Errorf("after unlock the PUT stored %q, want %q", b, rec.ReqBody)
	}
}
