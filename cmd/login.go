package cmd

import (
	"errors"

	"github.com/spf13/cobra"
)

func newLoginCmd(a *App) *cobra.Command {
	return &cobra.Command{
		Use:   "login [SERVER_URL]",
		Short: "Sign in with the browser (Login Flow v2) and store the app password",
		RunE: func(*cobra.Command, []string) error {
			return errors.New("login: not built yet")
		},
	}
}
