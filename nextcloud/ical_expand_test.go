package nextcloud

import (
	"github.com/emersion/go-ical"
	"strings"
	"testing"
	"time"
)

func mustDecode(t *testing.T, lines ...string) *ical.Calendar {
	t.Helper()
	cal, err := DecodeICS([]byte(strings.Join(lines, "\r\n") + "\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := LoadZone(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func startsOf(evs []EventData) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Start.Time.Format(time.RFC3339))
	}
	return out
}

// A weekly 09:00 Berlin meeting stays at 09:00 local on both sides of the
// March switch to summer time; its UTC time moves by an hour.
func TestWeeklyRuleAcrossDSTKeepsLocalTime(t *testing.T) {
	cases := []struct {
		zone, start string
		want        []string
	}{
		{"Europe/Berlin", "20260319T090000", []string{"2026-03-19T09:00:00+01:00", "2026-03-26T09:00:00+01:00", "2026-04-02T09:00:00+02:00", "2026-04-09T09:00:00+02:00"}},
		{"Europe/Berlin", "20261015T090000", []string{"2026-10-15T09:00:00+02:00", "2026-10-22T09:00:00+02:00", "2026-10-29T09:00:00+01:00", "2026-11-05T09:00:00+01:00"}},
		{"America/New_York", "20261022T090000", []string{"2026-10-22T09:00:00-04:00", "2026-10-29T09:00:00-04:00", "2026-11-05T09:00:00-05:00", "2026-11-12T09:00:00-05:00"}},
	}
	for _, c := range cases {
		cal := mustDecode(t, "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//t//EN", "BEGIN:VEVENT", "UID:w", "DTSTAMP:20260101T000000Z",
			"DTSTART;TZID="+c.zone+":"+c.start, "DURATION:PT30M", "RRULE:FREQ=WEEKLY;COUNT=4", "END:VEVENT", "END:VCALENDAR")
		evs, err := ExpandEvents(cal, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := startsOf(evs); strings.Join(got, " ") != strings.Join(c.want, " ") {
			t.Errorf("%s weekly from %s:\n got %v\nwant %v", c.zone, c.start, got, c.want)
		}
		for _, e := range evs {
			if e.Start.TZID != c.zone || e.End.Time.Sub(e.Start.Time) != 30*time.Minute || e.RecurrenceID.IsZero() {
				t.Errorf("occurrence %+v should keep zone %s, 30 minutes and a recurrence id", e.Start, c.zone)
			}
		}
	}
}

func TestExpandExceptionsAndChangedInstances(t *testing.T) {
	cal := mustDecode(t, "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//t//EN",
		"BEGIN:VEVENT", "UID:s", "DTSTAMP:20260101T000000Z", "SUMMARY:Standup",
		"DTSTART;TZID=Europe/Berlin:20260302T100000", "DTEND;TZID=Europe/Berlin:20260302T101500",
		"RRULE:FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20260306T235959Z",
		"EXDATE;TZID=Europe/Berlin:20260303T100000,20260304T100000", "END:VEVENT",
		"BEGIN:VEVENT", "UID:s", "DTSTAMP:20260101T000000Z", "SUMMARY:Standup (moved)",
		"RECURRENCE-ID;TZID=Europe/Berlin:20260305T100000",
		"DTSTART;TZID=Europe/Berlin:20260305T140000", "DTEND;TZID=Europe/Berlin:20260305T141500", "END:VEVENT",
		"END:VCALENDAR")
	evs, err := ExpandEvents(cal, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"2026-03-02T10:00:00+01:00", "2026-03-05T14:00:00+01:00", "2026-03-06T10:00:00+01:00"}
	if got := startsOf(evs); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("got %v, want %v", got, want)
	}
	if evs[1].Summary != "Standup (moved)" || evs[1].RecurrenceID.Time.Format("15:04") != "10:00" {
		t.Errorf("the changed instance should replace the 10:00 one: %+v", evs[1])
	}
}

// All-day events are dates: whether one is inside a window depends on the
// zone the window is read in, not on UTC.
func TestExpandAllDayInViewerZone(t *testing.T) {
	cal := mustDecode(t, "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//t//EN", "BEGIN:VEVENT", "UID:b", "DTSTAMP:20260101T000000Z",
		"DTSTART;VALUE=DATE:20260228", "RRULE:FREQ=YEARLY", "SUMMARY:Birthday", "END:VEVENT", "END:VCALENDAR")
	tokyo := mustZone(t, "Asia/Tokyo")
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, tokyo)
	evs, err := ExpandEvents(cal, from, from.AddDate(0, 0, 7), tokyo)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 0 {
		t.Errorf("Feb 28 is outside March 1-8 in Tokyo: %v", startsOf(evs))
	}
	evs, err = ExpandEvents(cal, from.AddDate(0, 0, -1), from.AddDate(0, 0, 7), tokyo)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 || !evs[0].Start.AllDay || evs[0].End.Time.Sub(evs[0].Start.Time) != 24*time.Hour {
		t.Errorf("want the Feb 28 birthday as one all-day occurrence: %+v", evs)
	}
}

