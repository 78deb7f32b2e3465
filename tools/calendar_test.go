package tools

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// rawDAV reads a DAV resource of the fake as admin, to check what was
// actually stored.
func (h *harness) rawDAV(path string) string {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodGet, h.url+path, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	req.SetBasicAuth("admin", "admin-app-password")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		h.t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
	}
	return strings.ReplaceAll(string(b), "\r\n ", "")
}

func TestCalendarCollections(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	var list CalendarListCalendarsOutput
	h.ok("nc_calendar_list_calendars", nil, &list)
	got := map[string]CalendarInfo{}
	for _, c := range list.Calendars {
		got[c.Name] = c
	}
	if p, ok := got["personal"]; !ok || p.ReadOnly {
		t.Errorf("personal calendar: %+v", list.Calendars)
	}
	if b, ok := got["contact_birthdays"]; !ok || !b.ReadOnly {
		t.Errorf("birthday calendar should be read-only: %+v", b)
	}
	var created CalendarInfo
	h.ok("nc_calendar_create_calendar", map[string]any{"name": "work", "display_name": "Work", "color": "ff0000", "components": []string{"VEVENT"}}, &created)
	if created.Name != "work" || created.Color != "#ff0000" {
		t.Errorf("created %+v", created)
	}
	if msg := h.fails("nc_calendar_create_calendar", map[string]any{"name": "work"}); !strings.Contains(msg, "already exists") {
		t.Errorf("duplicate calendar: %s", msg)
	}
	if msg := h.fails("nc_tasks_create", map[string]any{"summary": "x", "calendar_name": "work"}); !strings.Contains(msg, "events (VEVENT) only") && !strings.Contains(msg, "VEVENT only") {
		t.Errorf("a task into an events-only calendar: %s", msg)
	}
	h.ok("nc_calendar_delete_calendar", map[string]any{"calendar_name": "Work"}, nil)
	h.ok("nc_calendar_list_calendars", nil, &list)
	for _, c := range list.Calendars {
		if c.Name == "work" {
			t.Error("deleted calendar still listed")
		}
	}
	if msg := h.fails("nc_calendar_delete_calendar", map[string]any{"calendar_name": "nope"}); !strings.Contains(msg, `"personal"`) {
		t.Errorf("unknown calendar should list the real ones: %s", msg)
	}
}

