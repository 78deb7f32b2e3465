package cmd

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/nextcloud-mcp/nextcloud-mcp/auth"
	"github.com/nextcloud-mcp/nextcloud-mcp/internal/oidctest"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// httpWorld is a fake Nextcloud with users admin and alice, an OpenID
// provider whose users id1 and id2 map to them, and `serve --http` running
// in-process on a loopback port.
type httpWorld struct {
	fake    *ncfake.Server
	ncURL   string
	idp     *oidctest.Provider
	url     string // http://127.0.0.1:port
	logs    *syncBuffer
	h       *httpServer
	stop    context.CancelFunc
	stopped chan error
	// cancelled counts Nextcloud requests whose context ended before the fake answered.
	cancelled atomic.Int64
}

// httpOpt adjusts the configuration of a world before it starts.
type httpOpt func(*Config, *HTTPConfig)

func testHTTPConfig() *HTTPConfig {
	return &HTTPConfig{Addr: "127.0.0.1:0", MaxBody: 64 << 10, RateLimit: 0, RateBurst: 1, ShutdownTimeout: 5 * time.Second,
		ReadHeaderTimeout: 2 * time.Second, ReadTimeout: 5 * time.Second, WriteTimeout: 30 * time.Second, IdleTimeout: 30 * time.Second,
		JWKSMinRefresh: 50 * time.Millisecond}
}

func startHTTPWorld(t testing.TB, mode string, opts ...httpOpt) *httpWorld {
	t.Helper()
	w := &httpWorld{fake: ncfake.New(ncfake.Options{}), logs: &syncBuffer{}}
	w.idp = oidctest.Start(t, oidctest.Options{})
	w.fake.SetBearerValidator(w.idp.Validator(map[string]string{"id1": "admin", "id2": "alice"}, auth.DefaultTokenAudience))
	nc := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		done := make(chan struct{})
		defer close(done)
		go func() {
			select {
			case <-r.Context().Done():
				w.cancelled.Add(1)
			case <-done:
			}
		}()
		w.fake.Handler().ServeHTTP(rw, r)
	}))
	t.Cleanup(nc.Close)
	w.ncURL = nc.URL
	cfg := &Config{ServerURL: nc.URL, AuthMode: mode, ClientID: w.idp.ClientID}
	hc := testHTTPConfig()
	hc.Issuer, hc.ClientSecret = w.idp.Issuer, w.idp.ClientSecret
	if mode == auth.ModeBasic {
		hc.Issuer = ""
	}
	for _, o := range opts {
		o(cfg, hc)
	}
	w.start(t, cfg, hc, true)
	return w
}

func (w *httpWorld) start(t testing.TB, cfg *Config, hc *HTTPConfig, waitReady bool) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logger := slog.New(slog.NewJSONHandler(w.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h, err := newHTTPServer(ctx, cfg, hc, logger)
	if err != nil {
		cancel()
		t.Fatalf("newHTTPServer: %v", err)
	}
	ln, err := net.Listen("tcp", hc.Addr)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	w.h, w.stop, w.stopped, w.url = h, cancel, make(chan error, 1), "http://"+ln.Addr().String()
	go func() { w.stopped <- h.run(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-w.stopped:
		case <-time.After(10 * time.Second):
			t.Error("the server did not stop")
		}
	})
	if h.bearer != nil && waitReady {
		deadline := time.Now().Add(10 * time.Second)
		for h.bearer.Ready() != nil && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// header is the Authorization header of IdP user i (token-exchange) or
// fake user i (basic).
func (w *httpWorld) header(t testing.TB, i int) string {
	t.Helper()
	if w.h.bearer != nil {
		return "Bearer " + w.idp.AccessToken(t, w.idp.Users[i])
	}
	user := []string{"admin", "alice"}[i]
	return basicHeader(user, user+"-app-password")
}

func basicHeader(user, pw string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pw))
}

// connect opens an MCP session over HTTP with the Authorization header.
func connect(t testing.TB, url, authorization string, opts ...transport.StreamableHTTPCOption) *client.Client {
	t.Helper()
	return connectVersion(t, url, authorization, mcp.LATEST_PROTOCOL_VERSION, opts...)
}

// connectVersion opens a session that negotiates protocol version.
func connectVersion(t testing.TB, url, authorization, version string, opts ...transport.StreamableHTTPCOption) *client.Client {
	t.Helper()
	return openSession(t, url, authorization, version, opts)
}