func TestExpandOverlapAtWindowStart(t *testing.T) {
	cal := mustDecode(t, "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//t//EN", "BEGIN:VEVENT", "UID:o", "DTSTAMP:20260101T000000Z",
		"DTSTART:20260310T080000Z", "DTEND:20260310T100000Z", "END:VEVENT", "END:VCALENDAR")
	evs, _ := ExpandEvents(cal, time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC), time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC), nil)
	if len(evs) != 1 {
		t.Errorf("an event running into the window overlaps it: %v", startsOf(evs))
	}
	evs, _ = ExpandEvents(cal, time.Date(2026, 3, 10, 10, 0, 0, 0, time.UTC), time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC), nil)
	if len(evs) != 0 {
		t.Errorf("an event ending when the window starts does not overlap it: %v", startsOf(evs))
	}
}

// Server-expanded data (Sabre: UTC, no VTIMEZONE) is paired with the stored
// object so occurrences read in the event's own zone again.
func TestMergeServerExpansionRestoresZone(t *testing.T) {
	expanded := mustDecode(t, "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Sabre//Sabre VObject 4.5.4//EN",
		"BEGIN:VEVENT", "UID:r", "DTSTAMP:20261126T120000Z", "SUMMARY:Weekly", "DTSTART:20261202T080000Z", "DTEND:20261202T083000Z", "RECURRENCE-ID:20261202T080000Z", "END:VEVENT",
		"BEGIN:VEVENT", "UID:r", "DTSTAMP:20261126T120000Z", "SUMMARY:Moved", "DTSTART:20261209T130000Z", "DTEND:20261209T133000Z", "RECURRENCE-ID:20261209T080000Z", "END:VEVENT",
		"END:VCALENDAR")
	if !hasServerExpansion(expanded) {
		t.Fatal("Sabre-style data not recognised as expanded")
	}
	original := mustDecode(t, "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//t//EN",
		"BEGIN:VEVENT", "UID:r", "DTSTAMP:20261126T120000Z", "SUMMARY:Weekly", "DTSTART;TZID=Europe/Berlin:20261202T090000", "DTEND;TZID=Europe/Berlin:20261202T093000", "RRULE:FREQ=WEEKLY;COUNT=3", "END:VEVENT",
		"BEGIN:VEVENT", "UID:r", "DTSTAMP:20261126T120000Z", "SUMMARY:Moved", "RECURRENCE-ID;TZID=Europe/Berlin:20261209T090000", "DTSTART;TZID=Europe/Berlin:20261209T140000", "DTEND;TZID=Europe/Berlin:20261209T143000", "END:VEVENT",
		"END:VCALENDAR")
	if hasServerExpansion(original) {
		t.Fatal("stored data with TZID taken for expanded data")
	}
	evs, err := mergeExpanded(expanded, original, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"2026-12-02T09:00:00+01:00", "2026-12-09T14:00:00+01:00"}
	if got := startsOf(evs); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("got %v, want %v", got, want)
	}
	if evs[1].Summary != "Moved" || evs[1].RecurrenceID.TZID != "Europe/Berlin" || evs[1].RecurrenceID.Time.Hour() != 9 {
		t.Errorf("changed instance: %+v", evs[1])
	}
}
