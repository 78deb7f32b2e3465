package install

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// The parser below exists so that an edit can splice bytes into the user's
// file instead of re-serialising it: comments, key order, indentation and
// unknown keys all survive because nothing outside our entry is rewritten.

// SyntaxError reports where a config file stops being valid (1-based).
type SyntaxError struct {
	Line, Column int
	Msg          string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Msg)
}

// node is one parsed JSON value with the byte range it occupies.
type node struct {
	kind       byte // '{', '[', '"', '0' (number), 't', 'f', 'n'
	start, end int  // value bytes are doc[start:end]
	members    []member
	value      any // decoded value: map[string]any, []any, string, json.Number, bool, nil
}

// member is one key/value pair of an object.
type member struct {
	key      string
	keyStart int
	keyEnd   int // just past the key's closing quote
	val      *node
	// comma is the offset of the comma that follows the value, or -1.
	comma int
}

type parser struct {
	doc   []byte
	pos   int
	jsonc bool // allow comments and trailing commas, as Zed and VS Code do
}

// parseDocument parses doc (which must hold exactly one value, optionally
// after a UTF-8 byte order mark). jsonc enables // and /* */ comments and
// trailing commas.
func parseDocument(doc []byte, jsonc bool) (*node, error) {
	p := &parser{doc: doc, jsonc: jsonc}
	if len(doc) >= 3 && doc[0] == 0xEF && doc[1] == 0xBB && doc[2] == 0xBF {
		p.pos = 3
	}
	if err := p.skipSpace(); err != nil {
		return nil, err
	}
	n, err := p.value(0)
	if err != nil {
		return nil, err
	}
	if err := p.skipSpace(); err != nil {
		return nil, err
	}
	if p.pos < len(doc) {
		return nil, p.errorf(p.pos, "unexpected %s after the end of the document", p.describe(p.pos))
	}
	return n, nil
}

// maxDepth bounds recursion so a hostile file cannot exhaust the stack.
const maxDepth = 512

func (p *parser) value(depth int) (*node, error) {
	if depth > maxDepth {
		return nil, p.errorf(p.pos, "nesting deeper than %d levels", maxDepth)
	}
	if p.pos >= len(p.doc) {
		return nil, p.errorf(p.pos, "unexpected end of file, expected a value")
	}
	switch c := p.doc[p.pos]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		start := p.pos
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return &node{kind: '"', start: start, end: p.pos, value: s}, nil
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	case c == 't':
		return p.literal("true", true)
	case c == 'f':
		return p.literal("false", false)
	case c == 'n':
		return p.literal("null", nil)
	default:
		return nil, p.errorf(p.pos, "unexpected %s, expected a value", p.describe(p.pos))
	}
}

func (p *parser) object(depth int) (*node, error) {
	n := &node{kind: '{', start: p.pos}
	obj := map[string]any{}
	p.pos++ // '{'
	for {
		if err := p.skipSpace(); err != nil {
			return nil, err
		}
		if p.pos >= len(p.doc) {
			return nil, p.errorf(p.pos, "unexpected end of file inside an object")
		}
		if p.doc[p.pos] == '}' {
			if len(n.members) > 0 && n.members[len(n.members)-1].comma >= 0 && !p.jsonc {
				return nil, p.errorf(n.members[len(n.members)-1].comma, "trailing comma before '}'")
			}
			p.pos++
			n.end = p.pos
			n.value = obj
			return n, nil
		}
		if len(n.members) > 0 && n.members[len(n.members)-1].comma < 0 {
			return nil, p.errorf(p.pos, "unexpected %s, expected ',' or '}'", p.describe(p.pos))
		}
		if p.doc[p.pos] != '"' {
			return nil, p.errorf(p.pos, "unexpected %s, expected a quoted key", p.describe(p.pos))
		}
		keyStart := p.pos
		key, err := p.str()
		if err != nil {
			return nil, err
		}
		keyEnd := p.pos
		if err := p.skipSpace(); err != nil {
			return nil, err
		}
		if p.pos >= len(p.doc) || p.doc[p.pos] != ':' {
			return nil, p.errorf(p.pos, "expected ':' after key %q", key)
		}
		p.pos++
		if err := p.skipSpace(); err != nil {
			return nil, err
		}
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		m := member{key: key, keyStart: keyStart, keyEnd: keyEnd, val: v, comma: -1}
		if err := p.skipSpace(); err != nil {
			return nil, err
		}
		if p.pos < len(p.doc) && p.doc[p.pos] == ',' {
			m.comma = p.pos
			p.pos++
		}
		n.members = append(n.members, m)
		obj[key] = v.value
	}
}

