package ncfake

import (
	"encoding/xml"
	"html"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
)

// msResponse is one <d:response> of a multistatus, reduced to what the
// fidelity checks compare: the href, its status, and the 200/404 props.
type msResponse struct {
	Href    string
	Status  string
	Found   map[string]string // "ns local" → text content
	Missing []string
}

func parseMS(t *testing.T, body []byte) []msResponse {
	t.Helper()
	var ms struct {
		Responses []struct {
			Href      string `xml:"DAV: href"`
			Status    string `xml:"DAV: status"`
			Propstats []struct {
				Status string `xml:"DAV: status"`
				Prop   struct {
					Items []struct {
						XMLName xml.Name
						Inner   string `xml:",innerxml"`
					} `xml:",any"`
				} `xml:"DAV: prop"`
			} `xml:"DAV: propstat"`
		} `xml:"DAV: response"`
	}
	if err := xml.Unmarshal(body, &ms); err != nil {
		t.Fatalf("multistatus does not parse: %v\n%s", err, body)
	}
	var out []msResponse
	for _, r := range ms.Responses {
		mr := msResponse{Href: r.Href, Status: r.Status, Found: map[string]string{}}
		for _, ps := range r.Propstats {
			for _, it := range ps.Prop.Items {
				key := it.XMLName.Space + " " + it.XMLName.Local
				if strings.Contains(ps.Status, " 200 ") {
					mr.Found[key] = html.UnescapeString(it.Inner)
				} else {
					mr.Missing = append(mr.Missing, key)
				}
			}
		}
		out = append(out, mr)
	}
	return out
}

func hrefsOf(rs []msResponse) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Href)
	}
	sort.Strings(out)
	return out
}

// sabreErr extracts exception and message of a Sabre error body.
func sabreErr(t *testing.T, body []byte) (string, string) {
	t.Helper()
	var e struct {
		Exception string `xml:"http://sabredav.org/ns exception"`
		Message   string `xml:"http://sabredav.org/ns message"`
	}
	if err := xml.Unmarshal(body, &e); err != nil {
		t.Fatalf("error body does not parse: %v\n%s", err, body)
	}
	return e.Exception, e.Message
}

// assertSameError compares a Sabre error answer exception and message.
func assertSameError(t *testing.T, rec recording, got *httptest.ResponseRecorder) {
	t.Helper()
	we, wm := sabreErr(t, rec.RespBody)
	ge, gm := sabreErr(t, got.Body.Bytes())
	if we != ge || wm != gm {
		t.Errorf("%s: error %s %q, recorded %s %q", rec.Name, ge, gm, we, wm)
	}
}

func sameStrings(a, b []string) bool {
	return strings.Join(a, "\n") == strings.Join(b, "\n")
}