// The acceptance test: 09:00 Europe/Berlin reads back as 09:00
// Europe/Berlin, and the stored ICS has TZID and VTIMEZONE.
func TestEventTimeZonesRoundTrip(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	var ev EventInfo
	h.ok("nc_calendar_create_event", map[string]any{
		"calendar_name": "personal", "title": "Dentist", "start": "2026-03-30T09:00", "duration_minutes": 45,
		"timezone": "Europe/Berlin", "location": "Main St 1", "reminder_minutes": []int{30},
	}, &ev)
	if ev.Start != "2026-03-30T09:00:00+02:00" || ev.End != "2026-03-30T09:45:00+02:00" || ev.TimeZone != "Europe/Berlin" ||
		ev.StartUTC != "2026-03-30T07:00:00Z" || ev.ETag == "" || ev.UID == "" {
		t.Fatalf("created %+v", ev)
	}
	raw := h.rawDAV("/remote.php/dav/calendars/admin/personal/" + ev.UID + ".ics")
	for _, want := range []string{"DTSTART;TZID=Europe/Berlin:20260330T090000", "BEGIN:VTIMEZONE", "TZID:Europe/Berlin", "TRIGGER:-PT30M"} {
		if !strings.Contains(raw, want) {
			t.Errorf("stored ICS lacks %q:\n%s", want, raw)
		}
	}
	var got EventInfo
	h.ok("nc_calendar_get_event", map[string]any{"calendar_name": "personal", "event_uid": ev.UID}, &got)
	if got.Start != ev.Start || got.TimeZone != "Europe/Berlin" || got.Location != "Main St 1" || got.ETag != ev.ETag || len(got.Reminders) != 1 {
		t.Errorf("read back %+v", got)
	}

	// New York, and an instant given with its offset.
	h.ok("nc_calendar_create_event", map[string]any{"calendar_name": "personal", "title": "Call", "start": "2026-11-01T12:00:00-05:00", "timezone": "America/New_York"}, &ev)
	if ev.Start != "2026-11-01T12:00:00-05:00" || ev.StartUTC != "2026-11-01T17:00:00Z" {
		t.Errorf("New York event %+v", ev)
	}
	// Times the clocks pass twice (the autumn change) mean the first pass, in summer time.
	for zone, c := range map[string][2]string{
		"Europe/Berlin":    {"2026-10-25T02:30", "2026-10-25T02:30:00+02:00"},
		"America/New_York": {"2026-11-01T01:30", "2026-11-01T01:30:00-04:00"},
	} {
		h.ok("nc_calendar_create_event", map[string]any{"calendar_name": "personal", "title": "Night shift", "start": c[0], "timezone": zone}, &ev)
		if ev.Start != c[1] {
			t.Errorf("%s %s: start %s, want %s", zone, c[0], ev.Start, c[1])
		}
	}
	// An instant without a zone is kept as UTC.
	h.ok("nc_calendar_create_event", map[string]any{"calendar_name": "personal", "title": "Deploy", "start": "2026-04-01T06:00:00Z"}, &ev)
	if ev.TimeZone != "UTC" || ev.Start != "2026-04-01T06:00:00Z" {
		t.Errorf("UTC event %+v", ev)
	}

	refusals := []struct {
		args map[string]any
		want string
	}{
		{map[string]any{"start": "2026-03-30T09:00"}, "no time zone"},
		{map[string]any{"start": "2026-03-29T02:30", "timezone": "Europe/Berlin"}, "does not exist in Europe/Berlin"},
		{map[string]any{"start": "2026-03-08T02:30", "timezone": "America/New_York"}, "does not exist"},
		{map[string]any{"start": "2026-03-30T09:00:00+01:00", "timezone": "Europe/Berlin"}, "offset +01:00"},
		{map[string]any{"start": "2026-03-30T09:00:00+02:00", "recurrence_rule": "FREQ=WEEKLY"}, "needs timezone"},
		{map[string]any{"start": "2026-03-30T09:00", "timezone": "Mars/Base"}, "IANA"},
		{map[string]any{"start": "2026-03-30T09:00", "all_day": true, "timezone": "UTC"}, "take dates"},
		{map[string]any{"start": "2026-03-30", "end": "2026-03-29"}, "after the start"},
	}
	for _, r := range refusals {
		args := map[string]any{"calendar_name": "personal", "title": "x"}
		for k, v := range r.args {
			args[k] = v
		}
		if msg := h.fails("nc_calendar_create_event", args); !strings.Contains(msg, r.want) {
			t.Errorf("%v: %q should say %q", r.args, msg, r.want)
		}
	}
}

func TestAllDayEvents(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	var ev EventInfo
	h.ok("nc_calendar_create_event", map[string]any{"calendar_name": "personal", "title": "Conference", "start": "2026-05-01", "end": "2026-05-03"}, &ev)
	if !ev.AllDay || ev.Start != "2026-05-01" || ev.End != "2026-05-03" || ev.StartUTC != "" {
		t.Errorf("all-day event %+v", ev)
	}
	raw := h.rawDAV("/remote.php/dav/calendars/admin/personal/" + ev.UID + ".ics")
	if !strings.Contains(raw, "DTSTART;VALUE=DATE:20260501") || !strings.Contains(raw, "DTEND;VALUE=DATE:20260504") || strings.Contains(raw, "VTIMEZONE") {
		t.Errorf("all-day ICS:\n%s", raw)
	}
	var list CalendarListEventsOutput
	h.ok("nc_calendar_list_events", map[string]any{"start": "2026-05-03", "end": "2026-05-04", "timezone": "Pacific/Auckland"}, &list)
	if len(list.Events) != 1 {
		t.Errorf("the last day of an all-day event is inside that day in any zone: %+v", list.Events)
	}
	h.ok("nc_calendar_list_events", map[string]any{"start": "2026-05-04", "end": "2026-05-05", "timezone": "Pacific/Auckland"}, &list)
	if len(list.Events) != 0 {
		t.Errorf("the day after is free: %+v", list.Events)
	}
}

// 0001-01-01 is Go's zero time, which means "not set": an event on it
// would be stored without a start. Dates before the year 1000 are refused
// by name, and 1000-01-01 is the first accepted.
func TestAncientDatesRefused(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	for _, start := range []string{"0001-01-01", "0001-01-01T00:00:00Z", "0999-12-31"} {
		msg := h.fails("nc_calendar_create_event", map[string]any{"calendar_name": "personal", "title": "Old", "start": start})
		if !strings.Contains(msg, "before the year 1000") {
			t.Errorf("start %s: %q", start, msg)
		}
	}
	var ev EventInfo
	h.ok("nc_calendar_create_event", map[string]any{"calendar_name": "personal", "title": "Millennium", "start": "1000-01-01"}, &ev)
	if ev.Start != "1000-01-01" {
		t.Errorf("1000-01-01: %+v", ev)
	}
}

