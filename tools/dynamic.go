package tools

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// Dynamic toolsets (--dynamic-toolsets, stdio only). The server lists a
// small core at start, and the model turns toolsets on with
// nc_toolsets_enable. Every tool stays registered: the registry's tool
// filter, which mcp-go applies at list and at call time, hides what is not
// enabled, so --toolsets, --read-only and the capability gate keep holding
// for everything enabled later without a second code path.

// dynamicToolsets is which toolsets this session has turned on.
type dynamicToolsets struct {
	mu      sync.Mutex
	enabled map[string]bool
}

// newDynamicToolsets starts with the search toolsets on: unified search
// and the local content index are how the model finds anything.
func newDynamicToolsets() *dynamicToolsets {
	return &dynamicToolsets{enabled: map[string]bool{"search": true, "index": true}}
}

func (d *dynamicToolsets) isEnabled(toolset string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.enabled[toolset]
}

// enable turns toolsets on and reports those that were off.
func (d *dynamicToolsets) enable(names []string) []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var added []string
	for _, n := range names {
		if !d.enabled[n] {
			d.enabled[n] = true
			added = append(added, n)
		}
	}
	return added
}

// listedAtStart names the tools of toolsets that are off which are listed
// all the same: who is signed in is the first thing to check when tools fail.
func listedAtStart(tool string) bool { return tool == "nc_auth_status" }

// Listed reports whether a tool of the registry is listed now: always in
// static mode; in dynamic mode when its toolset is on, it is a meta tool,
// or it is listed from the start.
func (r *Registry) Listed(tool string) bool {
	if r.dynamic == nil {
		return true
	}
	ts, ok := r.byTool[tool]
	if !ok {
		return true
	}
	return listedAtStart(tool) || r.dynamic.isEnabled(ts.Name)
}

// Dynamic reports whether the registry runs in dynamic mode.
func (r *Registry) Dynamic() bool { return r.dynamic != nil }

// dynamicFilter drops the tools of toolsets that are off.
func (r *Registry) dynamicFilter(tools []mcp.Tool) []mcp.Tool {
	if r.dynamic == nil {
		return tools
	}
	return slices.DeleteFunc(slices.Clone(tools), func(t mcp.Tool) bool { return !r.Listed(t.Name) })
}

// extraOptions are the server options beyond the tool filter: prompts
// always, and in dynamic mode the listChanged capability, so mcp-go sends
// notifications/tools/list_changed when tools are added.
func (r *Registry) extraOptions() []server.ServerOption {
	opts := promptServerOptions(r)
	if r.dynamic != nil {
		opts = append(opts, server.WithToolCapabilities(true))
	}
	return opts
}

// registerExtras adds the prompts, and the meta tools in dynamic mode.
func (r *Registry) registerExtras(s *server.MCPServer) {
	registerPrompts(s, r)
	if r.dynamic == nil {
		return
	}
	var st []server.ServerTool
	for _, t := range MetaTools(r) {
		st = append(st, server.ServerTool{Tool: t.Def, Handler: t.Handler})
	}
	s.AddTools(st...)
}

// offered is the toolsets that have tools after --toolsets and --read-only
// and that the server has (when its apps are known).
func (r *Registry) offered(ctx context.Context) []*Toolset {
	avail := r.available(ctx)
	var out []*Toolset
	for _, ts := range r.toolsets {
		if len(ts.Tools) == 0 || (avail != nil && !avail[ts.Name]) {
			continue
		}
		out = append(out, ts)
	}
	return out
}

// findOffered returns the offered toolset of that name, or an error that
// names the choices.
func (r *Registry) findOffered(ctx context.Context, name string) (*Toolset, error) {
	name = strings.ToLower(strings.TrimSpace(name))
	offered := r.offered(ctx)
	var names []string
	for _, ts := range offered {
		if ts.Name == name {
			return ts, nil
		}
		names = append(names, ts.Name)
	}
	for _, ts := range r.toolsets {
		if ts.Name == name && len(ts.Tools) > 0 {
			return nil, inputErrorf("this Nextcloud has no %s app (not installed, or not enabled for this user); choose from %s", name, strings.Join(names, ", "))
		}
	}
	return nil, inputErrorf("unknown toolset %q: choose from %s", name, strings.Join(names, ", "))
}

type toolsetsListIn struct{}

type toolsetLine struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Tools       int    `json:"tools"`
	Enabled     bool   `json:"enabled"`
}

