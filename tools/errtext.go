package tools

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mark3labs/mcp-go/mcp"
)

// Every error sentence lands in the model's context. Messages quote what the
// model sent, and a model can send a 100 KB string, NUL bytes or terminal
// escapes; tidyErrorText keeps any error short, printable and one line, so a
// careless echo can never flood the context. It runs on every isError result
// (see tidyToolError), whoever built it.

const (
	// maxErrorChars caps every error text a model sees.
	maxErrorChars = 600
	// maxEchoChars is how much of an echoed value an error keeps.
	maxEchoChars = 80
	// maxTokenChars is the longest unquoted run without a space kept whole.
	maxTokenChars = 120
)

var (
	quotedPattern = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
	longToken     = regexp.MustCompile(`\S{121,}`)
)

// tidyErrorText makes s safe to show: valid UTF-8, control and bidi
// characters escaped, long quoted values and long runs clipped, at most
// maxErrorChars characters. It is idempotent.
func tidyErrorText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = escapeInvisible(s)
	s = clipEchoes(s)
	return capLength(s, maxErrorChars)
}

// clipEchoes clips every Go-quoted value and every long run outside them.
// A double quote that opens no valid quoted value becomes an apostrophe:
// then each remaining " belongs to a whole quoted value, and tidying the
// text again finds the same values. The note after a clipped value, " (N
// characters)", is clipped with the text that follows it, which is how the
// next pass sees it.
func clipEchoes(s string) string {
	var b strings.Builder
	last, note := 0, ""
	for _, m := range quotedPattern.FindAllStringIndex(s, -1) {
		clipped, clippedNote, ok := clipQuotedValue(s[m[0]:m[1]])
		if !ok {
			continue // not a quoted value after all: plain text
		}
		b.WriteString(clipPlain(note + s[last:m[0]]))
		b.WriteString(clipped)
		note, last = clippedNote, m[1]
	}
	b.WriteString(clipPlain(note + s[last:]))
	return b.String()
}

// clipPlain clips the long runs of text outside quoted values.
func clipPlain(s string) string {
	s = strings.ReplaceAll(s, `"`, "'")
	return longToken.ReplaceAllStringFunc(s, func(tok string) string { return clipRunes(tok, maxEchoChars) })
}

// clipQuotedValue shortens one Go-quoted value to maxEchoChars characters;
// note then says how long it was: "AAAA…" and " (102400 characters)". ok is
// false when q is not a Go-quoted string.
func clipQuotedValue(q string) (clipped, note string, ok bool) {
	v, err := strconv.Unquote(q)
	if err != nil {
		return q, "", false
	}
	n := utf8.RuneCountInString(v)
	if n <= maxEchoChars || n == maxEchoChars+1 && strings.HasSuffix(v, "…") {
		return q, "", true // short, or clipped already
	}
	head := strconv.Quote(string([]rune(v)[:maxEchoChars]))
	return head[:len(head)-1] + `…"`, fmt.Sprintf(" (%d characters)", n), true
}

// clipRunes shortens s to max characters and says how long it was.
func clipRunes(s string, max int) string {
	n := utf8.RuneCountInString(s)
	if n <= max {
		return s
	}
	return fmt.Sprintf("%s… (%d characters)", string([]rune(s)[:max]), n)
}

// quoteClipped quotes a value for an error message, clipped like every echo.
func quoteClipped(s string) string {
	clipped, note, _ := clipQuotedValue(strconv.Quote(s))
	return clipped + note
}

// escapeInvisible turns characters that would break the line or hide text
// (controls, bidi overrides, the BOM) into visible escapes; newlines and tabs
// become spaces, since an error is one sentence on one line.
func escapeInvisible(s string) string {
	if !strings.ContainsFunc(s, invisible) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' || r == '\t' || r == '\r':
			b.WriteByte(' ')
		case invisible(r):
			q := strconv.QuoteRuneToASCII(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func invisible(r rune) bool {
	if unicode.IsControl(r) {
		return true
	}
	switch {
	case r == 0x061C, r == 0x200E, r == 0x200F, r == 0xFEFF,
		r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// capLength keeps the start (what failed) and the end (what to do) of a
// message longer than max characters. It cuts at a space where one is near
// and never inside a quoted value, so tidying the result again changes
// nothing.
func capLength(s string, max int) string {
	n := utf8.RuneCountInString(s)
	if n <= max {
		return s
	}
	const sep = " … "
	tailLen := max / 4
	headLen := max - tailLen - utf8.RuneCountInString(sep)
	spans := quotedPattern.FindAllStringIndex(s, -1)
	inside := func(i int) (start, end int, ok bool) {
		for _, m := range spans {
			if m[0] < i && i < m[1] {
				return m[0], m[1], true
			}
		}
		return 0, 0, false
	}
	end := runeOffset(s, headLen)
	if i := strings.LastIndexByte(s[:end], ' '); i > end/2 {
		end = i
	}
	if start, _, ok := inside(end); ok {
		end = start
	}
	start := runeOffset(s, n-tailLen)
	if i := strings.IndexByte(s[start:], ' '); i >= 0 && i < (len(s)-start)/2 {
		start += i + 1
	}
	if _, spanEnd, ok := inside(start); ok {
		start = spanEnd
	}
	return s[:end] + sep + s[start:]
}

// runeOffset is the byte offset of the n-th character of s.
func runeOffset(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
}

// tidyToolError runs, as an after-call hook, on every result: whatever built
// an isError result, its text is tidied before the model sees it.
func tidyToolError(res *mcp.CallToolResult) {
	if res == nil || !res.IsError {
		return
	}
	for i, c := range res.Content {
		if tc, ok := c.(mcp.TextContent); ok {
			tc.Text = tidyErrorText(tc.Text)
			res.Content[i] = tc
		}
	}
}
