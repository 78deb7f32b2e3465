package tools

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// coreToolset holds what is not tied to one app: the capabilities resource.
func coreToolset(d *Deps) *Toolset {
	return &Toolset{
		Name:        "core",
		Description: "Server information: version and the installed apps' capabilities.",
		Resources: []server.ServerResource{{
			Resource: mcp.NewResource("nc://capabilities", "Nextcloud capabilities",
				mcp.WithResourceDescription("The server's version and the capabilities of its installed apps, as JSON."),
				mcp.WithMIMEType("application/json")),
			Handler: func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
				c, err := d.Factory.Client(ctx)
				if err != nil {
					return nil, fmt.Errorf("%s", Explain(err))
				}
				caps, err := c.Capabilities(ctx)
				if err != nil {
					return nil, fmt.Errorf("%s", Explain(about(err, "the server capabilities")))
				}
				b, err := json.Marshal(caps)
				if err != nil {
					return nil, fmt.Errorf("encode capabilities: %w", err)
				}
				return []mcp.ResourceContents{mcp.TextResourceContents{URI: req.Params.URI, MIMEType: "application/json", Text: string(b)}}, nil
			},
		}},
	}
}
