package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// BearerSettings configure token-exchange mode over HTTP.
type BearerSettings struct {
	// Issuer is the identity provider (its discovery document is read).
	Issuer string
	// ClientID and ClientSecret are this server's confidential client at the
	// provider, used for the exchange and for introspection.
	ClientID     string
	ClientSecret string
	// Audiences the caller's token must carry one of: "mcp-server", the
	// client id and, when known, this server's resource URL.
	Audiences []string
	// ExchangeAudience is what the exchanged token is for; default "nextcloud".
	ExchangeAudience string
	// Introspect sends opaque tokens to the provider's introspection endpoint.
	Introspect bool
	// HTTPClient reaches the provider.
	HTTPClient *http.Client
	Leeway     time.Duration
	// JWKSMinRefresh spaces key refetches for unknown key ids (default 10 s).
	JWKSMinRefresh time.Duration
	// LoginTTL is how long the Nextcloud login of a user is remembered; default 10 min.
	LoginTTL time.Duration
	Logger   *slog.Logger
	// Observers for metrics; nil is fine.
	ExchangeObserver ExchangeObserver
	JWKSObserver     func(error)
}

// BearerAuthenticator checks the caller's identity-provider token and
// exchanges it (RFC 8693) for one whose audience is Nextcloud. The caller's
// token never reaches Nextcloud; the exchanged one is cached under the hash
// of the caller's token until shortly before it expires.
type BearerAuthenticator struct {
	s         BearerSettings
	nextcloud NextcloudTarget

	mu       sync.Mutex
	verifier *TokenVerifier
	exchange *Exchanger
	jwks     *JWKS
	setupErr error

	logins onceCache[string]
}

// NewBearerAuthenticator checks the settings; Start loads the provider's
// metadata and keys.
func NewBearerAuthenticator(s BearerSettings, nc NextcloudTarget) (*BearerAuthenticator, error) {
	if strings.TrimSpace(s.Issuer) == "" {
		return nil, errors.New("token-exchange over HTTP needs the identity provider: set --issuer or NEXTCLOUD_MCP_OIDC_ISSUER")
	}
	if s.ClientID == "" || s.ClientSecret == "" {
		return nil, errors.New("token-exchange over HTTP needs this server's client at the identity provider: set NEXTCLOUD_MCP_CLIENT_ID and NEXTCLOUD_MCP_CLIENT_SECRET")
	}
	if s.HTTPClient == nil {
		s.HTTPClient = &http.Client{Timeout: 15 * time.Second}
	}
	if s.ExchangeAudience == "" {
		s.ExchangeAudience = DefaultTokenAudience
	}
	if s.Logger == nil {
		s.Logger = slog.New(slog.DiscardHandler)
	}
	return &BearerAuthenticator{s: s, nextcloud: nc, setupErr: errors.New("the identity provider's metadata is not loaded yet")}, nil
}

// Start reads the provider's discovery document and keys, retrying with
// backoff until it succeeds or ctx ends. Until then requests get 503.
func (b *BearerAuthenticator) Start(ctx context.Context) {
	go func() {
		delay := 500 * time.Millisecond
		for {
			err := b.setup(ctx)
			if err == nil {
				return
			}
			b.s.Logger.Warn("identity provider not ready; retrying", "issuer", b.s.Issuer, "error", err, "retry_in", delay)
			select {
			case <-ctx.Done():
				return
			case <-time.After(delay):
			}
			delay = min(delay*2, 30*time.Second)
		}
	}()
}

