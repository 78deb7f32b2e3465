package install

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestParseErrorsCarryLineAndColumn(t *testing.T) {
	tests := []struct {
		name      string
		doc       string
		jsonc     bool
		line, col int
	}{
		{"missing comma", "{\n  \"a\": 1\n  \"b\": 2\n}", false, 3, 3},
		{"trailing comma strict", "{\n  \"a\": 1,\n}", false, 2, 9},
		{"comment strict", "{\n  // hi\n  \"a\": 1\n}", false, 2, 3},
		{"unclosed object", "{\"a\": 1", false, 1, 8},
		{"bad literal", "{\"a\": tru}", false, 1, 7},
		{"raw newline in string", "{\"a\": \"x\ny\"}", false, 1, 9},
		{"unclosed block comment jsonc", "{ /* oops\n}", true, 1, 3},
		{"garbage after document", "{}\n}", false, 2, 1},
		{"column counts characters", "{\"é\": 1 2}", false, 1, 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseDocument([]byte(tt.doc), tt.jsonc)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("want *SyntaxError, got %v", err)
			}
			if se.Line != tt.line || se.Column != tt.col {
				t.Errorf("got line %d column %d (%s), want %d:%d", se.Line, se.Column, se.Msg, tt.line, tt.col)
			}
		})
	}
}

func TestJSONCAcceptsCommentsAndTrailingCommas(t *testing.T) {
	doc := `// Zed settings
{
  /* block */ "theme": "One Dark", // trailing
  "list": [1, 2,],
  "obj": {"a": "b",},
}`
	n, err := parseDocument([]byte(doc), true)
	if err != nil {
		t.Fatal(err)
	}
	m := n.value.(map[string]any)
	if m["theme"] != "One Dark" || len(m["list"].([]any)) != 2 {
		t.Errorf("decoded %v", m)
	}
	if _, err := parseDocument([]byte(doc), false); err == nil {
		t.Error("strict mode accepted comments")
	}
}

// FuzzStrictMatchesStdlib holds the strict parser to encoding/json: both
// must accept and reject the same documents.
func FuzzStrictMatchesStdlib(f *testing.F) {
	for _, s := range []string{
		`{}`, `[]`, `{"a":[1,2,{"b":null}]}`, `{"a":1,}`, `{"a" 1}`, `"x"`, `1e5`, `-0.5`, `01`, `{"\u00e9":"\ud83d\ude00"}`,
		`{"a":"\x"}`, `[1,]`, ` {"a": true , "b" : false } `, `{"a":1}}`, `nul`, "\"a\tb\"", `{"a":-}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.HasPrefix(s, "\uFEFF") {
			t.Skip("a byte order mark is accepted on purpose (Windows editors write one); encoding/json rejects it")
		}
		_, err := parseDocument([]byte(s), false)
		std := json.Valid([]byte(s))
		if std != (err == nil) {
			t.Errorf("parser ok=%v, encoding/json ok=%v for %q (err %v)", err == nil, std, s, err)
		}
	})
}
