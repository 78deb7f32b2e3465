package nextcloud

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Mail's message filter is a space-separated list of key:value tokens and
// silently ignores text without a key (README mail/, fixtures 10-11). A
// search a person types has to be translated.

// isMailFilterKey reports whether Mail knows the token key.
func isMailFilterKey(k string) bool {
	switch k {
	case "is", "not", "from", "to", "cc", "bcc", "subject", "body", "tags", "start", "end", "flags":
		return true
	}
	return false
}

// MailFilter turns a search into Mail's filter tokens. Tokens with a key Mail
// knows (from:alice, is:unread, subject:"budget plan", start:2026-11-01)
// pass through; the remaining words become one phrase searched in the
// subject or the body (subject: and body: are OR-ed by Mail). Dates for
// start:/end: may be YYYY-MM-DD (UTC midnight; end: covers that whole day).
// unreadOnly adds is:unread.
func MailFilter(query string, unreadOnly bool) (string, error) {
	var tokens, words []string
	for _, f := range splitQuoted(query) {
		key, val, ok := strings.Cut(f, ":")
		key = strings.ToLower(key)
		if !ok || !isMailFilterKey(key) {
			words = append(words, strings.Trim(f, `"`))
			continue
		}
		val = strings.Trim(val, `"`)
		if val == "" {
			return "", fmt.Errorf("%s: has no value; write it like %s:value", key, key)
		}
		if key == "start" || key == "end" {
			n, err := mailFilterTime(val, key == "end")
			if err != nil {
				return "", err
			}
			val = strconv.FormatInt(n, 10)
		}
		tokens = append(tokens, key+":"+mailFilterValue(val))
	}
	if phrase := strings.Join(strings.Fields(strings.Join(words, " ")), " "); phrase != "" {
		v := mailFilterValue(phrase)
		tokens = append(tokens, "subject:"+v, "body:"+v)
	}
	if unreadOnly {
		tokens = append(tokens, "is:unread")
	}
	return strings.Join(tokens, " "), nil
}

// mailFilterValue percent-encodes a value inside its token, spaces as %20
// (Mail decodes each value; mail/11).
func mailFilterValue(v string) string {
	return strings.ReplaceAll(url.QueryEscape(v), "+", "%20")
}

func mailFilterTime(v string, end bool) (int64, error) {
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return n, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.Unix(), nil
	}
	if t, err := time.Parse("2006-01-02", v); err == nil {
		if end {
			return t.Add(24*time.Hour).Unix() - 1, nil
		}
		return t.Unix(), nil
	}
	return 0, fmt.Errorf("%q is not a date like 2026-11-01", v)
}

// splitQuoted splits on spaces, keeping "double quoted" parts together.
func splitQuoted(s string) []string {
	var out []string
	var cur strings.Builder
	quoted := false
	for _, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
			cur.WriteRune(r)
		case (r == ' ' || r == '\t' || r == '\n') && !quoted:
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
		}
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}
