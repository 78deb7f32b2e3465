package tools

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/nextcloud-mcp/nextcloud-mcp/auth"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// memKeys is an in-memory keyring, so no test touches the real one.
type memKeys struct {
	mu sync.Mutex
	m  map[string]string
}

func (k *memKeys) Get(s, u string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	v, ok := k.m[s+"/"+u]
	if !ok {
		return "", auth.ErrKeyringNotFound
	}
	return v, nil
}

func (k *memKeys) Set(s, u, v string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.m[s+"/"+u] = v
	return nil
}

func (k *memKeys) Delete(s, u string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.m, s+"/"+u)
	return nil
}

// elicitFunc answers elicitation requests in the test client.
type elicitFunc func(ctx context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error)

func (f elicitFunc) Elicit(ctx context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	return f(ctx, req)
}

type signInHarness struct {
	*harness
	signIn *auth.SignIn
	notes  chan mcp.JSONRPCNotification
}

// newSignInHarness serves the tools with a stored-login factory over an
// empty store (nobody signed in) and the chat sign-in wired as cmd does.
// elicit, when set, is the client's URL-elicitation handler.
func newSignInHarness(t *testing.T, elicit elicitFunc) *signInHarness {
	t.Helper()
	fake := ncfake.New(ncfake.Options{})
	ts := fake.Start()
	t.Cleanup(ts.Close)
	opener := &auth.StoreOpener{Dir: filepath.Join(t.TempDir(), "cfg"), Keys: &auth.KeySource{Keyring: &memKeys{m: map[string]string{}}}}
	t.Cleanup(func() { opener.Close() })
	f := auth.NewStoredFactory(opener, auth.ClientOptions{Version: "test"}, time.Hour)
	si := &auth.SignIn{Store: opener, Client: auth.ClientOptions{Version: "test"}, UserAgent: "nextcloud-mcp on test",
		PollInterval: 10 * time.Millisecond, DefaultServer: ts.URL, OnSignedIn: f.Use}
	t.Cleanup(si.Cancel)
	d := &Deps{Factory: f, SignIn: si}
	reg, err := NewRegistry(d, All(d), Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := NewServer(reg, "test", "test")
	var opts []client.ClientOption
	caps := mcp.ClientCapabilities{}
	if elicit != nil {
		opts = append(opts, client.WithElicitationHandler(elicit))
		caps.Elicitation = &mcp.ElicitationCapability{URL: &struct{}{}}
	}
	c, err := client.NewInProcessClientWithOptions(s, opts...)
	if err != nil {
		t.Fatal(err)
	}
	notes := make(chan mcp.JSONRPCNotification, 100)
	c.OnNotification(func(n mcp.JSONRPCNotification) {
		select {
		case notes <- n:
		default:
		}
	})
	ctx := context.Background()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	req := mcp.InitializeRequest{}
	req.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	req.Params.ClientInfo = mcp.Implementation{Name: "harness", Version: "1"}
	req.Params.Capabilities = caps
	if _, err := c.Initialize(ctx, req); err != nil {
		t.Fatalf("initialize: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return &signInHarness{harness: &harness{t: t, fake: fake, url: ts.URL, client: c, reg: reg}, signIn: si, notes: notes}
}

type signInResultForTest struct {
	State       string `json:"state"`
	Server      string `json:"server"`
	LoginURL    string `json:"login_url"`
	ExpiresAt   string `json:"expires_at"`
	Login       string `json:"login"`
	DisplayName string `json:"display_name"`
	Message     string `json:"message"`
}

func TestToolsBeforeSignInPointToSignIn(t *testing.T) {
	h := newSignInHarness(t, nil)
	msg := h.fails("nc_notes_list_notes", map[string]any{})
	for _, want := range []string{"nc_auth_login", "nextcloud-mcp login"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q does not point to %s", msg, want)
		}
	}
	var st authStatusOut
	h.ok("nc_auth_status", map[string]any{}, &st)
	if st.SignedIn || st.Mode != "basic" || !strings.Contains(st.Message, "nc_auth_login") {
		t.Fatalf("status before sign-in: %+v", st)
	}
}

func TestChatSignInThenToolsUseIt(t *testing.T) {
	h := newSignInHarness(t, nil)
	var started signInResultForTest
	h.ok("nc_auth_login", map[string]any{}, &started)
	if started.State != "pending" || started.Server != h.url || !strings.Contains(started.LoginURL, "/index.php/login/v2/flow/") || started.ExpiresAt == "" {
		t.Fatalf("start: %+v", started)
	}
	if !strings.Contains(started.Message, "login_url") {
		t.Fatalf("message does not tell the model what to do: %q", started.Message)
	}
	var st authStatusOut
	h.ok("nc_auth_status", map[string]any{}, &st)
	if st.SignedIn || st.SignIn == nil || st.SignIn.State != "pending" {
		t.Fatalf("status while pending: %+v", st)
	}
	pw := h.fake.GrantLogin(started.LoginURL, "alice")
	if h.fake.DeviceName(pw) != "nextcloud-mcp on test" {
		t.Fatalf("device name %q", h.fake.DeviceName(pw))
	}
	// The grant may be verified and stored before this call arrives; the
	// call then reports it rather than starting a second sign-in. The
	// wait ends as soon as the sign-in does.
	var done signInResultForTest
	h.ok("nc_auth_login", map[string]any{"wait_seconds": 30}, &done)
	if done.State != "signed_in" || done.Login != "alice" || done.DisplayName != "Alice" {
		t.Fatalf("after grant: %+v", done)
	}
	if h.fake.LoginFlowsStarted() != 1 {
		t.Fatalf("%d flows started; the second call must reuse or report the first", h.fake.LoginFlowsStarted())
	}
	// No restart: the next call works with the new credential.
	res := h.call("nc_notes_list_notes", map[string]any{})
	if res.IsError {
		t.Fatalf("tool after sign-in: %s", resultText(res))
	}
	h.ok("nc_auth_status", map[string]any{}, &st)
	if !st.SignedIn || st.Login != "alice" || st.Server != h.url || st.DisplayName != "Alice" {
		t.Fatalf("status after sign-in: %+v", st)
	}
	for _, c := range res.Content {
		if tc, ok := c.(mcp.TextContent); ok && strings.Contains(tc.Text, pw) {
			t.Fatal("a tool result shows the app password")
		}
	}
}

func TestChatSignInWaitReportsProgress(t *testing.T) {
	h := newSignInHarness(t, nil)
	var started signInResultForTest
	h.ok("nc_auth_login", map[string]any{}, &started)
	req := mcp.CallToolRequest{}
	req.Params.Name = "nc_auth_login"
	req.Params.Arguments = map[string]any{"wait_seconds": 1}
	req.Params.Meta = &mcp.Meta{ProgressToken: "tok-1"}
	res, err := h.client.CallTool(context.Background(), req)
	if err != nil || res.IsError {
		t.Fatalf("wait: %v %v", err, res)
	}
	b, _ := json.Marshal(res.StructuredContent)
	if !strings.Contains(string(b), `"pending"`) {
		t.Fatalf("nobody granted, so it must still be pending: %s", b)
	}
	deadline := time.After(2 * time.Second)
	for {
		select {
		case n := <-h.notes:
			if n.Method == "notifications/progress" {
				return
			}
		case <-deadline:
			t.Fatal("no progress notification while waiting")
		}
	}
}

func TestChatSignInUsesURLElicitation(t *testing.T) {
	var h *signInHarness
	var got mcp.ElicitationParams
	h = newSignInHarness(t, func(_ context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
		got = req.Params
		// The user opens the page and grants access.
		h.fake.GrantLogin(req.Params.URL, "admin")
		return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: mcp.ElicitationResponseActionAccept}}, nil
	})
	var out signInResultForTest
	h.ok("nc_auth_login", map[string]any{}, &out)
	if got.Mode != mcp.ElicitationModeURL || !strings.Contains(got.URL, "/index.php/login/v2/flow/") || got.ElicitationID == "" {
		t.Fatalf("elicitation: %+v", got)
	}
	if out.State != "pending" && out.State != "signed_in" {
		t.Fatalf("after accepted elicitation: %+v", out)
	}
	// The background poll picks up the grant; nc_auth_status reports it.
	var st authStatusOut
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		h.ok("nc_auth_status", map[string]any{}, &st)
		if st.SignedIn {
			break
		}
	}
	if !st.SignedIn || st.Login != "admin" {
		t.Fatalf("after grant: %+v", st)
	}
	if h.fake.LoginFlowsStarted() != 1 {
		t.Fatalf("%d flows started", h.fake.LoginFlowsStarted())
	}
}

