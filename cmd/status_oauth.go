package cmd

import (
	"context"
	"errors"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/auth"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/store"
)

// oauthStatus describes the stored OAuth session; it never holds a token.
type oauthStatus struct {
	Account  string `json:"account,omitempty"`
	Issuer   string `json:"issuer,omitempty"`
	ClientID string `json:"client_id,omitempty"`
	// TokenExpiry is when the stored access token expires.
	TokenExpiry time.Time `json:"token_expiry,omitzero"`
	// Renewable is true when a refresh token is stored.
	Renewable bool `json:"renewable"`
	// ExchangeAudience and AcceptedAudiences are set in token-exchange mode.
	ExchangeAudience  string   `json:"exchange_audience,omitempty"`
	AcceptedAudiences []string `json:"accepted_audiences,omitempty"`
}

// oauthCredentialStatus fills r.OAuth from the store and returns the server
// URL of the session ("" when there is none).
func (a *App) oauthCredentialStatus(ctx context.Context, r *statusReport, st *store.Store) string {
	cfg := a.cfg
	o := &oauthStatus{}
	r.OAuth = o
	if cfg.AuthMode == auth.ModeTokenExchange {
		x := exchangeSettings(cfg)
		o.ExchangeAudience = x.Audience
		if o.ExchangeAudience == "" {
			o.ExchangeAudience = auth.DefaultTokenAudience
		}
		o.AcceptedAudiences = []string{auth.MCPServerAudience}
		if x.ClientID != "" {
			o.AcceptedAudiences = append(o.AcceptedAudiences, x.ClientID)
		}
	}
	notSignedIn := func() {
		r.problem(ExitAuth, "Not logged in with OAuth: serve has no token to use in "+cfg.AuthMode+" mode.",
			"Run `nextcloud-mcp login --oauth https://your.cloud` (add --issuer https://your-idp for an external identity provider).")
	}
	if st == nil {
		if !r.Database.Exists {
			notSignedIn()
		}
		return ""
	}
	acct, t, err := auth.StoredOAuthSession(ctx, st)
	switch {
	case errors.Is(err, auth.ErrNoCredentials):
		notSignedIn()
		return ""
	case errors.Is(err, store.ErrKeyMismatch), errors.Is(err, auth.ErrKeyringUnavailable), errors.Is(err, store.ErrNoKey):
		// The key problems are reported with the keyring.
		return ""
	case err != nil:
		r.problem(ExitFailure, "The stored OAuth session cannot be read: "+err.Error(), "Run `nextcloud-mcp login --oauth` again.")
		return ""
	}
	r.Auth.Credential = "login"
	o.Account, o.Issuer, o.ClientID, o.TokenExpiry, o.Renewable = acct.Key, t.Issuer, t.ClientID, t.Expiry, t.RefreshToken != ""
	if cfg.AuthMode == auth.ModeTokenExchange && cfg.ClientID == "" {
		// Without NEXTCLOUD_MCP_CLIENT_ID the login's client id is accepted.
		o.AcceptedAudiences = append(o.AcceptedAudiences, t.ClientID)
	}
	if !o.Renewable && !t.Expiry.IsZero() && time.Now().After(t.Expiry) {
		r.problem(ExitAuth, "The OAuth access token expired and there is no refresh token to renew it.", "Run `nextcloud-mcp login --oauth` again (ask for the offline_access scope so the session can be renewed).")
	}
	return acct.ServerURL
}

// oauthCheckFailed reports a failed credential check in an OAuth mode; false
// leaves the error to the generic handling.
func (a *App) oauthCheckFailed(r *statusReport, err error) bool {
	if r.OAuth == nil {
		return false
	}
	var oe *auth.OAuthError
	var ae *auth.AudienceError
	switch {
	case errors.Is(err, auth.ErrSessionExpired):
		r.problem(ExitAuth, "The OAuth session expired: the identity provider no longer renews it.", "Run `nextcloud-mcp login --oauth` again.")
	case errors.As(err, &oe):
		r.problem(ExitAuth, "The identity provider refused a token: "+oe.Msg, "Check the client id and secret, the audience (NEXTCLOUD_MCP_TOKEN_AUDIENCE) and that the client may exchange tokens; then run `nextcloud-mcp login --oauth` again.")
	case errors.As(err, &ae):
		r.problem(ExitAuth, "The identity provider token cannot be exchanged: "+ae.Error(), "Configure the identity provider client to put one of the accepted audiences into its access tokens, or set NEXTCLOUD_MCP_CLIENT_ID to the audience it carries.")
	case errors.Is(err, nextcloud.ErrUnauthorized):
		r.problem(ExitAuth, "Nextcloud rejected the OAuth token (HTTP 401).", "Nextcloud accepts Bearer tokens from its own oauth2 app, or from an external identity provider with the user_oidc app's bearer token validation turned on; check that, then run `nextcloud-mcp login --oauth` again.")
	default:
		return false
	}
	return true
}

// printOAuthStatus adds the session lines to the human report.
func printOAuthStatus(line func(label, format string, args ...any), o *oauthStatus) {
	if o == nil {
		return
	}
	if o.Issuer != "" {
		line("Issuer", "%s (client %s)", o.Issuer, o.ClientID)
	}
	if !o.TokenExpiry.IsZero() {
		renew := "renewed automatically"
		if !o.Renewable {
			renew = "no refresh token: log in again when it expires"
		}
		state := "valid until"
		if time.Now().After(o.TokenExpiry) {
			state = "expired at"
		}
		line("Token", "%s %s, %s", state, o.TokenExpiry.Local().Format(time.DateTime), renew)
	}
	if o.ExchangeAudience != "" {
		line("Token exchange", "audience %s; accepted subject audiences %v", o.ExchangeAudience, o.AcceptedAudiences)
	}
}
