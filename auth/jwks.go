package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// JWKS holds the identity provider's signing keys (RFC 7517), fetched from
// its jwks_uri. An unknown key id triggers a refetch, since providers rotate
// keys; refetches are spaced by MinRefresh so that tokens with made-up key
// ids cannot turn this server into a flood of requests to the provider.
// (zitadel/oidc's remote key set refetches on every miss and cannot say
// whether keys were ever loaded, which /readyz needs.)
type JWKS struct {
	URL        string
	HTTPClient *http.Client
	// MinRefresh spaces refetches for unknown key ids; default 10 s.
	MinRefresh time.Duration
	// MaxAge refetches keys older than this in the background, so that keys
	// the provider withdrew stop being trusted; default 1 h.
	MaxAge time.Duration
	// Observe, when set, hears about every fetch (metrics).
	Observe func(err error)

	mu      sync.Mutex
	keys    []jose.JSONWebKey
	fetched time.Time // last successful fetch
	tried   time.Time // last attempt
	lastErr error

	fetchMu sync.Mutex
}

// ErrJWKSUnavailable means the provider's keys could not be loaded.
var ErrJWKSUnavailable = errors.New("the identity provider's signing keys (JWKS) could not be loaded")

// Loaded reports whether keys were fetched at least once.
func (k *JWKS) Loaded() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return !k.fetched.IsZero()
}

// LastError is the error of the last failed fetch, nil after a success.
func (k *JWKS) LastError() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.lastErr
}

// Load fetches the keys now.
func (k *JWKS) Load(ctx context.Context) error {
	return k.refresh(ctx, time.Time{})
}

// Key finds the verification key for a token header. kid may be empty when
// the provider publishes a single key.
func (k *JWKS) Key(ctx context.Context, kid, alg string) (*jose.JSONWebKey, error) {
	k.mu.Lock()
	key := k.find(kid, alg)
	stale := !k.fetched.IsZero() && time.Since(k.fetched) > k.maxAge()
	mayRefetch := k.tried.IsZero() || time.Since(k.tried) >= k.minRefresh()
	asked := time.Now()
	k.mu.Unlock()
	if key != nil {
		if stale && mayRefetch {
			go func() { _ = k.refresh(context.WithoutCancel(ctx), asked) }()
		}
		return key, nil
	}
	if !mayRefetch {
		if !k.Loaded() {
			return nil, k.unavailable()
		}
		return nil, fmt.Errorf("no signing key with id %q at the identity provider", kid)
	}
	if err := k.refresh(ctx, asked); err != nil {
		return nil, err
	}
	k.mu.Lock()
	key = k.find(kid, alg)
	k.mu.Unlock()
	if key == nil {
		return nil, fmt.Errorf("no signing key with id %q at the identity provider, even after refetching its keys", kid)
	}
	return key, nil
}

func (k *JWKS) unavailable() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.lastErr != nil {
		return fmt.Errorf("%w: %v", ErrJWKSUnavailable, k.lastErr)
	}
	return ErrJWKSUnavailable
}

// find looks the key up; k.mu is held.
func (k *JWKS) find(kid, alg string) *jose.JSONWebKey {
	var only *jose.JSONWebKey
	n := 0
	for i := range k.keys {
		key := &k.keys[i]
		if key.Use != "" && key.Use != "sig" {
			continue
		}
		if key.Algorithm != "" && alg != "" && key.Algorithm != alg {
			continue
		}
		if kid != "" && key.KeyID == kid {
			return key
		}
		only = key
		n++
	}
	if kid == "" && n == 1 {
		return only
	}
	return nil
}

// refresh fetches the keys unless another caller did so after asked. The
// fetch runs under its own timeout, not the caller's ctx, so one client
// going away does not fail the others waiting for it.
func (k *JWKS) refresh(ctx context.Context, asked time.Time) error {
	k.fetchMu.Lock()
	defer k.fetchMu.Unlock()
	k.mu.Lock()
	if !asked.IsZero() && k.tried.After(asked) {
		err := k.lastErr
		k.mu.Unlock()
		if err != nil {
			return fmt.Errorf("%w: %v", ErrJWKSUnavailable, err)
		}
		return nil
	}
	k.tried = time.Now()
	k.mu.Unlock()

	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	keys, err := k.fetch(fctx)
	if k.Observe != nil {
		k.Observe(err)
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.lastErr = err
	if err != nil {
		return fmt.Errorf("%w: %v", ErrJWKSUnavailable, err)
	}
	k.keys, k.fetched = keys, time.Now()
	return nil
}

func (k *JWKS) fetch(ctx context.Context) ([]jose.JSONWebKey, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, k.URL, nil)
	if err != nil {
		return nil, fmt.Errorf("jwks_uri %q: %w", k.URL, err)
	}
	req.Header.Set("Accept", "application/json")
	hc := k.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", k.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", k.URL, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s answered HTTP %d", k.URL, resp.StatusCode)
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(body, &set); err != nil {
		return nil, fmt.Errorf("%s is not a JWK set: %w", k.URL, err)
	}
	if len(set.Keys) == 0 {
		return nil, fmt.Errorf("%s holds no keys", k.URL)
	}
	return set.Keys, nil
}

func (k *JWKS) minRefresh() time.Duration {
	if k.MinRefresh > 0 {
		return k.MinRefresh
	}
	return 10 * time.Second
}

func (k *JWKS) maxAge() time.Duration {
	if k.MaxAge > 0 {
		return k.MaxAge
	}
	return time.Hour
}
