package nextcloud

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-ical"
)

// ProdID names this program in the iCalendar and vCard objects it writes.
const ProdID = "-//nextcloud-mcp//nextcloud-mcp//EN"

// EncodeICS serialises a calendar object with lines folded at 75 octets, as
// RFC 5545 3.1 asks (go-ical does not fold).
func EncodeICS(cal *ical.Calendar) ([]byte, error) {
	var buf bytes.Buffer
	if err := ical.NewEncoder(&buf).Encode(cal); err != nil {
		return nil, fmt.Errorf("encode iCalendar: %w", err)
	}
	return icalFold(buf.Bytes()), nil
}

// DecodeICS parses one iCalendar object. go-ical panics on some malformed
// content lines (a parameter without "=value" at the end of a line, found by
// FuzzICalendar); a server's bad data must be an error, not a crash.
func DecodeICS(data []byte) (cal *ical.Calendar, err error) {
	defer func() {
		if r := recover(); r != nil {
			cal, err = nil, fmt.Errorf("parse iCalendar: %w", ErrMalformed)
		}
	}()
	cal, err = ical.NewDecoder(bytes.NewReader(data)).Decode()
	if err != nil {
		return nil, fmt.Errorf("parse iCalendar: %w", err)
	}
	return cal, nil
}

// ErrMalformed is data a parser could not make sense of.
var ErrMalformed = errors.New("malformed content line")

// icalFold folds CRLF-terminated content lines longer than 75 octets,
// never splitting a UTF-8 sequence.
func icalFold(in []byte) []byte {
	var out bytes.Buffer
	for _, line := range bytes.SplitAfter(in, []byte("\r\n")) {
		body := bytes.TrimSuffix(line, []byte("\r\n"))
		limit := 75
		for len(body) > limit {
			cut := limit
			for cut > 0 && !utf8.RuneStart(body[cut]) {
				cut--
			}
			out.Write(body[:cut])
			out.WriteString("\r\n ")
			body = body[cut:]
			limit = 74 // the leading space counts
		}
		out.Write(body)
		if bytes.HasSuffix(line, []byte("\r\n")) {
			out.WriteString("\r\n")
		}
	}
	return out.Bytes()
}

// icalText returns a TEXT property unescaped. Unlike go-ical's Text, a bare
// comma some clients leave unescaped does not cut the value short.
func icalText(p *ical.Prop) string {
	if p == nil {
		return ""
	}
	return icalUnescape(p.Value)
}

func icalUnescape(v string) string {
	if !strings.Contains(v, `\`) {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '\\' && i+1 < len(v) {
			i++
			switch v[i] {
			case 'n', 'N':
				b.WriteByte('\n')
			default:
				b.WriteByte(v[i])
			}
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// icalTextList returns the values of every occurrence of a list property
// such as CATEGORIES.
func icalTextList(c *ical.Component, name string) []string {
	var out []string
	for _, p := range c.Props[name] {
		l, err := p.TextList()
		if err != nil {
			l = []string{icalUnescape(p.Value)}
		}
		for _, v := range l {
			if v = strings.TrimSpace(v); v != "" {
				out = append(out, v)
			}
		}
	}
	return out
}

// NewUID returns a random UUID (version 4) for a new object.
func NewUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

var unsafeResourceChars = regexp.MustCompile(`[^A-Za-z0-9._@-]+`)

// ResourceName is the file name a new object with this UID is stored under.
// Most UIDs are already safe; others are reduced to safe characters so the
// href stays one plain segment.
func ResourceName(uid, ext string) string {
	name := unsafeResourceChars.ReplaceAllString(uid, "-")
	name = strings.Trim(name, ".-")
	if name == "" || len(name) > 200 {
		name = NewUID()
	}
	return name + "." + ext
}
