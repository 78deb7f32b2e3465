package nextcloud

import (
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"
)

func strp(s string) *string { return &s }

// An event created for 09:00 Europe/Berlin is written with TZID and a
// VTIMEZONE and reads back as 09:00 Europe/Berlin.
func TestNewEventWritesTZIDAndVTimezone(t *testing.T) {
	berlin := mustZone(t, "Europe/Berlin")
	start := ZonedValue(time.Date(2026, 3, 29, 9, 0, 0, 0, berlin))
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	cal, err := NewEventObject("e1", EventPatch{Summary: strp("Planning, part 1"), Start: &start, Reminders: &[]int{15}}, now)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := EncodeICS(cal)
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	for _, want := range []string{"DTSTART;TZID=Europe/Berlin:20260329T090000\r\n", "DTEND;TZID=Europe/Berlin:20260329T100000\r\n",
		"BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n", "SUMMARY:Planning\\, part 1\r\n", "TRIGGER:-PT15M\r\n", "DTSTAMP:20260301T120000Z\r\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q in:\n%s", want, text)
		}
	}
	if strings.Index(text, "BEGIN:VTIMEZONE") > strings.Index(text, "BEGIN:VEVENT") {
		t.Error("VTIMEZONE should come before the event")
	}
	back, err := DecodeICS(raw)
	if err != nil {
		t.Fatal(err)
	}
	e, err := ParseEvent(back)
	if err != nil {
		t.Fatal(err)
	}
	if e.Start.TZID != "Europe/Berlin" || e.Start.Time.Format("15:04 -07:00") != "09:00 +02:00" || e.Summary != "Planning, part 1" || len(e.Reminders) != 1 || e.Reminders[0] != 15 {
		t.Errorf("read back %+v", e)
	}
}

func TestApplyEventPatchKeepsWhatItDoesNotTouch(t *testing.T) {
	cal := mustDecode(t, "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//other//EN", "X-WR-CALNAME:keep me",
		"BEGIN:VTIMEZONE", "TZID:America/New_York", "BEGIN:STANDARD", "DTSTART:19701101T020000", "TZOFFSETFROM:-0400", "TZOFFSETTO:-0500", "END:STANDARD", "END:VTIMEZONE",
		"BEGIN:VEVENT", "UID:k", "DTSTAMP:20260101T000000Z", "SEQUENCE:3", "SUMMARY:Old", "X-CUSTOM;X-P=1:value stays",
		"DTSTART;TZID=America/New_York:20260310T090000", "DURATION:PT90M", "CATEGORIES:a,b",
		"BEGIN:VALARM", "ACTION:AUDIO", "TRIGGER:-PT5M", "END:VALARM", "END:VEVENT", "END:VCALENDAR")
	ev := MasterComponent(cal, ical.CompEvent)
	berlin := mustZone(t, "Europe/Berlin")
	newStart := ZonedValue(time.Date(2026, 3, 12, 15, 0, 0, 0, berlin))
	if err := ApplyEventPatch(cal, ev, EventPatch{Summary: strp("New"), Start: &newStart}, time.Now()); err != nil {
		t.Fatal(err)
	}
	raw, err := EncodeICS(cal)
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	for _, want := range []string{"X-CUSTOM;X-P=1:value stays", "X-WR-CALNAME:keep me", "CATEGORIES:a,b", "ACTION:AUDIO", "SEQUENCE:4",
		"DTSTART;TZID=Europe/Berlin:20260312T150000", "DTEND;TZID=Europe/Berlin:20260312T163000", "TZID:Europe/Berlin", "SUMMARY:New"} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q after a partial update:\n%s", want, text)
		}
	}
	for _, gone := range []string{"DURATION", "TZID:America/New_York"} {
		if strings.Contains(text, gone) {
			t.Errorf("%q should be gone (replaced by DTEND / no longer used):\n%s", gone, text)
		}
	}
}

func TestApplyEventPatchAttendeesAndRule(t *testing.T) {
	start := DateValue(2026, 5, 1)
	cal, err := NewEventObject("r", EventPatch{Summary: strp("Holiday"), Start: &start, RRule: strp("RRULE:freq=yearly"),
		Attendees: &[]Attendee{{Email: "ann@example.com", Name: "Ann"}}, Organizer: "mailto:me@example.com"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := EncodeICS(cal)
	text := strings.ReplaceAll(string(raw), "\r\n ", "")
	for _, want := range []string{"DTSTART;VALUE=DATE:20260501", "DTEND;VALUE=DATE:20260502", "RRULE:FREQ=YEARLY", "ORGANIZER:mailto:me@example.com", "ATTENDEE;CN=Ann;PARTSTAT=NEEDS-ACTION;ROLE=REQ-PARTICIPANT;RSVP=TRUE:mailto:ann@example.com"} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "VTIMEZONE") {
		t.Errorf("an all-day event needs no VTIMEZONE:\n%s", text)
	}
	if _, err := CheckRRule("FREQ=SOMETIMES"); err == nil {
		t.Error("a bad RRULE was accepted")
	}
	end := DateValue(2026, 4, 30)
	if err := ApplyEventPatch(cal, MasterComponent(cal, ical.CompEvent), EventPatch{End: &end}, time.Now()); err == nil {
		t.Error("an end before the start was accepted")
	}
}

func TestFoldLongLines(t *testing.T) {
	long := strings.Repeat("ä", 60) // 120 octets
	start := ZonedValue(time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC))
	cal, _ := NewEventObject("f", EventPatch{Summary: &long, Start: &start}, time.Now())
	raw, err := EncodeICS(cal)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(raw), "\r\n") {
		if len(line) > 75 {
			t.Errorf("line of %d octets: %q", len(line), line)
		}
	}
	back, err := DecodeICS(raw)
	if err != nil {
		t.Fatal(err)
	}
	e, _ := ParseEvent(back)
	if e.Summary != long {
		t.Errorf("folding broke the text: %q", e.Summary)
	}
	if e.Start.TZID != "" || !e.Start.Time.Equal(start.Time) {
		t.Errorf("a UTC start should be written with Z: %+v", e.Start)
	}
}

func TestTaskCompletionMovesThreeProperties(t *testing.T) {
	due := DateValue(2026, 6, 1)
	prio := 2
	cal, err := NewTaskObject("t", TaskPatch{Summary: strp("Report"), Due: &due, Priority: &prio, ParentUID: strp("p")}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	todo := MasterComponent(cal, ical.CompToDo)
	now := time.Date(2026, 5, 20, 8, 0, 0, 0, time.UTC)
	if err := SetTaskCompleted(cal, todo, true, now); err != nil {
		t.Fatal(err)
	}
	task, _ := ParseTask(cal)
	if task.Status != "COMPLETED" || task.PercentComplete != 100 || !task.Completed.Equal(now) || task.ParentUID != "p" || task.Priority != 2 || !task.Due.AllDay {
		t.Errorf("completed task %+v", task)
	}
	if err := SetTaskCompleted(cal, todo, false, now); err != nil {
		t.Fatal(err)
	}
	task, _ = ParseTask(cal)
	if task.Status != "NEEDS-ACTION" || task.PercentComplete != 0 || !task.Completed.IsZero() || task.Done() {
		t.Errorf("reopened task %+v", task)
	}
}