// TestCalDAVFidelity replays caldav/ in recorded order: later exchanges
// depend on the state earlier ones created, exactly as on the real server.
// Objects the recorder created off the record (a VEVENT-only calendar and a
// second task) are created first the same way.
func TestCalDAVFidelity(t *testing.T) {
	recordingsDir(t) // skip (or fail in CI) here, not inside a subtest
	s := New(Options{})
	run := func(file string, headers ...string) (recording, *httptest.ResponseRecorder) {
		t.Helper()
		rec := loadRecording(t, "caldav", file)
		got := replay(t, s, rec)
		assertSameShape(t, rec, got, headers...)
		return rec, got
	}
	// Off-record setup: the recorder made these before the area's first file.
	setup := loadRecording(t, "caldav", "03-mkcalendar-201")
	setup.Target = "/remote.php/dav/calendars/admin/golden-events-only/"
	setup.ReqBody = []byte(strings.Replace(string(setup.ReqBody), `<c:comp name="VTODO"/>`, "", 1))
	if got := replay(t, s, setup); got.Code != 201 {
		t.Fatalf("setup MKCALENDAR golden-events-only: %d %s", got.Code, got.Body)
	}
	// Deck's default board, which it shows as app-generated--deck--board-1.
	s.SeedDeckBoard("admin", "Personal", "0087c5")

	t.Run("discovery", func(t *testing.T) {
		rec := loadRecording(t, "caldav", "01-well-known-caldav-redirect")
		got := replay(t, s, rec)
		if got.Code != rec.Status || got.Header().Get("Location") != rec.RespHeader.Get("Location") {
			t.Errorf("well-known: %d %q, recorded %d %q", got.Code, got.Header().Get("Location"), rec.Status, rec.RespHeader.Get("Location"))
		}
		run("02-propfind-principal-home-sets", "DAV")
	})
	t.Run("mkcalendar", func(t *testing.T) {
		run("03-mkcalendar-201")
		rec, got := run("04-mkcalendar-existing-405", "Allow")
		assertSameError(t, rec, got)
	})
	t.Run("home listing", func(t *testing.T) {
		rec, got := run("05-propfind-calendar-home-depth1", "DAV")
		want := parseMS(t, rec.RespBody)
		have := parseMS(t, got.Body.Bytes())
		for _, w := range want {
			if !strings.Contains(w.Href, "golden-") && !strings.HasSuffix(w.Href, "/admin/") && !strings.Contains(w.Href, "/personal/") && !strings.Contains(w.Href, "box/") && !strings.Contains(w.Href, "trashbin") && !strings.HasSuffix(w.Href, "deck--board-1/") {
				continue // calendars other clients had made on the recording server
			}
			var h *msResponse
			for i := range have {
				if have[i].Href == w.Href {
					h = &have[i]
				}
			}
			if h == nil {
				t.Errorf("home listing lacks %s", w.Href)
				continue
			}
			for k := range w.Found {
				if _, ok := h.Found[k]; !ok {
					t.Errorf("%s: prop %s missing (recorded with a value)", w.Href, k)
				}
			}
			if strings.Contains(w.Href, "deck--board") {
				// An app-generated calendar has no ctag, sync token, order or owner.
				for k, v := range h.Found {
					if _, ok := w.Found[k]; !ok {
						t.Errorf("%s: prop %s = %q, recorded as 404", w.Href, k, v)
					}
				}
				for _, k := range []string{"DAV: displayname", "http://apple.com/ns/ical/ calendar-color", "urn:ietf:params:xml:ns:caldav supported-calendar-component-set", "DAV: current-user-privilege-set"} {
					if h.Found[k] != w.Found[k] {
						t.Errorf("%s %s = %q, recorded %q", w.Href, k, h.Found[k], w.Found[k])
					}
				}
			}
			if strings.Contains(w.Href, "golden-cal") {
				for _, k := range []string{"DAV: displayname", "http://apple.com/ns/ical/ calendar-color", "urn:ietf:params:xml:ns:caldav calendar-description"} {
					if h.Found[k] != w.Found[k] {
						t.Errorf("golden-cal %s = %q, recorded %q", k, h.Found[k], w.Found[k])
					}
				}
			}
		}
	})
	t.Run("put and conditions", func(t *testing.T) {
		rec, got := run("06-put-event-tzid-201", "ETag", "OC-ETag")
		if got.Header().Get("ETag") != rec.RespHeader.Get("ETag") {
			t.Errorf("ETag %s, recorded %s (Nextcloud's ETag is the MD5 of the stored bytes)", got.Header().Get("ETag"), rec.RespHeader.Get("ETag"))
		}
		rec, got = run("07-put-event-if-none-match-existing-412")
		assertSameError(t, rec, got)
		rec, got = run("08-put-same-uid-other-resource")
		assertSameError(t, rec, got)
		rec, got = run("09-get-event", "ETag", "OC-ETag", "Content-Disposition", "Last-Modified")
		if got.Body.String() != string(rec.RespBody) || got.Header().Get("Content-Type") != rec.RespHeader.Get("Content-Type") {
			t.Errorf("GET body or type differ: %q %q", got.Header().Get("Content-Type"), got.Body.String())
		}
		rec, got = run("10-get-missing-event-404")
		assertSameError(t, rec, got)
		rec, got = run("11-put-recurring-event-201", "ETag")
		if got.Header().Get("ETag") != rec.RespHeader.Get("ETag") {
			t.Errorf("ETag %s, recorded %s", got.Header().Get("ETag"), rec.RespHeader.Get("ETag"))
		}
	})
	t.Run("calendar-query", func(t *testing.T) {
		for _, f := range []string{"12-report-calendar-query-time-range", "13-report-calendar-query-expand", "14-report-calendar-query-matches-second-occurrence", "15-report-calendar-query-etag-only", "16-report-calendar-multiget"} {
			rec, got := run(f)
			want, have := parseMS(t, rec.RespBody), parseMS(t, got.Body.Bytes())
			if !sameStrings(hrefsOf(want), hrefsOf(have)) {
				t.Errorf("%s: hrefs %v, recorded %v", f, hrefsOf(have), hrefsOf(want))
				continue
			}
			for i := range want {
				for k, v := range want[i].Found {
					hv, ok := have[i].Found[k]
					if !ok {
						t.Errorf("%s %s: prop %s missing", f, want[i].Href, k)
						continue
					}
					if strings.HasSuffix(k, " getetag") && hv != v {
						t.Errorf("%s %s: etag %s, recorded %s", f, want[i].Href, hv, v)
					}
				}
			}
		}
		rec, got := run("13-report-calendar-query-expand")
		body := strings.ReplaceAll(got.Body.String(), "&#13;", "")
		want := strings.ReplaceAll(string(rec.RespBody), "&#13;", "")
		for _, line := range []string{"DTSTART:20261201T090000Z", "DTSTART:20261202T080000Z", "RECURRENCE-ID:20261209T080000Z", "DTEND:20261216T083000Z"} {
			if strings.Contains(want, line) && !strings.Contains(body, line) {
				t.Errorf("expanded data lacks %s:\n%s", line, body)
			}
		}
		if strings.Contains(body, "VTIMEZONE") || strings.Count(body, "RECURRENCE-ID") != strings.Count(want, "RECURRENCE-ID") {
			t.Errorf("expansion should drop VTIMEZONE and give %d instances:\n%s", strings.Count(want, "RECURRENCE-ID"), body)
		}
	})
	t.Run("sync and if-match", func(t *testing.T) {
		rec, got := run("17-report-sync-collection-initial")
		if !sameStrings(hrefsOf(parseMS(t, rec.RespBody)), hrefsOf(parseMS(t, got.Body.Bytes()))) || !strings.Contains(got.Body.String(), "<d:sync-token>http://sabre.io/ns/sync/") {
			t.Errorf("initial sync: %s", got.Body)
		}
		token := between(got.Body.String(), "<d:sync-token>", "</d:sync-token>")
		rec, got = run("18-put-event-stale-if-match-412", "ETag")
		assertSameError(t, rec, got)
		if got.Header().Get("ETag") != rec.RespHeader.Get("ETag") {
			t.Errorf("412 ETag %s, recorded %s", got.Header().Get("ETag"), rec.RespHeader.Get("ETag"))
		}
		rec, got = run("19-put-event-if-match-204", "ETag", "OC-ETag")
		if got.Header().Get("ETag") != rec.RespHeader.Get("ETag") {
			t.Errorf("204 ETag %s, recorded %s", got.Header().Get("ETag"), rec.RespHeader.Get("ETag"))
		}
		inc := loadRecording(t, "caldav", "20-report-sync-collection-incremental")
		inc.ReqBody = []byte(strings.Replace(string(inc.ReqBody), "http://sabre.io/ns/sync/3", token, 1))
		got = replay(t, s, inc)
		assertSameShape(t, inc, got)
		if !sameStrings(hrefsOf(parseMS(t, inc.RespBody)), hrefsOf(parseMS(t, got.Body.Bytes()))) {
			t.Errorf("incremental sync hrefs %v, recorded %v", hrefsOf(parseMS(t, got.Body.Bytes())), hrefsOf(parseMS(t, inc.RespBody)))
		}
		_, got = run("21-report-sync-collection-future-token")
		if len(parseMS(t, got.Body.Bytes())) != 0 {
			t.Errorf("future token should list nothing: %s", got.Body)
		}
		rec, got = run("22-report-sync-collection-garbage-token")
		assertSameError(t, rec, got)
	})
	t.Run("tasks", func(t *testing.T) {
		run("23-put-vtodo-201", "ETag")
		done := loadRecording(t, "caldav", "23-put-vtodo-201")
		done.Target = "/remote.php/dav/calendars/admin/golden-cal/golden-todo-2.ics"
		done.ReqBody = []byte(strings.NewReplacer("golden-todo-1@", "golden-todo-2@", "SUMMARY:Golden task", "SUMMARY:Golden done task",
			"STATUS:NEEDS-ACTION\r\nPERCENT-COMPLETE:0", "STATUS:COMPLETED\r\nCOMPLETED:20261126T130000Z\r\nPERCENT-COMPLETE:100").Replace(string(done.ReqBody)))
		if got := replay(t, s, done); got.Code != 201 {
			t.Fatalf("setup golden-todo-2: %d %s", got.Code, got.Body)
		}
		for _, f := range []string{"24-report-vtodo-query", "25-report-vtodo-query-open-tasks"} {
			rec, got := run(f)
			if !sameStrings(hrefsOf(parseMS(t, rec.RespBody)), hrefsOf(parseMS(t, got.Body.Bytes()))) {
				t.Errorf("%s: hrefs %v, recorded %v", f, hrefsOf(parseMS(t, got.Body.Bytes())), hrefsOf(parseMS(t, rec.RespBody)))
			}
		}
		rec, got := run("26-put-vtodo-into-vevent-only-calendar")
		assertSameError(t, rec, got)
	})
	t.Run("bad input", func(t *testing.T) {
		rec, got := run("27-put-invalid-icalendar")
		assertSameError(t, rec, got)
		run("28-put-event-without-uid", "X-Sabre-Ew-Gross")
		rec, got = run("29-put-json-body")
		assertSameError(t, rec, got)
		rec, got = run("30-report-calendar-query-bad-filter")
		assertSameError(t, rec, got)
	})
	t.Run("properties", func(t *testing.T) {
		run("31-proppatch-calendar")
		rec, got := run("32-propfind-calendar-depth0", "DAV")
		want, have := parseMS(t, rec.RespBody), parseMS(t, got.Body.Bytes())
		if len(have) != 1 || have[0].Found["DAV: displayname"] != want[0].Found["DAV: displayname"] ||
			have[0].Found["http://apple.com/ns/ical/ calendar-color"] != want[0].Found["http://apple.com/ns/ical/ calendar-color"] {
			t.Errorf("after PROPPATCH: %+v, recorded %+v", have, want)
		}
	})
	t.Run("delete", func(t *testing.T) {
		rec, got := run("33-delete-event-stale-if-match-412", "ETag")
		assertSameError(t, rec, got)
		run("34-delete-event-204")
		rec, got = run("35-delete-event-again-404")
		assertSameError(t, rec, got)
		run("36-delete-calendar-204")
		rec, got = run("37-propfind-deleted-calendar-still-listed-with-deleted-at")
		have := parseMS(t, got.Body.Bytes())
		if len(have) != 1 || !strings.Contains(have[0].Found["DAV: resourcetype"], "deleted-calendar") {
			t.Errorf("a deleted calendar stays listed as deleted-calendar: %s", got.Body)
		}
		run("38-put-into-trashed-calendar", "ETag")
		rec, got = run("39-propfind-calendar-trashbin-root")
		if !sameStrings(hrefsOf(parseMS(t, rec.RespBody)), hrefsOf(parseMS(t, got.Body.Bytes()))) {
			t.Errorf("trash bin hrefs %v", hrefsOf(parseMS(t, got.Body.Bytes())))
		}
		run("40-delete-calendar-skip-trashbin")
		gone := loadRecording(t, "caldav", "32-propfind-calendar-depth0")
		gone.Target = "/remote.php/dav/calendars/admin/golden-events-only/"
		if got := replay(t, s, gone); got.Code != 404 {
			t.Errorf("a calendar deleted with X-NC-CalDAV-No-Trashbin is gone: %d", got.Code)
		}
	})
}

func between(s, a, b string) string {
	i := strings.Index(s, a)
	if i < 0 {
		return ""
	}
	s = s[i+len(a):]
	j := strings.Index(s, b)
	if j < 0 {
		return ""
	}
	return s[:j]
}
