package auth

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// RFC 8693 names.
const (
	grantTokenExchange = "urn:ietf:params:oauth:grant-type:token-exchange"
	tokenTypeAccess    = "urn:ietf:params:oauth:token-type:access_token"
)

// Exchanger trades the user's IdP token for one whose audience is Nextcloud
// (RFC 8693), and caches the result under the SHA-256 of the subject token
// until shortly before it expires.
type Exchanger struct {
	TokenURL     string
	ClientID     string
	ClientSecret string
	// Audience requested for Nextcloud; default "nextcloud".
	Audience string
	// AcceptedAudiences: the subject token's aud must contain one of these.
	AcceptedAudiences []string
	Subject           nextcloud.TokenSource
	HTTPClient        *http.Client
	Now               func() time.Time
	// Observer, when set, hears about exchanges and cache hits.
	Observer ExchangeObserver

	mu    sync.Mutex
	cache map[[32]byte]cachedToken
	// inflight holds one single-slot semaphore per subject token: a channel
	// rather than a mutex, so a waiter can give up when its ctx ends.
	inflight  map[[32]byte]chan struct{}
	exchanges int
}

type cachedToken struct {
	token  string
	expiry time.Time
}

// AccessToken implements nextcloud.TokenSource.
func (e *Exchanger) AccessToken(ctx context.Context) (string, error) {
	subject, err := e.Subject.AccessToken(ctx)
	if err != nil {
		return "", err
	}
	if err := e.checkSubject(subject); err != nil {
		return "", err
	}
	return e.Token(ctx, subject)
}

// Token returns a Nextcloud-audience token for the subject token, from the
// cache while it outlives the refresh margin. The caller has checked the
// subject (AccessToken does it itself; HTTP mode verifies signature,
// issuer, audience and expiry first). One exchange per subject token runs
// at a time; concurrent callers wait for it, or for their ctx.
func (e *Exchanger) Token(ctx context.Context, subject string) (string, error) {
	key := sha256.Sum256([]byte(subject))

	e.mu.Lock()
	if e.cache == nil {
		e.cache, e.inflight = map[[32]byte]cachedToken{}, map[[32]byte]chan struct{}{}
	}
	if c, ok := e.cache[key]; ok && e.now().Add(refreshMargin).Before(c.expiry) {
		e.mu.Unlock()
		e.observeHit()
		return c.token, nil
	}
	lock, ok := e.inflight[key]
	if !ok {
		lock = make(chan struct{}, 1)
		e.inflight[key] = lock
	}
	e.mu.Unlock()
	select {
	case lock <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-lock }()

	now := e.now()
	e.mu.Lock()
	if c, ok := e.cache[key]; ok && now.Add(refreshMargin).Before(c.expiry) {
		e.mu.Unlock()
		e.observeHit()
		return c.token, nil
	}
	// Drop entries that expired, so the cache does not grow with every renewed subject token.
	for k, c := range e.cache {
		if !now.Before(c.expiry) {
			delete(e.cache, k)
			if k != key {
				delete(e.inflight, k)
			}
		}
	}
	e.exchanges++
	e.mu.Unlock()

	start := time.Now()
	tok, expiry, err := e.exchange(ctx, subject)
	if e.Observer != nil {
		e.Observer.Exchanged(time.Since(start), err)
	}
	if err != nil {
		return "", err
	}
	e.mu.Lock()
	e.cache[key] = cachedToken{token: tok, expiry: expiry}
	e.mu.Unlock()
	return tok, nil
}

func (e *Exchanger) observeHit() {
	if e.Observer != nil {
		e.Observer.CacheHit()
	}
}

// ExchangeObserver hears about the exchanges and cache hits (metrics).
type ExchangeObserver interface {
	CacheHit()
	Exchanged(d time.Duration, err error)
}

// Exchanges counts exchange requests sent (tests and status).
func (e *Exchanger) Exchanges() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.exchanges
}

func (e *Exchanger) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

