package install

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// Every edit splices new bytes into the original document at the spans the
// parser found. Nothing outside our entry is re-encoded, so other servers,
// unknown keys, key order, comments and line endings come through untouched.

// document is a parsed config file.
type document struct {
	raw     []byte
	root    *node
	newline string // "\r\n" when the file uses CRLF
}

func parseConfig(raw []byte, jsonc bool) (*document, error) {
	d := &document{raw: raw, newline: "\n"}
	if bytes.Contains(raw, []byte("\r\n")) {
		d.newline = "\r\n"
	}
	if len(bytes.TrimSpace(trimBOM(raw))) == 0 {
		return d, nil // an empty file is treated like a missing one
	}
	root, err := parseDocument(raw, jsonc)
	if err != nil {
		return nil, err
	}
	if root.kind != '{' {
		line, col := lineCol(raw, root.start)
		return nil, &SyntaxError{Line: line, Column: col, Msg: "the file must hold a JSON object ({ ... })"}
	}
	d.root = root
	return d, nil
}

func trimBOM(b []byte) []byte { return bytes.TrimPrefix(b, []byte{0xEF, 0xBB, 0xBF}) }

// lookup returns the only member named key, or nil. Duplicate keys are an
// error: clients disagree on which one wins, so we would not know which to edit.
func (d *document) lookup(obj *node, key, where string) (*member, error) {
	var found *member
	for i := range obj.members {
		if obj.members[i].key == key {
			if found != nil {
				line, _ := lineCol(d.raw, obj.members[i].keyStart)
				return nil, fmt.Errorf("%q appears twice in %s (again on line %d); remove one by hand, then run this again", key, where, line)
			}
			found = &obj.members[i]
		}
	}
	return found, nil
}

// section returns the server map member, checking it is an object.
func (d *document) section(name string) (*member, error) {
	m, err := d.lookup(d.root, name, "the file")
	if err != nil || m == nil {
		return nil, err
	}
	if m.val.kind != '{' {
		line, col := lineCol(d.raw, m.val.start)
		return nil, fmt.Errorf("%q on line %d, column %d is not an object; fix it by hand (it should look like \"%s\": { ... }), then run this again",
			name, line, col, name)
	}
	return m, nil
}

// edit is one splice: replace raw[start:end] with text.
type edit struct {
	start, end int
	text       string
}

func (d *document) apply(edits ...edit) []byte {
	// Apply from the back so earlier offsets stay valid.
	out := append([]byte(nil), d.raw...)
	for i := len(edits) - 1; i >= 0; i-- {
		e := edits[i]
		out = append(out[:e.start], append([]byte(e.text), out[e.end:]...)...)
	}
	return out
}

// Result says what an edit did.
type Result int

const (
	Unchanged Result = iota
	Added
	Replaced
	Removed
)

// upsert sets section[name] = value. It returns the new document bytes and
// whether anything changed; an equal existing entry is left byte-for-byte alone.
func (d *document) upsert(section, name string, value orderedObject) ([]byte, Result, error) {
	if d.root == nil || (len(d.root.members) == 0 && strings.TrimSpace(string(d.raw[d.root.start+1:d.root.end-1])) == "") {
		return d.fresh(section, name, value)
	}
	sec, err := d.section(section)
	if err != nil {
		return nil, Unchanged, err
	}
	unit := d.indentUnit()
	if sec == nil {
		prefix := d.memberIndent(d.root, unit, "")
		inner := prefix + unit
		v, err := value.marshalIndent(inner, unit)
		if err != nil {
			return nil, Unchanged, err
		}
		secText := "{" + d.newline + inner + quote(name) + ": " + d.nl(v) + d.newline + prefix + "}"
		if d.singleLine(d.root) {
			c, _ := value.marshalIndent("", "")
			secText = "{" + quote(name) + d.colon(d.root) + string(c) + "}"
		}
		out := d.apply(d.insertMember(d.root, prefix, quote(section)+d.colon(d.root)+secText)...)
		return out, Added, nil
	}
	obj := sec.val
	existing, err := d.lookup(obj, name, fmt.Sprintf("%q", section))
	if err != nil {
		return nil, Unchanged, err
	}
	if existing != nil {
		if sameJSON(existing.val.value, value) {
			return d.raw, Unchanged, nil
		}
		prefix := d.lineIndent(existing.keyStart)
		var v []byte
		if d.singleLine(obj) {
			v, err = value.marshalIndent("", "")
		} else {
			v, err = value.marshalIndent(prefix, unit)
		}
		if err != nil {
			return nil, Unchanged, err
		}
		return d.apply(edit{existing.val.start, existing.val.end, d.nl(v)}), Replaced, nil
	}
	prefix := d.memberIndent(obj, unit, d.lineIndent(sec.keyStart))
	var v []byte
	if d.singleLine(obj) {
		v, err = value.marshalIndent("", "")
	} else {
		v, err = value.marshalIndent(prefix, unit)
	}
	if err != nil {
		return nil, Unchanged, err
	}
	return d.apply(d.insertMember(obj, prefix, quote(name)+d.colon(obj)+d.nl(v))...), Added, nil
}

