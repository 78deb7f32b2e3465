package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/store"
)

// ErrExchangeNeedsIdP means token exchange was asked of Nextcloud's own
// oauth2 app, which cannot exchange tokens.
var ErrExchangeNeedsIdP = errors.New("token exchange needs an identity provider that supports RFC 8693; Nextcloud's oauth2 app does not: pass --issuer https://your-idp")

// OAuthSignIn runs `login --oauth`: the authorization code flow with PKCE
// through a loopback redirect, a check with cloud/user that Nextcloud takes
// the result, and the session sealed in the store as the default account.
type OAuthSignIn struct {
	Store  *StoreOpener
	Client ClientOptions
	// Mode is ModeOAuth or ModeTokenExchange: it decides how the sign-in is
	// checked against Nextcloud (the token itself, or the exchanged one).
	Mode     string
	Exchange ExchangeSettings
	// OpenBrowser opens the sign-in page; it must not block.
	OpenBrowser func(url string) error
	// Announce shows the sign-in URL (also when a browser opens).
	Announce func(url string)
	// Timeout bounds the wait for the browser; default 5 minutes.
	Timeout time.Duration
}

// OAuthRequest is what the user asked for on the command line.
type OAuthRequest struct {
	Server *url.URL
	// Issuer defaults to Server: Nextcloud's own oauth2 app or OIDC app.
	Issuer       string
	ClientID     string
	ClientSecret string
	Scopes       []string
	RedirectHost string
	RedirectPort int
}

// OAuthSignedIn is the stored result; it holds no token.
type OAuthSignedIn struct {
	Account store.Account
	User    *nextcloud.User
	Issuer  string
	Expiry  time.Time
	// NextcloudApp is true when the built-in oauth2 app issued the tokens.
	NextcloudApp bool
}

// DefaultOAuthScopes are asked for when --scope is not given: an identity
// and a refresh token, so the session outlives the first access token.
func DefaultOAuthScopes() []string { return []string{"openid", "offline_access"} }

// Run signs in and stores the session.
func (s *OAuthSignIn) Run(ctx context.Context, req OAuthRequest) (*OAuthSignedIn, error) {
	if req.ClientID == "" {
		return nil, errors.New("an OAuth client id is needed: pass --client-id or set NEXTCLOUD_MCP_CLIENT_ID")
	}
	// Fail before the browser if the result could not be stored.
	st, err := s.Store.Open(ctx)
	if err != nil {
		return nil, err
	}
	if err := st.Unlock(ctx); err != nil {
		return nil, ExplainStoreError(err, s.Store.Keys)
	}
	hc, err := s.Client.HTTPClient()
	if err != nil {
		return nil, err
	}
	server := strings.TrimRight(req.Server.String(), "/")
	issuer := strings.TrimRight(req.Issuer, "/")
	if issuer == "" {
		issuer = server
	}
	ep, err := DiscoverOAuth(ctx, hc, issuer, server)
	if err != nil {
		return nil, err
	}
	if ep.Issuer == "" {
		ep.Issuer = issuer
	}
	if s.Mode == ModeTokenExchange && ep.NextcloudApp {
		return nil, ErrExchangeNeedsIdP
	}
	if ep.NextcloudApp && req.ClientSecret == "" {
		return nil, errors.New("Nextcloud's oauth2 app needs the client secret too: pipe it in with --client-secret-stdin (Administration settings → Security → OAuth 2.0 clients shows it)")
	}
	scopes := req.Scopes
	if len(scopes) == 0 {
		scopes = DefaultOAuthScopes()
	}
	login := &OAuthLogin{
		Endpoints: ep, ClientID: req.ClientID, ClientSecret: req.ClientSecret, Scopes: scopes,
		RedirectHost: req.RedirectHost, RedirectPort: req.RedirectPort,
		OpenBrowser: s.OpenBrowser, Announce: s.Announce, Timeout: s.Timeout, HTTPClient: hc,
	}
	tok, err := login.Run(ctx)
	if err != nil {
		return nil, err
	}
	session := store.OAuthToken{
		Issuer: ep.Issuer, ClientID: req.ClientID, ClientSecret: req.ClientSecret, TokenURL: ep.TokenURL,
		TokenType: tok.Type(), Scope: strings.Join(scopes, " "),
		AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, Expiry: tok.Expiry,
	}

	// Check that Nextcloud takes what the server will send, before storing it.
	var tokens nextcloud.TokenSource = staticToken(tok.AccessToken)
	if s.Mode == ModeTokenExchange {
		tokens = s.Exchange.exchanger(session, tokens, hc, nil)
	}
	c, err := s.Client.NewClient(server, nextcloud.BearerAuth{Tokens: tokens})
	if err != nil {
		return nil, err
	}
	user, err := c.CurrentUser(ctx)
	if err != nil {
		if errors.Is(err, nextcloud.ErrUnauthorized) {
			return nil, fmt.Errorf("%s did not accept the token from %s (HTTP 401): %s: %w", req.Server.Host, ep.Issuer, bearerHint(ep, s.Mode), err)
		}
		return nil, fmt.Errorf("check the sign-in at %s: %w", req.Server.Host, err)
	}
	display := user.DisplayName
	if display == "" {
		display = user.ID
	}
	a, err := st.SaveAccount(ctx, store.Account{ServerURL: server, Login: user.ID, DisplayName: display,
		Kind: store.KindOAuth, IsDefault: true, VerifiedAt: time.Now()}, "")
	if err != nil {
		return nil, ExplainStoreError(err, s.Store.Keys)
	}
	session.Account = a.Key
	if err := st.SaveOAuthToken(ctx, session); err != nil {
		return nil, ExplainStoreError(err, s.Store.Keys)
	}
	return &OAuthSignedIn{Account: a, User: user, Issuer: ep.Issuer, Expiry: tok.Expiry, NextcloudApp: ep.NextcloudApp}, nil
}

// bearerHint names the server-side setting that makes Nextcloud accept the token.
func bearerHint(ep OAuthEndpoints, mode string) string {
	switch {
	case ep.NextcloudApp:
		return "check that the oauth2 app is enabled and the client is registered there"
	case mode == ModeTokenExchange:
		return "the exchanged token must be one Nextcloud validates: configure the user_oidc app for this identity provider and check the audience (NEXTCLOUD_MCP_TOKEN_AUDIENCE)"
	default:
		return "Nextcloud validates tokens of an external identity provider only with the user_oidc app and its bearer token validation turned on"
	}
}

// staticToken is a token that is never renewed (the check right after sign-in).
type staticToken string

func (t staticToken) AccessToken(context.Context) (string, error) { return string(t), nil }

// HTTPClient is the client for identity provider calls, with the same TLS
// settings as the Nextcloud client.
func (o ClientOptions) HTTPClient() (*http.Client, error) {
	tr, err := nextcloud.NewTransport(o.Insecure, o.CAFile)
	if err != nil {
		return nil, err
	}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}, nil
}