// A weekly 09:00 Berlin series keeps 09:00 local across the DST change;
// each listed occurrence carries its recurrence id.
func TestRecurringEventsExpandAcrossDST(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	var ev EventInfo
	h.ok("nc_calendar_create_event", map[string]any{"calendar_name": "personal", "title": "Team", "start": "2026-03-19T09:00", "duration_minutes": 30,
		"timezone": "Europe/Berlin", "recurrence_rule": "FREQ=WEEKLY;COUNT=4"}, &ev)
	if !ev.Recurring || ev.RecurrenceRule != "FREQ=WEEKLY;COUNT=4" {
		t.Errorf("created %+v", ev)
	}
	var list CalendarListEventsOutput
	h.ok("nc_calendar_list_events", map[string]any{"start": "2026-03-01", "end": "2026-05-01", "timezone": "Europe/Berlin", "calendar_name": "personal"}, &list)
	want := []struct{ start, utc string }{
		{"2026-03-19T09:00:00+01:00", "2026-03-19T08:00:00Z"},
		{"2026-03-26T09:00:00+01:00", "2026-03-26T08:00:00Z"},
		{"2026-04-02T09:00:00+02:00", "2026-04-02T07:00:00Z"},
		{"2026-04-09T09:00:00+02:00", "2026-04-09T07:00:00Z"},
	}
	if len(list.Events) != len(want) {
		t.Fatalf("occurrences %+v", list.Events)
	}
	for i, w := range want {
		e := list.Events[i]
		if e.Start != w.start || e.StartUTC != w.utc || e.RecurrenceID != w.start || e.UID != ev.UID || e.TimeZone != "Europe/Berlin" {
			t.Errorf("occurrence %d: %+v, want start %s (%s)", i, e, w.start, w.utc)
		}
	}
	h.ok("nc_calendar_list_events", map[string]any{"start": "2026-04-01T00:00:00+02:00", "end": "2026-04-03T00:00:00+02:00", "query": "team"}, &list)
	if len(list.Events) != 1 || list.Events[0].Start != "2026-04-02T09:00:00+02:00" {
		t.Errorf("one occurrence in that window: %+v", list.Events)
	}
	h.ok("nc_calendar_list_events", map[string]any{"start": "2026-03-01", "end": "2026-05-01", "query": "nomatch"}, &list)
	if len(list.Events) != 0 {
		t.Errorf("query filter: %+v", list.Events)
	}
}

func TestUpdateAndDeleteAreConflictSafe(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	var ev EventInfo
	h.ok("nc_calendar_create_event", map[string]any{"calendar_name": "personal", "title": "Review", "start": "2026-06-10T14:00", "end": "2026-06-10T15:30",
		"timezone": "Europe/Berlin", "location": "Room 2", "categories": []string{"work"}}, &ev)

	var upd EventInfo
	h.ok("nc_calendar_update_event", map[string]any{"calendar_name": "personal", "event_uid": ev.UID, "etag": ev.ETag, "title": "Review v2"}, &upd)
	if upd.Title != "Review v2" || upd.Location != "Room 2" || upd.Start != ev.Start || upd.End != ev.End || len(upd.Categories) != 1 || upd.ETag == ev.ETag {
		t.Errorf("a title change must keep the rest: %+v", upd)
	}
	msg := h.fails("nc_calendar_update_event", map[string]any{"calendar_name": "personal", "event_uid": ev.UID, "etag": ev.ETag, "title": "lost update"})
	if !strings.Contains(msg, "412") || !strings.Contains(msg, "re-read") {
		t.Errorf("stale etag: %s", msg)
	}
	var now EventInfo
	h.ok("nc_calendar_get_event", map[string]any{"calendar_name": "personal", "event_uid": ev.UID}, &now)
	if now.Title != "Review v2" || now.ETag != upd.ETag {
		t.Errorf("a refused update changed the event: %+v", now)
	}
	// A local time without timezone is read in the event's own zone; the length stays.
	h.ok("nc_calendar_update_event", map[string]any{"calendar_name": "personal", "event_uid": ev.UID, "start": "2026-06-11T09:00"}, &upd)
	if upd.Start != "2026-06-11T09:00:00+02:00" || upd.End != "2026-06-11T10:30:00+02:00" {
		t.Errorf("moved %+v", upd)
	}
	h.ok("nc_calendar_update_event", map[string]any{"calendar_name": "personal", "event_uid": ev.UID, "timezone": "America/New_York"}, &upd)
	if upd.Start != "2026-06-11T03:00:00-04:00" || upd.TimeZone != "America/New_York" {
		t.Errorf("re-zoned %+v", upd)
	}
	var cleared EventInfo
	h.ok("nc_calendar_update_event", map[string]any{"calendar_name": "personal", "event_uid": ev.UID, "location": ""}, &cleared)
	if cleared.Location != "" || cleared.Title != "Review v2" {
		t.Errorf("an empty location clears it and nothing else: %+v", cleared)
	}

	msg = h.fails("nc_calendar_delete_event", map[string]any{"calendar_name": "personal", "event_uid": ev.UID, "etag": ev.ETag})
	if !strings.Contains(msg, "412") {
		t.Errorf("delete with a stale etag: %s", msg)
	}
	h.ok("nc_calendar_delete_event", map[string]any{"calendar_name": "personal", "event_uid": ev.UID}, nil)
	if msg := h.fails("nc_calendar_get_event", map[string]any{"calendar_name": "personal", "event_uid": ev.UID}); !strings.Contains(msg, "no event with uid") {
		t.Errorf("deleted event: %s", msg)
	}

	h.ok("nc_calendar_create_event", map[string]any{"calendar_name": "personal", "title": "Once", "start": "2026-06-12", "uid": "fixed-uid-1"}, nil)
	if msg := h.fails("nc_calendar_create_event", map[string]any{"calendar_name": "personal", "title": "Twice", "start": "2026-06-12", "uid": "fixed-uid-1"}); !strings.Contains(msg, "already exists") {
		t.Errorf("a second create with the same uid: %s", msg)
	}
}

