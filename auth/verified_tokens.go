package auth

import (
	"context"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// verifiedTokens remembers the JWTs that passed verification, so a client
// sending the same access token with every request costs one signature
// check per token rather than one per request (an RSA verification is the
// largest part of authenticating a request). Entries are keyed by the
// SHA-256 of the token, never the token, and hold only what the token said.
// An entry is trusted until the token expires (with the verifier's leeway,
// as a fresh check would allow) and only while the key that signed it is
// still the one the JWKS holds: when the keys are refetched, every token is
// checked again, so a withdrawn key stops being trusted at the next fetch,
// as it would without the cache.
type verifiedTokens struct {
	mu      sync.Mutex
	entries map[[32]byte]verifiedToken
	// max bounds the entries; 0 means 10000.
	max int
}

type verifiedToken struct {
	tok   VerifiedToken
	until time.Time
	kid   string
	alg   string
	key   *jose.JSONWebKey
}

// lookup returns the cached answer for the token hashed to sum, if it still holds.
func (c *verifiedTokens) lookup(ctx context.Context, sum [32]byte, now time.Time, keys *JWKS) (*VerifiedToken, bool) {
	c.mu.Lock()
	e, ok := c.entries[sum]
	c.mu.Unlock()
	if !ok || !now.Before(e.until) {
		return nil, false
	}
	// Asking the key set (not the cache) keeps its refetching of stale
	// keys going; a different key pointer means the keys were refetched.
	if k, err := keys.Key(ctx, e.kid, e.alg); err != nil || k != e.key {
		c.mu.Lock()
		delete(c.entries, sum)
		c.mu.Unlock()
		return nil, false
	}
	vt := e.tok
	return &vt, true
}

// store remembers a verified token until until.
func (c *verifiedTokens) store(sum [32]byte, vt *VerifiedToken, until time.Time, kid, alg string, key *jose.JSONWebKey, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[[32]byte]verifiedToken{}
	}
	limit := c.max
	if limit <= 0 {
		limit = 10000
	}
	if len(c.entries) >= limit {
		for k, e := range c.entries {
			if !now.Before(e.until) {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= limit {
			// Still full of live tokens: forget them rather than grow; each
			// is verified again on its next use.
			clear(c.entries)
		}
	}
	c.entries[sum] = verifiedToken{tok: *vt, until: until, kid: kid, alg: alg, key: key}
}
