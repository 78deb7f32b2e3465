package ncfake

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"
	"time"
)

// Without the notifications or activity app the routes answer like
// ocs/26-27: 404, OCS 404 "Invalid query...". The same holds for the other
// apps this file's author serves (Talk, sharing).
func TestMissingAppsFidelity(t *testing.T) {
	for _, c := range []struct{ file, app, target string }{
		{"26-notifications-app-missing", "notifications", ""},
		{"27-activity-app-missing", "activity", ""},
		{"27-activity-app-missing", "spreed", "/ocs/v2.php/apps/spreed/api/v4/room?format=json"},
		{"27-activity-app-missing", "files_sharing", "/ocs/v2.php/apps/files_sharing/api/v1/shares?format=json"},
	} {
		t.Run(c.app, func(t *testing.T) {
			s := New(Options{Apps: slices.DeleteFunc(AllApps(), func(a string) bool { return a == c.app })})
			rec := loadRecording(t, "ocs", c.file)
			if c.target != "" {
				rec.Target = c.target
			}
			compareOCSReplay(t, rec, replay(t, s, rec))
		})
	}
}

// docKeys asserts the keys an API's documentation promises ("each ... has at least").
func docKeys(t *testing.T, what string, m map[string]any, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			t.Errorf("%s lacks documented key %q: %v", what, k, sortedKeys(m))
		}
	}
}

func ocsGet(t *testing.T, s *Server, user, method, target string) (*httptest.ResponseRecorder, any) {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	req.SetBasicAuth(user, user+"-app-password")
	req.Header.Set("OCS-APIRequest", "true")
	req.Header.Set("Accept", "application/json")
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, req)
	if w.Body.Len() == 0 {
		return w, nil
	}
	var env struct {
		OCS struct {
			Data any `json:"data"`
		} `json:"ocs"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &env); err != nil {
		t.Fatalf("%s %s: %v: %s", method, target, err, w.Body.String())
	}
	return w, env.OCS.Data
}

func TestActivityFakeShape(t *testing.T) {
	s := New(Options{})
	s.AddActivity("admin", ActivityEntry{App: "files", Type: "file_created", User: "admin", Subject: "You created a.txt", ObjectType: "files", ObjectID: 7, ObjectName: "/a.txt", Time: time.Unix(1795729601, 0)})
	w, data := ocsGet(t, s, "admin", http.MethodGet, activityBase+"?limit=1")
	if w.Code != http.StatusOK || w.Header().Get("X-Activity-Last-Given") != "1" || w.Header().Get("Link") == "" {
		t.Fatalf("status %d headers %v", w.Code, w.Header())
	}
	docKeys(t, "activity", data.([]any)[0].(map[string]any), "activity_id", "datetime", "app", "type", "user", "subject", "subject_rich", "message", "message_rich", "icon", "link", "object_type", "object_id", "object_name")
	if w, _ := ocsGet(t, s, "admin", http.MethodGet, activityBase+"?since=1"); w.Code != http.StatusNotModified || w.Body.Len() != 0 {
		t.Fatalf("end of stream: %d %q, documented 304 without body", w.Code, w.Body.String())
	}
	if w, _ := ocsGet(t, s, "admin", http.MethodGet, activityBase+"/nosuchfilter"); w.Code != http.StatusNotFound {
		t.Fatalf("unknown filter: %d", w.Code)
	}
}

func TestNotificationsFakeShape(t *testing.T) {
	s := New(Options{})
	id := s.AddNotification("admin", NotificationEntry{App: "spreed", Subject: "alice mentioned you", ObjectType: "chat", ObjectID: "abc"})
	w, data := ocsGet(t, s, "admin", http.MethodGet, notificationsBase)
	if w.Code != http.StatusOK {
		t.Fatalf("list: %d", w.Code)
	}
	docKeys(t, "notification", data.([]any)[0].(map[string]any), "notification_id", "app", "user", "datetime", "object_type", "object_id", "subject", "message", "link", "actions", "icon", "subjectRich", "subjectRichParameters", "messageRich", "messageRichParameters")
	// Without objects the parameters are [] (notifications/01); with an
	// actor they are an object holding it under "user" (talk/22).
	if p, ok := data.([]any)[0].(map[string]any)["subjectRichParameters"].([]any); !ok || len(p) != 0 {
		t.Errorf("no actor: subjectRichParameters %v, want []", p)
	}
	s.AddNotification("admin", NotificationEntry{App: "spreed", Actor: "alice", Subject: "Alice mentioned you in conversation Apollo"})
	_, data = ocsGet(t, s, "admin", http.MethodGet, notificationsBase)
	mention := data.([]any)[0].(map[string]any)
	user, _ := mention["subjectRichParameters"].(map[string]any)["user"].(map[string]any)
	if mention["subjectRich"] != "{user} mentioned you in conversation Apollo" || user["type"] != "user" || user["id"] != "alice" || user["name"] != "Alice" {
		t.Errorf("mention: subjectRich %q, user %v", mention["subjectRich"], user)
	}
	if w, _ := ocsGet(t, s, "alice", http.MethodDelete, notificationsBase+"/"+strconv.Itoa(id)); w.Code != http.StatusNotFound {
		t.Fatalf("alice dismissing admin's notification: %d", w.Code)
	}
	if w, _ := ocsGet(t, s, "admin", http.MethodDelete, notificationsBase+"/"+strconv.Itoa(id)); w.Code != http.StatusOK {
		t.Fatalf("dismiss: %d", w.Code)
	}
}