func TestFindFreeSlots(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	create := func(args map[string]any) {
		args["calendar_name"] = "personal"
		args["timezone"] = "Europe/Berlin"
		h.ok("nc_calendar_create_event", args, nil)
	}
	// Monday 2026-03-23: two overlapping meetings 10:00-11:00 and 10:30-12:00.
	create(map[string]any{"title": "A", "start": "2026-03-23T10:00", "end": "2026-03-23T11:00"})
	create(map[string]any{"title": "B", "start": "2026-03-23T10:30", "end": "2026-03-23T12:00"})
	// Tuesday: all-day offsite.
	create(map[string]any{"title": "Offsite", "start": "2026-03-24"})
	// Daily lunch 13:00-14:00, recurring.
	create(map[string]any{"title": "Lunch", "start": "2026-03-20T13:00", "end": "2026-03-20T14:00", "recurrence_rule": "FREQ=DAILY"})
	// A cancelled event does not block time.
	create(map[string]any{"title": "Cancelled", "start": "2026-03-25T09:00", "end": "2026-03-25T12:00", "status": "CANCELLED"})

	var out CalendarFindFreeSlotsOutput
	h.ok("nc_calendar_find_free_slots", map[string]any{
		"start": "2026-03-23", "end": "2026-03-26", "duration_minutes": 60, "timezone": "Europe/Berlin",
		"working_hours": map[string]any{"start": "09:00", "end": "17:00"},
	}, &out)
	var got []string
	for _, s := range out.Slots {
		got = append(got, s.Start+" "+s.End)
	}
	want := []string{
		"2026-03-23T09:00:00+01:00 2026-03-23T10:00:00+01:00",
		"2026-03-23T12:00:00+01:00 2026-03-23T13:00:00+01:00",
		"2026-03-23T14:00:00+01:00 2026-03-23T17:00:00+01:00",
		"2026-03-25T09:00:00+01:00 2026-03-25T13:00:00+01:00",
		"2026-03-25T14:00:00+01:00 2026-03-25T17:00:00+01:00",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("free slots:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, c := range out.CalendarsChecked {
		if c == "contact_birthdays" {
			t.Error("the transparent birthday calendar should not count as busy")
		}
	}
	// Two hours: only the long afternoon stretches and Wednesday morning fit.
	h.ok("nc_calendar_find_free_slots", map[string]any{
		"start": "2026-03-23", "end": "2026-03-26", "duration_minutes": 120, "timezone": "Europe/Berlin",
		"working_hours": map[string]any{"start": "09:00", "end": "17:00", "days": []string{"mon", "wed"}},
	}, &out)
	if len(out.Slots) != 3 {
		t.Errorf("2-hour slots: %+v", out.Slots)
	}
	if msg := h.fails("nc_calendar_find_free_slots", map[string]any{"start": "2026-03-23", "end": "2026-03-26", "duration_minutes": 60,
		"working_hours": map[string]any{"start": "09:00", "end": "17:00"}}); !strings.Contains(msg, "timezone") {
		t.Errorf("working hours without a zone: %s", msg)
	}
}
