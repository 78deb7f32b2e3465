package cmd

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nextcloud-mcp/nextcloud-mcp/auth"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

type loginOptions struct {
	noBrowser     bool
	allowHTTP     bool
	user          string
	passwordStdin bool
	oauth         oauthLoginOptions
}

func newLoginCmd(a *App) *cobra.Command {
	var o loginOptions
	cmd := &cobra.Command{
		Use:   "login [SERVER_URL]",
		Short: "Sign in with the browser (Login Flow v2) and store the app password",
		Long: "Sign in to your Nextcloud. A browser page asks you to grant access; Nextcloud then\n" +
			"issues an app password for this computer, which is stored encrypted in the config\n" +
			"directory under a key kept in the OS keyring (or TOKEN_ENCRYPTION_KEY). The account\n" +
			"becomes the default that `nextcloud-mcp` serves. Logging in again replaces it.\n\n" +
			"For scripts: pipe an app password in with --user NAME --app-password-stdin.",
		Example: "  nextcloud-mcp login https://cloud.example.com\n" +
			"  echo \"$APP_PASSWORD\" | nextcloud-mcp login https://cloud.example.com --user alice --app-password-stdin",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if handled, err := a.maybeLoginOAuth(cmd, args, o); handled {
				return err
			}
			return a.login(cmd.Context(), args, o)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.noBrowser, "no-browser", false, "print the sign-in URL but do not open a browser")
	f.BoolVar(&o.allowHTTP, "allow-http", false, "allow plain http:// to a server other than this machine (the app password travels unencrypted)")
	f.StringVar(&o.user, "user", "", "login name, with --app-password-stdin (non-interactive)")
	f.BoolVar(&o.passwordStdin, "app-password-stdin", false, "read an app password from stdin instead of using the browser")
	bindOAuthLoginFlags(f, &o.oauth)
	return cmd
}

func (a *App) login(ctx context.Context, args []string, o loginOptions) error {
	cfg := a.cfg
	server := cfg.ServerURL
	if len(args) == 1 {
		server = args[0]
	}
	if strings.TrimSpace(server) == "" {
		return usageError("which server? run `nextcloud-mcp login https://cloud.example.com` (or set NEXTCLOUD_HOST)")
	}
	if (o.user != "") != o.passwordStdin {
		return usageError("--user and --app-password-stdin go together: echo \"$APP_PASSWORD\" | nextcloud-mcp login URL --user NAME --app-password-stdin")
	}
	u, err := auth.NormalizeServer(server, o.allowHTTP)
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	opener := storeOpener(cfg, a.Keyring)
	defer opener.Close()
	si := &auth.SignIn{Store: opener, Client: clientOptions(cfg), AllowHTTP: o.allowHTTP}

	if o.passwordStdin {
		pw, err := readSecretLine(a.In)
		if err != nil {
			return usageError("--app-password-stdin: %v", err)
		}
		res, exchanged, err := si.SaveAppPassword(ctx, u.String(), o.user, pw)
		if err != nil {
			return loginFailure(err)
		}
		if exchanged {
			fmt.Fprintln(a.Err, "That was your login password: it was exchanged for an app password, and only the app password is stored.")
		}
		a.printSignedIn(res)
		return nil
	}

	// Fail before the browser if the result could not be stored.
	if err := si.Prepare(ctx); err != nil {
		return loginFailure(err)
	}
	flow, err := si.StartFlow(ctx, u.String())
	if err != nil {
		if ctx.Err() != nil {
			return errors.New("login cancelled: nothing was stored")
		}
		return loginFailure(err)
	}
	fmt.Fprintf(a.Err, "Open this page in your browser, sign in and grant access:\n\n  %s\n\n", flow.LoginURL)
	if !o.noBrowser {
		if err := a.openBrowser(ctx, flow.LoginURL); err != nil {
			fmt.Fprintf(a.Err, "Could not open a browser (%v): open the page yourself.\n", err)
		}
	}
	spin := startSpinner(a.Err, flow.Expires)
	grant, err := flow.Wait(ctx, 0, nil)
	spin.stop()
	if err != nil {
		if ctx.Err() != nil {
			return errors.New("login cancelled: nothing was stored")
		}
		return loginFailure(err)
	}
	res, err := si.Complete(ctx, flow.Server, grant)
	if err != nil {
		return loginFailure(err)
	}
	a.printSignedIn(res)
	return nil
}

func (a *App) printSignedIn(res *auth.SignedIn) {
	if res.Replaced {
		fmt.Fprintln(a.Err, "Replaced the credential stored earlier for this account. The old app password stays valid on the server until you revoke it (Settings → Security → Devices & sessions).")
	}
	fmt.Fprintf(a.Out, "Logged in to %s as %s (%s)\n", res.Account.ServerURL, res.Account.DisplayName, res.Account.Login)
}

// loginFailure gives rejected credentials and expired sign-ins the auth
// exit code (4); anything else stays a plain failure.
func loginFailure(err error) error {
	if errors.Is(err, nextcloud.ErrUnauthorized) || errors.Is(err, nextcloud.ErrLoginFlowExpired) {
		if errors.Is(err, nextcloud.ErrLoginFlowExpired) {
			err = fmt.Errorf("%w: run `nextcloud-mcp login` again and grant access within 20 minutes", err)
		}
		return authError(err)
	}
	if errors.Is(err, auth.ErrPlainHTTP) {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	return err
}

// readSecretLine reads the first line of r: the secret, without its line end.
func readSecretLine(r io.Reader) (string, error) {
	if r == nil {
		return "", errors.New("stdin is not available")
	}
	line, err := bufio.NewReader(io.LimitReader(r, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read stdin: %w", err)
	}
	line = strings.TrimSpace(line)
	if line == "" {
		return "", errors.New("stdin is empty: pipe the app password in")
	}
	return line, nil
}
