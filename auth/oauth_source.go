package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// ErrSessionExpired means the refresh token no longer works; only a new sign-in helps.
var ErrSessionExpired = errors.New("your session expired; run `nextcloud-mcp login --oauth`")

// refreshMargin renews tokens this long before they expire, so a request
// never leaves with a token that dies on the way.
const refreshMargin = 30 * time.Second

// OAuthToken is a user's token set as it is stored.
type OAuthToken struct {
	AccessToken  string
	RefreshToken string
	Expiry       time.Time
}

// RefreshingSource hands out the user's access token and renews it with the
// refresh token shortly before expiry. Concurrent callers share one refresh:
// the mutex is held across it, so waiters see the renewed token.
type RefreshingSource struct {
	cfg *oauth2.Config
	hc  *http.Client
	// Persist stores a renewed token set at once: providers such as Nextcloud's
	// oauth2 app rotate the refresh token on every use, so losing it means
	// losing the session.
	Persist func(ctx context.Context, t OAuthToken) error
	// Reload reads the token set as stored now (ok false: none). Another
	// process, a second server or a new `login --oauth`, may have renewed or
	// replaced it; with rotating refresh tokens only the newest works, so the
	// stored set wins over the one held here.
	Reload func(ctx context.Context) (t OAuthToken, ok bool, err error)
	now    func() time.Time

	mu  sync.Mutex
	tok OAuthToken
	// spent is a refresh token the provider refused: it is not sent again,
	// since every refusal feeds the server's brute-force throttling.
	spent string

	refreshes int
}

// NewRefreshingSource builds a source from a stored token set.
func NewRefreshingSource(ep OAuthEndpoints, clientID, clientSecret string, tok OAuthToken, hc *http.Client) *RefreshingSource {
	return &RefreshingSource{
		cfg: &oauth2.Config{ClientID: clientID, ClientSecret: clientSecret, Endpoint: oauth2.Endpoint{AuthURL: ep.AuthURL, TokenURL: ep.TokenURL, AuthStyle: authStyle(clientSecret)}},
		hc:  hc,
		tok: tok,
		now: time.Now,
	}
}

// AccessToken implements nextcloud.TokenSource.
func (s *RefreshingSource) AccessToken(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fresh(s.tok) {
		return s.tok.AccessToken, nil
	}
	if s.reload(ctx) && s.fresh(s.tok) {
		return s.tok.AccessToken, nil
	}
	tried := s.tok.RefreshToken
	tok, err := s.refresh(ctx)
	// A refresh token spent by another process: adopt what it stored.
	if errors.Is(err, ErrSessionExpired) && s.reload(ctx) && s.tok.RefreshToken != tried {
		if s.fresh(s.tok) {
			return s.tok.AccessToken, nil
		}
		tok, err = s.refresh(ctx)
	}
	return tok, err
}

// fresh reports whether t's access token outlives the refresh margin.
func (s *RefreshingSource) fresh(t OAuthToken) bool {
	return t.AccessToken != "" && (t.Expiry.IsZero() || s.now().Add(refreshMargin).Before(t.Expiry))
}

// reload adopts the stored token set when it differs; a store that cannot be
// read is not fatal here, the refresh below says what is wrong.
func (s *RefreshingSource) reload(ctx context.Context) bool {
	if s.Reload == nil {
		return false
	}
	t, ok, err := s.Reload(ctx)
	if err != nil || !ok || (t.AccessToken == s.tok.AccessToken && t.RefreshToken == s.tok.RefreshToken) {
		return false
	}
	s.tok = t
	return true
}

// refresh renews s.tok with its refresh token; s.mu is held.
func (s *RefreshingSource) refresh(ctx context.Context) (string, error) {
	if s.tok.RefreshToken == "" || s.tok.RefreshToken == s.spent {
		return "", ErrSessionExpired
	}
	if s.hc != nil {
		ctx = context.WithValue(ctx, oauth2.HTTPClient, s.hc)
	}
	s.refreshes++
	nt, err := s.cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: s.tok.RefreshToken}).Token()
	if err != nil {
		err = redactOAuthError(err)
		var oe *OAuthError
		// Nextcloud answers invalid_request for a used or unknown refresh token,
		// standard providers invalid_grant: both mean the session is over.
		if errors.As(err, &oe) && (oe.Code == "invalid_grant" || oe.Code == "invalid_request") {
			s.spent = s.tok.RefreshToken
			return "", ErrSessionExpired
		}
		return "", fmt.Errorf("renew the access token: %w", err)
	}
	next := OAuthToken{AccessToken: nt.AccessToken, RefreshToken: nt.RefreshToken, Expiry: nt.Expiry}
	if next.RefreshToken == "" {
		next.RefreshToken = s.tok.RefreshToken
	}
	if s.Persist != nil {
		if err := s.Persist(ctx, next); err != nil {
			return "", fmt.Errorf("store the renewed token (the old refresh token may already be spent): %w", err)
		}
	}
	s.tok = next
	return next.AccessToken, nil
}

// Current returns the token set held now (for status; never print it).
func (s *RefreshingSource) Current() OAuthToken {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tok
}

// Refreshes counts the refresh calls made (tests and status).
func (s *RefreshingSource) Refreshes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refreshes
}

// authStyle sends a confidential client's credentials in the Basic header,
// which every provider here accepts, and a public client's id in the form.
// A fixed style avoids the library's guessing, which on a refusal repeats
// the request the other way and so doubles the failures a server counts.
func authStyle(secret string) oauth2.AuthStyle {
	if secret == "" {
		return oauth2.AuthStyleInParams
	}
	return oauth2.AuthStyleInHeader
}
