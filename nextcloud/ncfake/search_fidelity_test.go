package ncfake

import (
	"testing"
)

// TestSearchFidelity replays the unified search recordings (ocs/18-22).
func TestSearchFidelity(t *testing.T) {
	s := New(Options{})
	s.AddSearchEntry("files", SearchEntry{Title: "golden-search-target.txt", ResourceURL: "/index.php/f/61",
		Attributes: map[string]string{"fileId": "61", "path": "/golden-search-target.txt"}})
	for _, c := range []struct {
		file    string
		headers []string
		check   func(t *testing.T, data map[string]any)
	}{
		{"18-search-providers", []string{"ETag"}, nil},
		{"19-search-files", nil, func(t *testing.T, d map[string]any) {
			e := d["entries"].([]any)[0].(map[string]any)
			if d["cursor"] != float64(5) || e["resourceUrl"] != "http://example.com/index.php/f/61" {
				t.Errorf("cursor %v (recorded int 5), resourceUrl %v (absolute)", d["cursor"], e["resourceUrl"])
			}
		}},
		{"20-search-files-limit1", nil, func(t *testing.T, d map[string]any) {
			if d["cursor"] != float64(1) {
				t.Errorf("cursor %v, recorded 1", d["cursor"])
			}
		}},
		{"21-search-notes", nil, nil},
		{"22-search-unknown-provider", nil, nil},
	} {
		t.Run(c.file, func(t *testing.T) {
			rec := loadRecording(t, "ocs", c.file)
			got := replay(t, s, rec)
			ocs := compareOCSReplay(t, rec, got, c.headers...)
			if d, ok := ocs["data"].(map[string]any); ok && c.check != nil {
				c.check(t, d)
			}
		})
	}
}
