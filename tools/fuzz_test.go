package tools

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// Run one target long with, for example:
//
//	go test ./tools -run '^$' -fuzz '^FuzzCalendarTimeArgs$' -fuzztime 10m

// FuzzCalendarTimeArgs reads start/end/due arguments and timezones as a
// model writes them. Whatever is accepted must print back to a value that
// reads as the same time; whatever is refused must say so in a clean sentence.
func FuzzCalendarTimeArgs(f *testing.F) {
	for _, s := range [][2]string{
		{"2026-03-29T09:00:00+02:00", ""}, {"2026-03-29T02:30", "Europe/Berlin"}, {"2026-03-29", ""},
		{"2026-02-30", ""}, {"2026-03-29 09:00", "America/New_York"}, {"2026-03-29T09:00:00Z", "Asia/Kolkata"},
		{"9999-12-31T23:59:59+14:00", "Pacific/Kiritimati"}, {"0000-01-01", "UTC"}, {"2026-10-25T02:30", "Europe/London"},
		{"2026-03-29T09:00", "../../etc/localtime"}, {"2026-03-29T09:00", "Local"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, value, tz string) {
		if strings.Contains(value+tz, "%!") {
			return // an echo of it would look like a fmt error
		}
		loc, err := calZoneArg(tz)
		if err != nil {
			checkFuzzError(t, err)
			return
		}
		ct, err := parseCalTime("start", value, loc)
		if err != nil {
			checkFuzzError(t, err)
			return
		}
		out := calTimeOut(ct)
		back, err := parseCalTime("start", out, loc)
		if err != nil {
			t.Fatalf("%q (%q) printed as %q, which does not read back: %v", value, tz, out, err)
		}
		if back.AllDay != ct.AllDay || !back.Time.Equal(ct.Time) {
			t.Fatalf("%q (%q) printed as %q read back as %v, want %v", value, tz, out, back.Time, ct.Time)
		}
		if _, err := calBound("from", value, loc); err != nil {
			t.Fatalf("%q is a valid time but not a valid bound: %v", value, err)
		}
	})
}

func checkFuzzError(t *testing.T, err error) {
	t.Helper()
	msg := tidyErrorText(Explain(err))
	for _, p := range errorTextProblems(msg) {
		// Random input echoed in the message can look like a Go name.
		if !strings.HasPrefix(p, "Go type") {
			t.Fatalf("error %q: %v", msg, p)
		}
	}
}

// FuzzErrorText holds tidyErrorText to its promises for any text: short,
// one line, valid UTF-8, no control characters, and stable when run twice.
func FuzzErrorText(f *testing.F) {
	f.Add(`note "` + strings.Repeat("A", 500) + `" was not found.`)
	f.Add("a\x00b\x1b[2J\u202e\n\"q\\\"x\".")
	f.Add(`"unterminated ` + strings.Repeat("é", 300))
	f.Fuzz(func(t *testing.T, s string) {
		got := tidyErrorText(s)
		if n := utf8.RuneCountInString(got); n > maxErrorChars {
			t.Fatalf("%d characters", n)
		}
		if !utf8.ValidString(got) {
			t.Fatalf("invalid UTF-8: %q", got)
		}
		if strings.ContainsFunc(got, invisible) {
			t.Fatalf("invisible character left in %q", got)
		}
		if again := tidyErrorText(got); again != got {
			t.Fatalf("not stable:\n%q\n%q", got, again)
		}
	})
}
