package cmd

import (
	"errors"

	"github.com/spf13/cobra"
)

func newStatusCmd(a *App) *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "Show configuration, stored login, keyring and server reachability",
		RunE: func(*cobra.Command, []string) error {
			return errors.New("status: not built yet")
		},
	}
}
