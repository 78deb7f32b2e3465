package cmd

import (
	"fmt"
	"slices"

	"github.com/nextcloud-mcp/nextcloud-mcp/auth"
	"github.com/nextcloud-mcp/nextcloud-mcp/tools"
)

// contextCost is what the tool list of the current configuration costs each
// conversation: the model-visible part of the tools listed at start (name,
// description, input schema), tokens estimated from bytes (docs/budget.md
// has the tokenizer's counts).
type contextCost struct {
	// Mode is static (every selected tool listed) or dynamic (--dynamic-toolsets).
	Mode   string `json:"mode"`
	Tools  int    `json:"tools"`
	Bytes  int    `json:"bytes"`
	Tokens int    `json:"estimated_tokens"`
}

// contextCostOf measures the tools serve would list with this configuration;
// when the server's apps are known (toolsets), only theirs count.
func (a *App) contextCostOf(toolsets []string) *contextCost {
	cfg := a.cfg
	d := &tools.Deps{Factory: auth.ErrorFactory{ModeName: cfg.AuthMode, Err: auth.ErrNoCredentials}, SignIn: &auth.SignIn{}}
	opts := cfg.selection()
	opts.Dynamic = cfg.DynamicToolsets
	reg, err := tools.NewRegistry(d, toolsetsForMode(cfg.AuthMode, tools.All(d)), opts)
	if err != nil {
		return nil
	}
	cc := &contextCost{Mode: "static"}
	var c tools.Cost
	if cfg.DynamicToolsets {
		cc.Mode = "dynamic"
		c, err = reg.ListedCost()
	} else {
		var per []tools.ToolsetCost
		per, _, err = reg.Budget(nil)
		for _, ts := range per {
			if len(toolsets) == 0 || slices.Contains(toolsets, ts.Name) {
				c = c.Add(ts.Cost)
			}
		}
	}
	if err != nil {
		return nil
	}
	cc.Tools, cc.Bytes, cc.Tokens = c.Tools, c.VisibleBytes, c.EstimatedTokens()
	return cc
}

func (c *contextCost) String() string {
	s := fmt.Sprintf("%d tools, %d bytes, about %d tokens per conversation", c.Tools, c.Bytes, c.Tokens)
	if c.Mode == "dynamic" {
		s += " at start (--dynamic-toolsets: more as toolsets are turned on)"
	} else {
		s += " (see docs/budget.md; --toolsets or --dynamic-toolsets cost less)"
	}
	return s
}