// fresh writes a new document holding only our section.
func (d *document) fresh(section, name string, value orderedObject) ([]byte, Result, error) {
	unit := "  "
	v, err := value.marshalIndent(unit+unit, unit)
	if err != nil {
		return nil, Unchanged, err
	}
	nl := d.newline
	text := "{" + nl + unit + quote(section) + ": {" + nl + unit + unit + quote(name) + ": " + d.nl(v) + nl + unit + "}" + nl + "}" + nl
	bom := ""
	if bytes.HasPrefix(d.raw, []byte{0xEF, 0xBB, 0xBF}) {
		bom = "\uFEFF"
	}
	return []byte(bom + text), Added, nil
}

// remove deletes section[name], leaving everything else as it was.
func (d *document) remove(section, name string) ([]byte, Result, error) {
	if d.root == nil {
		return d.raw, Unchanged, nil
	}
	sec, err := d.section(section)
	if err != nil || sec == nil {
		return d.raw, Unchanged, err
	}
	obj := sec.val
	idx := -1
	if _, err := d.lookup(obj, name, fmt.Sprintf("%q", section)); err != nil {
		return nil, Unchanged, err
	}
	for i, m := range obj.members {
		if m.key == name {
			idx = i
		}
	}
	if idx < 0 {
		return d.raw, Unchanged, nil
	}
	m := obj.members[idx]
	if len(obj.members) == 1 {
		// Last server in the map: leave an empty object, keeping comments.
		end := m.val.end
		if m.comma >= 0 {
			end = m.comma + 1
		}
		start := d.lineStartIfBlank(m.keyStart)
		inner := string(d.raw[obj.start+1:start]) + string(d.raw[end:obj.end-1])
		if strings.TrimSpace(inner) == "" {
			return d.apply(edit{obj.start, obj.end, "{}"}), Removed, nil
		}
		return d.apply(edit{start, end, ""}), Removed, nil
	}
	if m.comma >= 0 {
		// Followed by a comma: drop the member, its comma and, when it sat
		// on its own line, that whole line.
		start := d.lineStartIfBlank(m.keyStart)
		end := m.comma + 1
		if start != m.keyStart {
			if e, ok := d.restOfLineBlank(end); ok {
				end = e
			}
		} else {
			for end < len(d.raw) && (d.raw[end] == ' ' || d.raw[end] == '\t') {
				end++
			}
		}
		return d.apply(edit{start, end, ""}), Removed, nil
	}
	// Last member without a trailing comma: drop the previous comma instead.
	prev := obj.members[idx-1]
	start := d.lineStartIfBlank(m.keyStart)
	if start != m.keyStart {
		start = d.precedingNewline(start)
	}
	return d.apply(edit{prev.comma, prev.comma + 1, ""}, edit{start, m.val.end, ""}), Removed, nil
}

// insertMember adds "text" as the last member of obj, indented by prefix.
func (d *document) insertMember(obj *node, prefix, text string) []edit {
	if len(obj.members) == 0 {
		inner := string(d.raw[obj.start+1 : obj.end-1])
		if d.singleLine(obj) && strings.TrimSpace(inner) == "" && obj != d.root {
			return []edit{{obj.start + 1, obj.end - 1, text}}
		}
		closing := d.lineIndent(obj.end - 1)
		if strings.TrimSpace(inner) == "" {
			return []edit{{obj.start + 1, obj.end - 1, d.newline + prefix + text + d.newline + closing}}
		}
		// Only comments inside: put the member first, keep the comments.
		return []edit{{obj.start + 1, obj.start + 1, d.newline + prefix + text}}
	}
	last := obj.members[len(obj.members)-1]
	if d.singleLine(obj) {
		if last.comma >= 0 {
			return []edit{{last.comma + 1, last.comma + 1, text}}
		}
		return []edit{{last.val.end, last.val.end, "," + text}}
	}
	if last.comma >= 0 {
		// Trailing-comma style (JSONC): keep it, and give ours one too.
		at := d.endOfLineComments(last.comma + 1)
		return []edit{{at, at, d.newline + prefix + text + ","}}
	}
	at := d.endOfLineComments(last.val.end)
	return []edit{
		{last.val.end, last.val.end, ","},
		{at, at, d.newline + prefix + text},
	}
}

