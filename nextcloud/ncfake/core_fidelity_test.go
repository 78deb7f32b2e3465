package ncfake

import (
	"encoding/json"
	"testing"
)

func TestCoreFidelity(t *testing.T) {
	s := New(Options{})
	cases := []struct {
		area, file string
		headers    []string
	}{
		{"ocs", "01-capabilities-v2-json", []string{"ETag"}},
		{"ocs", "02-capabilities-without-ocs-apirequest-header", nil},
		{"ocs", "04-cloud-user-v2", nil},
		{"ocs", "05-cloud-user-v1", nil},
		{"ocs", "10-users-missing-v2", nil},
		{"ocs", "11-users-missing-v1", nil},
		{"ocs", "12-wrong-password-v2", []string{"WWW-Authenticate"}},
		{"ocs", "15-no-auth-v2", nil},
		{"ocs", "16-no-auth-v1", nil},
		{"ocs", "24-users-get-admin-as-alice", nil},
		{"errors", "23-ocs-unknown-route", nil},
		{"caldav", "02-propfind-principal-home-sets", []string{"DAV"}},
		{"webdav", "01-propfind-dav-root-current-user-principal", []string{"DAV"}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			rec := loadRecording(t, c.area, c.file)
			got := replay(t, s, rec)
			assertSameShape(t, rec, got, c.headers...)
			if mediaType(rec.RespHeader.Get("Content-Type")) == "application/json" {
				var want, have map[string]any
				if err := json.Unmarshal(rec.RespBody, &want); err != nil {
					t.Fatalf("recorded body: %v", err)
				}
				if err := json.Unmarshal(got.Body.Bytes(), &have); err != nil {
					t.Fatalf("fake body is not JSON: %v: %s", err, got.Body.String())
				}
				if wm, ok := want["ocs"].(map[string]any); ok {
					hm, _ := have["ocs"].(map[string]any)
					wmeta, _ := json.Marshal(wm["meta"])
					hmeta, _ := json.Marshal(hm["meta"])
					if string(wmeta) != string(hmeta) {
						t.Errorf("meta %s, recorded %s", hmeta, wmeta)
					}
				}
			}
		})
	}
}
