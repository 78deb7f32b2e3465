package nextcloud

import (
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"
	"github.com/teambition/rrule-go"
)

// vtzOnsets evaluates a VTIMEZONE the way a calendar client does, written
// independently of VTimezone: every onset up to horizon with the offset it
// starts; the latest onset at or before an instant decides its offset.
type vtzOnset struct {
	at       time.Time
	from, to int
}

func vtzOnsets(t *testing.T, tz *ical.Component, horizon time.Time) []vtzOnset {
	t.Helper()
	var out []vtzOnset
	for _, obs := range tz.Children {
		from, err := parseUTCOffset(obs.Props.Get(ical.PropTimezoneOffsetFrom))
		if err != nil {
			t.Fatal(err)
		}
		to, err := parseUTCOffset(obs.Props.Get(ical.PropTimezoneOffsetTo))
		if err != nil {
			t.Fatal(err)
		}
		wall, err := time.Parse("20060102T150405", obs.Props.Get(ical.PropDateTimeStart).Value)
		if err != nil {
			t.Fatal(err)
		}
		walls := []time.Time{wall}
		if rr := obs.Props.Get(ical.PropRecurrenceRule); rr != nil {
			opt, err := rrule.StrToROption(rr.Value)
			if err != nil {
				t.Fatal(err)
			}
			opt.Dtstart = wall
			if !opt.Until.IsZero() {
				// UNTIL is UTC; the walls are counted in the "from" offset.
				opt.Until = opt.Until.Add(time.Duration(from) * time.Second)
			}
			r, err := rrule.NewRRule(*opt)
			if err != nil {
				t.Fatal(err)
			}
			walls = r.Between(wall, horizon, true)
		}
		for _, w := range walls {
			out = append(out, vtzOnset{at: w.Add(-time.Duration(from) * time.Second), from: from, to: to})
		}
	}
	return out
}

func vtzOffset(onsets []vtzOnset, at time.Time) int {
	var best, earliest *vtzOnset
	for i := range onsets {
		o := &onsets[i]
		if earliest == nil || o.at.Before(earliest.at) {
			earliest = o
		}
		if !o.at.After(at) && (best == nil || o.at.After(best.at)) {
			best = o
		}
	}
	if best == nil {
		return earliest.from
	}
	return best.to
}

func TestVTimezoneAgreesWithZoneDatabase(t *testing.T) {
	for _, name := range []string{"Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Tokyo", "America/Sao_Paulo", "Africa/Casablanca", "Pacific/Chatham", "Europe/London"} {
		loc, err := LoadZone(name)
		if err != nil {
			t.Fatal(err)
		}
		from := time.Date(2026, 1, 1, 0, 0, 0, 0, loc)
		to := time.Date(2026, 12, 31, 0, 0, 0, 0, loc)
		tz := VTimezone(loc, from, to)
		onsets := vtzOnsets(t, tz, to.AddDate(1, 0, 0))
		if got := tz.Props.Get(ical.PropTimezoneID).Value; got != name {
			t.Errorf("TZID %q, want %q", got, name)
		}
		for at := from.Add(-24 * time.Hour); at.Before(to.AddDate(1, 0, 0)); at = at.Add(3 * time.Hour) {
			_, want := at.In(loc).Zone()
			if got := vtzOffset(onsets, at.UTC()); got != want {
				t.Fatalf("%s at %s: VTIMEZONE gives offset %d, zone database %d", name, at.UTC().Format(time.RFC3339), got, want)
			}
		}
	}
}

