package nextcloud

import (
	"context"
	"net/http"
)

// API names the family of endpoints a request goes to. Some Nextcloud apps
// accept credentials differently (Notes and Deck refuse Bearer tokens), so the
// credential decides per API how to authorize.
type API int

const (
	APIOCS  API = iota // /ocs/v1.php, /ocs/v2.php
	APIDAV             // /remote.php/dav
	APIApp             // /index.php/apps/... REST (Notes, Deck)
	APIAnon            // no credentials (Login Flow, status.php)
)

// Credentials authorize a request. Implementations must never log or print the secret.
type Credentials interface {
	// Authorize sets the request's Authorization header.
	Authorize(ctx context.Context, req *http.Request, api API) error
	// Login returns the Nextcloud login name, when known.
	Login() string
}

// BasicAuth is a login name with an app password.
type BasicAuth struct {
	User     string
	Password string
}

// Authorize implements Credentials.
func (b BasicAuth) Authorize(_ context.Context, req *http.Request, api API) error {
	if api != APIAnon {
		req.SetBasicAuth(b.User, b.Password)
	}
	return nil
}

// Login implements Credentials.
func (b BasicAuth) Login() string { return b.User }

// String hides the password from %v and %+v.
func (b BasicAuth) String() string { return "BasicAuth{User:" + b.User + ", Password:<redacted>}" }

// GoString hides the password from %#v.
func (b BasicAuth) GoString() string { return b.String() }

// TokenSource yields a current OAuth access token.
type TokenSource interface {
	AccessToken(ctx context.Context) (string, error)
}

// BearerAuth sends an OAuth access token. Nextcloud's Notes and Deck REST APIs
// answer 401 "CORS requires basic auth" to Bearer, but accept the same token as
// the Basic password, so those requests use Basic user:token instead.
type BearerAuth struct {
	User   string
	Tokens TokenSource
}

// Authorize implements Credentials.
func (b BearerAuth) Authorize(ctx context.Context, req *http.Request, api API) error {
	if api == APIAnon {
		return nil
	}
	tok, err := b.Tokens.AccessToken(ctx)
	if err != nil {
		return err
	}
	if api == APIApp && b.User != "" {
		req.SetBasicAuth(b.User, tok)
		return nil
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	return nil
}

// Login implements Credentials.
func (b BearerAuth) Login() string { return b.User }
