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
	for _, rule := range []string{"FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "FREQ=MINUTELY;BYMONTH=4;BYMONTHDAY=31", "FREQ=HOURLY;BYYEARDAY=366;BYMONTH=1"} {
		evs, err := expandWithin(t, rule, time.Second)
		if err != nil || len(evs) != 1 {
			t.Errorf("%s: %d occurrences, %v; want DTSTART only", rule, len(evs), err)
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
