package ncfake

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// TestTablesFidelity replays every tables/ recording, in order, against one
// fake whose id counters start where the recorded server's were.
func TestTablesFidelity(t *testing.T) {
	s := New(Options{})
	// The todo template (recording 02) takes columns 20-25 and rows 23-26,
	// so the recorded columns start at 26 and rows at 27.
	s.tables.next = tablesIDs{table: 7, column: 20, row: 23, view: 4}
	names := dtRecordingNames(t, "tables")
	if len(names) != 45 {
		t.Fatalf("found %d tables recordings, want 45", len(names))
	}
	for _, name := range names {
		rec := loadRecording(t, "tables", name)
		dtAssertShape(t, s, rec, "Content-Disposition")
	}
}

func TestTablesAppDisabled(t *testing.T) {
	s := New(Options{Apps: []string{"deck"}})
	req := httptest.NewRequest("GET", "/index.php/apps/tables/api/1/tables", nil)
	req.SetBasicAuth("admin", "admin-app-password")
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, req)
	if w.Code != 404 {
		t.Errorf("disabled Tables v1: %d %q", w.Code, w.Body.String())
	}
	req = httptest.NewRequest("GET", "/ocs/v2.php/apps/tables/api/2/tables", nil)
	req.SetBasicAuth("admin", "admin-app-password")
	req.Header.Set("OCS-APIRequest", "true")
	w = httptest.NewRecorder()
	s.Handler().ServeHTTP(w, req)
	// A missing app answers like any unknown OCS route (recordings ocs/26-27, errors/23).
	if w.Code != 404 || !strings.Contains(w.Body.String(), `"statuscode":404`) {
		t.Errorf("disabled Tables v2: %d %s", w.Code, w.Body.String())
	}
}

func TestDTShapeDiffCatchesDifferences(t *testing.T) {
	want := map[string]any{"a": 1.0, "b": map[string]any{"c": "x"}, "l": []any{map[string]any{"k": true}}}
	cases := []any{
		map[string]any{"a": 1.0, "b": map[string]any{"c": "x"}},                                                  // missing l
		map[string]any{"a": 1.0, "b": map[string]any{"c": "x", "d": 1.0}, "l": []any{}},                          // extra nested key
		map[string]any{"a": "1", "b": map[string]any{"c": "x"}, "l": []any{}},                                    // type change
		map[string]any{"a": 1.0, "b": map[string]any{"c": "x"}, "l": []any{map[string]any{"k": true, "z": 1.0}}}, // array element
	}
	for i, have := range cases {
		if len(dtShapeDiff("body", want, have)) == 0 {
			t.Errorf("case %d: difference not reported", i)
		}
	}
	same := map[string]any{"a": 2.0, "b": map[string]any{"c": "y"}, "l": nil}
	if d := dtShapeDiff("body", want, same); len(d) != 0 {
		t.Errorf("same shape reported as different: %v", d)
	}
}
