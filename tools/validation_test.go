package tools

import (
	"strings"
	"testing"
)

// Arguments that break the schema get a sentence that names them, through
// the real server's validation.
func TestSchemaValidationErrorsAreSentences(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	cases := []struct {
		args map[string]any
		want string
	}{
		{map[string]any{}, "missing required argument note_id"},
		{map[string]any{"note_id": "abc"}, "note_id must be integer, not string"},
		{map[string]any{"note_id": 1, "colour": "red"}, "unknown argument colour"},
	}
	for _, c := range cases {
		msg := h.fails("nc_notes_get_note", c.args)
		if !strings.Contains(msg, c.want) || !strings.HasPrefix(msg, "The arguments of nc_notes_get_note") || strings.Contains(msg, "&{") {
			t.Errorf("%v: %q, want it to say %q", c.args, msg, c.want)
		}
	}
}

func TestExplainLeafFallsBack(t *testing.T) {
	if got := explainLeaf("/limit: &{Minimum:1}"); got != "limit: minimum 1" {
		t.Errorf("got %q", got)
	}
	if got := explainLeaf("something else"); got != "something else" {
		t.Errorf("got %q", got)
	}
}
