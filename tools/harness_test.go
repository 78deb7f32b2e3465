package tools

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/nextcloud-mcp/nextcloud-mcp/auth"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// harness is an MCP client talking in-process to the real server built by
// NewServer, whose tools reach an ncfake over loopback HTTP.
type harness struct {
	t      *testing.T
	fake   *ncfake.Server
	url    string
	client *client.Client
	reg    *Registry
}

type harnessOpts struct {
	fake     *ncfake.Server // nil: ncfake.New(ncfake.Options{})
	user     string         // default admin
	password string         // default admin-app-password
	opts     Options
}

func newHarness(t *testing.T, o harnessOpts) *harness {
	t.Helper()
	if o.fake == nil {
		o.fake = ncfake.New(ncfake.Options{})
	}
	if o.user == "" {
		o.user, o.password = "admin", "admin-app-password"
	}
	ts := o.fake.Start()
	t.Cleanup(ts.Close)
	f := auth.NewBasicFactory(ts.URL, o.user, o.password, auth.ClientOptions{Version: "test"})
	return newHarnessWithFactory(t, o.fake, ts.URL, f, o.opts)
}

func newHarnessWithFactory(t *testing.T, fake *ncfake.Server, url string, f auth.Factory, o Options) *harness {
	t.Helper()
	d := &Deps{Factory: f}
	reg, err := NewRegistry(d, All(d), o)
	if err != nil {
		t.Fatalf("registry: %v", err)
	}
	s := NewServer(reg, "test", "test instructions")
	c, err := client.NewInProcessClient(s)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	req := mcp.InitializeRequest{}
	req.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	req.Params.ClientInfo = mcp.Implementation{Name: "harness", Version: "1"}
	if _, err := c.Initialize(ctx, req); err != nil {
		t.Fatalf("initialize: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return &harness{t: t, fake: fake, url: url, client: c, reg: reg}
}

// call invokes a tool and fails the test on a JSON-RPC error (tool failures
// are isError results, which the caller inspects).
func (h *harness) call(name string, args map[string]any) *mcp.CallToolResult {
	h.t.Helper()
	req := mcp.CallToolRequest{}
	req.Params.Name = name
	req.Params.Arguments = args
	res, err := h.client.CallTool(context.Background(), req)
	if err != nil {
		h.t.Fatalf("%s: JSON-RPC error: %v", name, err)
	}
	return res
}

// ok calls a tool, requires success and decodes the structured result into out.
func (h *harness) ok(name string, args map[string]any, out any) {
	h.t.Helper()
	res := h.call(name, args)
	if res.IsError {
		h.t.Fatalf("%s(%v) failed: %s", name, args, resultText(res))
	}
	if out == nil {
		return
	}
	b, err := json.Marshal(res.StructuredContent)
	if err != nil {
		h.t.Fatal(err)
	}
	if err := json.Unmarshal(b, out); err != nil {
		h.t.Fatalf("%s: decode %s: %v", name, b, err)
	}
}

// fails calls a tool, requires an isError result and returns its text.
func (h *harness) fails(name string, args map[string]any) string {
	h.t.Helper()
	res := h.call(name, args)
	if !res.IsError {
		h.t.Fatalf("%s(%v) succeeded, want isError; result: %s", name, args, resultText(res))
	}
	return resultText(res)
}

// toolNames lists the tools the client sees.
func (h *harness) toolNames() []string {
	h.t.Helper()
	res, err := h.client.ListTools(context.Background(), mcp.ListToolsRequest{})
	if err != nil {
		h.t.Fatal(err)
	}
	var names []string
	for _, t := range res.Tools {
		names = append(names, t.Name)
	}
	return names
}

func resultText(res *mcp.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}
