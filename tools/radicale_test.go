package tools

import (
	"crypto/rand"
	"encoding/hex"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/auth"
)

// The Radicale suite runs every calendar, task and contact tool against a
// real CalDAV/CardDAV server that is not Nextcloud: discovery at the root,
// no server-side expansion, no default calendars. .ci/run starts Radicale
// and exports RADICALE_URL; under CI=true a missing server fails the suite.

type radicale struct {
	*harness
	base, user string
}

func newRadicale(t *testing.T) *radicale {
	t.Helper()
	base := strings.TrimRight(os.Getenv("RADICALE_URL"), "/")
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("RADICALE_URL is not set: .ci/run starts Radicale and exports it; the CalDAV/CardDAV suite must run in CI")
		}
		t.Skip("RADICALE_URL not set: start Radicale (see .ci/run) and export RADICALE_URL=http://127.0.0.1:PORT to run the real-server suite")
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	// A fresh user per run: Radicale (auth none) accepts any name and keeps
	// its storage between local runs.
	user := "mcp-" + hex.EncodeToString(b[:])
	f := auth.NewBasicFactory(base, user, "any-password", auth.ClientOptions{Version: "test"})
	return &radicale{harness: newHarnessWithFactory(t, nil, base, f, Options{}), base: base, user: user}
}

func (r *radicale) raw(path string) string {
	r.t.Helper()
	req, err := http.NewRequest(http.MethodGet, r.base+path, nil)
	if err != nil {
		r.t.Fatal(err)
	}
	req.SetBasicAuth(r.user, "any-password")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		r.t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
	}
	return strings.ReplaceAll(string(b), "\r\n ", "")
}

