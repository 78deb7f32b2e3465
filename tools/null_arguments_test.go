package tools

import (
	"bytes"
	"strings"
	"testing"
)

// A model that sends null for the optional arguments it leaves out gets
// the same answer as one that leaves them out, at the top level and in
// nested objects; a null for a required argument is a missing argument.
func TestNullArgumentsMeanAbsent(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.ok("nc_notes_create_note", map[string]any{"title": "Plan", "content": "x", "category": nil}, nil)
	var list struct {
		Notes []map[string]any `json:"notes"`
	}
	h.ok("nc_notes_list_notes", map[string]any{"category": nil, "limit": nil}, &list)
	if len(list.Notes) != 1 || list.Notes[0]["title"] != "Plan" {
		t.Fatalf("list with null arguments: %v", list.Notes)
	}
	var contact struct {
		UID string `json:"uid"`
	}
	h.ok("nc_contacts_create_contact", map[string]any{"name": "Ann Lee", "emails": nil, "organization": nil,
		"address": map[string]any{"city": "Lyon", "street": nil, "type": nil}}, &contact)
	if contact.UID == "" {
		t.Fatal("contact with null fields: no uid")
	}
	msg := h.fails("nc_notes_get_note", map[string]any{"note_id": nil})
	if !strings.Contains(msg, "note_id") || strings.Contains(msg, "null") {
		t.Errorf("null for a required argument: %q, want it named as missing", msg)
	}
}

// Nulls stay where they carry meaning: values without a declared type
// (Tables cells, where null empties a cell) and list elements.
func TestDropTypedNullsKeepsUntypedValues(t *testing.T) {
	schema := mustParseOrdered(t, `{"type":"object","properties":{
		"limit":{"type":"integer"},
		"values":{"type":"object"},
		"free":{},
		"tags":{"type":"array","items":{"type":"string"}},
		"rows":{"type":"array","items":{"type":"object","properties":{"note":{"type":"string"},"n":{"type":"integer"}}}},
		"nullable":{"type":["null","string"]}}}`)
	args := mustParseOrdered(t, `{"limit":null,"values":{"Item":null},"free":null,"tags":["a",null],"rows":[{"note":null,"n":1}],"nullable":null,"unknown":null}`)
	if !dropTypedNulls(args, schema.(*object)) {
		t.Fatal("nothing dropped")
	}
	var buf bytes.Buffer
	if err := encodeOrdered(&buf, args); err != nil {
		t.Fatal(err)
	}
	want := `{"values":{"Item":null},"free":null,"tags":["a",null],"rows":[{"n":1}],"nullable":null,"unknown":null}`
	if buf.String() != want {
		t.Errorf("got  %s\nwant %s", buf.String(), want)
	}
	if dropTypedNulls(mustParseOrdered(t, `{"limit":3}`), schema.(*object)) {
		t.Error("reported a change for arguments without nulls")
	}
}

func mustParseOrdered(t *testing.T, s string) any {
	t.Helper()
	v, err := parseOrdered([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return v
}
