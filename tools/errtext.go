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
	s = quotedPattern.ReplaceAllStringFunc(s, clipQuoted)
	s = longToken.ReplaceAllStringFunc(s, func(tok string) string {
		if strings.Contains(tok, `"`) {
			return tok // part of a quoted value, clipped above
		}
		return clipRunes(tok, maxEchoChars)
	})
	return capLength(s, maxErrorChars)
}

// clipQuoted shortens one Go-quoted value to maxEchoChars characters and says
// how long it was: "AAAA…" (102400 characters).
func clipQuoted(q string) string {
	v, err := strconv.Unquote(q)
	if err != nil {
		return q
	}
	n := utf8.RuneCountInString(v)
	if n <= maxEchoChars || n == maxEchoChars+1 && strings.HasSuffix(v, "…") {
		return q // short, or clipped already
	}
	head := strconv.Quote(string([]rune(v)[:maxEchoChars]))
	return fmt.Sprintf("%s…\" (%d characters)", head[:len(head)-1], n)
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
func quoteClipped(s string) string { return clipQuoted(strconv.Quote(s)) }

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
// message longer than max characters.
func capLength(s string, max int) string {
	rs := []rune(s)
	if len(rs) <= max {
		return s
	}
	const sep = " … "
	tailLen := max / 4
	headLen := max - tailLen - utf8.RuneCountInString(sep)
	head := string(rs[:headLen])
	if i := strings.LastIndexByte(head, ' '); i > headLen/2 {
		head = head[:i]
	}
	tail := string(rs[len(rs)-tailLen:])
	if i := strings.IndexByte(tail, ' '); i >= 0 && i < len(tail)/2 {
		tail = tail[i+1:]
	}
	return head + sep + tail
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