func TestRadicaleCalendarTools(t *testing.T) {
	r := newRadicale(t)
	var cals CalendarListCalendarsOutput
	r.ok("nc_calendar_list_calendars", nil, &cals)
	var work CalendarInfo
	r.ok("nc_calendar_create_calendar", map[string]any{"name": "work", "display_name": "Work", "color": "#00aa00"}, &work)
	r.ok("nc_calendar_list_calendars", nil, &cals)
	found := false
	for _, c := range cals.Calendars {
		if c.Name == "work" {
			found = c.DisplayName == "Work" && !c.ReadOnly
		}
	}
	if !found {
		t.Fatalf("created calendar not listed as writable: %+v", cals.Calendars)
	}
	if msg := r.fails("nc_calendar_create_calendar", map[string]any{"name": "work"}); msg == "" {
		t.Error("a second calendar with the same name was created")
	}

	var ev EventInfo
	r.ok("nc_calendar_create_event", map[string]any{"calendar_name": "work", "title": "Dentist", "start": "2026-03-30T09:00", "duration_minutes": 45, "timezone": "Europe/Berlin", "location": "Main St 1"}, &ev)
	if ev.Start != "2026-03-30T09:00:00+02:00" || ev.StartUTC != "2026-03-30T07:00:00Z" || ev.ETag == "" {
		t.Fatalf("created %+v", ev)
	}
	raw := r.raw("/" + r.user + "/work/" + ev.UID + ".ics")
	if !strings.Contains(raw, "DTSTART;TZID=Europe/Berlin:20260330T090000") || !strings.Contains(raw, "BEGIN:VTIMEZONE") {
		t.Errorf("stored ICS lacks TZID or VTIMEZONE:\n%s", raw)
	}
	var got EventInfo
	r.ok("nc_calendar_get_event", map[string]any{"calendar_name": "work", "event_uid": ev.UID}, &got)
	if got.Start != ev.Start || got.TimeZone != "Europe/Berlin" || got.Location != "Main St 1" {
		t.Errorf("read back %+v", got)
	}

	// Radicale does not expand; the client does, keeping 09:00 local across DST.
	var series EventInfo
	r.ok("nc_calendar_create_event", map[string]any{"calendar_name": "work", "title": "Team", "start": "2026-03-19T09:00", "duration_minutes": 30, "timezone": "Europe/Berlin", "recurrence_rule": "FREQ=WEEKLY;COUNT=4"}, &series)
	var list CalendarListEventsOutput
	r.ok("nc_calendar_list_events", map[string]any{"start": "2026-03-01", "end": "2026-05-01", "timezone": "Europe/Berlin", "query": "team"}, &list)
	var starts []string
	for _, e := range list.Events {
		starts = append(starts, e.Start+"|"+e.RecurrenceID)
	}
	want := "2026-03-19T09:00:00+01:00|2026-03-19T09:00:00+01:00 2026-03-26T09:00:00+01:00|2026-03-26T09:00:00+01:00 2026-04-02T09:00:00+02:00|2026-04-02T09:00:00+02:00 2026-04-09T09:00:00+02:00|2026-04-09T09:00:00+02:00"
	if strings.Join(starts, " ") != want {
		t.Errorf("weekly occurrences:\n got %s\nwant %s", strings.Join(starts, " "), want)
	}

	var upd EventInfo
	r.ok("nc_calendar_update_event", map[string]any{"calendar_name": "work", "event_uid": ev.UID, "etag": ev.ETag, "title": "Dentist (moved)", "start": "2026-03-31T10:00"}, &upd)
	if upd.Title != "Dentist (moved)" || upd.Start != "2026-03-31T10:00:00+02:00" || upd.End != "2026-03-31T10:45:00+02:00" || upd.Location != "Main St 1" {
		t.Errorf("updated %+v", upd)
	}
	if msg := r.fails("nc_calendar_update_event", map[string]any{"calendar_name": "work", "event_uid": ev.UID, "etag": ev.ETag, "title": "lost"}); !strings.Contains(msg, "412") {
		t.Errorf("stale etag on Radicale: %s", msg)
	}
	if msg := r.fails("nc_calendar_delete_event", map[string]any{"calendar_name": "work", "event_uid": ev.UID, "etag": ev.ETag}); !strings.Contains(msg, "412") {
		t.Errorf("stale delete on Radicale: %s", msg)
	}

	// Free slots around an overlap, an all-day event and the recurring series.
	r.ok("nc_calendar_create_event", map[string]any{"calendar_name": "work", "title": "A", "start": "2026-03-26T10:00", "end": "2026-03-26T11:00", "timezone": "Europe/Berlin"}, nil)
	r.ok("nc_calendar_create_event", map[string]any{"calendar_name": "work", "title": "B", "start": "2026-03-26T10:30", "end": "2026-03-26T12:00", "timezone": "Europe/Berlin"}, nil)
	r.ok("nc_calendar_create_event", map[string]any{"calendar_name": "work", "title": "Offsite", "start": "2026-03-27"}, nil)
	var free CalendarFindFreeSlotsOutput
	r.ok("nc_calendar_find_free_slots", map[string]any{"start": "2026-03-26", "end": "2026-03-28", "duration_minutes": 30, "timezone": "Europe/Berlin",
		"working_hours": map[string]any{"start": "08:00", "end": "13:00"}}, &free)
	var slots []string
	for _, s := range free.Slots {
		slots = append(slots, s.Start+" "+s.End)
	}
	wantSlots := "2026-03-26T08:00:00+01:00 2026-03-26T09:00:00+01:00,2026-03-26T09:30:00+01:00 2026-03-26T10:00:00+01:00,2026-03-26T12:00:00+01:00 2026-03-26T13:00:00+01:00"
	if strings.Join(slots, ",") != wantSlots {
		t.Errorf("free slots on Radicale:\n got %s\nwant %s", strings.Join(slots, ","), wantSlots)
	}

	r.ok("nc_calendar_delete_event", map[string]any{"calendar_name": "work", "event_uid": ev.UID}, nil)
	if msg := r.fails("nc_calendar_get_event", map[string]any{"calendar_name": "work", "event_uid": ev.UID}); !strings.Contains(msg, "no event") {
		t.Errorf("deleted event: %s", msg)
	}

	// Tasks live in the same calendar (it accepts VTODO).
	var task TaskInfo
	r.ok("nc_tasks_create", map[string]any{"summary": "Write report", "calendar_name": "work", "due": "2026-03-31", "priority": 2}, &task)
	var tasks TasksListOutput
	r.ok("nc_tasks_list", map[string]any{"calendar_name": "work"}, &tasks)
	if len(tasks.Tasks) != 1 || tasks.Tasks[0].UID != task.UID {
		t.Errorf("open tasks %+v", tasks.Tasks)
	}
	var done TaskInfo
	r.ok("nc_tasks_complete", map[string]any{"calendar_name": "work", "task_uid": task.UID, "completed": true, "etag": task.ETag}, &done)
	if done.Status != "COMPLETED" || done.PercentComplete != 100 || done.Completed == "" {
		t.Errorf("completed %+v", done)
	}
	var open TasksListOutput
	r.ok("nc_tasks_list", map[string]any{"calendar_name": "work"}, &open)
	if len(open.Tasks) != 0 {
		t.Errorf("no open task left: %+v", open.Tasks)
	}
	var upd2 TaskInfo
	r.ok("nc_tasks_update", map[string]any{"calendar_name": "work", "task_uid": task.UID, "summary": "Write the report", "etag": done.ETag}, &upd2)
	if upd2.Summary != "Write the report" || upd2.Priority != 2 || upd2.Status != "COMPLETED" {
		t.Errorf("updated task %+v", upd2)
	}
	if msg := r.fails("nc_tasks_update", map[string]any{"calendar_name": "work", "task_uid": task.UID, "summary": "x", "etag": task.ETag}); !strings.Contains(msg, "412") {
		t.Errorf("stale task update: %s", msg)
	}
	r.ok("nc_tasks_delete", map[string]any{"calendar_name": "work", "task_uid": task.UID}, nil)

	r.ok("nc_calendar_delete_calendar", map[string]any{"calendar_name": "work"}, nil)
	var after CalendarListCalendarsOutput
	r.ok("nc_calendar_list_calendars", nil, &after)
	for _, c := range after.Calendars {
		if c.Name == "work" {
			t.Error("deleted calendar still listed")
		}
	}
}

