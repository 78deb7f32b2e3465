package cmd

import (
	"errors"

	"github.com/spf13/cobra"
)

func newLogoutCmd(a *App) *cobra.Command {
	return &cobra.Command{
		Use:   "logout",
		Short: "Revoke and forget the stored credential",
		RunE: func(*cobra.Command, []string) error {
			return errors.New("logout: not built yet")
		},
	}
}
