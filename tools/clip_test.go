package tools

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// A long description in a list result is cut on a character boundary: the
// byte-based cut it replaces split "é" and sent invalid UTF-8.
func TestClipTextKeepsCharactersWhole(t *testing.T) {
	long := strings.Repeat("é", 301)
	got := clipText(long, 300)
	if !utf8.ValidString(got) {
		t.Fatalf("clipped text is not valid UTF-8: %q", got)
	}
	if want := strings.Repeat("é", 300) + "…"; got != want {
		t.Fatalf("got %d runes, want 300 and an ellipsis", utf8.RuneCountInString(got))
	}
	if short := strings.Repeat("é", 300); clipText(short, 300) != short {
		t.Fatal("text at the limit must stay as it is")
	}
}
