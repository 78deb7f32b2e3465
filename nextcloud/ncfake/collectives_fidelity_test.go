package ncfake

import (
	"encoding/json"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// TestCollectivesFidelity replays the collectives/ recordings, in order,
// against one fake whose collective and file ids start where the recorded
// server's were, so recorded paths address the fake's pages.
func TestCollectivesFidelity(t *testing.T) {
	s := New(Options{})
	s.collectives.nextID = 2
	s.files.mu.Lock()
	s.files.nextID = 250 // admin's home 251, /Collectives 252, /Collectives/Handbook 253, its Readme.md 254 (collectives/13)
	s.files.mu.Unlock()
	p := newSessionReplayer(s)
	names := dtRecordingNames(t, "collectives")
	if len(names) != 25 {
		t.Fatalf("found %d collectives recordings, want 25", len(names))
	}
	for _, name := range names {
		rec := loadRecording(t, "collectives", name)
		if strings.HasPrefix(name, "17-") {
			// Content search sees the index the background job built; the
			// recorder waited for it.
			s.IndexCollectives()
		}
		got := p.check(t, rec, "OC-FileId", "ETag", "OC-ETag")
		switch {
		case strings.HasPrefix(name, "01-"):
			if len(got.Result().Cookies()) == 0 {
				t.Errorf("%s: no session cookies", name)
			}
		case strings.HasPrefix(name, "04-"), strings.HasPrefix(name, "18-"), strings.HasPrefix(name, "19-"):
			if got.Body.String() != string(rec.RespBody) {
				t.Errorf("%s: error body %s, recorded %s", name, got.Body.String(), rec.RespBody)
			}
		case strings.HasPrefix(name, "13-"):
			// The same files with the same ids after the layout change.
			want, have := davFileIDs(string(rec.RespBody)), davFileIDs(got.Body.String())
			if strings.Join(want, " ") != strings.Join(have, " ") {
				t.Errorf("%s: files %v, recorded %v", name, have, want)
			}
		case strings.HasPrefix(name, "03-"), strings.HasPrefix(name, "07-"), strings.HasPrefix(name, "08-"), strings.HasPrefix(name, "09-"),
			strings.HasPrefix(name, "10-"), strings.HasPrefix(name, "11-"), strings.HasPrefix(name, "14-"), strings.HasPrefix(name, "16-"),
			strings.HasPrefix(name, "17-"), strings.HasPrefix(name, "21-"), strings.HasPrefix(name, "22-"):
			// Ids, titles and the file layout match, not only the shape.
			for _, k := range []string{"id", "title", "fileName", "filePath", "parentId", "subpageOrder", "size", "name"} {
				if w, h := dataField(t, rec.RespBody, k), dataField(t, got.Body.Bytes(), k); w != h {
					t.Errorf("%s: %s = %s, recorded %s", name, k, h, w)
				}
			}
		}
	}
}

// dataField renders one key of the {"data": …} object (or of its first
// element) for comparison; "size" is skipped for the landing page, whose
// welcome text the fake shortens.
func dataField(t *testing.T, body []byte, key string) string {
	t.Helper()
	var env struct{ Data json.RawMessage }
	if err := json.Unmarshal(body, &env); err != nil {
		t.Fatalf("not a data envelope: %s", body)
	}
	var obj map[string]any
	if json.Unmarshal(env.Data, &obj) != nil {
		var list []map[string]any
		if json.Unmarshal(env.Data, &list) != nil || len(list) == 0 {
			return ""
		}
		obj = list[0]
	}
	if key == "size" && obj["fileName"] == "Readme.md" && obj["parentId"] == float64(0) {
		return ""
	}
	b, _ := json.Marshal(obj[key])
	// A trashed page's file name ends in .d<unix time of the deletion> (collectives/21).
	return regexp.MustCompile(`\.d\d+"$`).ReplaceAllString(string(b), `.d<time>"`)
}

func davFileIDs(body string) []string {
	davEntry := regexp.MustCompile(`<d:href>([^<]*)</d:href><d:propstat><d:prop><oc:fileid>(\d+)</oc:fileid>`)
	var out []string
	for _, m := range davEntry.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1]+"="+m[2])
	}
	sort.Strings(out)
	return out
}
