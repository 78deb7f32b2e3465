package ncfake

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"
)

// sameJSONKeys holds the fake's body to the recorded one: every object has
// the same keys at every depth (lists compare their first elements), and
// a JSON null stays null. Values may differ: ids, times and names do.
func sameJSONKeys(t *testing.T, where string, want, have any) {
	t.Helper()
	switch w := want.(type) {
	case map[string]any:
		h, ok := have.(map[string]any)
		if !ok {
			t.Errorf("%s: recorded an object, fake sent %T", where, have)
			return
		}
		if wk, hk := sortedKeys(w), sortedKeys(h); strings.Join(wk, ",") != strings.Join(hk, ",") {
			t.Errorf("%s: keys %v, recorded %v", where, hk, wk)
		}
		for k, wv := range w {
			if hv, ok := h[k]; ok {
				sameJSONKeys(t, where+"."+k, wv, hv)
			}
		}
	case []any:
		h, ok := have.([]any)
		if !ok {
			t.Errorf("%s: recorded a list, fake sent %T", where, have)
			return
		}
		if len(w) > 0 && len(h) > 0 {
			sameJSONKeys(t, where+"[0]", w[0], h[0])
		}
		if (len(w) == 0) != (len(h) == 0) {
			t.Errorf("%s: %d items, recorded %d", where, len(h), len(w))
		}
	case nil:
		if have != nil {
			t.Errorf("%s: recorded null, fake sent %v", where, have)
		}
	default:
		if have == nil {
			t.Errorf("%s: recorded %v, fake sent null", where, want)
		} else if fmt.Sprintf("%T", want) != fmt.Sprintf("%T", have) {
			t.Errorf("%s: recorded a %T, fake sent a %T (%v)", where, want, have, have)
		}
	}
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// compareOCSReplay checks status, content type, the listed headers, the
// whole meta, and the data's shape.
func compareOCSReplay(t *testing.T, rec recording, got *httptest.ResponseRecorder, headers ...string) map[string]any {
	t.Helper()
	assertSameShape(t, rec, got, headers...)
	var want, have map[string]any
	if err := json.Unmarshal(rec.RespBody, &want); err != nil {
		t.Fatalf("%s: recorded body: %v", rec.Name, err)
	}
	if err := json.Unmarshal(got.Body.Bytes(), &have); err != nil {
		t.Fatalf("%s: fake body is not JSON: %v: %s", rec.Name, err, got.Body.String())
	}
	wo, _ := want["ocs"].(map[string]any)
	ho, _ := have["ocs"].(map[string]any)
	wm, _ := json.Marshal(wo["meta"])
	hm, _ := json.Marshal(ho["meta"])
	if string(wm) != string(hm) {
		t.Errorf("%s: meta %s, recorded %s", rec.Name, hm, wm)
	}
	sameJSONKeys(t, rec.Name, wo["data"], ho["data"])
	return ho
}

// sharingFixture is the state the sharing recordings start from: admin
// owns /mcp-test (shared with alice and by link as shares 1 and 2; share 3
// was deleted) and /golden-share/doc.txt.
func sharingFixture() *Server {
	s := New(Options{})
	a := s.sharing
	a.now = func() time.Time { return time.Date(2026, 11, 26, 21, 46, 41, 0, time.UTC) }
	s.AddShareablePath("admin", "/mcp-test/hello2.txt", false)
	s.AddShareablePath("admin", "/golden-share/doc.txt", false)
	a.mu.Lock()
	hello, _ := a.nodeLocked("admin", "/mcp-test/hello2.txt")
	folder, _ := a.nodeLocked("admin", "/mcp-test")
	a.shares[1] = &fakeShare{ID: 1, Type: 0, Owner: "admin", Node: hello, Permissions: 1, STime: 1795728483, ShareWith: "alice", ShareWithName: "Alice"}
	a.shares[2] = &fakeShare{ID: 2, Type: 3, Owner: "admin", Node: folder, Permissions: 17, STime: 1795728483, Token: newShareToken()}
	a.nextID = 4
	a.mu.Unlock()
	return s
}

// TestSharingFidelity replays sharing/ in recorded order against one fake:
// later exchanges depend on what earlier ones created, as they did on the
// real server. The public WebDAV (22-23) and alice's PROPFIND (15) belong to
// the files fake and are not replayed here.
func TestSharingFidelity(t *testing.T) {
	s := sharingFixture()
	steps := []struct {
		file    string
		headers []string
		check   func(t *testing.T, data any)
	}{
		{"01-create-user-share-form", nil, func(t *testing.T, d any) {
			m := d.(map[string]any)
			if m["id"] != "4" || m["permissions"] != float64(19) || m["mail_send"] != float64(1) {
				t.Errorf("create: id %v permissions %v mail_send %v, recorded \"4\" 19 1", m["id"], m["permissions"], m["mail_send"])
			}
		}},
		{"02-create-public-link-json-password-expire", nil, func(t *testing.T, d any) {
			m := d.(map[string]any)
			if m["permissions"] != float64(17) || m["expiration"] != "2026-12-31 00:00:00" {
				t.Errorf("link: permissions %v expiration %v, recorded 17 and 2026-12-31 00:00:00", m["permissions"], m["expiration"])
			}
			if pw, _ := m["password"].(string); pw == "" || pw == "<share-password>" || m["share_with"] != pw {
				t.Errorf("link must return a password hash in password and share_with, got %v / %v", m["password"], m["share_with"])
			}
			if tok, _ := m["token"].(string); len(tok) != 15 || !strings.HasSuffix(m["url"].(string), "/index.php/s/"+tok) {
				t.Errorf("token %v url %v", m["token"], m["url"])
			}
		}},
		{"03-create-user-share-duplicate", nil, func(t *testing.T, d any) {
			m := d.(map[string]any)
			if m["id"] != "4" || m["label"] != nil || m["mail_send"] != float64(0) {
				t.Errorf("duplicate: id %v label %v mail_send %v, recorded the existing share 4 with null label and 0", m["id"], m["label"], m["mail_send"])
			}
		}},
		{"04-create-share-unknown-user", nil, nil},
		{"05-create-share-missing-path", nil, nil},
		{"06-create-link-expire-in-past", nil, nil},
		{"07-create-link-invalid-expire-date", nil, nil},
		{"08-create-share-unknown-user-ocs-v1", nil, nil},
		{"09-list-shares", nil, func(t *testing.T, d any) {
			var ids []string
			for _, x := range d.([]any) {
				ids = append(ids, x.(map[string]any)["id"].(string))
			}
			if strings.Join(ids, ",") != "1,4,2,5" {
				t.Errorf("list order %v, recorded 1,4,2,5 (user shares before links)", ids)
			}
		}},
		{"10-list-shares-subfiles-of-path", nil, nil},
		{"11-list-shares-for-path", nil, nil},
		{"12-get-share", nil, nil},
		{"13-list-shared-with-me-as-alice", nil, func(t *testing.T, d any) {
			for _, x := range d.([]any) {
				m := x.(map[string]any)
				if m["can_edit"] != false || strings.Count(m["path"].(string), "/") != 1 {
					t.Errorf("recipient view: can_edit %v path %v", m["can_edit"], m["path"])
				}
			}
		}},
		{"14-list-pending-as-alice", nil, nil},
		{"16-update-share-permissions", nil, nil},
		{"17-update-share-expire-and-note-json", nil, func(t *testing.T, d any) {
			m := d.(map[string]any)
			if m["note"] != "please review" || m["expiration"] != "2026-12-24 00:00:00" {
				t.Errorf("update: note %v expiration %v", m["note"], m["expiration"])
			}
		}},
		{"18-update-share-invalid-permissions", nil, nil},
		{"19-update-link-remove-password", nil, func(t *testing.T, d any) {
			m := d.(map[string]any)
			if m["password"] != nil || m["share_with"] != nil {
				t.Errorf("removed password: password %v share_with %v, recorded null", m["password"], m["share_with"])
			}
		}},
		{"20-update-link-set-password", nil, nil},
		{"21-update-link-public-upload", nil, func(t *testing.T, d any) {
			if p := d.(map[string]any)["permissions"]; p != float64(31) {
				t.Errorf("public upload permissions %v, recorded 31", p)
			}
		}},
		{"24-sharees-search", []string{"Link"}, nil},
		{"25-sharees-search-users-only", []string{"Link"}, nil},
		{"26-sharees-search-no-match", []string{"Link"}, nil},
		{"27-sharees-recommended", nil, nil},
		{"28-delete-share", nil, nil},
		{"29-get-deleted-share-404", nil, nil},
		{"30-delete-share-again-404", nil, nil},
	}
	for _, st := range steps {
		rec := loadRecording(t, "sharing", st.file)
		got := replay(t, s, rec)
		ocs := compareOCSReplay(t, rec, got, st.headers...)
		if st.check != nil && !t.Failed() {
			st.check(t, ocs["data"])
		}
		if t.Failed() {
			t.Fatalf("stopped at %s: later recordings depend on it", st.file)
		}
	}
}
