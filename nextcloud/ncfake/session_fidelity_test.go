package ncfake

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// sessionReplayer replays recordings of session-guarded apps (Mail,
// Collectives): the masked "<user:session-cookies>" and "<user:requesttoken>"
// become a real session of the fake, opened once per user.
type sessionReplayer struct {
	s        *Server
	sessions map[string][2]string // user → cookie header, token
}

func newSessionReplayer(s *Server) *sessionReplayer {
	return &sessionReplayer{s: s, sessions: map[string][2]string{}}
}

// sessionPassword is the fake's app password of admin and alice.
func sessionPassword(user string) string { return user + "-app-password" }

// userOf reads the user from a masked Authorization header: "Basic <alice:app-password>".
func userOf(auth string) string {
	_, rest, ok := strings.Cut(auth, "<")
	if !ok {
		return ""
	}
	u, _, _ := strings.Cut(rest, ":")
	return u
}

func (p *sessionReplayer) session(t *testing.T, user string) [2]string {
	t.Helper()
	if s, ok := p.sessions[user]; ok {
		return s
	}
	req := httptest.NewRequest(http.MethodGet, "/index.php/csrftoken", nil)
	req.SetBasicAuth(user, sessionPassword(user))
	w := httptest.NewRecorder()
	p.s.Handler().ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		t.Fatalf("csrftoken for %s: %d %s", user, w.Code, w.Body.String())
	}
	var tok struct{ Token string }
	_ = json.Unmarshal(w.Body.Bytes(), &tok)
	var cookies []string
	for _, c := range w.Result().Cookies() {
		cookies = append(cookies, c.Name+"="+c.Value)
	}
	s := [2]string{strings.Join(cookies, "; "), tok.Token}
	p.sessions[user] = s
	return s
}

// send replays rec with the fake's credentials and session.
func (p *sessionReplayer) send(t *testing.T, rec recording) *httptest.ResponseRecorder {
	t.Helper()
	body := rec.ReqBody
	// A recorded Content-Length shorter than the stored body means the file
	// gained a trailing newline (collectives/12 declares 87 bytes).
	if n, err := strconv.Atoi(rec.ReqHeader.Get("Content-Length")); err == nil && n < len(body) {
		body = body[:n]
	}
	req := httptest.NewRequest(rec.Method, rec.Target, bytes.NewReader(body))
	for k, vs := range rec.ReqHeader {
		switch k {
		case "Host", "Authorization", "Cookie", "Requesttoken", "Content-Length":
			continue
		}
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	user := userOf(rec.ReqHeader.Get("Authorization"))
	if user != "" {
		req.SetBasicAuth(user, sessionPassword(user))
	}
	if rec.ReqHeader.Get("Requesttoken") != "" {
		s := p.session(t, user)
		req.Header.Set("Cookie", s[0])
		req.Header.Set("requesttoken", s[1])
	}
	w := httptest.NewRecorder()
	p.s.Handler().ServeHTTP(w, req)
	return w
}

// check replays rec and holds the answer to it: status, content type, the
// named headers, and for JSON the body's shape. It returns the answer.
func (p *sessionReplayer) check(t *testing.T, rec recording, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	got := p.send(t, rec)
	assertSameShape(t, rec, got, headers...)
	if mediaType(rec.RespHeader.Get("Content-Type")) != "application/json" {
		return got
	}
	var want, have any
	if err := json.Unmarshal(rec.RespBody, &want); err != nil {
		t.Fatalf("%s: recorded body: %v", rec.Name, err)
	}
	if err := json.Unmarshal(got.Body.Bytes(), &have); err != nil {
		t.Fatalf("%s: fake body is not JSON: %v: %s", rec.Name, err, got.Body.String())
	}
	for _, d := range dtShapeDiff("body", want, have) {
		t.Errorf("%s: %s", rec.Name, d)
	}
	return got
}

// jsonIDs reads a key from each element of a JSON array.
func jsonIDs(t *testing.T, body []byte, key string) []any {
	t.Helper()
	var list []map[string]any
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatalf("not a JSON array: %v: %s", err, body)
	}
	var out []any
	for _, e := range list {
		out = append(out, e[key])
	}
	return out
}