type toolsetsListOut struct {
	Toolsets []toolsetLine `json:"toolsets"`
}

type toolsetsDescribeIn struct {
	Toolset string `json:"toolset" jsonschema:"toolset name from nc_toolsets_list"`
}

type toolSummary struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	ReadOnly    bool   `json:"read_only"`
}

type toolsetsDescribeOut struct {
	Name        string        `json:"name"`
	Description string        `json:"description"`
	Enabled     bool          `json:"enabled"`
	Tools       []toolSummary `json:"tools"`
}

type toolsetsEnableIn struct {
	Toolsets []string `json:"toolsets" jsonschema:"toolset names from nc_toolsets_list"`
}

func (in *toolsetsEnableIn) Validate() error {
	if len(in.Toolsets) == 0 {
		return inputErrorf("toolsets is empty: name at least one toolset from nc_toolsets_list")
	}
	return nil
}

type toolsetsEnableOut struct {
	Enabled []string `json:"enabled" jsonschema:"toolsets turned on by this call"`
	Tools   []string `json:"tools" jsonschema:"tools now listed from the toolsets named"`
}

// metaHints: the meta tools change which tools this session lists, never
// any data, so clients may run them without asking.
var metaHints = Hints{ReadOnly: true, Idempotent: true}

// MetaTools are the three tools that manage dynamic toolsets.
func MetaTools(r *Registry) []Tool {
	d := r.deps
	list := newSignInTool[toolsetsListIn, toolsetsListOut](d, Spec{
		Name:        "nc_toolsets_list",
		Title:       "List toolsets",
		Description: "List the Nextcloud app toolsets and whether each is on. Turn one on with nc_toolsets_enable before using its tools.",
		Hints:       metaHints,
	}, func(ctx context.Context, _ *Call, _ toolsetsListIn) (*mcp.CallToolResult, error) {
		out := toolsetsListOut{Toolsets: []toolsetLine{}}
		for _, ts := range r.offered(ctx) {
			out.Toolsets = append(out.Toolsets, toolsetLine{Name: ts.Name, Description: ts.Description, Tools: len(ts.Tools), Enabled: r.dynamic.isEnabled(ts.Name)})
		}
		return StructuredResult(out)
	})
	describe := newSignInTool[toolsetsDescribeIn, toolsetsDescribeOut](d, Spec{
		Name:        "nc_toolsets_describe",
		Title:       "Describe a toolset",
		Description: "Show the tools of one toolset, whether on or not, to decide whether to enable it.",
		Hints:       metaHints,
	}, func(ctx context.Context, _ *Call, in toolsetsDescribeIn) (*mcp.CallToolResult, error) {
		ts, err := r.findOffered(ctx, in.Toolset)
		if err != nil {
			return nil, err
		}
		out := toolsetsDescribeOut{Name: ts.Name, Description: ts.Description, Enabled: r.dynamic.isEnabled(ts.Name), Tools: []toolSummary{}}
		for _, t := range ts.Tools {
			out.Tools = append(out.Tools, toolSummary{Name: t.Def.Name, Description: t.Def.Description, ReadOnly: t.ReadOnly()})
		}
		return StructuredResult(out)
	})
	enable := newSignInTool[toolsetsEnableIn, toolsetsEnableOut](d, Spec{
		Name:        "nc_toolsets_enable",
		Title:       "Enable toolsets",
		Description: "Turn on one or more toolsets; their tools are listed from then on.",
		Hints:       metaHints,
	}, func(ctx context.Context, _ *Call, in toolsetsEnableIn) (*mcp.CallToolResult, error) {
		var names []string
		out := toolsetsEnableOut{Enabled: []string{}, Tools: []string{}}
		for _, n := range in.Toolsets {
			ts, err := r.findOffered(ctx, n)
			if err != nil {
				return nil, err
			}
			names = append(names, ts.Name)
			for _, t := range ts.Tools {
				out.Tools = append(out.Tools, t.Def.Name)
			}
		}
		if added := r.dynamic.enable(names); len(added) > 0 {
			out.Enabled = added
			if srv := server.ServerFromContext(ctx); srv != nil {
				_ = srv.SendNotificationToClient(ctx, mcp.MethodNotificationToolsListChanged, nil)
			}
		}
		return StructuredResult(out)
	})
	return []Tool{list, describe, enable}
}