// setup loads what verification needs; once it succeeded it is not repeated.
func (b *BearerAuthenticator) setup(ctx context.Context) error {
	b.mu.Lock()
	ready := b.verifier != nil
	jwks := b.jwks
	b.mu.Unlock()
	if ready {
		if jwks.Loaded() {
			return nil
		}
		err := jwks.Load(ctx)
		b.record(err)
		return err
	}
	ep, err := DiscoverOAuth(ctx, b.s.HTTPClient, b.s.Issuer, "")
	if err != nil {
		b.record(err)
		return err
	}
	if ep.JWKSURI == "" {
		err := fmt.Errorf("the discovery document of %s names no jwks_uri", b.s.Issuer)
		b.record(err)
		return err
	}
	issuer := ep.Issuer
	if issuer == "" {
		issuer = strings.TrimRight(b.s.Issuer, "/")
	}
	var in *Introspector
	if b.s.Introspect {
		in, err = NewIntrospector(ctx, issuer, ep.TokenURL, ep.IntrospectionURL, b.s.ClientID, b.s.ClientSecret, b.s.HTTPClient)
		if err != nil {
			b.record(err)
			return err
		}
	}
	jwks = &JWKS{URL: ep.JWKSURI, HTTPClient: b.s.HTTPClient, MinRefresh: b.s.JWKSMinRefresh, Observe: b.s.JWKSObserver}
	x := &Exchanger{
		TokenURL: ep.TokenURL, ClientID: b.s.ClientID, ClientSecret: b.s.ClientSecret,
		Audience: b.s.ExchangeAudience, AcceptedAudiences: b.s.Audiences,
		HTTPClient: b.s.HTTPClient, Observer: b.s.ExchangeObserver,
	}
	b.mu.Lock()
	b.verifier = &TokenVerifier{Issuer: issuer, Audiences: b.s.Audiences, Keys: jwks, Introspector: in, Leeway: b.s.Leeway}
	b.exchange, b.jwks = x, jwks
	b.mu.Unlock()
	err = jwks.Load(ctx)
	b.record(err)
	return err
}

func (b *BearerAuthenticator) record(err error) {
	b.mu.Lock()
	b.setupErr = err
	b.mu.Unlock()
}

// Scheme implements Authenticator.
func (b *BearerAuthenticator) Scheme() string { return "Bearer" }

// Ready implements Authenticator: nil once the provider's metadata and keys are loaded.
func (b *BearerAuthenticator) Ready() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.jwks != nil && b.jwks.Loaded() {
		return nil
	}
	if b.setupErr != nil {
		return b.setupErr
	}
	return errors.New("the identity provider's keys are not loaded yet")
}

// Exchanges counts the exchanges sent so far.
func (b *BearerAuthenticator) Exchanges() int {
	b.mu.Lock()
	x := b.exchange
	b.mu.Unlock()
	if x == nil {
		return 0
	}
	return x.Exchanges()
}

// Authenticate implements Authenticator.
func (b *BearerAuthenticator) Authenticate(ctx context.Context, authorization string) (*Caller, error) {
	if strings.TrimSpace(authorization) == "" {
		return nil, &RequestAuthError{Status: http.StatusUnauthorized, Reason: "missing",
			Description: "no access token: sign in with the identity provider and send its access token as Authorization: Bearer"}
	}
	scheme, tok, _ := splitAuthorization(authorization)
	if scheme != "bearer" {
		return nil, &RequestAuthError{Status: http.StatusUnauthorized, Code: "invalid_request", Reason: "wrong_scheme",
			Description: "this server takes an identity-provider access token as Authorization: Bearer, not " + schemeName(scheme)}
	}
	if !validBearer(tok) {
		return nil, &RequestAuthError{Status: http.StatusBadRequest, Code: "invalid_request", Reason: "malformed",
			Description: "the bearer token is malformed: send exactly one token of letters, digits and -._~+/= after \"Bearer \""}
	}
	b.mu.Lock()
	v, x := b.verifier, b.exchange
	setupErr := b.setupErr
	b.mu.Unlock()
	if v == nil {
		return nil, &RequestAuthError{Status: http.StatusServiceUnavailable, Reason: "idp_unavailable", RetryAfter: 5 * time.Second, Err: setupErr,
			Description: "the identity provider's metadata is not loaded yet, so tokens cannot be checked; try again shortly"}
	}
	vt, err := v.Verify(ctx, tok)
	if err != nil {
		return nil, tokenRefusal(err)
	}
	issuer := vt.Issuer
	if issuer == "" {
		issuer = v.Issuer
	}
	id, key := hashID("oidc:", issuer, vt.Subject)
	if _, err := x.Token(ctx, tok); err != nil {
		return nil, exchangeRefusal(err, tok)
	}
	tokens := exchangedSource{x: x, subject: tok}
	login, err := b.logins.get(ctx, key, func(ctx context.Context) (string, time.Duration, error) {
		u, err := b.nextcloud.currentUser(ctx, BearerAuth(tokens))
		switch {
		case err == nil:
			return u, b.loginTTL(), nil
		case errors.Is(err, nextcloud.ErrUnauthorized):
			return "", 10 * time.Second, &RequestAuthError{Status: http.StatusBadGateway, Reason: "nextcloud_refused", Err: err,
				Description: "Nextcloud did not accept the exchanged token: enable bearer token validation in its user_oidc app for this identity provider (see docs/http.md)"}
		case errors.Is(err, context.Canceled):
			return "", 0, err
		}
		var ae *RequestAuthError
		if errors.As(err, &ae) {
			return "", 0, ae
		}
		if isExchangeError(err) {
			return "", 0, exchangeRefusal(err, tok)
		}
		return "", 0, nextcloudUnreachable(err)
	})
	if err != nil {
		return nil, err
	}
	return &Caller{ID: id, Login: login, creds: nextcloud.BearerAuth{User: login, Tokens: tokens}}, nil
}