func (p *parser) array(depth int) (*node, error) {
	n := &node{kind: '[', start: p.pos}
	arr := []any{}
	p.pos++ // '['
	needComma, lastComma := false, -1
	for {
		if err := p.skipSpace(); err != nil {
			return nil, err
		}
		if p.pos >= len(p.doc) {
			return nil, p.errorf(p.pos, "unexpected end of file inside an array")
		}
		if p.doc[p.pos] == ']' {
			if lastComma >= 0 && !p.jsonc {
				return nil, p.errorf(lastComma, "trailing comma before ']'")
			}
			p.pos++
			n.end = p.pos
			n.value = arr
			return n, nil
		}
		if needComma {
			return nil, p.errorf(p.pos, "unexpected %s, expected ',' or ']'", p.describe(p.pos))
		}
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		arr = append(arr, v.value)
		if err := p.skipSpace(); err != nil {
			return nil, err
		}
		if p.pos < len(p.doc) && p.doc[p.pos] == ',' {
			lastComma = p.pos
			p.pos++
			needComma = false
		} else {
			lastComma = -1
			needComma = true
		}
	}
}

// str scans a string token and decodes it with the standard library, which
// knows every escape rule.
func (p *parser) str() (string, error) {
	start := p.pos
	p.pos++ // opening quote
	for p.pos < len(p.doc) {
		c := p.doc[p.pos]
		switch {
		case c == '"':
			p.pos++
			var s string
			if err := json.Unmarshal(p.doc[start:p.pos], &s); err != nil {
				return "", p.errorf(start, "invalid string: %v", err)
			}
			return s, nil
		case c == '\\':
			if p.pos+1 >= len(p.doc) {
				return "", p.errorf(p.pos, "unexpected end of file inside a string")
			}
			esc := p.doc[p.pos+1]
			switch esc {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				p.pos += 2
			case 'u':
				if p.pos+6 > len(p.doc) || !isHex4(p.doc[p.pos+2:p.pos+6]) {
					return "", p.errorf(p.pos, "invalid \\u escape in string")
				}
				p.pos += 6
			default:
				return "", p.errorf(p.pos, "invalid escape \\%c in string", esc)
			}
		case c < 0x20:
			return "", p.errorf(p.pos, "control character in string (a raw line break or tab must be written as \\n or \\t)")
		default:
			p.pos++
		}
	}
	return "", p.errorf(start, "string never closed")
}

func isHex4(b []byte) bool {
	for _, c := range b {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

func (p *parser) number() (*node, error) {
	start := p.pos
	for p.pos < len(p.doc) {
		c := p.doc[p.pos]
		if c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' || (c >= '0' && c <= '9') {
			p.pos++
			continue
		}
		break
	}
	raw := p.doc[start:p.pos]
	if !json.Valid(raw) {
		return nil, p.errorf(start, "invalid number %q", raw)
	}
	return &node{kind: '0', start: start, end: p.pos, value: json.Number(raw)}, nil
}

func (p *parser) literal(word string, v any) (*node, error) {
	start := p.pos
	if p.pos+len(word) > len(p.doc) || string(p.doc[p.pos:p.pos+len(word)]) != word {
		return nil, p.errorf(p.pos, "unexpected %s, expected a value", p.describe(p.pos))
	}
	p.pos += len(word)
	return &node{kind: word[0], start: start, end: p.pos, value: v}, nil
}

// skipSpace skips whitespace and, in JSONC mode, comments.
func (p *parser) skipSpace() error {
	for p.pos < len(p.doc) {
		switch c := p.doc[p.pos]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			p.pos++
		case c == '/' && p.pos+1 < len(p.doc) && (p.doc[p.pos+1] == '/' || p.doc[p.pos+1] == '*'):
			if !p.jsonc {
				return p.errorf(p.pos, "comments are not allowed in this file")
			}
			end, ok := commentEnd(p.doc, p.pos)
			if !ok {
				return p.errorf(p.pos, "comment never closed")
			}
			p.pos = end
		default:
			return nil
		}
	}
	return nil
}

// commentEnd returns the offset just past the comment starting at i.
func commentEnd(doc []byte, i int) (int, bool) {
	if doc[i+1] == '/' {
		for j := i + 2; j < len(doc); j++ {
			if doc[j] == '\n' {
				return j, true
			}
		}
		return len(doc), true
	}
	for j := i + 2; j+1 < len(doc); j++ {
		if doc[j] == '*' && doc[j+1] == '/' {
			return j + 2, true
		}
	}
	return 0, false
}

func (p *parser) describe(i int) string {
	if i >= len(p.doc) {
		return "end of file"
	}
	r, _ := utf8.DecodeRune(p.doc[i:])
	return fmt.Sprintf("%q", r)
}

func (p *parser) errorf(offset int, format string, args ...any) error {
	line, col := lineCol(p.doc, offset)
	return &SyntaxError{Line: line, Column: col, Msg: fmt.Sprintf(format, args...)}
}

// lineCol converts a byte offset to a 1-based line and a 1-based column
// counted in characters, which is what editors show.
func lineCol(doc []byte, offset int) (int, int) {
	if offset > len(doc) {
		offset = len(doc)
	}
	line, lineStart := 1, 0
	for i := 0; i < offset; i++ {
		if doc[i] == '\n' {
			line++
			lineStart = i + 1
		}
	}
	return line, utf8.RuneCount(doc[lineStart:offset]) + 1
}
