package auth

import (
	"context"
	"errors"
	"net/http"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// Caller is who sent the HTTP request being served, as an Authenticator
// established it. Its credentials live as long as the request: they travel in
// the request's context and are never kept beyond it.
type Caller struct {
	// ID names the caller for caches and limits. It is derived by hashing and
	// holds no secret: "oidc:<hash of issuer and subject>" or "basic:<hash>".
	ID string
	// Login is the Nextcloud login name the credentials belong to.
	Login string
	creds nextcloud.Credentials
}

// String keeps the credentials out of logs and error messages.
func (c *Caller) String() string { return "Caller{ID:" + c.ID + ", Login:" + c.Login + "}" }

// GoString keeps the credentials out of %#v.
func (c *Caller) GoString() string { return c.String() }

type callerKey struct{}

// WithCaller returns ctx carrying the caller of the current request.
func WithCaller(ctx context.Context, c *Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// CallerFrom returns the caller ctx carries.
func CallerFrom(ctx context.Context) (*Caller, bool) {
	c, ok := ctx.Value(callerKey{}).(*Caller)
	return c, ok && c != nil
}

// ErrNoCaller means a client was asked for outside an authenticated request.
// HTTP mode has no credential of its own to fall back on.
var ErrNoCaller = errors.New("this request carries no Nextcloud credentials: HTTP mode serves only authenticated requests")

// callerCredentials authorizes each Nextcloud request with the credentials
// of the caller in the request's context. A client built on it can be reused
// across requests of the same caller without holding any secret itself.
type callerCredentials struct {
	id    string
	login string
}

// Authorize implements nextcloud.Credentials.
func (c callerCredentials) Authorize(ctx context.Context, req *http.Request, api nextcloud.API) error {
	caller, ok := CallerFrom(ctx)
	if !ok {
		return ErrNoCaller
	}
	if caller.ID != c.id {
		// Never send one user's credentials on another user's client.
		return errors.New("internal error: a Nextcloud client was used for another caller")
	}
	return caller.creds.Authorize(ctx, req, api)
}

// Login implements nextcloud.Credentials.
func (c callerCredentials) Login() string { return c.login }
