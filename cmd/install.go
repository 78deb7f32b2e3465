package cmd

import (
	"errors"

	"github.com/spf13/cobra"
)

func newInstallCmd(a *App) *cobra.Command {
	return &cobra.Command{
		Use:   "install [CLIENT]",
		Short: "Add nextcloud-mcp to Claude Desktop or another MCP client",
		RunE: func(*cobra.Command, []string) error {
			return errors.New("install: not built yet")
		},
	}
}
