package nextcloud

import (
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// recordedBody returns the response body of a recording in shared/nextcloud-api
// ($NEXTCLOUD_API_RECORDINGS or ../../shared/nextcloud-api). A fresh clone has
// neither: the test skips with the reason, except under CI=true.
func recordedBody(t *testing.T, area, file string) (req, resp []byte) {
	t.Helper()
	dir := os.Getenv("NEXTCLOUD_API_RECORDINGS")
	if dir == "" {
		dir, _ = filepath.Abs(filepath.Join("..", "..", "shared", "nextcloud-api"))
	}
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("recordings not found at %s: %v (CI must run the recording tests)", dir, err)
		}
		t.Skipf("recordings not found at %s (a fresh clone has no ../shared): set NEXTCLOUD_API_RECORDINGS", dir)
	}
	// With the recordings present, a missing file is a renamed or lost
	// fixture, which must fail rather than skip.
	raw, err := os.ReadFile(filepath.Join(dir, area, file+".http"))
	if err != nil {
		t.Fatalf("recording %s/%s: %v", area, file, err)
	}
	r, s, ok := bytes.Cut(raw, []byte("\n### response\n"))
	if !ok {
		t.Fatalf("%s/%s: no response separator", area, file)
	}
	_, reqBody, _ := bytes.Cut(r, []byte("\n\n"))
	_, respBody, _ := bytes.Cut(s, []byte("\n\n"))
	return reqBody, respBody
}

func parseRecordedEntries(t *testing.T, file string) []FileEntry {
	t.Helper()
	_, body := recordedBody(t, "webdav", file)
	var ms Multistatus
	if err := xml.Unmarshal(body, &ms); err != nil {
		t.Fatal(err)
	}
	c, err := New(Options{BaseURL: "http://127.0.0.1:8080"})
	if err != nil {
		t.Fatal(err)
	}
	return c.fileEntries(&ms)
}

func TestParsePropfindHomeDepth1(t *testing.T) {
	es := parseRecordedEntries(t, "23-propfind-home-depth1")
	if len(es) != 6 {
		t.Fatalf("%d entries, want 6: %+v", len(es), es)
	}
	root := es[0]
	if root.Path != "/" || !root.IsDir || root.FileID != 2 || root.ETag != `"6b08a9a28bf4d"` || root.Size != 1048967 || root.Permissions != "RGDNVCK" {
		t.Errorf("root = %+v", root)
	}
	f := es[3]
	want := FileEntry{
		Path: "/golden-search-target.txt", Name: "golden-search-target.txt", ETag: `"0bc02c013be734cd567c9864ea2c734d"`,
		Size: 14, Modified: time.Date(2026, 11, 26, 21, 39, 11, 0, time.UTC), ContentType: "text/plain", FileID: 61, Permissions: "RGDNVW",
	}
	if f != want {
		t.Errorf("file entry\n got %+v\nwant %+v", f, want)
	}
	if es[1].Path != "/Notes" || !es[1].IsDir || es[1].Name != "Notes" {
		t.Errorf("folder entry = %+v", es[1])
	}
}

func TestParseDecodesEncodedHrefs(t *testing.T) {
	es := parseRecordedEntries(t, "47-propfind-shows-encoded-hrefs")
	if es[1].Path != "/golden/Grüße & Ümlaute ✓ #1.txt" || es[1].Name != "Grüße & Ümlaute ✓ #1.txt" {
		t.Errorf("decoded %q / %q", es[1].Path, es[1].Name)
	}
	if es[4].Path != "/golden/sub" {
		t.Errorf("folder path %q, want no trailing slash", es[4].Path)
	}
}

func TestParseFavoritesReportAndSearch(t *testing.T) {
	fav := parseRecordedEntries(t, "33-report-filter-files-favorites")
	if len(fav) != 1 || !fav[0].Favorite || fav[0].FileID != 163 || fav[0].Size != 26 || fav[0].ETag != `"37ba0e6ea8ea31f053c3671440c2b0e0"` {
		t.Errorf("favorites = %+v", fav)
	}
	hits := parseRecordedEntries(t, "50-search-by-mimetype")
	var paths []string
	for _, h := range hits {
		paths = append(paths, h.Path)
	}
	if got := strings.Join(paths, "|"); got != "/golden/Grüße & Ümlaute ✓ #1.txt|/golden/hello.txt|/golden/mtime.txt" {
		t.Errorf("search paths %s", got)
	}
	if hits[2].Modified.Year() != 2023 {
		t.Errorf("mtime.txt modified %v, want the X-OC-MTime of 2023", hits[2].Modified)
	}
}

