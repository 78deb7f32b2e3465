package ncfake

import (
	"net/http/httptest"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// trashIDs hide what differs between runs: deletion times in trash ids and
// version names, and trash object numbers.
var (
	trashIDs      = regexp.MustCompile(`\.d[0-9]+`)
	versionNames  = regexp.MustCompile(`/versions/([0-9]+)/[0-9]+`)
	versionColl   = regexp.MustCompile(`/versions/[0-9]+/`)
	trashObjectNo = regexp.MustCompile(`/objects/[0-9]+\.ics`)
)

func normalisedShape(t *testing.T, name string, body []byte, res ...*regexp.Regexp) []string {
	t.Helper()
	lines := multistatusShape(t, name, body)
	for i, l := range lines {
		l = trashIDs.ReplaceAllString(l, ".dN")
		l = versionNames.ReplaceAllString(l, "/versions/ID/N")
		l = versionColl.ReplaceAllString(l, "/versions/ID/")
		l = trashObjectNo.ReplaceAllString(l, "/objects/N.ics")
		lines[i] = l
	}
	sort.Strings(lines)
	return lines
}

// replayRewritten sends a recording with its path rewritten by the replacer.
func replayRewritten(t *testing.T, s *Server, rec recording, from, to string) *httptest.ResponseRecorder {
	t.Helper()
	rec.Target = strings.Replace(rec.Target, from, to, 1)
	if d := rec.ReqHeader.Get("Destination"); d != "" {
		rec.ReqHeader.Set("Destination", strings.Replace(d, from, to, 1))
	}
	return replay(t, s, rec)
}

func trashIDOf(t *testing.T, s *Server, orig string) string {
	t.Helper()
	for _, it := range s.Trash("admin") {
		if it.OriginalPath == orig {
			return it.ID
		}
	}
	t.Fatalf("%s is not in the trash bin: %+v", orig, s.Trash("admin"))
	return ""
}

// TestTrashFidelity: deletes move into the trash bin, which lists, restores
// and purges as webdav/53-57 show.
func TestTrashFidelity(t *testing.T) {
	s := New(Options{})
	recordingsDir(t)
	for p, data := range map[string]string{"/golden/b.txt": strings.Repeat("b", 26), "/golden/mtime.txt": strings.Repeat("m", 20),
		"/golden/copy.txt": strings.Repeat("c", 26), "/golden/sub-copy/in.txt": "in"} {
		if err := s.PutFile("admin", p, []byte(data)); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{"/golden/b.txt", "/golden/mtime.txt", "/golden/sub-copy", "/golden/copy.txt"} {
		w := replay(t, s, recording{Name: "delete " + p, Method: "DELETE", Target: "/remote.php/dav/files/admin" + p,
			ReqHeader: map[string][]string{"Authorization": {"Basic <admin:app-password>"}}})
		if w.Code != 204 {
			t.Fatalf("DELETE %s: %d", p, w.Code)
		}
		if _, err := s.StatFile("admin", p); err == nil {
			t.Fatalf("%s still exists after DELETE", p)
		}
	}

	rec := loadRecording(t, "webdav", "53-trashbin-propfind")
	got := replay(t, s, rec)
	assertSameShape(t, rec, got, "DAV", "Vary")
	want, have := normalisedShape(t, rec.Name, rec.RespBody), normalisedShape(t, rec.Name, got.Body.Bytes())
	if strings.Join(want, "\n") != strings.Join(have, "\n") {
		t.Errorf("trash listing differs\nrecorded:\n  %s\nfake:\n  %s", strings.Join(want, "\n  "), strings.Join(have, "\n  "))
	}

	// Restore, then the same id again: 404 (54, 55).
	id := trashIDOf(t, s, "/golden/mtime.txt")
	for _, f := range []string{"54-trashbin-restore-move", "55-trashbin-restore-again-404"} {
		rec := loadRecording(t, "webdav", f)
		got := replayRewritten(t, s, rec, "mtime.txt.d1795729827", id)
		assertSameShape(t, rec, got)
		assertSameSabreError(t, rec, got)
	}
	if b, err := s.ReadFile("admin", "/golden/mtime.txt"); err != nil || string(b) != strings.Repeat("m", 20) {
		t.Fatalf("restored content %q, %v", b, err)
	}

	// A restored name that is taken gets "(restored)" beside it; nothing is overwritten.
	_ = s.PutFile("admin", "/golden/b.txt", []byte("new b"))
	id = trashIDOf(t, s, "/golden/b.txt")
	if got := replayRewritten(t, s, loadRecording(t, "webdav", "54-trashbin-restore-move"), "mtime.txt.d1795729827", id); got.Code != 201 {
		t.Fatalf("restore onto a taken name: %d", got.Code)
	}
	if b, _ := s.ReadFile("admin", "/golden/b.txt"); string(b) != "new b" {
		t.Fatalf("restore overwrote the new file: %q", b)
	}
	if b, _ := s.ReadFile("admin", "/golden/b (restored).txt"); string(b) != strings.Repeat("b", 26) {
		t.Fatalf("restored beside it: %q", b)
	}

	// Purge one item, then empty the bin (56, 57).
	id = trashIDOf(t, s, "/golden/copy.txt")
	rec = loadRecording(t, "webdav", "56-trashbin-delete-item-permanently")
	got = replayRewritten(t, s, rec, "mtime.txt.d1795729827", id)
	assertSameShape(t, rec, got)
	rec = loadRecording(t, "webdav", "57-trashbin-empty")
	got = replay(t, s, rec)
	assertSameShape(t, rec, got)
	if n := len(s.Trash("admin")); n != 0 {
		t.Fatalf("%d items left after emptying the trash bin", n)
	}

	// A MOVE onto an existing file sends the old one to the trash bin (webdav/40).
	_ = s.PutFile("admin", "/golden/x.txt", []byte("x"))
	_ = s.PutFile("admin", "/golden/y.txt", []byte("y"))
	w := replay(t, s, recording{Name: "move over", Method: "MOVE", Target: "/remote.php/dav/files/admin/golden/x.txt",
		ReqHeader: map[string][]string{"Authorization": {"Basic <admin:app-password>"}, "Destination": {"/remote.php/dav/files/admin/golden/y.txt"}}})
	if w.Code != 204 || len(s.Trash("admin")) != 1 || s.Trash("admin")[0].OriginalPath != "/golden/y.txt" {
		t.Fatalf("replaced destination not in the trash bin: %d %+v", w.Code, s.Trash("admin"))
	}
}

// TestVersionsFidelity: overwrites keep versions, listed, read and
// restored as webdav/58-62 show.
func TestVersionsFidelity(t *testing.T) {
	s := New(Options{})
	recordingsDir(t)
	now := time.Unix(1795729823, 0)
	s.SetFilesClock(func() time.Time { return now })
	contents := []string{"Hello, golden world!\n", strings.Repeat("2", 29), strings.Repeat("3", 26), strings.Repeat("4", 26), "current"}
	for i, c := range contents {
		now = time.Unix(1795729823+int64(i)*2, 0)
		if err := s.PutFile("admin", "/golden/hello.txt", []byte(c)); err != nil {
			t.Fatal(err)
		}
	}
	st, _ := s.StatFile("admin", "/golden/hello.txt")
	fid := strconv.FormatInt(st.ID, 10)
	if ids := s.FileVersionIDs("admin", "/golden/hello.txt"); len(ids) != 4 {
		t.Fatalf("four overwrites keep four versions, got %v", ids)
	}

	rec := loadRecording(t, "webdav", "58-versions-propfind")
	got := replayRewritten(t, s, rec, "/163", "/"+fid)
	assertSameShape(t, rec, got, "DAV", "Vary")
	want, have := normalisedShape(t, rec.Name, rec.RespBody), normalisedShape(t, rec.Name, got.Body.Bytes())
	if strings.Join(want, "\n") != strings.Join(have, "\n") {
		t.Errorf("versions listing differs\nrecorded:\n  %s\nfake:\n  %s", strings.Join(want, "\n  "), strings.Join(have, "\n  "))
	}

	rec = loadRecording(t, "webdav", "59-versions-get-one")
	got = replayRewritten(t, s, rec, "/163/", "/"+fid+"/")
	assertSameShape(t, rec, got, "ETag", "OC-ETag", "Content-Disposition", "Last-Modified")
	if got.Body.String() != string(rec.RespBody) || got.Header().Get("ETag") != "1795729823" {
		t.Errorf("version body %q etag %q, recorded %q", got.Body.String(), got.Header().Get("ETag"), rec.RespBody)
	}

	now = now.Add(10 * time.Second)
	rec = loadRecording(t, "webdav", "61-versions-restore-move")
	got = replayRewritten(t, s, rec, "/163/", "/"+fid+"/")
	assertSameShape(t, rec, got)
	if b, _ := s.ReadFile("admin", "/golden/hello.txt"); string(b) != contents[0] {
		t.Fatalf("restored content %q", b)
	}
	ids := s.FileVersionIDs("admin", "/golden/hello.txt")
	if len(ids) != 4 || ids[len(ids)-1] != strconv.FormatInt(1795729823+8, 10) {
		t.Fatalf("the replaced content became a version and the restored one left the list: %v", ids)
	}

	rec = loadRecording(t, "webdav", "62-versions-propfind-unknown-fileid")
	got = replay(t, s, rec)
	assertSameShape(t, rec, got)
	assertSameSabreError(t, rec, got)
}

// TestCalendarTrashFidelity replays caldav-trashbin/ in order.
func TestCalendarTrashFidelity(t *testing.T) {
	s := New(Options{})
	recordingsDir(t)
	const area = "caldav-trashbin"
	var objectNo string
	for _, f := range []string{"01-mkcalendar", "02-put-event-1", "03-delete-event-1", "04-propfind-trashbin-depth1",
		"05-propfind-objects-depth1-not-implemented", "06-report-trashbin-objects", "07-restore-event-1",
		"08-get-restored-event-1", "09-restore-unknown-object"} {
		rec := loadRecording(t, area, f)
		if d := rec.ReqHeader.Get("Destination"); d != "" {
			rec.ReqHeader.Set("Destination", strings.Replace(d, "/restore/10.ics", "/restore/"+objectNo, 1))
		}
		got := replayRewritten(t, s, rec, "/objects/10.ics", "/objects/"+objectNo)
		assertSameShape(t, rec, got)
		assertSameSabreError(t, rec, got)
		switch f[:2] {
		case "04":
			assertSameMultistatus(t, rec, got)
		case "06":
			rs := parseMS(t, got.Body.Bytes())
			if len(rs) != 1 {
				t.Fatalf("trash bin lists %d objects, want the deleted event", len(rs))
			}
			for _, k := range []string{"DAV: getetag", "urn:ietf:params:xml:ns:caldav calendar-data", "http://nextcloud.com/ns calendar-uri", "http://nextcloud.com/ns deleted-at"} {
				if rs[0].Found[k] == "" {
					t.Errorf("trash object lacks %s: %+v", k, rs[0])
				}
			}
			if rs[0].Found["http://nextcloud.com/ns calendar-uri"] != "rec-trash-1796340378" {
				t.Errorf("calendar-uri %q", rs[0].Found["http://nextcloud.com/ns calendar-uri"])
			}
			if _, err := time.Parse(time.RFC3339, rs[0].Found["http://nextcloud.com/ns deleted-at"]); err != nil {
				t.Errorf("deleted-at: %v", err)
			}
			objectNo = rs[0].Href[strings.LastIndex(rs[0].Href, "/")+1:]
		case "08":
			if !strings.Contains(got.Body.String(), "SUMMARY:Dentist") {
				t.Errorf("restored event: %s", got.Body.String())
			}
		}
	}

	// A second event, then the calendar goes (10-14).
	put := loadRecording(t, area, "02-put-event-1")
	put.Target = strings.Replace(put.Target, "ev-1.ics", "ev-2.ics", 1)
	put.ReqBody = []byte(strings.Replace(string(put.ReqBody), "UID:ev-1", "UID:ev-2", 1))
	if got := replay(t, s, put); got.Code != 201 {
		t.Fatalf("second event: %d", got.Code)
	}
	for _, f := range []string{"10-delete-calendar", "11-propfind-home-shows-deleted-calendar", "12-get-event-in-deleted-calendar",
		"13-restore-calendar", "14-propfind-restored-calendar"} {
		rec := loadRecording(t, area, f)
		got := replay(t, s, rec)
		assertSameShape(t, rec, got)
		switch f[:2] {
		case "11":
			found := false
			for _, r := range parseMS(t, got.Body.Bytes()) {
				if strings.HasSuffix(r.Href, "/rec-trash-1796340378/") {
					found = strings.Contains(r.Found["DAV: resourcetype"], "deleted-calendar") && r.Found["http://nextcloud.com/ns deleted-at"] != ""
				}
			}
			if !found {
				t.Errorf("the deleted calendar is not listed with deleted-calendar and deleted-at: %s", got.Body.String())
			}
		case "14":
			rs := parseMS(t, got.Body.Bytes())
			if len(rs) == 0 || !strings.Contains(rs[0].Found["DAV: resourcetype"], "calendar") || strings.Contains(rs[0].Found["DAV: resourcetype"], "deleted") {
				t.Errorf("restored calendar: %s", got.Body.String())
			}
		}
	}

	// Purge (15, 16) and another user's bin (17).
	del := loadRecording(t, area, "03-delete-event-1")
	del.Target = strings.Replace(del.Target, "ev-1.ics", "ev-2.ics", 1)
	if got := replay(t, s, del); got.Code != 204 {
		t.Fatalf("delete ev-2: %d", got.Code)
	}
	rs := parseMS(t, replay(t, s, loadRecording(t, area, "06-report-trashbin-objects")).Body.Bytes())
	if len(rs) != 1 {
		t.Fatalf("trash bin: %+v", rs)
	}
	objectNo = rs[0].Href[strings.LastIndex(rs[0].Href, "/")+1:]
	rec := loadRecording(t, area, "15-purge-event-2")
	got := replayRewritten(t, s, rec, "/objects/11.ics", "/objects/"+objectNo)
	assertSameShape(t, rec, got)
	rec = loadRecording(t, area, "16-report-after-purge")
	got = replay(t, s, rec)
	assertSameShape(t, rec, got)
	if n := len(parseMS(t, got.Body.Bytes())); n != 0 {
		t.Errorf("%d objects after the purge", n)
	}
	rec = loadRecording(t, area, "17-report-alice-trashbin-as-admin")
	got = replay(t, s, rec)
	assertSameShape(t, rec, got)
}
