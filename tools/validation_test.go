package tools

import (
	"encoding/json"
	"strings"
	"testing"
)

// Arguments that break the schema get a sentence that names them, through
// the real server's validation.
func TestSchemaValidationErrorsAreSentences(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	cases := []struct {
		tool string
		args map[string]any
		want string
	}{
		{"nc_notes_get_note", map[string]any{}, "missing required argument note_id"},
		{"nc_notes_get_note", map[string]any{"note_id": "abc"}, "note_id must be an integer (for example 42), not the string \"abc\""},
		{"nc_notes_get_note", map[string]any{"note_id": 1, "colour": "red"}, "unknown argument colour (known: note_id)"},
		{"nc_sharing_create", map[string]any{"path": "/a", "type": "robot\nwith a newline", "share_with": "bob"}, `type must be one of user, group, email, federated, not "robot\nwith a newline"`},
		{"nc_sharing_create", map[string]any{"path": "/a", "type": strings.Repeat("x", 5000), "share_with": "bob"}, `not "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…" (5000 characters)`},
	}
	for _, c := range cases {
		msg := h.fails(c.tool, c.args)
		if !strings.Contains(msg, c.want) || !strings.HasPrefix(msg, "The arguments of "+c.tool) || strings.Contains(msg, "&{") {
			t.Errorf("%v: %q, want it to say %q", c.args, msg, c.want)
		}
	}
}

// Numbers that JSON Schema calls integers but no Go int holds get the same
// kind of sentence, without the decoder's Go names.
func TestDecodeErrorsAreSentences(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	for _, n := range []string{"1e308", "9223372036854775808", "-9223372036854775809"} {
		msg := h.fails("nc_notes_get_note", map[string]any{"note_id": json.Number(n)})
		want := "The arguments of nc_notes_get_note do not match its input schema: note_id must be a whole number from -9223372036854775808 to 9223372036854775807 (for example 42), not " + n + "; fix them and call again."
		if msg != want {
			t.Errorf("%s:\n got %q\nwant %q", n, msg, want)
		}
	}
}