// indentUnit guesses one indentation step from the file: the indentation
// of the first top-level member. Two spaces when it cannot tell.
func (d *document) indentUnit() string {
	if d.root == nil || len(d.root.members) == 0 {
		return "  "
	}
	ind := d.lineIndent(d.root.members[0].keyStart)
	if ind == "" || !d.ownLine(d.root.members[0].keyStart) {
		return "  "
	}
	return ind
}

// memberIndent is the indentation new members of obj get: that of the
// existing members, or the object's own indentation plus one unit.
func (d *document) memberIndent(obj *node, unit, objIndent string) string {
	for i := len(obj.members) - 1; i >= 0; i-- {
		if d.ownLine(obj.members[i].keyStart) {
			return d.lineIndent(obj.members[i].keyStart)
		}
	}
	if obj == d.root {
		return unit
	}
	return objIndent + unit
}

// lineIndent returns the whitespace at the start of the line holding offset.
func (d *document) lineIndent(offset int) string {
	start := bytes.LastIndexByte(d.raw[:offset], '\n') + 1
	end := start
	for end < len(d.raw) && (d.raw[end] == ' ' || d.raw[end] == '\t') {
		end++
	}
	return string(d.raw[start:end])
}

// ownLine reports whether only whitespace precedes offset on its line.
func (d *document) ownLine(offset int) bool {
	return d.lineStartIfBlank(offset) != offset || offset == bytes.LastIndexByte(d.raw[:offset], '\n')+1
}

// lineStartIfBlank returns the start of offset's line when only spaces and
// tabs precede offset there, else offset itself.
func (d *document) lineStartIfBlank(offset int) int {
	i := offset
	for i > 0 && (d.raw[i-1] == ' ' || d.raw[i-1] == '\t') {
		i--
	}
	if i == 0 || d.raw[i-1] == '\n' {
		return i
	}
	return offset
}

// precedingNewline moves a line start back over the newline before it.
func (d *document) precedingNewline(lineStart int) int {
	i := lineStart
	if i > 0 && d.raw[i-1] == '\n' {
		i--
		if i > 0 && d.raw[i-1] == '\r' {
			i--
		}
	}
	return i
}

// restOfLineBlank returns the offset after the newline ending offset's line
// when only whitespace follows offset on that line.
func (d *document) restOfLineBlank(offset int) (int, bool) {
	for i := offset; i < len(d.raw); i++ {
		switch d.raw[i] {
		case ' ', '\t', '\r':
		case '\n':
			return i + 1, true
		default:
			return offset, false
		}
	}
	return len(d.raw), true
}

// endOfLineComments skips spaces and comments that follow offset on the same
// line, so an inserted line goes after a comment like `"a": 1, // note`.
func (d *document) endOfLineComments(offset int) int {
	i := offset
	for i < len(d.raw) {
		c := d.raw[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case c == '/' && i+1 < len(d.raw) && (d.raw[i+1] == '/' || d.raw[i+1] == '*'):
			end, ok := commentEnd(d.raw, i)
			if !ok || bytes.IndexByte(d.raw[i:end], '\n') >= 0 {
				return trimRightSpace(d.raw, i, offset)
			}
			i = end
		default:
			return trimRightSpace(d.raw, i, offset)
		}
	}
	return trimRightSpace(d.raw, i, offset)
}

func trimRightSpace(raw []byte, i, floor int) int {
	for i > floor && (raw[i-1] == ' ' || raw[i-1] == '\t') {
		i--
	}
	return i
}

// colon returns the key/value separator the file uses in obj (": " when
// there is nothing to copy).
func (d *document) colon(obj *node) string {
	for _, m := range obj.members {
		sep := string(d.raw[m.keyEnd:m.val.start])
		if strings.TrimSpace(sep) == ":" && !strings.ContainsAny(sep, "\r\n") {
			return sep
		}
	}
	return ": "
}

// singleLine reports whether obj is written on one line, as in a minified file.
func (d *document) singleLine(obj *node) bool {
	return bytes.IndexByte(d.raw[obj.start:obj.end], '\n') < 0
}

// nl converts the rendered value's line breaks to the file's.
func (d *document) nl(b []byte) string {
	if d.newline == "\n" {
		return string(b)
	}
	return strings.ReplaceAll(string(b), "\n", d.newline)
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// sameJSON compares a parsed value with our rendered entry as JSON values.
func sameJSON(parsed any, want orderedObject) bool {
	raw, err := want.marshalIndent("", "")
	if err != nil {
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return false
	}
	return reflect.DeepEqual(parsed, v)
}
