package ncfake

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

const webhooksBase = "/ocs/v2.php/apps/webhook_listeners/api/v1/webhooks"

// ocsCall sends one OCS request as login and decodes the envelope.
func ocsCall(t *testing.T, s *Server, login, method, target, contentType, body string) (int, map[string]any, json.RawMessage) {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.SetBasicAuth(login, login+"-app-password")
	req.Header.Set("OCS-APIRequest", "true")
	req.Header.Set("Accept", "application/json")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, req)
	var env struct {
		OCS struct {
			Meta map[string]any  `json:"meta"`
			Data json.RawMessage `json:"data"`
		} `json:"ocs"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &env); err != nil {
		t.Fatalf("%s %s: not an OCS envelope: %s", method, target, w.Body.String())
	}
	return w.Code, env.OCS.Meta, env.OCS.Data
}

// A server without the app answers its routes like any missing OCS app
// (recorded for notifications in ocs/26).
func TestWebhooksAppMissingMatchesRecording(t *testing.T) {
	apps := slices.DeleteFunc(AllApps(), func(a string) bool { return a == "webhook_listeners" })
	s := New(Options{Apps: apps})
	rec := loadRecording(t, "ocs", "26-notifications-app-missing")
	rec.Target = webhooksBase + "?format=json"
	got := replay(t, s, rec)
	assertSameShape(t, rec, got)
	var want, have map[string]map[string]any
	if err := json.Unmarshal(rec.RespBody, &want); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(got.Body.Bytes(), &have); err != nil {
		t.Fatalf("not JSON: %s", got.Body.String())
	}
	wm, _ := json.Marshal(want["ocs"]["meta"])
	hm, _ := json.Marshal(have["ocs"]["meta"])
	if string(wm) != string(hm) {
		t.Fatalf("meta %s, recorded %s", hm, wm)
	}
}

func TestWebhooksFake(t *testing.T) {
	s := New(Options{Major: 30})

	code, meta, _ := ocsCall(t, s, "alice", http.MethodGet, webhooksBase, "", "")
	if code != http.StatusForbidden || meta["statuscode"] != float64(403) {
		t.Fatalf("non-admin list: %d %v", code, meta)
	}

	// Form bodies work as well as JSON.
	code, _, data := ocsCall(t, s, "admin", http.MethodPost, webhooksBase, "application/x-www-form-urlencoded",
		`httpMethod=POST&uri=https%3A%2F%2Fh.example%2F&event=%5COCP%5CFiles%5CEvents%5CNode%5CNodeCreatedEvent`)
	if code != http.StatusOK {
		t.Fatalf("form create: %d %s", code, data)
	}
	var info map[string]any
	_ = json.Unmarshal(data, &info)
	if info["event"] != `OCP\Files\Events\Node\NodeCreatedEvent` || info["authMethod"] != "none" || info["appId"] != nil || info["userIdFilter"] != "" {
		t.Fatalf("created info %v", info)
	}
	if f, ok := info["eventFilter"].([]any); !ok || len(f) != 0 {
		t.Fatalf("an empty eventFilter must serialise as [], got %#v", info["eventFilter"])
	}

	cases := []struct {
		name string
		body string
		want string
	}{
		{"bad auth method", `{"httpMethod":"POST","uri":"u","event":"OCP\\Files\\Events\\Node\\NodeCreatedEvent","authMethod":"headers"}`, "This auth method does not exist"},
		{"header without data", `{"httpMethod":"POST","uri":"u","event":"OCP\\Files\\Events\\Node\\NodeCreatedEvent","authMethod":"header"}`, "Header auth method needs an associative array of headers as auth data"},
		{"unknown class", `{"httpMethod":"POST","uri":"u","event":"OCA\\Nope\\Ev"}`, `OCA\Nope\Ev is not an event class compatible with webhooks`},
	}
	for _, tc := range cases {
		code, meta, _ := ocsCall(t, s, "admin", http.MethodPost, webhooksBase, "application/json", tc.body)
		if code != http.StatusBadRequest || meta["message"] != tc.want {
			t.Errorf("%s: %d %v", tc.name, code, meta)
		}
	}

	code, meta, data = ocsCall(t, s, "admin", http.MethodPost, webhooksBase, "application/json",
		`{"httpMethod":"POST","uri":"https://h.example/","event":"OCP\\Files\\Events\\Node\\NodeWrittenEvent","authMethod":"header","authData":{"Authorization":"Bearer top-secret"}}`)
	if code != http.StatusOK || strings.Contains(string(data), "top-secret") {
		t.Fatalf("header create: %d %v %s (the answer must not hold the cleartext auth data)", code, meta, data)
	}

	// Update replaces everything: the omitted auth falls back to none.
	code, _, data = ocsCall(t, s, "admin", http.MethodPost, webhooksBase+"/2", "application/json",
		`{"httpMethod":"PUT","uri":"https://h.example/2","event":"OCP\\Files\\Events\\Node\\NodeWrittenEvent"}`)
	_ = json.Unmarshal(data, &info)
	if code != http.StatusOK || info["httpMethod"] != "PUT" || info["authMethod"] != "none" || info["authData"] != nil {
		t.Fatalf("update: %d %v", code, info)
	}

	code, meta, _ = ocsCall(t, s, "admin", http.MethodGet, webhooksBase+"/77", "", "")
	if code != http.StatusNotFound || meta["statuscode"] != float64(404) {
		t.Fatalf("get unknown: %d %v", code, meta)
	}
	code, _, data = ocsCall(t, s, "admin", http.MethodDelete, webhooksBase+"/77", "", "")
	if code != http.StatusOK || string(data) != "false" {
		t.Fatalf("delete unknown: %d %s, want 200 false", code, data)
	}
	code, meta, data = ocsCall(t, s, "admin", http.MethodDelete, "/ocs/v1.php/apps/webhook_listeners/api/v1/webhooks/1", "", "")
	if code != http.StatusOK || meta["statuscode"] != float64(100) || string(data) != "true" {
		t.Fatalf("v1 delete: %d %v %s", code, meta, data)
	}

	s.AddWebhook(Webhook{AppID: "exapp", HTTPMethod: "POST", URI: "https://x/", Event: "E"})
	s.AddWebhook(Webhook{AppID: "exapp", HTTPMethod: "POST", URI: "https://y/", Event: "E"})
	code, _, data = ocsCall(t, s, "admin", http.MethodDelete, webhooksBase+"/byappid/exapp", "", "")
	if code != http.StatusOK || string(data) != "2" {
		t.Fatalf("delete by app: %d %s", code, data)
	}
	if n := len(s.Webhooks()); n != 1 {
		t.Fatalf("%d registrations left, want 1", n)
	}
}

func TestWebhooksFakeListFiltersByURI(t *testing.T) {
	s := New(Options{Major: 30})
	s.AddWebhook(Webhook{HTTPMethod: "POST", URI: "https://a/", Event: "E"})
	s.AddWebhook(Webhook{HTTPMethod: "POST", URI: "https://b/", Event: "E"})
	_, _, data := ocsCall(t, s, "admin", http.MethodGet, webhooksBase+"?uri=https%3A%2F%2Fb%2F", "", "")
	var list []map[string]any
	if err := json.Unmarshal(data, &list); err != nil || len(list) != 1 || list[0]["uri"] != "https://b/" {
		t.Fatalf("filtered list %s", data)
	}
}

func TestWebhooksFakeFailsTheNthCreate(t *testing.T) {
	s := New(Options{Major: 30})
	s.FailWebhookCreate(2, http.StatusInternalServerError, "An internal error occurred")
	body := `{"httpMethod":"POST","uri":"u","event":"OCP\\Files\\Events\\Node\\NodeCreatedEvent"}`
	var codes []int
	for range 3 {
		code, _, _ := ocsCall(t, s, "admin", http.MethodPost, webhooksBase, "application/json", body)
		codes = append(codes, code)
	}
	if !slices.Equal(codes, []int{200, 500, 200}) {
		t.Fatalf("codes %v, want the 2nd create to fail once", codes)
	}
	if n := len(s.Webhooks()); n != 2 {
		t.Fatalf("%d registrations, want 2", n)
	}
}
