package nextcloud

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/teambition/rrule-go"
)

// Crashers and hangs the fuzz targets found, kept as ordinary tests. Their
// inputs also stay in testdata/fuzz, where `go test` replays them.

// FuzzICalendar: go-ical indexes past the end of "0;0=" and panics.
func TestDecodeICSMalformedParameterIsAnError(t *testing.T) {
	for _, in := range []string{"0;0=", "BEGIN:VCALENDAR\r\nX;A=\r\nEND:VCALENDAR\r\n"} {
		if _, err := DecodeICS([]byte(in)); err == nil {
			t.Errorf("%q decoded without error", in)
		}
	}
}

func expandWithin(t *testing.T, rule string, limit time.Duration) ([]EventData, error) {
	t.Helper()
	cal, err := DecodeICS([]byte(strings.Replace(seedEvent, "RRULE:FREQ=WEEKLY;COUNT=5", "RRULE:"+rule, 1)))
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		evs []EventData
		err error
	}
	done := make(chan result, 1)
	go func() {
		evs, err := ExpandEvents(cal, fuzzNow, fuzzNow.AddDate(1, 0, 0), time.UTC)
		done <- result{evs, err}
	}()
	select {
	case r := <-done:
		return r.evs, r.err
	case <-time.After(limit):
		t.Fatalf("expanding %q took more than %v", rule, limit)
		return nil, nil
	}
}

// FuzzRRule: a minutely rule over a year held half a million occurrences.
func TestExpandMinutelyRuleIsBounded(t *testing.T) {
	evs, err := expandWithin(t, "FREQ=MINUTELY", 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) == 0 || len(evs) > maxSeriesOccurrences {
		t.Errorf("%d occurrences, want 1..%d", len(evs), maxSeriesOccurrences)
	}
}

