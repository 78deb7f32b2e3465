package ncfake

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// oauth2Session plays the recorded oauth2 exchanges against the fake with
// the placeholders replaced by the fake's real client, code and tokens.
type oauth2Session struct {
	t      *testing.T
	s      *Server
	client OAuth2Client
	values map[string]string // placeholder → value
}

func newOAuth2Session(t *testing.T) *oauth2Session {
	s := New(Options{})
	c := s.AddOAuth2Client("mcp", "http://127.0.0.1:9999/callback")
	return &oauth2Session{t: t, s: s, client: c, values: map[string]string{"<client-id>": c.ClientID, "<client-secret>": c.ClientSecret}}
}

func (o *oauth2Session) fill(v string) string {
	for k, val := range o.values {
		v = strings.ReplaceAll(v, k, val)
	}
	return v
}

// play sends the recording with its placeholders filled in.
func (o *oauth2Session) play(file string) (recording, *httptest.ResponseRecorder) {
	o.t.Helper()
	rec := loadRecording(o.t, "oauth2", file)
	req := httptest.NewRequest(rec.Method, o.fill(rec.Target), bytes.NewReader([]byte(o.fill(string(rec.ReqBody)))))
	for k, vs := range rec.ReqHeader {
		if k == "Host" || k == "Authorization" || k == "Cookie" {
			continue
		}
		for _, v := range vs {
			req.Header.Add(k, o.fill(v))
		}
	}
	switch a := rec.ReqHeader.Get("Authorization"); {
	case a == "Basic <client-id:client-secret>":
		req.SetBasicAuth(o.client.ClientID, o.client.ClientSecret)
	case strings.HasPrefix(a, "Basic <alice:"):
		req.SetBasicAuth("alice", o.fill("<"+strings.TrimPrefix(a, "Basic <alice:")))
	case a != "":
		req.Header.Set("Authorization", o.fill(a))
	}
	w := httptest.NewRecorder()
	o.s.Handler().ServeHTTP(w, req)
	return rec, w
}

// grant has alice grant access in the browser and keeps the code.
func (o *oauth2Session) grant() {
	o.t.Helper()
	_, w := o.play("05-authorize-redirect")
	if w.Code != http.StatusSeeOther {
		o.t.Fatalf("authorize: %d", w.Code)
	}
	req := httptest.NewRequest(http.MethodPost, "/index.php/login/flow", strings.NewReader("clientIdentifier="+o.client.ClientID))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("alice", "alice")
	g := httptest.NewRecorder()
	o.s.Handler().ServeHTTP(g, req)
	loc, err := url.Parse(g.Header().Get("Location"))
	if g.Code != http.StatusSeeOther || err != nil {
		o.t.Fatalf("grant: %d %q", g.Code, g.Header().Get("Location"))
	}
	// The browser goes to the registered redirect URI with the authorize state (oauth2/08).
	if got := loc.Scheme + "://" + loc.Host + loc.Path; got != o.client.RedirectURI || loc.Query().Get("state") != "s1" {
		o.t.Fatalf("grant redirect %s", loc)
	}
	o.values["<authorization-code>"] = loc.Query().Get("code")
}

// tokens reads a token response and records its tokens under the placeholders.
func (o *oauth2Session) tokens(rec recording, w *httptest.ResponseRecorder, suffix string) {
	o.t.Helper()
	assertSameShape(o.t, rec, w, "Content-Type")
	var got, want map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		o.t.Fatalf("%s: %v: %s", rec.Name, err, w.Body)
	}
	_ = json.Unmarshal(rec.RespBody, &want)
	if k1, k2 := sortedKeys(got), sortedKeys(want); strings.Join(k1, ",") != strings.Join(k2, ",") {
		o.t.Fatalf("%s: keys %v, recorded %v", rec.Name, k1, k2)
	}
	if got["token_type"] != "Bearer" || got["expires_in"] != float64(3600) || got["user_id"] != "alice" {
		o.t.Fatalf("%s: %s", rec.Name, w.Body)
	}
	// Nextcloud's token formats: 72 and 128 characters of [A-Za-z0-9].
	at, rt := got["access_token"].(string), got["refresh_token"].(string)
	if len(at) != 72 || len(rt) != 128 {
		o.t.Fatalf("%s: token lengths %d and %d, recorded 72 and 128", rec.Name, len(at), len(rt))
	}
	o.values["<access-token"+suffix+">"], o.values["<refresh-token"+suffix+">"] = at, rt
}