func TestRadicaleContactTools(t *testing.T) {
	r := newRadicale(t)
	var ab AddressBookInfo
	r.ok("nc_contacts_create_addressbook", map[string]any{"name": "people", "display_name": "People"}, &ab)
	var books ContactsListAddressBooksOutput
	r.ok("nc_contacts_list_addressbooks", nil, &books)
	if len(books.AddressBooks) != 1 || books.AddressBooks[0].Name != "people" || books.AddressBooks[0].DisplayName != "People" {
		t.Fatalf("address books %+v", books.AddressBooks)
	}
	var ann ContactInfo
	r.ok("nc_contacts_create_contact", map[string]any{"name": "Ann Müller", "emails": []map[string]any{{"value": "ann@example.com", "type": "work"}},
		"phones": []map[string]any{{"value": "+49 30 1234567"}}, "organization": "Example GmbH", "birthday": "1990-01-02"}, &ann)
	r.ok("nc_contacts_create_contact", map[string]any{"name": "Bob Builder"}, nil)
	for _, q := range []string{"müller", "ann@example", "1234567", "example gmbh"} {
		var res ContactsListOutput
		r.ok("nc_contacts_search", map[string]any{"query": q}, &res)
		if len(res.Contacts) != 1 || res.Contacts[0].UID != ann.UID {
			t.Errorf("search %q on Radicale: %+v", q, res.Contacts)
		}
	}
	var page ContactsListOutput
	r.ok("nc_contacts_list_contacts", nil, &page)
	if page.Total != 2 || page.Contacts[0].Name != "Ann Müller" {
		t.Errorf("listing %+v", page)
	}
	var got ContactInfo
	r.ok("nc_contacts_get_contact", map[string]any{"uid": ann.UID}, &got)
	if got.Birthday != "1990-01-02" || got.Organization != "Example GmbH" {
		t.Errorf("read back %+v", got)
	}
	var upd ContactInfo
	r.ok("nc_contacts_update_contact", map[string]any{"uid": ann.UID, "etag": got.ETag, "title": "CTO"}, &upd)
	if upd.Title != "CTO" || len(upd.Emails) != 1 || upd.Birthday != "1990-01-02" {
		t.Errorf("merged %+v", upd)
	}
	if msg := r.fails("nc_contacts_update_contact", map[string]any{"uid": ann.UID, "etag": got.ETag, "title": "x"}); !strings.Contains(msg, "412") {
		t.Errorf("stale contact update: %s", msg)
	}
	r.ok("nc_contacts_delete_contact", map[string]any{"uid": ann.UID}, nil)
	r.ok("nc_contacts_delete_addressbook", map[string]any{"name": "people"}, nil)
	r.ok("nc_contacts_list_addressbooks", nil, &books)
	if len(books.AddressBooks) != 0 {
		t.Errorf("address book not deleted: %+v", books.AddressBooks)
	}
}
