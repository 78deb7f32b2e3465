package tools

import (
	"strings"
	"testing"
)

// Leaving additionalProperties out of the input schemas must not let an
// unknown argument through: a misspelt etag or overwrite would be ignored.
func TestUnknownArgumentsAreStillRefused(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	msg := h.fails("nc_notes_list_notes", map[string]any{"categroy": "Work"})
	if !strings.Contains(msg, "unknown argument categroy") || !strings.Contains(msg, "nc_notes_list_notes") {
		t.Fatalf("unknown argument: %q", msg)
	}
	msg = h.fails("nc_search_providers", map[string]any{"x": 1})
	if !strings.Contains(msg, "unknown argument x") {
		t.Fatalf("unknown argument to a tool without arguments: %q", msg)
	}
	h.ok("nc_notes_list_notes", map[string]any{"category": "Work"}, nil)
}

func TestSchemasAreCompacted(t *testing.T) {
	for name, sc := range parseSchemas(embeddedSchemas) {
		if strings.Contains(string(sc.Input), `"additionalProperties":false`) {
			t.Errorf("%s: input schema still says additionalProperties false", name)
		}
		if strings.Contains(string(sc.Output), `"description":"`) {
			t.Errorf("%s: output schema still carries descriptions", name)
		}
	}
	// The order of properties is the reflected one, not alphabetical.
	sc := parseSchemas(embeddedSchemas)["nc_calendar_create_event"]
	in := string(sc.Input)
	if i, j := strings.Index(in, `"title"`), strings.Index(in, `"end"`); i < 0 || j < 0 || i > j {
		t.Errorf("nc_calendar_create_event properties are reordered: %s", in)
	}
}