// sameError checks an error answer: status, throttle header and exact body.
func (o *oauth2Session) sameError(rec recording, w *httptest.ResponseRecorder) {
	o.t.Helper()
	assertSameShape(o.t, rec, w, "Content-Type", "X-Nextcloud-Bruteforce-Throttled")
	if w.Body.String() != string(rec.RespBody) {
		o.t.Errorf("%s: body %s, recorded %s", rec.Name, w.Body, rec.RespBody)
	}
}

func TestOAuth2AppFollowsRecordings(t *testing.T) {
	o := newOAuth2Session(t)

	for _, f := range []string{"28-well-known-openid-configuration", "29-index-php-well-known-openid-configuration"} {
		rec, w := o.play(f)
		assertSameShape(t, rec, w, "Content-Type", "X-Nextcloud-Well-Known")
		if w.Body.String() != string(rec.RespBody) {
			t.Errorf("%s: body %s", rec.Name, w.Body)
		}
	}
	rec, w := o.play("05-authorize-redirect")
	assertSameShape(t, rec, w, "Location")
	if got, want := w.Header().Get("Location"), "http://example.com/index.php/login/flow?clientIdentifier="+o.client.ClientID; got != want {
		t.Errorf("authorize Location %q, want %q", got, want)
	}
	rec, w = o.play("06-authorize-unsupported-response-type")
	assertSameShape(t, rec, w)
	if got := w.Header().Get("Location"); got != rec.RespHeader.Get("Location") {
		t.Errorf("unsupported response type: Location %q, recorded %q", got, rec.RespHeader.Get("Location"))
	}
	rec, w = o.play("07-authorize-unknown-client")
	assertSameShape(t, rec, w)

	o.grant()
	rec, w = o.play("09-token-authorization-code-wrong-pkce-verifier-still-200")
	o.tokens(rec, w, "")
	rec, w = o.play("10-token-code-reuse-400")
	o.sameError(rec, w)

	for _, f := range []string{"11-bearer-ocs-cloud-user", "12-bearer-ocs-without-ocs-apirequest-header", "13-bearer-webdav-propfind",
		"15-bearer-notes-api", "16-bearer-deck-api", "18-basic-with-access-token-as-password-notes-api"} {
		rec, w := o.play(f)
		assertSameShape(t, rec, w, "Content-Type")
	}

	rec, w = o.play("19-token-refresh")
	o.tokens(rec, w, "-2")
	rec, w = o.play("20-token-refresh-old-refresh-token-400")
	o.sameError(rec, w)
	rec, w = o.play("23-bearer-new-access-token")
	assertSameShape(t, rec, w, "Content-Type")
	for _, f := range []string{"24-token-unsupported-grant-type-invalid-grant", "25-token-wrong-client-secret-invalid-client", "26-token-unknown-code-invalid-request"} {
		rec, w := o.play(f)
		o.sameError(rec, w)
	}
	rec, w = o.play("27-token-refresh-client-basic-auth")
	o.tokens(rec, w, "-3")
	if o.s.OAuth2RefreshTokenWorks(o.values["<refresh-token-2>"]) || !o.s.OAuth2RefreshTokenWorks(o.values["<refresh-token-3>"]) {
		t.Error("refresh did not rotate the refresh token")
	}
	// Revoking the client's tokens ends the session at once (oauth2/31).
	o.s.EndOAuth2Sessions()
	rec, w = o.play("31-bearer-after-client-deleted")
	assertSameShape(t, rec, w, "Content-Type")
}

func TestOAuth2AppMissing(t *testing.T) {
	s := New(Options{Apps: []string{"files"}})
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/index.php/apps/oauth2/api/v1/token", nil))
	if w.Code != http.StatusNotFound {
		t.Fatalf("token endpoint without the app: %d", w.Code)
	}
}