// checkSubject refuses a subject token that was not issued for this server
// or has expired, before it is sent anywhere.
func (e *Exchanger) checkSubject(tok string) error {
	claims, err := jwtClaims(tok)
	if err != nil {
		return fmt.Errorf("the IdP access token is not a JWT, so its audience cannot be checked before exchange: configure the IdP to issue JWT access tokens")
	}
	if !slices.ContainsFunc(claims.Aud, func(a string) bool { return slices.Contains(e.AcceptedAudiences, a) }) {
		return &AudienceError{Have: claims.Aud, Accepted: e.AcceptedAudiences}
	}
	if claims.Exp == 0 || !e.now().Before(time.Unix(claims.Exp, 0)) {
		return ErrSessionExpired
	}
	return nil
}

type claimSet struct {
	Aud audience `json:"aud"`
	Exp int64    `json:"exp"`
}

type audience []string

func (a *audience) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*a = []string{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*a = many
	return nil
}

// jwtClaims reads the payload without verifying the signature: the IdP
// verifies the token at the exchange; this is only a guard against sending a
// token meant for someone else.
func jwtClaims(tok string) (claimSet, error) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return claimSet{}, fmt.Errorf("not a JWT")
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return claimSet{}, fmt.Errorf("JWT payload: %w", err)
	}
	var c claimSet
	if err := json.Unmarshal(raw, &c); err != nil {
		return claimSet{}, fmt.Errorf("JWT claims: %w", err)
	}
	return c, nil
}

func (e *Exchanger) exchange(ctx context.Context, subject string) (string, time.Time, error) {
	aud := e.Audience
	if aud == "" {
		aud = "nextcloud"
	}
	form := url.Values{
		"grant_type":           {grantTokenExchange},
		"subject_token":        {subject},
		"subject_token_type":   {tokenTypeAccess},
		"requested_token_type": {tokenTypeAccess},
		"audience":             {aud},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", time.Time{}, fmt.Errorf("token endpoint %q: %w", e.TokenURL, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.SetBasicAuth(url.QueryEscape(e.ClientID), url.QueryEscape(e.ClientSecret))
	hc := e.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("reach the IdP for token exchange: %w", redactOAuthError(err))
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var out struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	_ = json.Unmarshal(body, &out)
	if resp.StatusCode != http.StatusOK || out.AccessToken == "" {
		code := out.Error
		if code == "" {
			code = fmt.Sprintf("HTTP %d", resp.StatusCode)
		}
		switch out.Error {
		case "invalid_grant":
			return "", time.Time{}, ErrSessionExpired
		case "invalid_client", "unauthorized_client":
			return "", time.Time{}, &OAuthError{Code: out.Error, Status: resp.StatusCode, Msg: code + ": the IdP rejected this client for token exchange; check the client id and secret and that the client may exchange tokens"}
		case "invalid_target":
			return "", time.Time{}, &OAuthError{Code: out.Error, Status: resp.StatusCode, Msg: code + ": the IdP will not issue tokens for audience " + aud + "; set the audience the IdP knows Nextcloud by"}
		}
		msg := code
		if out.Description != "" {
			msg += ": " + out.Description
		}
		return "", time.Time{}, &OAuthError{Code: out.Error, Status: resp.StatusCode, Msg: msg}
	}
	expiry := e.now().Add(time.Duration(out.ExpiresIn) * time.Second)
	if out.ExpiresIn <= 0 {
		// No lifetime given: keep it briefly rather than forever.
		expiry = e.now().Add(5 * time.Minute)
	}
	return out.AccessToken, expiry, nil
}

// AudienceError refuses a subject token issued for someone else; it is
// raised before the token leaves this process.
type AudienceError struct {
	Have     []string
	Accepted []string
}

func (e *AudienceError) Error() string {
	return fmt.Sprintf("the IdP token's audience %v does not include %v: configure the IdP client to add one of them (or set NEXTCLOUD_MCP_CLIENT_ID)", e.Have, e.Accepted)
}