// openSession starts and initializes an HTTP session with the transport and
// client options given.
func openSession(t testing.TB, url, authorization, version string, topts []transport.StreamableHTTPCOption, copts ...client.ClientOption) *client.Client {
	t.Helper()
	topts = append([]transport.StreamableHTTPCOption{transport.WithHTTPHeaders(map[string]string{"Authorization": authorization})}, topts...)
	tr, err := transport.NewStreamableHTTP(url+"/mcp", topts...)
	if err != nil {
		t.Fatal(err)
	}
	c := client.NewClient(tr, copts...)
	t.Cleanup(func() { c.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = version
	init.Params.ClientInfo = mcp.Implementation{Name: "http-test", Version: "1"}
	if _, err := c.Initialize(ctx, init); err != nil {
		t.Fatalf("initialize: %v", err)
	}
	return c
}

func callTool(t *testing.T, c *client.Client, name string, args map[string]any) *mcp.CallToolResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	req := mcp.CallToolRequest{}
	req.Params.Name, req.Params.Arguments = name, args
	res, err := c.CallTool(ctx, req)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if res.IsError {
		t.Fatalf("%s failed: %+v", name, res.Content)
	}
	return res
}

func noteTitles(t *testing.T, res *mcp.CallToolResult) []string {
	t.Helper()
	raw, _ := json.Marshal(res.StructuredContent)
	var out struct {
		Notes []struct {
			Title string `json:"title"`
		} `json:"notes"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, n := range out.Notes {
		titles = append(titles, n.Title)
	}
	return titles
}

func TestHTTPTwoUsersSeeOnlyTheirOwnData(t *testing.T) {
	for _, mode := range []string{auth.ModeBasic, auth.ModeTokenExchange} {
		t.Run(mode, func(t *testing.T) {
			w := startHTTPWorld(t, mode)
			users := []string{"admin", "alice"}
			clients := make([]*client.Client, 2)
			for i, u := range users {
				clients[i] = connect(t, w.url, w.header(t, i))
				callTool(t, clients[i], "nc_notes_create_note", map[string]any{"title": "private note of " + u, "content": "only " + u + " may read this"})
			}
			for i, u := range users {
				titles := noteTitles(t, callTool(t, clients[i], "nc_notes_list_notes", map[string]any{}))
				if len(titles) != 1 || titles[0] != "private note of "+u {
					t.Fatalf("%s sees notes %q", u, titles)
				}
				list, err := clients[i].ListTools(context.Background(), mcp.ListToolsRequest{})
				if err != nil {
					t.Fatal(err)
				}
				for _, tool := range list.Tools {
					if strings.HasPrefix(tool.Name, "nc_auth_") {
						t.Fatalf("%s is offered over HTTP", tool.Name)
					}
				}
				if len(list.Tools) < 50 {
					t.Fatalf("only %d tools listed", len(list.Tools))
				}
			}
			if mode == auth.ModeTokenExchange {
				if n := w.idp.TokenCalls(oidctest.GrantExchange); n != 2 {
					t.Fatalf("%d exchanges for two users, want 2", n)
				}
			}
		})
	}
}

// post sends one raw JSON-RPC POST to /mcp.
func post(t *testing.T, url, authorization, body string, hdr ...string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url+"/mcp", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

const initBody = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`

func errorBody(t *testing.T, resp *http.Response) (string, string) {
	t.Helper()
	var e struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatalf("error body %q: %v", b, err)
	}
	return e.Error, e.Description
}

func TestHTTPTokenExchangeRefusals(t *testing.T) {
	w := startHTTPWorld(t, auth.ModeTokenExchange)
	good := w.header(t, 0)

	resp := post(t, w.url, "", initBody)
	if resp.StatusCode != 401 {
		t.Fatalf("no token: HTTP %d", resp.StatusCode)
	}
	ch := resp.Header.Get("WWW-Authenticate")
	if !strings.HasPrefix(ch, "Bearer ") || !strings.Contains(ch, `resource_metadata="`+w.url+`/.well-known/oauth-protected-resource"`) || !strings.Contains(ch, "error_description=") {
		t.Fatalf("challenge %q", ch)
	}
	// The metadata names the identity provider.
	mr, err := http.Get(w.url + "/.well-known/oauth-protected-resource")
	if err != nil {
		t.Fatal(err)
	}
	var meta struct {
		Resource string   `json:"resource"`
		AS       []string `json:"authorization_servers"`
	}
	json.NewDecoder(mr.Body).Decode(&meta)
	mr.Body.Close()
	if meta.Resource != w.url+"/mcp" || len(meta.AS) != 1 || meta.AS[0] != w.idp.Issuer {
		t.Fatalf("metadata %+v", meta)
	}

	for _, tc := range []struct {
		name, header string
		status       int
		code         string
	}{
		{"malformed", "Bearer a b", 400, "invalid_request"},
		{"wrong scheme", "Token abc", 401, "invalid_request"},
		{"not a JWT", "Bearer sentinel-opaque", 401, "invalid_token"},
		{"bad signature", good[:len(good)-6] + "AAAAAA", 401, "invalid_token"},
	} {
		resp := post(t, w.url, tc.header, initBody)
		code, desc := errorBody(t, resp)
		if resp.StatusCode != tc.status || code != tc.code || desc == "" {
			t.Errorf("%s: HTTP %d %s %q", tc.name, resp.StatusCode, code, desc)
		}
		if tc.status == 401 && !strings.Contains(resp.Header.Get("WWW-Authenticate"), `error="`+tc.code+`"`) {
			t.Errorf("%s: challenge %q", tc.name, resp.Header.Get("WWW-Authenticate"))
		}
	}

	// A server that is another client at the IdP: the token is not for it (403).
	other := startHTTPWorld(t, auth.ModeTokenExchange, func(c *Config, _ *HTTPConfig) { c.ClientID = "another-client" })
	resp = post(t, other.url, other.header(t, 0), initBody)
	if code, desc := errorBody(t, resp); resp.StatusCode != 403 || !strings.Contains(desc, "audience") {
		t.Fatalf("wrong audience: HTTP %d %s %q", resp.StatusCode, code, desc)
	}
	if !strings.Contains(resp.Header.Get("WWW-Authenticate"), "resource_metadata=") {
		t.Fatalf("403 without challenge: %q", resp.Header.Get("WWW-Authenticate"))
	}

	// The IdP refuses the exchange.
	w.idp.RefuseExchange(true)
	resp = post(t, w.url, w.header(t, 1), initBody)
	if code, desc := errorBody(t, resp); resp.StatusCode != 403 || !strings.Contains(desc, "refused to exchange") {
		t.Fatalf("refused exchange: HTTP %d %s %q", resp.StatusCode, code, desc)
	}
	w.idp.RefuseExchange(false)

	// A session id opened by one user is refused to another.
	r1 := post(t, w.url, good, initBody)
	sid := r1.Header.Get("Mcp-Session-Id")
	if r1.StatusCode != 200 || sid == "" {
		t.Fatalf("initialize: HTTP %d, session %q", r1.StatusCode, sid)
	}
	list := `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`
	if r := post(t, w.url, good, list, "Mcp-Session-Id", sid, "Mcp-Protocol-Version", "2025-06-18"); r.StatusCode != 200 {
		t.Fatalf("own session: HTTP %d", r.StatusCode)
	}
	if r := post(t, w.url, w.header(t, 1), list, "Mcp-Session-Id", sid, "Mcp-Protocol-Version", "2025-06-18"); r.StatusCode != 404 {
		t.Fatalf("another user's session: HTTP %d, want 404", r.StatusCode)
	}
}

func TestHTTPLimits(t *testing.T) {
	w := startHTTPWorld(t, auth.ModeBasic, func(_ *Config, hc *HTTPConfig) { hc.RateLimit, hc.RateBurst = 1, 3 })
	admin := w.header(t, 0)

	big := `{"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":"` + strings.Repeat("x", 70<<10) + `"}}`
	resp := post(t, w.url, admin, big)
	if code, desc := errorBody(t, resp); resp.StatusCode != 413 || code != "too_large" || !strings.Contains(desc, "65536") {
		t.Fatalf("oversized: HTTP %d %s %q", resp.StatusCode, code, desc)
	}
	// Without Content-Length (chunked) the limit holds while reading.
	req, _ := http.NewRequest(http.MethodPost, w.url+"/mcp", io.MultiReader(strings.NewReader(big)))
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", admin)
	resp2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if resp2.StatusCode != 413 {
		t.Fatalf("chunked oversized: HTTP %d", resp2.StatusCode)
	}

	// The burst allows 3, then 429 with Retry-After; alice has her own bucket.
	var last *http.Response
	for range 5 {
		last = post(t, w.url, admin, initBody)
	}
	if last.StatusCode != 429 || last.Header.Get("Retry-After") == "" {
		t.Fatalf("after the burst: HTTP %d, Retry-After %q", last.StatusCode, last.Header.Get("Retry-After"))
	}
	if r := post(t, w.url, w.header(t, 1), initBody); r.StatusCode != 200 {
		t.Fatalf("another user throttled too: HTTP %d", r.StatusCode)
	}

	if r := post(t, w.url, basicHeader("alice", "wrong"), initBody); r.StatusCode != 401 || !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Basic ") {
		t.Fatalf("wrong password: HTTP %d %q", r.StatusCode, r.Header.Get("WWW-Authenticate"))
	}
	req, _ = http.NewRequest(http.MethodPut, w.url+"/mcp", nil)
	if r, _ := http.DefaultClient.Do(req); r.StatusCode != 405 {
		t.Fatalf("PUT: HTTP %d", r.StatusCode)
	}
}

func TestHTTPSlowClientsAreCutOff(t *testing.T) {
	w := startHTTPWorld(t, auth.ModeBasic, func(_ *Config, hc *HTTPConfig) {
		hc.ReadHeaderTimeout, hc.ReadTimeout = 300*time.Millisecond, 600*time.Millisecond
	})
	addr := strings.TrimPrefix(w.url, "http://")
	for name, send := range map[string]string{
		// Headers that never end (slow-loris).
		"headers": "POST /mcp HTTP/1.1\r\nHost: " + addr + "\r\nX-Slow: ",
		// A body that never arrives.
		"body": "POST /mcp HTTP/1.1\r\nHost: " + addr + "\r\nAuthorization: " + w.header(t, 0) + "\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"jsonrpc\":",
	} {
		t.Run(name, func(t *testing.T) {
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			start := time.Now()
			if _, err := conn.Write([]byte(send)); err != nil {
				t.Fatal(err)
			}
			conn.SetReadDeadline(time.Now().Add(5 * time.Second))
			buf := make([]byte, 4096)
			n, _ := io.ReadFull(conn, buf)
			if d := time.Since(start); d > 3*time.Second {
				t.Fatalf("a stalled client held the connection %v", d)
			}
			if name == "body" && !strings.Contains(string(buf[:n]), "400") {
				t.Fatalf("stalled body answered %q", buf[:n])
			}
		})
	}
}

func TestHTTPDisconnectCancelsTheNextcloudRequest(t *testing.T) {
	w := startHTTPWorld(t, auth.ModeBasic)
	c := connect(t, w.url, w.header(t, 0))
	w.fake.AddFault(ncfake.Fault{PathPrefix: "/index.php/apps/notes", Delay: 10 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	req := mcp.CallToolRequest{}
	req.Params.Name, req.Params.Arguments = "nc_notes_list_notes", map[string]any{}
	start := time.Now()
	if _, err := c.CallTool(ctx, req); err == nil {
		t.Fatal("the call returned before Nextcloud answered")
	}
	deadline := time.Now().Add(3 * time.Second)
	for w.cancelled.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if w.cancelled.Load() == 0 {
		t.Fatal("the Nextcloud request went on after the client left")
	}
	if d := time.Since(start); d > 4*time.Second {
		t.Fatalf("cancellation took %v", d)
	}
}

func TestHTTPGracefulShutdownDrainsCalls(t *testing.T) {
	w := startHTTPWorld(t, auth.ModeBasic)
	c := connect(t, w.url, w.header(t, 0))
	w.fake.AddFault(ncfake.Fault{PathPrefix: "/index.php/apps/notes", Delay: time.Second, Times: 1})
	result := make(chan error, 1)
	go func() {
		req := mcp.CallToolRequest{}
		req.Params.Name, req.Params.Arguments = "nc_notes_list_notes", map[string]any{}
		res, err := c.CallTool(context.Background(), req)
		if err == nil && res.IsError {
			err = fmt.Errorf("tool error: %+v", res.Content)
		}
		result <- err
	}()
	waitForNextcloud(t, w.fake, "/index.php/apps/notes")
	w.stop() // what SIGTERM does
	time.Sleep(100 * time.Millisecond)
	if resp, err := http.Get(w.url + "/healthz"); err == nil {
		resp.Body.Close()
		t.Fatal("new connections are still accepted while draining")
	}
	select {
	case err := <-result:
		if err != nil {
			t.Fatalf("the call in flight failed: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the call in flight never finished")
	}
	select {
	case err := <-w.stopped:
		if err != nil {
			t.Fatal(err)
		}
		w.stopped <- nil
	case <-time.After(5 * time.Second):
		t.Fatal("the server did not stop after draining")
	}
}

func TestHTTPOperationsEndpoints(t *testing.T) {
	w := startHTTPWorld(t, auth.ModeTokenExchange)
	get := func(path string) (int, string) {
		resp, err := http.Get(w.url + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/healthz"); code != 200 || !strings.Contains(body, "ok") {
		t.Fatalf("healthz: %d %s", code, body)
	}
	if code, body := get("/readyz"); code != 200 || !strings.Contains(body, `"nextcloud":"ok"`) || !strings.Contains(body, `"identity_provider":"ok"`) {
		t.Fatalf("readyz: %d %s", code, body)
	}
	c := connect(t, w.url, w.header(t, 0))
	callTool(t, c, "nc_notes_list_notes", map[string]any{})
	code, body := get("/metrics")
	for _, want := range []string{
		`nextcloud_mcp_tool_calls_total{outcome="ok",tool="nc_notes_list_notes"} 1`,
		`nextcloud_mcp_token_exchanges_total{outcome="ok"} 1`,
		`nextcloud_mcp_token_cache_hits_total`,
		`nextcloud_mcp_nextcloud_requests_total{code="200",method="GET"}`,
		`nextcloud_mcp_http_requests_total{code="200",route="mcp"}`,
		`nextcloud_mcp_tool_call_duration_seconds_bucket`,
		`nextcloud_mcp_jwks_fetches_total{outcome="ok"}`,
	} {
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}

	// Nextcloud down: not ready, with the reason.
	w.fake.AddFault(ncfake.Fault{PathPrefix: "/status.php", Status: 503})
	w.h.probe.mu.Lock()
	w.h.probe.at = time.Time{}
	w.h.probe.mu.Unlock()
	if code, body := get("/readyz"); code != 503 || !strings.Contains(body, "nextcloud") {
		t.Fatalf("readyz with Nextcloud down: %d %s", code, body)
	}

	// The identity provider's keys down at start: not ready, and callers get 503.
	w.idp.SetKeysDown(true)
	cold := &httpWorld{fake: w.fake, idp: w.idp, logs: &syncBuffer{}}
	hc := testHTTPConfig()
	hc.Issuer, hc.ClientSecret = w.idp.Issuer, w.idp.ClientSecret
	cold.start(t, &Config{ServerURL: w.ncURL, AuthMode: auth.ModeTokenExchange, ClientID: w.idp.ClientID}, hc, false)
	time.Sleep(200 * time.Millisecond)
	resp, _ := http.Get(cold.url + "/readyz")
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 503 || !strings.Contains(string(b), "identity_provider") {
		t.Fatalf("readyz with the JWKS down: %d %s", resp.StatusCode, b)
	}
	tok := w.header(t, 1)
	r := post(t, cold.url, tok, initBody)
	if _, desc := errorBody(t, r); r.StatusCode != 503 || r.Header.Get("Retry-After") == "" || desc == "" {
		t.Fatalf("JWKS down: HTTP %d %q", r.StatusCode, desc)
	}
	w.idp.SetKeysDown(false)
}

func TestHTTPStartupRefusals(t *testing.T) {
	ctx := context.Background()
	logger := slog.New(slog.DiscardHandler)
	cases := []struct {
		name string
		cfg  Config
		hc   HTTPConfig
		want string
	}{
		{"oauth pass-through", Config{ServerURL: "https://cloud.example.com", AuthMode: auth.ModeOAuth}, HTTPConfig{}, "token-passthrough anti-pattern"},
		{"shared env credentials", Config{ServerURL: "https://cloud.example.com", AuthMode: auth.ModeBasic, Username: "u", Password: "p"}, HTTPConfig{}, "same account"},
		{"no server", Config{AuthMode: auth.ModeBasic}, HTTPConfig{}, "NEXTCLOUD_HOST"},
		{"issuer in basic mode", Config{ServerURL: "https://cloud.example.com", AuthMode: auth.ModeBasic}, HTTPConfig{Issuer: "https://idp"}, "token-exchange"},
		{"no issuer", Config{ServerURL: "https://cloud.example.com", AuthMode: auth.ModeTokenExchange, ClientID: "c"}, HTTPConfig{ClientSecret: "s"}, "--issuer"},
		{"no secret", Config{ServerURL: "https://cloud.example.com", AuthMode: auth.ModeTokenExchange, ClientID: "c"}, HTTPConfig{Issuer: "https://idp"}, "NEXTCLOUD_MCP_CLIENT_SECRET"},
	}
	for _, tc := range cases {
		_, err := newHTTPServer(ctx, &tc.cfg, &tc.hc, logger)
		var ee *ExitError
		if err == nil || !errors.As(err, &ee) || ee.Code != ExitUsage || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	// Through the CLI: the flag, the environment and the reason.
	stderr := &syncBuffer{}
	a := &App{In: strings.NewReader(""), Out: io.Discard, Err: stderr, Getenv: func(k string) string {
		return map[string]string{"NEXTCLOUD_HOST": "https://cloud.example.com", "NEXTCLOUD_MCP_AUTH_MODE": "oauth", "NEXTCLOUD_MCP_CONFIG_DIR": t.TempDir()}[k]
	}}
	if code := a.Run(ctx, []string{"serve", "--http", "0"}); code != ExitUsage || !strings.Contains(stderr.String(), "anti-pattern") {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	for _, tc := range []struct {
		in, want string
	}{{"8080", "127.0.0.1:8080"}, {":8080", "127.0.0.1:8080"}, {"0.0.0.0:9000", "0.0.0.0:9000"}, {"[::1]:80", "[::1]:80"}} {
		if got, err := listenAddr(tc.in); err != nil || got != tc.want {
			t.Errorf("listenAddr(%q) = %q, %v", tc.in, got, err)
		}
	}
	if _, err := listenAddr("not an address"); err == nil {
		t.Error("a bad address was accepted")
	}
}

// TestHTTPSecretsNeverLeak sends valid and made-up credentials carrying a
// sentinel and checks every log line, the metrics and the error bodies.
func TestHTTPSecretsNeverLeak(t *testing.T) {
	const sentinel = "SENTINEL-7f3a9c"
	for _, mode := range []string{auth.ModeBasic, auth.ModeTokenExchange} {
		t.Run(mode, func(t *testing.T) {
			w := startHTTPWorld(t, mode)
			good := w.header(t, 0)
			secret := strings.TrimPrefix(strings.TrimPrefix(good, "Bearer "), "Basic ")
			var bodies []string
			for _, h := range []string{
				"Bearer " + sentinel, "Bearer " + sentinel + ".eyJhbGciOiJSUzI1NiJ9.x", "Basic " + base64.StdEncoding.EncodeToString([]byte("alice:"+sentinel)),
				sentinel, "Bearer " + sentinel + " " + sentinel,
			} {
				r := post(t, w.url, h, initBody)
				b, _ := io.ReadAll(r.Body)
				bodies = append(bodies, string(b)+r.Header.Get("WWW-Authenticate"))
			}
			c := connect(t, w.url, good)
			callTool(t, c, "nc_notes_list_notes", map[string]any{})
			resp, _ := http.Get(w.url + "/metrics")
			metrics, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			pw := "admin-app-password"
			for what, text := range map[string]string{"logs": w.logs.String(), "metrics": string(metrics), "errors": strings.Join(bodies, "\n")} {
				for _, s := range []string{sentinel, secret, pw} {
					if strings.Contains(text, s) {
						t.Fatalf("a credential appears in the %s", what)
					}
				}
			}
			if !strings.Contains(w.logs.String(), `"msg":"http request"`) {
				t.Fatal("no access log lines to check")
			}
		})
	}
}

// waitForNextcloud waits until a request below prefix reached the fake, so a
// test acts while that call is surely in flight.
func waitForNextcloud(t *testing.T, fake *ncfake.Server, prefix string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for _, r := range fake.Requests() {
			if strings.HasPrefix(r.Path, prefix) {
				return
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no request below %s reached Nextcloud", prefix)
}
