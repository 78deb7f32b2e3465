package nextcloud

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"
	"github.com/emersion/go-vcard"
)

// Run one target long with, for example:
//
//	go test ./nextcloud -run '^$' -fuzz '^FuzzICalendar$' -fuzztime 10m

var fuzzNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

const seedEvent = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//x//EN\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTAMP:20260101T000000Z\r\n" +
	"DTSTART;TZID=Europe/Berlin:20260302T090000\r\nDTEND;TZID=Europe/Berlin:20260302T100000\r\nRRULE:FREQ=WEEKLY;COUNT=5\r\n" +
	"EXDATE;TZID=Europe/Berlin:20260309T090000\r\nSUMMARY:Standup\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"

// FuzzICalendar reads calendar objects as a server could send them: decode,
// read the event or task, expand a year of occurrences, patch and encode.
func FuzzICalendar(f *testing.F) {
	f.Add([]byte(seedEvent))
	f.Add([]byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VTODO\r\nUID:t\r\nDUE;VALUE=DATE:20260310\r\nSUMMARY:Task\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"))
	for _, b := range recordingBodies("caldav", "BEGIN:VCALENDAR") {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cal, err := DecodeICS(data)
		if err != nil {
			return
		}
		_, _ = ParseTask(cal)
		_ = ObjectUID(cal)
		from := fuzzNow.AddDate(0, -6, 0)
		if _, err := ExpandEvents(cal, from, from.AddDate(1, 0, 0), time.UTC); err != nil {
			return
		}
		ev, err := ParseEvent(cal)
		if err != nil {
			return
		}
		_ = ev.Busy()
		summary, rule := "patched", ""
		if master := MasterComponent(cal, ical.CompEvent); master != nil {
			if ApplyEventPatch(cal, master, EventPatch{Summary: &summary, RRule: &rule}, fuzzNow) != nil {
				return
			}
		}
		out, err := EncodeICS(cal)
		if err != nil {
			return
		}
		if _, err := DecodeICS(out); err != nil {
			t.Errorf("an object this program encoded does not decode: %v\n%s", err, out)
		}
	})
}

// FuzzRRule checks recurrence rules as a model or a server writes them, and
// expands each accepted one over a year: every rule must finish quickly.
func FuzzRRule(f *testing.F) {
	for _, r := range []string{"FREQ=WEEKLY;BYDAY=MO", "RRULE:FREQ=DAILY;COUNT=3", "FREQ=MONTHLY;BYMONTHDAY=31", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
		"FREQ=MINUTELY", "FREQ=SECONDLY;BYSECOND=0,30", "FREQ=DAILY;UNTIL=20260310T000000Z", "FREQ=WEEKLY;INTERVAL=0", "FREQ=HOURLY;BYHOUR=25"} {
		f.Add(r)
	}
	f.Fuzz(func(t *testing.T, rule string) {
		checked, err := CheckRRule(rule)
		if err != nil || checked == "" {
			return
		}
		data := strings.Replace(seedEvent, "RRULE:FREQ=WEEKLY;COUNT=5", "RRULE:"+checked, 1)
		cal, err := DecodeICS([]byte(data))
		if err != nil {
			return
		}
		start := time.Now()
		_, _ = ExpandEvents(cal, fuzzNow, fuzzNow.AddDate(1, 0, 0), time.UTC)
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("expanding %q took %v", checked, d)
		}
	})
}

const seedCard = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u1\r\nFN:Ann Müller\r\nN:Müller;Ann;;;\r\nEMAIL;TYPE=work:ann@example.com\r\n" +
	"TEL;TYPE=cell:+49 30 1\r\nADR;TYPE=home:;;Hauptstr. 1;Berlin;;10115;Germany\r\nBDAY:19900102\r\nCATEGORIES:a,b\r\nEND:VCARD\r\n"

// FuzzVCard reads contacts as a server could send them, patches them and
// encodes them again.
func FuzzVCard(f *testing.F) {
	f.Add([]byte(seedCard))
	for _, b := range recordingBodies("carddav", "BEGIN:VCARD") {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		card, err := vcard.NewDecoder(bytes.NewReader(data)).Decode()
		if err != nil {
			return
		}
		c := ParseContact(card)
		for _, cat := range c.Categories {
			if strings.TrimSpace(cat) == "" {
				t.Errorf("empty category in %q", c.Categories)
			}
		}
		name, title := "Renamed", "CTO"
		if ApplyContactPatch(card, ContactPatch{Name: &name, Title: &title}) != nil {
			return
		}
		out, err := EncodeVCard(card)
		if err != nil {
			return
		}
		back, err := vcard.NewDecoder(bytes.NewReader(out)).Decode()
		if err != nil {
			t.Fatalf("a card this program encoded does not decode: %v\n%s", err, out)
		}
		if got := ParseContact(back).Name; got != name {
			t.Errorf("patched name %q came back as %q", name, got)
		}
	})
}

