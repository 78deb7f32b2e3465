package cmd

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/nextcloud-mcp/nextcloud-mcp/auth"
	"github.com/nextcloud-mcp/nextcloud-mcp/tools"
)

type httpUser struct {
	mu      sync.Mutex
	answers []mcp.ElicitationResponseAction
	asked   []string
}

func (u *httpUser) Elicit(_ context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.asked = append(u.asked, req.Params.Message)
	a := mcp.ElicitationResponseActionDecline
	if len(u.answers) > 0 {
		a, u.answers = u.answers[0], u.answers[1:]
	}
	return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: a}}, nil
}

// connectAs opens an HTTP session at the protocol version, with an
// elicitation handler when user is not nil.
func connectAs(t *testing.T, url, authorization, version string, user *httpUser) *client.Client {
	t.Helper()
	var opts []client.ClientOption
	if user != nil {
		opts = append(opts, client.WithElicitationHandler(user))
	}
	return openSession(t, url, authorization, version, nil, opts...)
}

// TestHTTPConfirmationIsStateless: over HTTP, where no session remembers
// anything, a client on protocol 2026-07-28 is asked through input requests
// (the answer comes back with the retried call); a decline changes nothing.
func TestHTTPConfirmationIsStateless(t *testing.T) {
	w := startHTTPWorld(t, auth.ModeBasic)
	user := &httpUser{answers: []mcp.ElicitationResponseAction{mcp.ElicitationResponseActionDecline, mcp.ElicitationResponseActionAccept}}
	c := connectAs(t, w.url, w.header(t, 0), mcp.LATEST_PROTOCOL_VERSION, user)
	if !mcp.IsModernProtocol(c.ProtocolVersion()) {
		t.Fatalf("negotiated %s", c.ProtocolVersion())
	}
	res := callTool(t, c, "nc_contacts_create_contact", map[string]any{"name": "Hana Http"})
	uid := structuredOf(t, res)["uid"].(string)

	res = callTool(t, c, "nc_contacts_delete_contact", map[string]any{"uid": uid})
	if out := structuredOf(t, res); out["not_done"] != true || out["reason"] != "declined" {
		t.Fatalf("declined over HTTP: %v", out)
	}
	callTool(t, c, "nc_contacts_get_contact", map[string]any{"uid": uid})
	res = callTool(t, c, "nc_contacts_delete_contact", map[string]any{"uid": uid})
	if out := structuredOf(t, res); out["deleted"] != true {
		t.Fatalf("accepted over HTTP: %v", out)
	}
	if len(user.asked) != 2 {
		t.Fatalf("questions: %q", user.asked)
	}
}

// TestHTTPConfirmLegacyAndAlways: a client before 2026-07-28 is asked with
// elicitation/create on its request's stream (this replica holds its
// session); under --confirm always a client that declares no elicitation
// does not see the irreversible tools.
func TestHTTPConfirmLegacyAndAlways(t *testing.T) {
	w := startHTTPWorld(t, auth.ModeBasic, func(c *Config, _ *HTTPConfig) { c.Confirm = tools.ConfirmAlways })
	user := &httpUser{}
	legacy := connectAs(t, w.url, w.header(t, 0), mcp.LATEST_LEGACY_PROTOCOL_VERSION, user)
	if mcp.IsModernProtocol(legacy.ProtocolVersion()) {
		t.Fatalf("negotiated %s", legacy.ProtocolVersion())
	}
	res := callTool(t, legacy, "nc_contacts_create_contact", map[string]any{"name": "Lena Legacy"})
	uid := structuredOf(t, res)["uid"].(string)
	res = callTool(t, legacy, "nc_contacts_delete_contact", map[string]any{"uid": uid})
	if out := structuredOf(t, res); out["not_done"] != true || out["reason"] != "declined" || len(user.asked) != 1 {
		t.Fatalf("legacy decline over HTTP: %v, asked %q", out, user.asked)
	}

	plain := connectAs(t, w.url, w.header(t, 0), mcp.LATEST_PROTOCOL_VERSION, nil)
	list, err := plain.ListTools(context.Background(), mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tl := range list.Tools {
		names = append(names, tl.Name)
	}
	if slices.Contains(names, "nc_contacts_delete_contact") || !slices.Contains(names, "nc_contacts_create_contact") {
		t.Errorf("--confirm always over HTTP, client without elicitation: %d tools, delete listed: %v", len(names), slices.Contains(names, "nc_contacts_delete_contact"))
	}
}

func structuredOf(t *testing.T, res *mcp.CallToolResult) map[string]any {
	t.Helper()
	m, ok := res.StructuredContent.(map[string]any)
	if !ok {
		t.Fatalf("structured content %T", res.StructuredContent)
	}
	return m
}
