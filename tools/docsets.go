package tools

import (
	"github.com/nextcloud-mcp/nextcloud-mcp/auth"
	"github.com/nextcloud-mcp/nextcloud-mcp/internal/tooldocs"
)

// docs/tools.md is generated from the pinned tool surface; after changing a
// tool, refresh the golden (see TestToolSurface) and then the page:
//
//go:generate go run ../internal/tooldocs/gen -golden testdata/tools.golden.json -out ../docs/tools.md

// DocSets lists every toolset with all of its tools, as docs/tools.md groups
// them. The deps offer every tool (the sign-in tool included), like the
// golden surface.
func DocSets() []tooldocs.Set {
	d := &Deps{Factory: auth.ErrorFactory{ModeName: "basic", Err: auth.ErrNoCredentials}, SignIn: &auth.SignIn{}}
	var out []tooldocs.Set
	for _, ts := range All(d) {
		s := tooldocs.Set{Name: ts.Name, Description: ts.Description}
		for _, t := range ts.Tools {
			s.Tools = append(s.Tools, t.Def.Name)
		}
		out = append(out, s)
	}
	return out
}
