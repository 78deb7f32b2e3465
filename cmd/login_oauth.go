package cmd

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/nextcloud-mcp/nextcloud-mcp/auth"
)

// oauthLoginOptions are the flags of `login --oauth`.
type oauthLoginOptions struct {
	enabled      bool
	issuer       string
	clientID     string
	secretStdin  bool
	scopes       []string
	redirectHost string
	redirectPort int
	// timeout bounds the wait for the browser (tests shorten it).
	timeout time.Duration
}

func bindOAuthLoginFlags(f *pflag.FlagSet, o *oauthLoginOptions) {
	f.BoolVar(&o.enabled, "oauth", false, "sign in with OAuth 2.0 (authorization code + PKCE in the browser) instead of an app password")
	f.StringVar(&o.issuer, "issuer", "", "identity provider URL for --oauth (default: the Nextcloud server and its oauth2 app)")
	f.StringVar(&o.clientID, "client-id", "", "OAuth client id for --oauth (env NEXTCLOUD_MCP_CLIENT_ID)")
	f.BoolVar(&o.secretStdin, "client-secret-stdin", false, "read the OAuth client secret from stdin (needed for Nextcloud's oauth2 app and for token exchange)")
	f.StringSliceVar(&o.scopes, "scope", nil, "OAuth scopes, comma-separated or repeated (default openid,offline_access)")
	f.StringVar(&o.redirectHost, "redirect-host", "127.0.0.1", "host of the loopback redirect: 127.0.0.1 or localhost (for providers that only allow localhost)")
	f.IntVar(&o.redirectPort, "redirect-port", 0, "port of the loopback redirect (default random; Nextcloud's oauth2 app needs the port of the redirect URI registered with the client)")
}

// strayFlags names OAuth flags given without --oauth.
func (o *oauthLoginOptions) strayFlags(f *pflag.FlagSet) []string {
	var out []string
	for _, name := range []string{"issuer", "client-id", "client-secret-stdin", "scope", "redirect-host", "redirect-port"} {
		if fl := f.Lookup(name); fl != nil && fl.Changed {
			out = append(out, "--"+name)
		}
	}
	return out
}

// maybeLoginOAuth runs `login --oauth` when asked; handled is false for the
// app-password login.
func (a *App) maybeLoginOAuth(cmd *cobra.Command, args []string, o loginOptions) (handled bool, err error) {
	stray := o.oauth.strayFlags(cmd.Flags())
	if !o.oauth.enabled {
		if len(stray) > 0 {
			return true, usageError("%s only work with --oauth", strings.Join(stray, ", "))
		}
		return false, nil
	}
	server := a.cfg.ServerURL
	if len(args) == 1 {
		server = args[0]
	}
	return true, a.loginOAuth(cmd.Context(), server, o)
}

// loginOAuth runs `login --oauth`.
func (a *App) loginOAuth(ctx context.Context, server string, o loginOptions) error {
	cfg := a.cfg
	oo := o.oauth
	if o.user != "" || o.passwordStdin {
		return usageError("--oauth signs in through the browser: drop --user and --app-password-stdin")
	}
	if strings.TrimSpace(server) == "" {
		return usageError("which server? run `nextcloud-mcp login --oauth https://cloud.example.com` (or set NEXTCLOUD_HOST)")
	}
	u, err := auth.NormalizeServer(server, o.allowHTTP)
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	issuer := ""
	if strings.TrimSpace(oo.issuer) != "" {
		iu, err := auth.NormalizeServer(oo.issuer, o.allowHTTP)
		if err != nil {
			return &ExitError{Code: ExitUsage, Err: fmt.Errorf("--issuer: %w", err)}
		}
		issuer = iu.String()
	}
	clientID := oo.clientID
	if clientID == "" {
		clientID = cfg.ClientID
	}
	if clientID == "" {
		return usageError("--oauth needs the OAuth client id: pass --client-id or set NEXTCLOUD_MCP_CLIENT_ID")
	}
	var secret string
	if oo.secretStdin {
		if secret, err = readSecretLine(a.In); err != nil {
			return usageError("--client-secret-stdin: %v", err)
		}
	}
	var scopes []string
	for _, s := range oo.scopes {
		scopes = append(scopes, strings.Fields(s)...)
	}
	mode := cfg.AuthMode
	if mode == auth.ModeBasic {
		mode = auth.ModeOAuth
	}
	opener := storeOpener(cfg, a.Keyring)
	defer opener.Close()
	si := &auth.OAuthSignIn{
		Store: opener, Client: clientOptions(cfg), Mode: mode, Exchange: exchangeSettings(cfg), Timeout: oo.timeout,
		Announce: func(url string) {
			fmt.Fprintf(a.Err, "Open this page in your browser, sign in and grant access:\n\n  %s\n\n", url)
		},
		OpenBrowser: func(url string) error {
			if o.noBrowser {
				return nil
			}
			if err := a.openBrowser(ctx, url); err != nil {
				fmt.Fprintf(a.Err, "Could not open a browser (%v): open the page yourself.\n", err)
			}
			return nil
		},
	}
	res, err := si.Run(ctx, auth.OAuthRequest{Server: u, Issuer: issuer, ClientID: clientID, ClientSecret: secret,
		Scopes: scopes, RedirectHost: oo.redirectHost, RedirectPort: oo.redirectPort})
	if err != nil {
		if ctx.Err() != nil {
			return errors.New("login cancelled: nothing was stored")
		}
		return oauthLoginFailure(err)
	}
	via := "Nextcloud's oauth2 app"
	if !res.NextcloudApp {
		via = res.Issuer
	}
	fmt.Fprintf(a.Out, "Logged in to %s as %s (%s) with OAuth via %s\n", res.Account.ServerURL, res.Account.DisplayName, res.Account.Login, via)
	if !res.Expiry.IsZero() {
		fmt.Fprintf(a.Err, "The access token expires at %s and is renewed automatically.\n", res.Expiry.Local().Format(time.DateTime))
	}
	if cfg.AuthMode == auth.ModeBasic {
		fmt.Fprintln(a.Err, "Serve with --auth-mode oauth (or NEXTCLOUD_MCP_AUTH_MODE=oauth) to use this login; --auth-mode token-exchange exchanges it for a Nextcloud token at the identity provider.")
	}
	return nil
}

// oauthLoginFailure gives refused sign-ins the auth exit code (4).
func oauthLoginFailure(err error) error {
	var oe *auth.OAuthError
	if errors.As(err, &oe) || errors.Is(err, auth.ErrSessionExpired) {
		return authError(err)
	}
	if errors.Is(err, auth.ErrExchangeNeedsIdP) {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	return loginFailure(err)
}

// exchangeSettings are the token-exchange settings from the environment.
func exchangeSettings(cfg *Config) auth.ExchangeSettings {
	return auth.ExchangeSettings{Audience: cfg.TokenAudience, ClientID: cfg.ClientID}
}
