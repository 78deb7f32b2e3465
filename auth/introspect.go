package auth

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/zitadel/oidc/v3/pkg/client/rs"
	"github.com/zitadel/oidc/v3/pkg/oidc"
)

// Introspector asks the identity provider about opaque access tokens (RFC
// 7662), authenticating as this server's client. Answers are cached by the
// token's hash, active ones until they expire (at most CacheFor), inactive
// ones briefly, so a burst of calls costs one introspection.
type Introspector struct {
	rs       rs.ResourceServer
	cacheFor time.Duration

	mu    sync.Mutex
	cache map[[32]byte]introspected
}

type introspected struct {
	tok   *VerifiedToken
	err   error
	until time.Time
}

// NewIntrospector introspects at url (the provider's introspection_endpoint).
func NewIntrospector(ctx context.Context, issuer, tokenURL, url, clientID, clientSecret string, hc *http.Client) (*Introspector, error) {
	if url == "" {
		return nil, fmt.Errorf("the identity provider %s announces no introspection_endpoint: opaque tokens cannot be checked; issue JWT access tokens instead", issuer)
	}
	if clientID == "" || clientSecret == "" {
		return nil, fmt.Errorf("introspection needs this server's client credentials: set NEXTCLOUD_MCP_CLIENT_ID and NEXTCLOUD_MCP_CLIENT_SECRET")
	}
	server, err := rs.NewResourceServerClientCredentials(ctx, issuer, clientID, clientSecret, rs.WithStaticEndpoints(tokenURL, url), rs.WithClient(hc))
	if err != nil {
		return nil, fmt.Errorf("introspection at %s: %w", url, err)
	}
	return &Introspector{rs: server, cacheFor: 2 * time.Minute, cache: map[[32]byte]introspected{}}, nil
}

// Verify introspects raw and checks that it is active, current and meant
// for this server. When the answer names no audience, the provider's own
// judgement stands: it answers active only for tokens this client may see.
func (in *Introspector) Verify(ctx context.Context, raw string, audiences []string) (*VerifiedToken, error) {
	key := sha256.Sum256([]byte(raw))
	now := time.Now()
	in.mu.Lock()
	if c, ok := in.cache[key]; ok && now.Before(c.until) {
		in.mu.Unlock()
		return c.tok, c.err
	}
	in.mu.Unlock()

	resp, err := rs.Introspect[*oidc.IntrospectionResponse](ctx, in.rs, raw)
	if err != nil {
		// Not cached: the provider may be back for the next request.
		return nil, &TokenError{Kind: TokenUnverifiable, Msg: "the identity provider could not be asked about the access token (introspection failed); try again shortly", Err: err}
	}
	tok, verr := in.judge(resp, audiences, now)
	until := now.Add(10 * time.Second)
	if verr == nil {
		until = now.Add(in.cacheFor)
		if tok.Expiry.Before(until) {
			until = tok.Expiry
		}
	}
	in.mu.Lock()
	for k, c := range in.cache {
		if !now.Before(c.until) {
			delete(in.cache, k)
		}
	}
	in.cache[key] = introspected{tok: tok, err: verr, until: until}
	in.mu.Unlock()
	return tok, verr
}

func (in *Introspector) judge(r *oidc.IntrospectionResponse, audiences []string, now time.Time) (*VerifiedToken, error) {
	if !r.Active {
		return nil, &TokenError{Kind: TokenInvalid, Msg: "the identity provider says the access token is not active (expired, revoked or unknown): sign in again"}
	}
	exp := r.Expiration.AsTime()
	if exp.IsZero() {
		exp = now.Add(in.cacheFor)
	} else if !now.Before(exp) {
		return nil, &TokenError{Kind: TokenInvalid, Expired: true, Msg: "the access token expired: get a new one from the identity provider"}
	}
	if r.Subject == "" {
		return nil, &TokenError{Kind: TokenInvalid, Msg: "the identity provider's introspection names no subject (sub) for the access token"}
	}
	aud := []string(r.Audience)
	if len(aud) > 0 && !audienceMatches(aud, audiences) {
		return nil, &TokenError{Kind: TokenWrongAudience, Msg: fmt.Sprintf("the access token is for %s, not for this server: its audience must include %s", describeAud(aud), joinQuoted(audiences))}
	}
	return &VerifiedToken{Issuer: r.Issuer, Subject: r.Subject, Audience: aud, Expiry: exp}, nil
}

func joinQuoted(s []string) string {
	q := quoteAll(s)
	switch len(q) {
	case 0:
		return "this server's audience"
	case 1:
		return q[0]
	}
	out := q[0]
	for _, x := range q[1:] {
		out += " or " + x
	}
	return out
}
