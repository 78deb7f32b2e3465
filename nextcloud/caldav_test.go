package nextcloud_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

func newDAVClient(t *testing.T, fake *ncfake.Server) *nextcloud.Client {
	t.Helper()
	ts := fake.Start()
	t.Cleanup(ts.Close)
	c, err := nextcloud.New(nextcloud.Options{BaseURL: ts.URL, Credentials: nextcloud.BasicAuth{User: "admin", Password: "admin-app-password"}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func findCalendar(t *testing.T, c *nextcloud.Client, name string) (nextcloud.Calendar, bool) {
	t.Helper()
	cals, err := c.Calendars(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, cal := range cals {
		if cal.Name == name {
			return cal, true
		}
	}
	return nextcloud.Calendar{}, false
}

func TestCalDAVDiscoveryAndCalendars(t *testing.T) {
	ctx := context.Background()
	fake := ncfake.New(ncfake.Options{})
	c := newDAVClient(t, fake)
	homes, err := c.DAVHomes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if homes.Calendars != "/remote.php/dav/calendars/admin/" || homes.AddressBooks != "/remote.php/dav/addressbooks/users/admin/" {
		t.Fatalf("homes %+v", homes)
	}
	before := fake.RequestCount()
	if _, err := c.DAVHomes(ctx); err != nil || fake.RequestCount() != before {
		t.Errorf("discovery should happen once per client (%v, %d requests)", err, fake.RequestCount()-before)
	}
	personal, ok := findCalendar(t, c, "personal")
	// Nextcloud 29 creates "personal" for events only.
	if !ok || !personal.Writable || personal.Supports("VTODO") || !personal.Supports("VEVENT") || personal.SyncToken == "" {
		t.Errorf("personal calendar %+v", personal)
	}
	birthdays, ok := findCalendar(t, c, "contact_birthdays")
	if !ok || birthdays.Writable || !birthdays.Transparent || birthdays.Supports("VTODO") {
		t.Errorf("birthday calendar %+v should be read-only, transparent, events only", birthdays)
	}
	for _, special := range []string{"inbox", "outbox", "trashbin"} {
		if _, ok := findCalendar(t, c, special); ok {
			t.Errorf("%s is no calendar", special)
		}
	}

	created, err := c.CreateCalendar(ctx, "work stuff", nextcloud.NewCalendar{DisplayName: "Work", Color: "#ff0000", Components: []string{"VEVENT"}})
	if err != nil {
		t.Fatal(err)
	}
	if created.Href != "/remote.php/dav/calendars/admin/work%20stuff/" {
		t.Errorf("href %q", created.Href)
	}
	work, ok := findCalendar(t, c, "work stuff")
	if !ok || work.DisplayName != "Work" || work.Color != "#ff0000" || work.Supports("VTODO") {
		t.Errorf("created calendar reads back as %+v", work)
	}
	if _, err := c.CreateCalendar(ctx, "work stuff", nextcloud.NewCalendar{}); nextcloud.StatusOf(err) != http.StatusMethodNotAllowed {
		t.Errorf("creating it again: %v, want 405", err)
	}
	if _, err := c.CreateCalendar(ctx, "a/b", nextcloud.NewCalendar{}); err == nil {
		t.Error("a name with a slash was accepted")
	}
	if err := c.DeleteCalendar(ctx, work); err != nil {
		t.Fatal(err)
	}
	if _, ok := findCalendar(t, c, "work stuff"); ok {
		t.Error("a calendar in the trash bin must not be listed")
	}
}

func TestCalDAVObjectsAreConflictSafe(t *testing.T) {
	ctx := context.Background()
	c := newDAVClient(t, ncfake.New(ncfake.Options{}))
	cal, _ := findCalendar(t, c, "personal")
	berlin, _ := nextcloud.LoadZone("Europe/Berlin")
	start := nextcloud.ZonedValue(time.Date(2026, 12, 1, 10, 0, 0, 0, berlin))
	summary := "Review"
	obj, err := nextcloud.NewEventObject("uid-1@test", nextcloud.EventPatch{Summary: &summary, Start: &start}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	href := cal.Href + nextcloud.ResourceName("uid-1@test", "ics")
	etag, err := c.PutCalendarObject(ctx, href, obj, nextcloud.Precondition{IfNoneMatch: true})
	if err != nil || etag == "" {
		t.Fatalf("create: %q %v", etag, err)
	}
	if _, err := c.PutCalendarObject(ctx, href, obj, nextcloud.Precondition{IfNoneMatch: true}); !errors.Is(err, nextcloud.ErrPreconditionFailed) {
		t.Errorf("create over an existing object: %v, want 412", err)
	}
	if _, err := c.PutCalendarObject(ctx, href, obj, nextcloud.Precondition{}); err == nil {
		t.Error("an unconditional write was sent")
	}
	found, err := c.FindByUID(ctx, cal.Href, ical.CompEvent, "uid-1@test")
	if err != nil || found.ETag != etag || found.Href != href {
		t.Fatalf("find by uid: %+v %v (etag %s)", found, err, etag)
	}
	if _, err := c.FindByUID(ctx, cal.Href, ical.CompEvent, "uid-1"); !errors.Is(err, nextcloud.ErrNotFound) {
		t.Errorf("a UID prefix must not match: %v", err)
	}

	moved := "Review (moved)"
	ev := nextcloud.MasterComponent(found.Data, ical.CompEvent)
	if err := nextcloud.ApplyEventPatch(found.Data, ev, nextcloud.EventPatch{Summary: &moved}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutCalendarObject(ctx, href, found.Data, nextcloud.Precondition{IfMatch: "0000"}); !errors.Is(err, nextcloud.ErrPreconditionFailed) {
		t.Fatalf("stale etag: %v, want 412", err)
	}
	again, _ := c.GetCalendarObject(ctx, href)
	if e, _ := nextcloud.ParseEvent(again.Data); e.Summary != "Review" || again.ETag != etag {
		t.Errorf("a refused write changed the event: %q %s", e.Summary, again.ETag)
	}
	etag2, err := c.PutCalendarObject(ctx, href, found.Data, nextcloud.Precondition{IfMatch: nextcloud.ShortETag(etag)})
	if err != nil || etag2 == etag {
		t.Fatalf("update with the read etag (unquoted): %q %v", etag2, err)
	}
	if err := c.DeleteDAVObject(ctx, href, etag); !errors.Is(err, nextcloud.ErrPreconditionFailed) {
		t.Errorf("delete with the old etag: %v, want 412", err)
	}
	if err := c.DeleteDAVObject(ctx, href, etag2); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetCalendarObject(ctx, href); !errors.Is(err, nextcloud.ErrNotFound) {
		t.Errorf("deleted object: %v", err)
	}
}

// Nextcloud expands recurrences on the server and loses the zone doing so;
// Occurrences pairs them with the stored objects to give it back.
func TestOccurrencesUseServerExpansion(t *testing.T) {
	ctx := context.Background()
	fake := ncfake.New(ncfake.Options{})
	c := newDAVClient(t, fake)
	cal, _ := findCalendar(t, c, "personal")
	berlin, _ := nextcloud.LoadZone("Europe/Berlin")
	start := nextcloud.ZonedValue(time.Date(2026, 3, 19, 9, 0, 0, 0, berlin))
	title, rule := "Weekly sync", "FREQ=WEEKLY;COUNT=4"
	obj, err := nextcloud.NewEventObject("weekly", nextcloud.EventPatch{Summary: &title, Start: &start, RRule: &rule}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutCalendarObject(ctx, cal.Href+"weekly.ics", obj, nextcloud.Precondition{IfNoneMatch: true}); err != nil {
		t.Fatal(err)
	}
	single := nextcloud.ZonedValue(time.Date(2026, 3, 27, 12, 0, 0, 0, time.UTC))
	lunch := "Lunch"
	obj2, _ := nextcloud.NewEventObject("lunch", nextcloud.EventPatch{Summary: &lunch, Start: &single}, time.Now())
	if _, err := c.PutCalendarObject(ctx, cal.Href+"lunch.ics", obj2, nextcloud.Precondition{IfNoneMatch: true}); err != nil {
		t.Fatal(err)
	}
	occ, skipped, err := c.Occurrences(ctx, cal.Href, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 4, 30, 0, 0, 0, 0, time.UTC), berlin)
	if err != nil || skipped != 0 {
		t.Fatal(err, skipped)
	}
	var got []string
	for _, o := range occ {
		got = append(got, fmt.Sprintf("%s %s %s", o.Summary, o.Start.Time.Format(time.RFC3339), o.Start.TZID))
	}
	want := []string{
		"Weekly sync 2026-03-19T09:00:00+01:00 Europe/Berlin",
		"Weekly sync 2026-03-26T09:00:00+01:00 Europe/Berlin",
		"Lunch 2026-03-27T12:00:00Z ",
		"Weekly sync 2026-04-02T09:00:00+02:00 Europe/Berlin",
		"Weekly sync 2026-04-09T09:00:00+02:00 Europe/Berlin",
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("occurrences:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	reports := 0
	for _, r := range fake.Requests() {
		if r.Method == "REPORT" {
			reports++
		}
	}
	if reports != 2 {
		t.Errorf("want one expanded calendar-query and one multiget, saw %d REPORTs", reports)
	}
}

// A CalDAV server that is not Nextcloud (Radicale) has no /remote.php/dav/;
// discovery falls back to the root and .well-known.
func TestDiscoveryOnPlainCalDAVServer(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		ms := func(body string) {
			w.Header().Set("Content-Type", "text/xml; charset=utf-8")
			w.WriteHeader(207)
			fmt.Fprint(w, `<?xml version="1.0"?><multistatus xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:CR="urn:ietf:params:xml:ns:carddav"><response><href>`+r.URL.Path+`</href><propstat><prop>`+body+`</prop><status>HTTP/1.1 200 OK</status></propstat></response></multistatus>`)
		}
		switch {
		case r.Method != "PROPFIND":
			w.WriteHeader(405)
		case r.URL.Path == "/dav/":
			ms(`<current-user-principal><href>/dav/ann/</href></current-user-principal>`)
		case r.URL.Path == "/dav/ann/":
			ms(`<C:calendar-home-set><href>/dav/ann/</href></C:calendar-home-set><CR:addressbook-home-set><href>/dav/ann/</href></CR:addressbook-home-set>`)
		default:
			http.NotFound(w, r)
		}
	})
	ts := httptest.NewServer(mux)
	defer ts.Close()
	c, err := nextcloud.New(nextcloud.Options{BaseURL: ts.URL + "/dav", Credentials: nextcloud.BasicAuth{User: "ann", Password: "x"}})
	if err != nil {
		t.Fatal(err)
	}
	homes, err := c.DAVHomes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if homes.Principal != "/ann/" || homes.Calendars != "/ann/" || homes.AddressBooks != "/ann/" {
		t.Errorf("homes %+v (paths are relative to the base URL /dav)", homes)
	}
}