func (b *BearerAuthenticator) loginTTL() time.Duration {
	if b.s.LoginTTL > 0 {
		return b.s.LoginTTL
	}
	return 10 * time.Minute
}

// BearerAuth builds the Nextcloud credentials that send a token source's
// tokens; without a login, app REST APIs (Notes, Deck) are not reachable,
// which the login check does not need.
func BearerAuth(src nextcloud.TokenSource) nextcloud.Credentials {
	return nextcloud.BearerAuth{Tokens: src}
}

// exchangedSource hands out the exchanged token for the caller's token,
// exchanging again when the cached one runs out during a long call.
type exchangedSource struct {
	x       *Exchanger
	subject string
}

// AccessToken implements nextcloud.TokenSource.
func (s exchangedSource) AccessToken(ctx context.Context) (string, error) {
	return s.x.Token(ctx, s.subject)
}

func tokenRefusal(err error) *RequestAuthError {
	var te *TokenError
	if !errors.As(err, &te) {
		return &RequestAuthError{Status: http.StatusUnauthorized, Code: "invalid_token", Reason: "invalid", Description: "the access token could not be verified", Err: err}
	}
	switch te.Kind {
	case TokenWrongAudience:
		return &RequestAuthError{Status: http.StatusForbidden, Code: "invalid_token", Reason: "audience", Description: te.Msg, Err: err}
	case TokenUnverifiable:
		return &RequestAuthError{Status: http.StatusServiceUnavailable, Reason: "idp_unavailable", RetryAfter: 5 * time.Second, Description: te.Msg, Err: err}
	}
	reason := "invalid"
	if te.Expired {
		reason = "expired"
	}
	return &RequestAuthError{Status: http.StatusUnauthorized, Code: "invalid_token", Reason: reason, Description: te.Msg, Err: err}
}

func isExchangeError(err error) bool {
	var oe *OAuthError
	return errors.As(err, &oe) || errors.Is(err, ErrSessionExpired) || strings.Contains(err.Error(), "token exchange")
}

// exchangeRefusal maps a failed exchange. The provider's words are kept,
// with any echo of the caller's token removed.
func exchangeRefusal(err error, subject string) *RequestAuthError {
	scrub := func(s string) string { return strings.ReplaceAll(s, subject, "[token]") }
	if errors.Is(err, ErrSessionExpired) {
		return &RequestAuthError{Status: http.StatusUnauthorized, Code: "invalid_token", Reason: "exchange_refused", Err: err,
			Description: "the identity provider refused to exchange the access token (invalid_grant): sign in again"}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return &RequestAuthError{Status: http.StatusGatewayTimeout, Reason: "exchange_timeout", RetryAfter: 5 * time.Second, Err: err,
			Description: "the identity provider did not answer the token exchange in time; try again shortly"}
	}
	var oe *OAuthError
	if errors.As(err, &oe) {
		if oe.Status >= 500 {
			return &RequestAuthError{Status: http.StatusBadGateway, Reason: "exchange_failed", RetryAfter: 5 * time.Second, Err: err,
				Description: scrub("the identity provider failed the token exchange (" + oe.Msg + "); try again shortly")}
		}
		switch oe.Code {
		case "invalid_client", "unauthorized_client", "invalid_target", "unsupported_grant_type":
			return &RequestAuthError{Status: http.StatusBadGateway, Reason: "exchange_misconfigured", Err: err,
				Description: scrub("the identity provider refused this server's token exchange (" + oe.Msg + "); the server's administrator must fix the client settings")}
		}
		return &RequestAuthError{Status: http.StatusForbidden, Code: "invalid_token", Reason: "exchange_refused", Err: err,
			Description: scrub("the identity provider refused to exchange the access token for a Nextcloud token (" + oe.Msg + ")")}
	}
	return &RequestAuthError{Status: http.StatusServiceUnavailable, Reason: "exchange_unreachable", RetryAfter: 5 * time.Second, Err: err,
		Description: "the identity provider could not be reached for the token exchange; try again shortly"}
}