func TestFileHrefSegments(t *testing.T) {
	cases := map[string]string{
		"/remote.php/dav/files/admin/":                                     "/",
		"/remote.php/dav/files/admin/a%20b/C%C3%BC%23.txt":                 "/a b/Cü#.txt",
		"/remote.php/dav/files/admin/a%20b/c%c3%bc%23.txt":                 "/a b/cü#.txt",
		"https://cloud.example.com/nc/remote.php/dav/files/admin/x%25y":    "/x%y",
		"/nc/remote.php/dav/files/john%20doe/Documents/":                   "/Documents",
		"/remote.php/dav/files/admin/100%25%20done/%E2%9C%93%20check.md":   "/100% done/✓ check.md",
		"/remote.php/dav/files/admin/golden/Gr%c3%bc%c3%9fe%20%26%20x.txt": "/golden/Grüße & x.txt",
	}
	for href, want := range cases {
		if got := JoinPath(FileHrefSegments(href)); got != want {
			t.Errorf("FileHrefSegments(%q) = %q, want %q", href, got, want)
		}
	}
}

func TestParseOCFileIDAndContentRange(t *testing.T) {
	if n := ParseOCFileID("00000163oc62p9v20xez"); n != 163 {
		t.Errorf("ParseOCFileID = %d", n)
	}
	if n := ParseOCFileID(""); n != 0 {
		t.Errorf("empty OC-FileId = %d", n)
	}
	if s, total, ok := parseFileContentRange("bytes 0-4/26"); !ok || s != 0 || total != 26 {
		t.Errorf("range = %d %d %v", s, total, ok)
	}
	if s, total, ok := parseFileContentRange("bytes */26"); !ok || s != 0 || total != 26 {
		t.Errorf("unsatisfiable range = %d %d %v", s, total, ok)
	}
	if _, _, ok := parseFileContentRange("bytes 0-4"); ok {
		t.Error("a range without total was accepted")
	}
}

// TestSearchBodyShape holds the built SEARCH body to the recorded one
// (webdav/49): same scope, where, order and limit elements.
func TestSearchBodyShape(t *testing.T) {
	recorded, _ := recordedBody(t, "webdav", "49-search-by-name-like")
	c, err := New(Options{BaseURL: "http://127.0.0.1:8080"})
	if err != nil {
		t.Fatal(err)
	}
	c.principal = "/remote.php/dav/principals/users/admin/"
	built, err := c.searchBody(t.Context(), FileSearch{Scope: "golden", NamePattern: "hel%", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	type shape struct {
		Href     string `xml:"basicsearch>from>scope>href"`
		Depth    string `xml:"basicsearch>from>scope>depth"`
		Literal  string `xml:"basicsearch>where>like>literal"`
		NResults string `xml:"basicsearch>limit>nresults"`
		Order    []struct {
			Inner string `xml:",innerxml"`
		} `xml:"basicsearch>orderby>order>prop"`
	}
	var want, got shape
	if err := xml.Unmarshal(recorded, &want); err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(built, &got); err != nil {
		t.Fatalf("built body does not parse: %v\n%s", err, built)
	}
	if want.Href != got.Href || want.Depth != got.Depth || want.Literal != got.Literal || want.NResults != got.NResults || len(got.Order) != 1 {
		t.Errorf("built %+v, recorded %+v", got, want)
	}

	// Scope segments are escaped once and literals are XML-escaped.
	built, err = c.searchBody(t.Context(), FileSearch{Scope: "a b/c#d", NamePattern: "R&D <1>%", MimeType: "image/%", Offset: 20})
	if err != nil {
		t.Fatal(err)
	}
	s := string(built)
	for _, want := range []string{"<d:href>/files/admin/a%20b/c%23d</d:href>", "R&amp;D &lt;1&gt;%", "<d:and>", "image/%", `<ns:firstresult>20</ns:firstresult>`} {
		if !strings.Contains(s, want) {
			t.Errorf("body lacks %s:\n%s", want, s)
		}
	}
	if _, err := c.searchBody(t.Context(), FileSearch{Scope: "../x"}); err == nil {
		t.Error("a scope with '..' was accepted")
	}
}