func TestChatSignInDeclinedElicitationCancels(t *testing.T) {
	h := newSignInHarness(t, func(context.Context, mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
		return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: mcp.ElicitationResponseActionDecline}}, nil
	})
	var out signInResultForTest
	h.ok("nc_auth_login", map[string]any{}, &out)
	if out.State != "cancelled" {
		t.Fatalf("declined: %+v", out)
	}
}

func TestChatSignInRejectsBadArguments(t *testing.T) {
	h := newSignInHarness(t, nil)
	if msg := h.fails("nc_auth_login", map[string]any{"server_url": "http://cloud.example.com"}); !strings.Contains(msg, "http") {
		t.Fatalf("plain http: %s", msg)
	}
	if msg := h.fails("nc_auth_login", map[string]any{"wait_seconds": 500}); !strings.Contains(msg, "wait_seconds") {
		t.Fatalf("wait_seconds: %s", msg)
	}
}

func TestSignInToolOnlyWhenASignInWouldBeUsed(t *testing.T) {
	h := newHarness(t, harnessOpts{}) // env-style credentials: Deps.SignIn is nil
	names := h.toolNames()
	if slices.Contains(names, "nc_auth_login") || !slices.Contains(names, "nc_auth_status") {
		t.Fatalf("tools: %v", names)
	}
	var st authStatusOut
	h.ok("nc_auth_status", map[string]any{}, &st)
	if !st.SignedIn || st.Login != "admin" || st.Server != h.url {
		t.Fatalf("status with a working credential: %+v", st)
	}
}
