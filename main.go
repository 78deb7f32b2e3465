// Command nextcloud-mcp is an MCP server for Nextcloud and the CLI that sets it up.
package main

import (
	"context"
	"os"

	"github.com/nextcloud-mcp/nextcloud-mcp/cmd"
)

func main() {
	os.Exit(cmd.Execute(context.Background()))
}
