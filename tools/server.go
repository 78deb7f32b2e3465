package tools

import (
	"context"
	"encoding/json"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// NewServer builds the MCP server with the registry's tools and filters, input
// validation and panic recovery. The transport (stdio) is the caller's.
//
// The tools are registered in the background: mcp-go re-reads every schema
// as it registers a tool, which takes milliseconds that initialize does not
// need. Any request other than initialize and ping waits until registration
// is done, so no client ever sees a partial tool list.
func NewServer(reg *Registry, version, instructions string) *server.MCPServer {
	ready := make(chan struct{})
	hooks := &server.Hooks{}
	hooks.AddBeforeCallTool(newNullDropper(reg.Tools).beforeCall)
	hooks.AddAfterCallTool(newArgExplainer(reg.Tools).afterCall)
	hooks.AddAfterInitialize(advertiseToolListChanges)
	hooks.AddOnRequestInitialization(func(ctx context.Context, _ any, message any) error {
		select {
		case <-ready:
			return nil
		default:
		}
		if raw, ok := message.(json.RawMessage); ok && isLifecycleRequest(raw) {
			return nil
		}
		select {
		case <-ready:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	opts := []server.ServerOption{
		server.WithInstructions(instructions),
		// The tool list follows the server's apps (capcache.go), so the
		// server announces listChanged; but with mcp-go's own flag set, the
		// background registration below would tell every client that
		// initialized before it finished that the list changed, which it
		// has not. The flag stays off and initialize says it (advertise).
		server.WithToolCapabilities(false),
		server.WithResourceCapabilities(false, false),
		server.WithRecovery(),
		server.WithResourceRecovery(),
		server.WithInputSchemaValidation(),
		server.WithTitle("Nextcloud"),
		server.WithHooks(hooks),
	}
	opts = append(opts, reg.ServerOptions()...)
	s := server.NewMCPServer("nextcloud-mcp", version, opts...)
	go func() {
		defer close(ready)
		reg.Register(s)
	}()
	return s
}

// advertiseToolListChanges declares in the initialize answer that this
// server sends notifications/tools/list_changed (see capcache.go).
func advertiseToolListChanges(_ context.Context, _ any, _ *mcp.InitializeRequest, res *mcp.InitializeResult) {
	if res == nil {
		return
	}
	if res.Capabilities.Tools == nil {
		res.Capabilities.Tools = &struct {
			ListChanged bool `json:"listChanged,omitempty"`
		}{}
	}
	res.Capabilities.Tools.ListChanged = true
}

// isLifecycleRequest reports whether a request may be answered before the
// tools are registered: initialize and ping depend on no tool.
func isLifecycleRequest(raw json.RawMessage) bool {
	var m struct {
		Method mcp.MCPMethod `json:"method"`
	}
	if json.Unmarshal(raw, &m) != nil {
		return false
	}
	return m.Method == mcp.MethodInitialize || m.Method == mcp.MethodPing
}