// FuzzMultistatus answers every WebDAV, CalDAV and CardDAV read with the
// fuzzed 207 body.
func FuzzMultistatus(f *testing.F) {
	f.Add([]byte(`<?xml version="1.0"?><d:multistatus xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns"><d:response><d:href>/nc/remote.php/dav/files/admin/Documents/</d:href>` +
		`<d:propstat><d:prop><d:resourcetype><d:collection/></d:resourcetype><d:getetag>&quot;1&quot;</d:getetag><oc:size>12</oc:size></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response></d:multistatus>`))
	for _, area := range []string{"webdav", "caldav", "carddav"} {
		for _, b := range recordingBodies(area, "multistatus>") {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		c := fuzzClient(t, http.StatusMultiStatus, "application/xml; charset=utf-8", body)
		ctx := fuzzCtx(t)
		var entries []FileEntry
		if self, children, err := c.ListDir(ctx, "/Documents"); err == nil {
			entries = append(children, *self)
		}
		if e, err := c.Stat(ctx, "/Documents/a.txt"); err == nil {
			entries = append(entries, *e)
		}
		if es, err := c.SearchFiles(ctx, FileSearch{NamePattern: "%a%"}); err == nil {
			entries = append(entries, es...)
		}
		if es, err := c.Favorites(ctx, ""); err == nil {
			entries = append(entries, es...)
		}
		for _, e := range entries {
			noDotSegments(t, "file path", e.Path)
		}
		if cals, err := c.Calendars(ctx); err == nil {
			for _, cal := range cals {
				noDotSegments(t, "calendar href", cal.Href)
			}
		}
		_, _, _ = c.QueryCalendar(ctx, "/remote.php/dav/calendars/admin/personal/", CalendarQuery{Component: "VEVENT", Start: fuzzNow, End: fuzzNow.AddDate(0, 1, 0)})
		_, _, _ = c.Occurrences(ctx, "/remote.php/dav/calendars/admin/personal/", fuzzNow, fuzzNow.AddDate(0, 1, 0), time.UTC)
		if books, err := c.AddressBooks(ctx); err == nil {
			for _, b := range books {
				noDotSegments(t, "address book href", b.Href)
			}
		}
		_, _ = c.QueryContacts(ctx, "/remote.php/dav/addressbooks/users/admin/contacts/", ContactQuery{Text: "ann"})
		fresh := fuzzClient(t, http.StatusMultiStatus, "application/xml", body)
		fresh.principal, fresh.davHomes = "", davHomes{}
		if p, err := fresh.Principal(ctx); err == nil {
			noDotSegments(t, "principal", p)
		}
		_, _ = fresh.DAVHomes(ctx)
	})
}

// FuzzOCSEnvelope answers the OCS reads with the fuzzed status and body.
func FuzzOCSEnvelope(f *testing.F) {
	f.Add(200, []byte(`{"ocs":{"meta":{"status":"ok","statuscode":200,"message":"OK"},"data":[]}}`))
	f.Add(200, []byte(`{"ocs":{"meta":{"status":"failure","statuscode":997,"message":"Current user is not logged in"},"data":[]}}`))
	f.Add(401, []byte(`<?xml version="1.0"?><ocs><meta><status>failure</status><statuscode>997</statuscode><message>no</message></meta><data/></ocs>`))
	for _, area := range []string{"ocs", "sharing", "talk", "notifications", "activity", "webhooks"} {
		for _, b := range recordingBodies(area, `"ocs"`) {
			f.Add(200, b)
		}
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 100 || status > 599 {
			return
		}
		c := fuzzClient(t, status, "application/json; charset=utf-8", body)
		ctx := fuzzCtx(t)
		_, _ = c.Capabilities(ctx)
		_, _ = c.CurrentUser(ctx)
		_, _ = c.ListShares(ctx, ShareListOptions{Path: "/Documents"})
		_, _ = c.GetShare(ctx, "7")
		_, _ = c.SearchSharees(ctx, ShareeQuery{Search: "al"})
		_, _ = c.Conversations(ctx)
		_, _ = c.ChatHistory(ctx, "abc", HistoryQuery{Limit: 10})
		_, _ = c.Participants(ctx, "abc")
		_, _ = c.Notifications(ctx)
		_, _ = c.Activities(ctx, ActivityQuery{Limit: 5})
		_, _ = c.SearchProviders(ctx)
		_, _ = c.Search(ctx, "files", SearchQuery{Term: "x"})
		_, _ = c.WebhookListeners(ctx, "")
		_, _ = c.StartLoginFlow(ctx)
	})
}

