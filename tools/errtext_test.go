package tools

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTidyErrorText(t *testing.T) {
	long := strings.Repeat("A", 100_000)
	cases := []struct{ in, want string }{
		{`note "short" was not found.`, `note "short" was not found.`},
		{`title "` + long + `" is too long.`, `title "` + strings.Repeat("A", 80) + `…" (100000 characters) is too long.`},
		{"name \"a\\x00b\" has a\x00NUL and\x1b[2J an escape\nand a newline.", `name "a\x00b" has a\x00NUL and\x1b[2J an escape and a newline.`},
		{"bidi \u202eevil\u202c and BOM \ufeff.", `bidi \u202eevil\u202c and BOM \ufeff.`},
		{"id " + long + " is unknown.", "id " + strings.Repeat("A", 80) + "… (100000 characters) is unknown."},
		{"bad \xff\xfe bytes.", "bad \uFFFD bytes."},
		// A quote that opens no value is text: the run it sits in is clipped too.
		{`id x` + long + `" is unknown.`, "id x" + strings.Repeat("A", 79) + "… (100002 characters) is unknown."},
		{`path "/a.txt is unterminated`, `path '/a.txt is unterminated`},
	}
	for _, c := range cases {
		got := tidyErrorText(c.in)
		if got != c.want {
			t.Errorf("tidy(%.60q)\n got %q\nwant %q", c.in, got, c.want)
		}
		if again := tidyErrorText(got); again != got {
			t.Errorf("not idempotent: %q → %q", got, again)
		}
	}
}

// A cut never falls inside a quoted value: a half value would pair its
// quote with another on the next pass and be clipped again.
func TestTidyErrorTextCapNeverSplitsAQuotedValue(t *testing.T) {
	escaped := strings.Repeat("\x1b", 79) // 316 characters once escaped
	msg := strings.Repeat("word ", 70) + `value "` + escaped + `" then "` + escaped + `" and the fix.`
	got := tidyErrorText(msg)
	if n := utf8.RuneCountInString(got); n > maxErrorChars {
		t.Fatalf("%d characters", n)
	}
	if strings.Count(got, `"`)%2 != 0 {
		t.Errorf("a quoted value was split: %q", got)
	}
	if again := tidyErrorText(got); again != got {
		t.Errorf("not idempotent:\n%q\n%q", got, again)
	}
}

func TestTidyErrorTextCapsLengthKeepingStartAndEnd(t *testing.T) {
	var parts []string
	for i := range 120 {
		parts = append(parts, "item"+strings.Repeat("x", i%7))
	}
	msg := "Nothing matched among " + strings.Join(parts, ", ") + ": list them first and call again."
	got := tidyErrorText(msg)
	if n := utf8.RuneCountInString(got); n > maxErrorChars {
		t.Fatalf("%d characters", n)
	}
	if !strings.HasPrefix(got, "Nothing matched among") || !strings.HasSuffix(got, "list them first and call again.") || !strings.Contains(got, " … ") {
		t.Errorf("capped to %q", got)
	}
}
