package auth

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// Authenticator turns the Authorization header of an HTTP request into the
// Caller whose credentials that request may use.
type Authenticator interface {
	Authenticate(ctx context.Context, authorization string) (*Caller, error)
	// Scheme is the HTTP auth scheme asked for: "Bearer" or "Basic".
	Scheme() string
	// Ready is nil once requests can be authenticated (keys loaded).
	Ready() error
}

// RequestAuthError is a request refused before any tool runs. Description
// is one sentence for the client; it never contains a credential.
type RequestAuthError struct {
	// Status is the HTTP status: 400, 401, 403, 502, 503 or 504.
	Status int
	// Code is the RFC 6750 error code (invalid_request, invalid_token), empty
	// when the request carried no credentials at all.
	Code        string
	Description string
	// Reason is a short fixed label for metrics and logs.
	Reason     string
	RetryAfter time.Duration
	Err        error
}

func (e *RequestAuthError) Error() string { return e.Description }
func (e *RequestAuthError) Unwrap() error { return e.Err }

// NextcloudTarget is the Nextcloud server the callers' credentials are for.
type NextcloudTarget struct {
	BaseURL    string
	HTTPClient *http.Client
	Version    string
}

// currentUser asks Nextcloud whose credentials creds are.
func (n NextcloudTarget) currentUser(ctx context.Context, creds nextcloud.Credentials) (string, error) {
	c, err := nextcloud.New(nextcloud.Options{BaseURL: n.BaseURL, Credentials: creds, HTTPClient: n.HTTPClient, Version: n.Version, Timeout: 15 * time.Second})
	if err != nil {
		return "", err
	}
	u, err := c.CurrentUser(ctx)
	if err != nil {
		return "", err
	}
	if u.ID == "" {
		return "", errors.New("Nextcloud named no user for these credentials")
	}
	return u.ID, nil
}

// splitAuthorization parses "<scheme> <credentials>"; the scheme is
// case-insensitive (RFC 9110).
func splitAuthorization(h string) (scheme, cred string, ok bool) {
	scheme, cred, ok = strings.Cut(strings.TrimLeft(h, " "), " ")
	return strings.ToLower(scheme), strings.TrimLeft(cred, " "), ok
}

// bearerChars is the RFC 6750 b64token alphabet.
func validBearer(tok string) bool {
	if tok == "" || len(tok) > 16<<10 {
		return false
	}
	for i := 0; i < len(tok); i++ {
		c := tok[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("-._~+/=", c) >= 0:
		default:
			return false
		}
	}
	return true
}

func hashID(prefix string, parts ...string) (string, [32]byte) {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return prefix + hex.EncodeToString(sum[:16]), sum
}

// nextcloudUnreachable maps a transport failure of the login check.
func nextcloudUnreachable(err error) *RequestAuthError {
	if errors.Is(err, context.DeadlineExceeded) {
		return &RequestAuthError{Status: http.StatusGatewayTimeout, Reason: "nextcloud_timeout", RetryAfter: 5 * time.Second, Err: err,
			Description: "Nextcloud did not answer in time while checking the credentials; try again shortly"}
	}
	var ne *nextcloud.Error
	if errors.As(err, &ne) {
		return &RequestAuthError{Status: http.StatusBadGateway, Reason: "nextcloud_error", RetryAfter: 5 * time.Second, Err: err,
			Description: fmt.Sprintf("Nextcloud answered HTTP %d while checking the credentials; try again shortly", ne.Status)}
	}
	return &RequestAuthError{Status: http.StatusServiceUnavailable, Reason: "nextcloud_unreachable", RetryAfter: 5 * time.Second, Err: err,
		Description: "Nextcloud could not be reached while checking the credentials; try again shortly"}
}

// BasicAuthenticator passes each caller's own Nextcloud login and app
// password through, for that request only. The pair is checked against
// Nextcloud once and the answer remembered under a hash of it, so the
// password itself is never kept.
type BasicAuthenticator struct {
	Nextcloud NextcloudTarget
	// TTL is how long an accepted pair is trusted before it is checked again; default 5 min.
	TTL time.Duration

	checked onceCache[string]
}

// Scheme implements Authenticator.
func (b *BasicAuthenticator) Scheme() string { return "Basic" }

// Ready implements Authenticator: nothing to load.
func (b *BasicAuthenticator) Ready() error { return nil }

// Authenticate implements Authenticator.
func (b *BasicAuthenticator) Authenticate(ctx context.Context, authorization string) (*Caller, error) {
	if strings.TrimSpace(authorization) == "" {
		return nil, &RequestAuthError{Status: http.StatusUnauthorized, Reason: "missing",
			Description: "no credentials: send your Nextcloud login name and an app password as HTTP Basic authentication"}
	}
	scheme, cred, ok := splitAuthorization(authorization)
	if scheme != "basic" {
		return nil, &RequestAuthError{Status: http.StatusUnauthorized, Code: "invalid_request", Reason: "wrong_scheme",
			Description: "this server takes HTTP Basic authentication (your Nextcloud login name and an app password), not " + schemeName(scheme)}
	}
	raw, err := base64.StdEncoding.DecodeString(cred)
	login, password, colon := strings.Cut(string(raw), ":")
	if !ok || err != nil || !colon || login == "" || password == "" || !utf8.ValidString(login) {
		return nil, &RequestAuthError{Status: http.StatusBadRequest, Code: "invalid_request", Reason: "malformed",
			Description: "the Basic credentials are malformed: send base64(login:app-password)"}
	}
	id, key := hashID("basic:", login, password)
	creds := nextcloud.BasicAuth{User: login, Password: password}
	canonical, err := b.checked.get(ctx, key, func(ctx context.Context) (string, time.Duration, error) {
		u, err := b.Nextcloud.currentUser(ctx, creds)
		switch {
		case err == nil:
			return u, b.ttl(), nil
		case errors.Is(err, nextcloud.ErrUnauthorized):
			// Remembered briefly: repeating a wrong password feeds Nextcloud's brute-force throttling.
			return "", 30 * time.Second, &RequestAuthError{Status: http.StatusUnauthorized, Code: "invalid_token", Reason: "nextcloud_refused", Err: err,
				Description: "Nextcloud refused this login name and app password: create an app password under Settings → Security"}
		}
		return "", 0, nextcloudUnreachable(err)
	})
	if err != nil {
		return nil, err
	}
	// Nextcloud accepts an e-mail address as login; the client works with the user id.
	return &Caller{ID: id, Login: canonical, creds: nextcloud.BasicAuth{User: login, Password: password}}, nil
}

func (b *BasicAuthenticator) ttl() time.Duration {
	if b.TTL > 0 {
		return b.TTL
	}
	return 5 * time.Minute
}

func schemeName(s string) string {
	if s == "" {
		return "an Authorization header without a scheme"
	}
	if len(s) > 20 {
		s = s[:20]
	}
	return fmt.Sprintf("%q", s)
}
