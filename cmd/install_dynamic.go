package cmd

import (
	"fmt"
	"slices"
	"strings"

	"github.com/nextcloud-mcp/nextcloud-mcp/install"
)

// honoursListChanged names the clients that fetch the tool list again on
// notifications/tools/list_changed in the middle of a session, which
// --dynamic-toolsets needs (docs/budget.md has the sources). The others keep
// the tools they listed at start, so dynamic mode would leave them with the
// core only.
func honoursListChanged(clientID string) bool {
	return slices.Contains([]string{"vscode", "zed", "windsurf"}, clientID)
}

// staticForClient drops --dynamic-toolsets (and its env switch) from an
// entry for a client that would never see the toolsets turned on, and says
// what to do instead.
func (a *App) staticForClient(client install.Client, extra []string, env map[string]string) ([]string, map[string]string) {
	if honoursListChanged(client.ID) {
		return extra, env
	}
	dropped := false
	out := extra[:0:0]
	for _, arg := range extra {
		if arg == "--dynamic-toolsets" || strings.HasPrefix(arg, "--dynamic-toolsets=") {
			dropped = true
			continue
		}
		out = append(out, arg)
	}
	if _, ok := env["NEXTCLOUD_MCP_DYNAMIC_TOOLSETS"]; ok {
		delete(env, "NEXTCLOUD_MCP_DYNAMIC_TOOLSETS")
		dropped = true
	}
	if dropped {
		fmt.Fprintf(a.Err, "note: %s does not refresh its tool list when the server changes it, so --dynamic-toolsets is left out\n"+
			"      and every selected tool is listed. To list fewer, name the apps you use, e.g.\n"+
			"      nextcloud-mcp install %s -- --toolsets files,notes,calendar,tasks,contacts,search\n", client.Name, client.ID)
	}
	return out, env
}
