package tools

import (
	"github.com/mark3labs/mcp-go/server"
)

// NewServer builds the MCP server with the registry's tools and filters, input
// validation and panic recovery. The transport (stdio) is the caller's.
func NewServer(reg *Registry, version, instructions string) *server.MCPServer {
	opts := []server.ServerOption{
		server.WithInstructions(instructions),
		server.WithToolCapabilities(false),
		server.WithResourceCapabilities(false, false),
		server.WithRecovery(),
		server.WithResourceRecovery(),
		server.WithInputSchemaValidation(),
		server.WithTitle("Nextcloud"),
	}
	opts = append(opts, reg.ServerOptions()...)
	s := server.NewMCPServer("nextcloud-mcp", version, opts...)
	reg.Register(s)
	return s
}