func TestVTimezoneDSTEdges(t *testing.T) {
	cases := []struct {
		zone       string
		transition time.Time // UTC instant of the change
		before     int
		after      int
		rule       string
	}{
		{"Europe/Berlin", time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC), 3600, 7200, "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU"},
		{"Europe/Berlin", time.Date(2026, 10, 25, 1, 0, 0, 0, time.UTC), 7200, 3600, "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU"},
		{"America/New_York", time.Date(2026, 3, 8, 7, 0, 0, 0, time.UTC), -5 * 3600, -4 * 3600, "FREQ=YEARLY;BYMONTH=3;BYDAY=2SU"},
		{"America/New_York", time.Date(2026, 11, 1, 6, 0, 0, 0, time.UTC), -4 * 3600, -5 * 3600, "FREQ=YEARLY;BYMONTH=11;BYDAY=1SU"},
	}
	for _, c := range cases {
		loc, _ := LoadZone(c.zone)
		tz := VTimezone(loc, c.transition.AddDate(0, -1, 0), c.transition.AddDate(0, 1, 0))
		onsets := vtzOnsets(t, tz, c.transition.AddDate(1, 0, 0))
		if got := vtzOffset(onsets, c.transition.Add(-time.Second)); got != c.before {
			t.Errorf("%s one second before %s: offset %d, want %d", c.zone, c.transition, got, c.before)
		}
		if got := vtzOffset(onsets, c.transition); got != c.after {
			t.Errorf("%s at %s: offset %d, want %d", c.zone, c.transition, got, c.after)
		}
		cal := newCalendarObject()
		cal.Children = append(cal.Children, tz)
		raw, err := EncodeICS(cal)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(raw), "RRULE:"+c.rule+"\r\n") {
			t.Errorf("%s VTIMEZONE should carry the yearly rule %s:\n%s", c.zone, c.rule, raw)
		}
	}
}

// A VTIMEZONE that some client wrote under a TZID that is no IANA name still
// reads correctly, DST included.
func TestZoneFromForeignVTimezone(t *testing.T) {
	data := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\nBEGIN:VTIMEZONE\r\nTZID:My Office Time\r\n" +
		"BEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\nDTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\n" +
		"BEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\nDTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n" +
		"BEGIN:VEVENT\r\nUID:a\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=My Office Time:20260701T090000\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nUID:b\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=W. Europe Standard Time:20260115T090000\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nUID:c\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=/mozilla.org/20050126_1/America/New_York:20260115T090000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	cal, err := DecodeICS([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"a": "2026-07-01T07:00:00Z", "b": "2026-01-15T08:00:00Z", "c": "2026-01-15T14:00:00Z"}
	z := newZoneResolver(cal)
	for _, c := range cal.Children {
		if c.Name != ical.CompEvent {
			continue
		}
		e, err := icalParseEvent(c, z)
		if err != nil {
			t.Fatal(err)
		}
		if got := e.Start.Time.UTC().Format(time.RFC3339); got != want[e.UID] || e.Start.UnknownZone {
			t.Errorf("event %s starts %s (unknown zone %v), want %s", e.UID, got, e.Start.UnknownZone, want[e.UID])
		}
	}
	loc, ok := z.location("My Office Time")
	if !ok {
		t.Fatal("custom zone not resolved")
	}
	if _, off := time.Date(2026, 1, 10, 12, 0, 0, 0, loc).Zone(); off != 3600 {
		t.Errorf("custom zone in January: offset %d, want 3600", off)
	}
}

func TestLoadZoneRefusesNonIANA(t *testing.T) {
	for _, bad := range []string{"", "Local", "CEST", "Mars/Olympus"} {
		if _, err := LoadZone(bad); err == nil {
			t.Errorf("LoadZone(%q) accepted", bad)
		}
	}
}

// RFC 5545 3.3.5: a repeated local time is the first one, a skipped local
// time counts with the offset before the gap.
func TestWallTimeAtDSTEdges(t *testing.T) {
	berlin, _ := LoadZone("Europe/Berlin")
	newYork, _ := LoadZone("America/New_York")
	cases := []struct {
		got  time.Time
		want string
	}{
		{WallTime(2026, 10, 25, 2, 30, 0, berlin), "2026-10-25T00:30:00Z"},
		{WallTime(2026, 11, 1, 1, 30, 0, newYork), "2026-11-01T05:30:00Z"},
		{WallTime(2026, 3, 29, 2, 30, 0, berlin), "2026-03-29T01:30:00Z"},
		{WallTime(2026, 3, 8, 2, 30, 0, newYork), "2026-03-08T07:30:00Z"},
		{WallTime(2026, 7, 1, 9, 0, 0, berlin), "2026-07-01T07:00:00Z"},
	}
	for _, c := range cases {
		if got := c.got.UTC().Format(time.RFC3339); got != c.want {
			t.Errorf("got %s, want %s", got, c.want)
		}
	}
}
