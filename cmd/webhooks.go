package cmd

import (
	"errors"

	"github.com/spf13/cobra"
)

func newWebhooksCmd(a *App) *cobra.Command {
	return &cobra.Command{
		Use:   "webhooks",
		Short: "Manage the webhooks nextcloud-mcp registers (admins)",
		RunE: func(*cobra.Command, []string) error {
			return errors.New("webhooks: not built yet")
		},
	}
}