// FuzzRRule: BYSETPOS past the one instant of a secondly period never
// matches, and rrule-go walks on to the year 9999.
func TestExpandRefusesEndlessRules(t *testing.T) {
	for _, rule := range []string{"FREQ=SECONDLY;BYSETPOS=5;BYSECOND=1", "FREQ=MINUTELY;BYSETPOS=2", "FREQ=HOURLY;BYSETPOS=3"} {
		if _, err := expandWithin(t, rule, 5*time.Second); !errors.Is(err, ErrRecurrenceTooFine) {
			t.Errorf("%s: %v, want ErrRecurrenceTooFine", rule, err)
		}
	}
	// A secondly series begun long before the window could not reach it.
	cal, err := DecodeICS([]byte(strings.Replace(strings.Replace(seedEvent, "RRULE:FREQ=WEEKLY;COUNT=5", "RRULE:FREQ=SECONDLY", 1), "20260302T", "20250302T", 2)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ExpandEvents(cal, fuzzNow, fuzzNow.AddDate(0, 0, 1), time.UTC); !errors.Is(err, ErrRecurrenceTooFine) {
		t.Errorf("secondly from a year before: %v, want ErrRecurrenceTooFine", err)
	}
	// A rule that can never match holds only its DTSTART, found at once
	// (rrule-go alone walked these to the year 9999: 1.5 s each).
	for _, rule := range []string{"FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "FREQ=MINUTELY;BYMONTH=4;BYMONTHDAY=31", "FREQ=HOURLY;BYYEARDAY=366;BYMONTH=1",
		// rrule-go looked for such a time of day in a loop without end.
		"FREQ=SECONDLY;INTERVAL=60;BYSECOND=13", "FREQ=MINUTELY;INTERVAL=30;BYMINUTE=15", "FREQ=HOURLY;INTERVAL=2;BYHOUR=10", "FREQ=HOURLY;BYHOUR=25"} {
		evs, err := expandWithin(t, rule, time.Second)
		if err != nil || len(evs) != 1 {
			t.Errorf("%s: %d occurrences, %v; want DTSTART only", rule, len(evs), err)
		}
	}
}

// TestExpandOutOfBounds: rules that rrule-go read past its day masks with
// (found by FuzzICalendar) are refused, and a panic the guards miss is an
// error for that one event.
func TestExpandOutOfBounds(t *testing.T) {
	if _, err := expandWithin(t, "FREQ=SECONDLY;BYEASTER=9999", time.Second); !errors.Is(err, ErrRecurrenceUnexpandable) {
		t.Errorf("BYEASTER: %v, want ErrRecurrenceUnexpandable", err)
	}
	if _, err := CheckRRule("FREQ=YEARLY;BYEASTER=0"); err == nil || !strings.Contains(err.Error(), "not an RFC 5545 rule part") {
		t.Errorf("CheckRRule accepted BYEASTER: %v", err)
	}
	// Found walking day by day to the year 9999 (seconds each).
	for _, rule := range []string{"FREQ=MINUTELY;BYYEARDAY=13;BYHOUR=23;BYWEEKNO=1", "FREQ=SECONDLY;BYYEARDAY=60;BYMINUTE=53;BYWEEKNO=-53"} {
		if _, err := expandWithin(t, rule, time.Second); !errors.Is(err, ErrRecurrenceUnexpandable) {
			t.Errorf("%s: %v, want ErrRecurrenceUnexpandable", rule, err)
		}
		if _, err := CheckRRule(rule); err == nil || !strings.Contains(err.Error(), "FREQ=YEARLY only") {
			t.Errorf("CheckRRule accepted %s: %v", rule, err)
		}
	}
	if _, err := CheckRRule("FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO"); err != nil {
		t.Errorf("a yearly BYWEEKNO rule is RFC 5545: %v", err)
	}
	data := strings.Replace(strings.Replace(seedEvent, "RRULE:FREQ=WEEKLY;COUNT=5", "RRULE:FREQ=WEEKLY;BYDAY=SU;BYSETPOS=13", 1),
		"DTSTART;TZID=Europe/Berlin:20260302T090000", "DTSTART;VALUE=DATE:00000101", 1)
	cal, err := DecodeICS([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ExpandEvents(cal, fuzzNow, fuzzNow.AddDate(1, 0, 0), time.UTC); !errors.Is(err, ErrRecurrenceUnexpandable) {
		t.Errorf("year 0: %v, want ErrRecurrenceUnexpandable", err)
	}
}

func TestNeverReachesTime(t *testing.T) {
	for rule, want := range map[string]bool{
		"FREQ=SECONDLY;INTERVAL=60;BYSECOND=13": true,
		"FREQ=SECONDLY;INTERVAL=7;BYSECOND=13":  false,
		"FREQ=MINUTELY;INTERVAL=30;BYMINUTE=45": true,
		"FREQ=MINUTELY;INTERVAL=7;BYHOUR=3":     false,
		"FREQ=HOURLY;INTERVAL=2;BYHOUR=9":       true,
		"FREQ=HOURLY;INTERVAL=2;BYHOUR=10":      false,
		"FREQ=HOURLY;INTERVAL=5;BYHOUR=9":       false,
		"FREQ=HOURLY;BYMINUTE=13":               false, // a time set, not a filter, for hourly rules
		"FREQ=DAILY;INTERVAL=60;BYSECOND=13":    false,
	} {
		opt, err := rrule.StrToROption(rule)
		if err != nil {
			t.Fatal(err)
		}
		opt.Dtstart = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
		if got := neverReachesTime(opt); got != want {
			t.Errorf("%s: %v, want %v", rule, got, want)
		}
	}
}

func TestNeverMatches(t *testing.T) {
	for rule, want := range map[string]bool{
		"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30":     true,
		"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29":     false,
		"FREQ=MONTHLY;BYMONTH=4,6;BYMONTHDAY=-31": true,
		"FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13":     false,
		"FREQ=YEARLY;BYYEARDAY=366;BYMONTH=12":    false,
		"FREQ=YEARLY;BYYEARDAY=-366;BYMONTH=2":    true,
		"FREQ=WEEKLY;BYDAY=MO":                    false,
		"FREQ=DAILY":                              false,
	} {
		opt, err := rrule.StrToROption(rule)
		if err != nil {
			t.Fatal(err)
		}
		if got := neverMatches(opt); got != want {
			t.Errorf("%s: %v, want %v", rule, got, want)
		}
	}
}
