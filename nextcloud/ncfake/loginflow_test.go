package ncfake

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestLoginFlowFidelity replays the recorded Login Flow v2 and app-password
// exchanges against the fake and compares status, content type and shape.
func TestLoginFlowFidelity(t *testing.T) {
	s := New(Options{})
	// 01: init. Tokens are 128 chars and the URLs absolute.
	rec := loadRecording(t, "login-flow-v2", "01-init")
	got := replay(t, s, rec)
	assertSameShape(t, rec, got, "Content-Length")
	var init struct {
		Poll  struct{ Token, Endpoint string }
		Login string
	}
	if err := json.Unmarshal(got.Body.Bytes(), &init); err != nil {
		t.Fatalf("init body: %v: %s", err, got.Body)
	}
	if len(init.Poll.Token) != 128 || !strings.HasSuffix(init.Poll.Endpoint, "/index.php/login/v2/poll") ||
		!strings.Contains(init.Login, "/index.php/login/v2/flow/") || !strings.HasPrefix(init.Login, "http") {
		t.Fatalf("init shape: %+v", init)
	}
	sameKeys(t, rec.RespBody, got.Body.Bytes())
	loginToken := init.Login[strings.LastIndex(init.Login, "/")+1:]

	withToken := func(r recording) recording {
		r.ReqBody = []byte(strings.ReplaceAll(string(r.ReqBody), "<poll-token>", init.Poll.Token))
		r.Target = strings.ReplaceAll(strings.ReplaceAll(r.Target, "<poll-token>", init.Poll.Token), "<login-token>", loginToken)
		return r
	}
	for _, file := range []string{"02-poll-before-grant-404", "10-landing-redirect", "05-poll-unknown-token", "06-poll-with-get-wrong-method", "07-poll-json-body-unknown-token", "08-poll-missing-token-param"} {
		rec := withToken(loadRecording(t, "login-flow-v2", file))
		got := replay(t, s, rec)
		assertSameShape(t, rec, got, "Location")
		if rec.Status == 404 && got.Body.String() != "[]" {
			t.Errorf("%s: body %q, recorded []", file, got.Body)
		}
		if loc := got.Header().Get("Location"); rec.Status == 303 && !strings.HasSuffix(loc, "/index.php/login/v2/flow?user=&direct=0") {
			t.Errorf("%s: Location %q", file, loc)
		}
	}
	pw := s.GrantLogin(loginToken, "alice")
	rec = withToken(loadRecording(t, "login-flow-v2", "03-poll-after-grant-200"))
	got = replay(t, s, rec)
	assertSameShape(t, rec, got)
	sameKeys(t, []byte(strings.ReplaceAll(string(rec.RespBody), "<granted-app-password>", "x")), got.Body.Bytes())
	var grant map[string]string
	_ = json.Unmarshal(got.Body.Bytes(), &grant)
	if grant["loginName"] != "alice" || grant["appPassword"] != pw || len(pw) != 72 {
		t.Fatalf("grant %v", grant)
	}
	rec = withToken(loadRecording(t, "login-flow-v2", "04-poll-again-after-success"))
	got = replay(t, s, rec)
	assertSameShape(t, rec, got)
	if got.Body.String() != "[]" {
		t.Errorf("second poll after success: %q", got.Body)
	}
}

func TestAppPasswordFidelity(t *testing.T) {
	s := New(Options{})
	s.AddAppPassword("alice", "alice-app-password-2")
	cases := []struct {
		file string
		cred [2]string
		meta string
	}{
		{"28-getapppassword-with-login-password", [2]string{"alice", "alice"}, ""},
		{"29-getapppassword-with-app-password-403", [2]string{"alice", "alice-app-password"}, "You cannot request an new apppassword with an apppassword"},
		{"30-apppassword-rotate", [2]string{"alice", "alice-app-password-2"}, ""},
		{"33-delete-apppassword-with-login-password-403", [2]string{"alice", "alice"}, "no app password in use"},
		{"35-delete-apppassword", [2]string{"alice", "alice-app-password"}, ""},
		{"36-deleted-app-password-401", [2]string{"alice", "alice-app-password"}, ""},
	}
	for _, c := range cases {
		rec := loadRecording(t, "ocs", c.file)
		req := httptest.NewRequest(rec.Method, rec.Target, nil)
		for k, vs := range rec.ReqHeader {
			if k != "Authorization" && k != "Host" {
				req.Header[k] = vs
			}
		}
		req.SetBasicAuth(c.cred[0], c.cred[1])
		got := httptest.NewRecorder()
		s.Handler().ServeHTTP(got, req)
		assertSameShape(t, rec, got, "WWW-Authenticate")
		if c.meta != "" && !strings.Contains(got.Body.String(), c.meta) {
			t.Errorf("%s: body %s lacks %q", c.file, got.Body, c.meta)
		}
	}
	if s.AppPasswordRevocations() != 1 {
		t.Fatalf("revocations %d, want 1", s.AppPasswordRevocations())
	}
	if s.AppPasswordValid("alice", "alice-app-password-2") {
		t.Fatal("a rotated app password must stop working")
	}
}

// sameKeys compares the top-level JSON object keys of two bodies.
func sameKeys(t *testing.T, want, got []byte) {
	t.Helper()
	var w, g map[string]any
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("recorded body: %v", err)
	}
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("fake body: %v", err)
	}
	for k := range w {
		if _, ok := g[k]; !ok {
			t.Errorf("key %q missing from the fake's answer", k)
		}
	}
	for k := range g {
		if _, ok := w[k]; !ok {
			t.Errorf("key %q not in the recording", k)
		}
	}
}
