// Package install writes nextcloud-mcp into the config files of desktop MCP
// clients (Claude Desktop first) without ever damaging them, and builds the
// MCPB bundle Claude Desktop installs with a double click.
//
// It imports nothing else from this module: it is handed the binary path,
// the entry to write and the environment to resolve paths in.
package install

import (
	"fmt"
	"sort"
	"strings"
)

// Client describes one MCP client: where its config lives and how an entry
// is shaped there. Formats were checked against each client's documentation.
type Client struct {
	// ID is the CLI name, e.g. "claude-desktop".
	ID string
	// Name is the human name, e.g. "Claude Desktop".
	Name string
	// Section is the top-level key that maps server names to entries.
	Section string
	// JSONC is true when the client accepts comments and trailing commas;
	// such files are edited in place so those survive.
	JSONC bool
	// entryType is written as "type" when the client wants it ("stdio").
	entryType string
	// source is Zed's legacy "source" tag; newer Zed ignores it, older
	// releases require it.
	source string
	// Restart tells the user how to make the client pick up the change.
	Restart string
	// path resolves the config file and the directory whose existence
	// shows the client is installed.
	path func(e Env) (file, dir string, err error)
}

// Clients lists every supported client, in the order the CLI shows them.
func Clients() []Client {
	return []Client{
		{
			ID: "claude-desktop", Name: "Claude Desktop", Section: "mcpServers",
			Restart: "Quit Claude Desktop completely (from the tray or menu bar, not just the window) and start it again.",
			path:    claudeDesktopPath,
		},
		{
			// User scope: the top-level "mcpServers" of ~/.claude.json, so the
			// server is available in every project, as `claude mcp add
			// --scope user` would write it.
			ID: "claude-code", Name: "Claude Code", Section: "mcpServers", entryType: "stdio",
			Restart: "Start a new Claude Code session; /mcp lists the server.",
			path:    claudeCodePath,
		},
		{
			ID: "cursor", Name: "Cursor", Section: "mcpServers",
			Restart: "Restart Cursor, then check Settings → MCP that the server is enabled.",
			path:    homeDotPath(".cursor", "mcp.json"),
		},
		{
			ID: "vscode", Name: "VS Code", Section: "servers", JSONC: true, entryType: "stdio",
			Restart: "Reload VS Code (\"Developer: Reload Window\"); \"MCP: List Servers\" shows it; use Copilot Chat in Agent mode.",
			path:    vscodePath,
		},
		{
			ID: "windsurf", Name: "Windsurf", Section: "mcpServers",
			Restart: "Press Refresh in Cascade's MCP panel or restart Windsurf.",
			path:    homeDotPath(".codeium", "windsurf", "mcp_config.json"),
		},
		{
			ID: "zed", Name: "Zed", Section: "context_servers", JSONC: true, source: "custom",
			Restart: "Zed reloads settings by itself; the Agent Panel settings show the server.",
			path:    zedPath,
		},
	}
}

// DefaultClient is what `install` writes when no client is named.
const DefaultClient = "claude-desktop"

// Lookup returns the client with the given ID.
func Lookup(id string) (Client, error) {
	for _, c := range Clients() {
		if c.ID == strings.ToLower(strings.TrimSpace(id)) {
			return c, nil
		}
	}
	return Client{}, fmt.Errorf("unknown client %q: use one of %s", id, strings.Join(ClientIDs(), ", "))
}

// ClientIDs returns the IDs of every supported client.
func ClientIDs() []string {
	var ids []string
	for _, c := range Clients() {
		ids = append(ids, c.ID)
	}
	sort.Strings(ids)
	return ids
}

// ConfigPath returns the client's config file and the directory that must
// exist for the client to count as installed.
func (c Client) ConfigPath(e Env) (file, dir string, err error) {
	if err := e.check(); err != nil {
		return "", "", err
	}
	return c.path(e)
}
