package tools

import (
	"strings"
	"unicode/utf8"
)

// clipText shortens s to at most max characters plus "…" so list results stay
// compact; it counts runes, because cutting bytes can split a character and
// leave invalid UTF-8 in the JSON result.
func clipText(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return strings.TrimSpace(string([]rune(s)[:max])) + "…"
}
