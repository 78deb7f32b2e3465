package cmd

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/nextcloud-mcp/nextcloud-mcp/auth"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/store"
)

func newWebhooksCmd(a *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "webhooks",
		Short: "Manage the webhooks nextcloud-mcp registers (admins, Nextcloud 30+)",
		Long: "Register Nextcloud webhooks (the webhook_listeners app, Nextcloud 30+, admins only) and keep a record\n" +
			"of them in nextcloud-mcp's database, so `webhooks list` answers instantly and offline.\n" +
			"Every registration carries a delivery secret as `Authorization: Bearer <secret>`; it is shown once and never stored.\n" +
			"A secret you supply (--secret-file or " + webhookSecretEnv + ") must be at least 16 characters without spaces.\n" +
			"No MCP tool can register or delete webhooks: only this command can.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newWebhooksListCmd(a), newWebhooksPresetsCmd(a), newWebhooksEnableCmd(a), newWebhooksDisableCmd(a),
		newWebhooksRegisterCmd(a), newWebhooksDeleteCmd(a), newWebhooksSyncCmd(a))
	return cmd
}

// webhookClient signs in the way every other command does.
func (a *App) webhookClient(ctx context.Context) (*nextcloud.Client, error) {
	logger, closeLog, err := newLogger(a.cfg, a.Err)
	if err != nil {
		return nil, err
	}
	defer func() { _ = closeLog() }()
	f, err := buildFactory(ctx, a.cfg, logger, withKeyring(a.Keyring))
	if err != nil {
		return nil, err
	}
	c, err := f.Client(ctx)
	if err != nil {
		if errors.Is(err, auth.ErrNoCredentials) {
			return nil, authError(err)
		}
		return nil, err
	}
	return c, nil
}

// openWebhookStore opens the database; webhook records need no key.
func (a *App) openWebhookStore(ctx context.Context) (*store.Store, error) {
	s, err := store.Open(ctx, a.cfg.ConfigDir)
	if err != nil {
		return nil, fmt.Errorf("open nextcloud-mcp's database: %w", err)
	}
	return s, nil
}

// webhookAccountOffline names the account the commands would sign in as
// without building a client: no request, no credential, no encryption key,
// so `webhooks list` works offline and on a machine without a keyring. ""
// means no account is configured.
func (a *App) webhookAccountOffline(ctx context.Context, s *store.Store) (string, error) {
	if a.cfg.HasEnvCredentials() {
		u, err := nextcloud.ParseBaseURL(a.cfg.ServerURL)
		if err != nil {
			return "", nil
		}
		return store.AccountKey(u.String(), a.cfg.Username), nil
	}
	acc, ok, err := s.DefaultAccount(ctx)
	if err != nil || !ok {
		return "", err
	}
	u, err := nextcloud.ParseBaseURL(acc.ServerURL)
	if err != nil {
		return acc.Key, nil
	}
	return store.AccountKey(u.String(), acc.Login), nil
}

// webhookAccount is the store key of the account the client signs in as.
func webhookAccount(c *nextcloud.Client) string {
	return store.AccountKey(c.BaseURL().String(), c.Login())
}

// webhookSession is a signed-in client with the open store.
type webhookSession struct {
	client  *nextcloud.Client
	store   *store.Store
	account string
}

func (a *App) openWebhookSession(ctx context.Context) (*webhookSession, error) {
	c, err := a.webhookClient(ctx)
	if err != nil {
		return nil, err
	}
	s, err := a.openWebhookStore(ctx)
	if err != nil {
		return nil, err
	}
	return &webhookSession{client: c, store: s, account: webhookAccount(c)}, nil
}

func (w *webhookSession) Close() { _ = w.store.Close() }

// webhookFailure gives the failures a person fixes by signing in differently
// the auth exit code, and a rejected credential a sentence naming the fix
// instead of Nextcloud's "HTTP 401 (OCS 997): Unauthorised".
func webhookFailure(err error) error {
	if err == nil {
		return nil
	}
	var cr *credentialsRejected
	switch {
	case errors.As(err, &cr):
		return authError(err)
	case errors.Is(err, nextcloud.ErrUnauthorized):
		return authError(&credentialsRejected{err: err})
	case errors.Is(err, nextcloud.ErrNotAdmin):
		return authError(err)
	}
	return err
}

// credentialsRejected is a 401 from Nextcloud, said as what to do.
type credentialsRejected struct{ err error }

func (e *credentialsRejected) Error() string {
	return "Nextcloud rejected the credentials (HTTP 401): run `nextcloud-mcp login` again, or, when NEXTCLOUD_USERNAME and " +
		"NEXTCLOUD_PASSWORD are set, check them (the password must be a valid app password)"
}

func (e *credentialsRejected) Unwrap() error { return e.err }
