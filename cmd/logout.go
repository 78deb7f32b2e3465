package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/nextcloud-mcp/nextcloud-mcp/auth"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/store"
)

func newLogoutCmd(a *App) *cobra.Command {
	var keepRemote, all, deleteIndex bool
	cmd := &cobra.Command{
		Use:   "logout",
		Short: "Revoke and forget the stored credential",
		Long: "Revoke the default account's app password on the server, then delete it here.\n" +
			"--keep-remote only forgets it here. --all does this for every stored account and\n" +
			"also resets the store when its encryption key was lost: with --all, accounts whose\n" +
			"secret cannot be opened are still removed here (revoke those under Settings →\n" +
			"Security → Devices & sessions).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.logout(cmd.Context(), keepRemote, all, deleteIndex)
		},
	}
	cmd.Flags().BoolVar(&keepRemote, "keep-remote", false, "only forget the credential here; leave the app password valid on the server")
	cmd.Flags().BoolVar(&all, "all", false, "log out of every stored account (and reset a store whose key was lost); deletes every local search index")
	cmd.Flags().BoolVar(&deleteIndex, "delete-index", false, "also delete the account's local search index without asking")
	return cmd
}

func (a *App) logout(ctx context.Context, keepRemote, all, deleteIndex bool) error {
	cfg := a.cfg
	// Logging out must not create a store that never existed.
	if _, err := os.Stat(filepath.Join(cfg.ConfigDir, store.FileName)); errors.Is(err, os.ErrNotExist) {
		fmt.Fprintln(a.Out, "Not logged in: nothing to do.")
		return nil
	}
	opener := storeOpener(cfg, a.Keyring)
	defer opener.Close()
	st, err := opener.Open(ctx)
	if err != nil {
		return err
	}
	var accounts []store.Account
	if all {
		if accounts, err = st.Accounts(ctx); err != nil {
			return err
		}
	} else {
		def, ok, err := st.DefaultAccount(ctx)
		if err != nil {
			return err
		}
		if ok {
			accounts = append(accounts, def)
		}
	}
	if len(accounts) == 0 {
		if all {
			// Nothing sealed may stay behind, e.g. orphaned OAuth tokens.
			if _, err := st.DeleteAllAccounts(ctx); err != nil {
				return err
			}
			a.forgetAllIndexes()
		}
		fmt.Fprintln(a.Out, "Not logged in: nothing to do.")
		return nil
	}
	for _, acct := range accounts {
		if !keepRemote {
			if err := a.revokeRemote(ctx, st, opener.Keys, acct); err != nil {
				if !all {
					return err
				}
				fmt.Fprintf(a.Err, "Warning: %v\n", err)
			}
		}
		if _, err := st.DeleteAccount(ctx, acct.Key); err != nil {
			return err
		}
		fmt.Fprintf(a.Out, "Logged out %s from %s.\n", acct.Login, acct.ServerURL)
		if !all {
			a.forgetIndex(acct, deleteIndex)
		}
	}
	if all {
		if _, err := st.DeleteAllAccounts(ctx); err != nil {
			return err
		}
		a.forgetAllIndexes()
	}
	return nil
}

// revokeRemote deletes the account's app password on its server. An app
// password the server no longer accepts counts as revoked.
func (a *App) revokeRemote(ctx context.Context, st *store.Store, keys *auth.KeySource, acct store.Account) error {
	manual := fmt.Sprintf("remove it under Settings → Security → Devices & sessions on %s, or run `nextcloud-mcp logout --keep-remote` to only forget it here", acct.ServerURL)
	if acct.Kind != store.KindAppPassword {
		fmt.Fprintf(a.Err, "%s signs in with %s; nothing to revoke here.\n", acct.Key, acct.Kind)
		return nil
	}
	secret, err := st.AccountSecret(ctx, acct.Key)
	if err != nil {
		return fmt.Errorf("could not revoke the app password of %s: %w; %s", acct.Key, auth.ExplainStoreError(err, keys), manual)
	}
	c, err := clientOptions(a.cfg).NewClient(acct.ServerURL, nextcloud.BasicAuth{User: acct.Login, Password: secret})
	if err != nil {
		return fmt.Errorf("could not revoke the app password of %s: %w", acct.Key, err)
	}
	err = c.RevokeAppPassword(ctx)
	switch {
	case err == nil:
		fmt.Fprintf(a.Err, "Revoked the app password on %s.\n", acct.ServerURL)
	case errors.Is(err, nextcloud.ErrUnauthorized):
		fmt.Fprintf(a.Err, "The app password was no longer valid on %s.\n", acct.ServerURL)
	case errors.Is(err, nextcloud.ErrNotAppPassword):
		fmt.Fprintf(a.Err, "The stored credential is a login password, not an app password: nothing to revoke on %s.\n", acct.ServerURL)
	default:
		return fmt.Errorf("could not revoke the app password on %s (%w): try again when the server is reachable; %s", acct.ServerURL, err, manual)
	}
	return nil
}