// FuzzErrorBody turns any failed answer into an *Error: Sabre XML, OCS XML
// or JSON, HTML from a proxy, or garbage.
func FuzzErrorBody(f *testing.F) {
	f.Add(412, "", []byte(`<?xml version="1.0" encoding="utf-8"?><d:error xmlns:d="DAV:" xmlns:s="http://sabredav.org/ns"><s:exception>Sabre\DAV\Exception\PreconditionFailed</s:exception><s:message>An If-Match header was specified</s:message></d:error>`))
	f.Add(429, "30", []byte(`{"message":"Reached maximum delay"}`))
	f.Add(502, "Wed, 21 Oct 2015 07:28:00 GMT", []byte("<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"))
	for _, b := range recordingBodies("errors", "") {
		f.Add(500, "", b)
	}
	f.Fuzz(func(t *testing.T, status int, retryAfter string, body []byte) {
		if status < 100 || status > 599 {
			return
		}
		resp := &http.Response{StatusCode: status, Header: http.Header{"Retry-After": {retryAfter}},
			Request: &http.Request{Method: "GET", URL: mustURL("https://cloud.example.com/remote.php/dav/files/a")}}
		e := newError(resp, body)
		if e.RetryAfter < 0 {
			t.Errorf("negative Retry-After %v from %q", e.RetryAfter, retryAfter)
		}
		_ = e.Error()
		_, _ = parseRetryAfter(retryAfter, fuzzNow)
	})
}

// FuzzNotesJSON answers the Notes API with the fuzzed body.
func FuzzNotesJSON(f *testing.F) {
	f.Add([]byte(`[{"id":1,"etag":"abc","readonly":false,"modified":1700000000,"title":"T","category":"","content":"x","favorite":false}]`))
	f.Add([]byte(`{"id":1,"etag":"abc","title":"T","content":"x","category":"Work","modified":1}`))
	for _, b := range recordingBodies("notes", `"id"`) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		c := fuzzClient(t, http.StatusOK, "application/json", body)
		ctx := fuzzCtx(t)
		_, _ = c.ListNotes(ctx, NotesListOptions{})
		_, _ = c.ListNotesPage(ctx, NotesListOptions{ChunkSize: 10})
		_, _ = c.GetNote(ctx, 1)
		_, _ = c.NotesSettings(ctx)
		title := "t"
		_, _ = c.UpdateNote(ctx, 1, `"e"`, NoteChanges{Title: &title})
	})
}

// FuzzDeckJSON answers the Deck API with the fuzzed body.
func FuzzDeckJSON(f *testing.F) {
	f.Add([]byte(`[{"id":1,"title":"B","color":"0082c9","owner":{"uid":"admin","displayname":"admin"},"labels":[],"acl":[],"stacks":[]}]`))
	f.Add([]byte(`[{"id":1,"title":"To do","boardId":1,"order":0,"cards":[{"id":3,"title":"c","owner":"admin","assignedUsers":[{"participant":{"uid":"a"}}],"labels":[],"duedate":"2026-01-01T00:00:00+00:00"}]}]`))
	for _, b := range recordingBodies("deck", `"id"`) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		c := fuzzClient(t, http.StatusOK, "application/json", body)
		ctx := fuzzCtx(t)
		d := c.Deck()
		_, _ = d.Boards(ctx, DeckBoardsOptions{Details: true})
		_, _, _ = d.Board(ctx, 1, "")
		_, _ = d.Stacks(ctx, 1, DeckStacksOptions{})
		_, _ = d.Card(ctx, 1, 2, 3)
		_, _ = d.Comments(ctx, 3, 10, 0)
		_, _ = d.Label(ctx, 1, 2)
	})
}

// FuzzCleanPath checks the path cleaning every file tool relies on: no
// result may climb out of the user's files, and what it escapes must pass
// the client's own check.
func FuzzCleanPath(f *testing.F) {
	for _, p := range []string{"Documents/a b.txt", "/x/../y", `..\..\w`, "%2e%2e/x", "./a//b/", "a/%2F/b", "ü/ß?#"} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, p string) {
		segs, err := CleanPath(p)
		if err != nil {
			return
		}
		for _, s := range segs {
			if s == "" || s == "." || s == ".." || strings.ContainsAny(s, `/\`) {
				t.Fatalf("CleanPath(%q) kept segment %q", p, s)
			}
		}
		esc := EscapeSegments(segs)
		if err := checkEscapedPath("/" + esc); err != nil {
			t.Fatalf("CleanPath(%q) escaped to %q, which the client refuses: %v", p, esc, err)
		}
		if back := FileHrefSegments("/remote.php/dav/files/admin/" + esc); strings.Join(back, "/") != strings.Join(segs, "/") {
			t.Fatalf("%q escaped and read back as %q, want %q", p, back, segs)
		}
	})
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}
