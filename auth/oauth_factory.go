package auth

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/store"
)

// DefaultTokenAudience is the audience asked for in a token exchange: the
// name Nextcloud is known by at the identity provider.
const DefaultTokenAudience = "nextcloud"

// MCPServerAudience is always accepted in the subject token's aud: it is the
// conventional audience of tokens issued for an MCP server.
const MCPServerAudience = "mcp-server"

// ExchangeSettings configure RFC 8693 token exchange.
type ExchangeSettings struct {
	// Audience requested for Nextcloud (NEXTCLOUD_MCP_TOKEN_AUDIENCE); default "nextcloud".
	Audience string
	// ClientID is the audience the user's token must carry when it is not
	// "mcp-server" (NEXTCLOUD_MCP_CLIENT_ID); default the client id of the login.
	ClientID string
}

// exchanger trades subject tokens of the stored session for Nextcloud tokens.
func (x ExchangeSettings) exchanger(t store.OAuthToken, subject nextcloud.TokenSource, hc *http.Client, now func() time.Time) *Exchanger {
	accepted := x.ClientID
	if accepted == "" {
		accepted = t.ClientID
	}
	aud := x.Audience
	if aud == "" {
		aud = DefaultTokenAudience
	}
	return &Exchanger{
		TokenURL: t.TokenURL, ClientID: t.ClientID, ClientSecret: t.ClientSecret,
		Audience: aud, AcceptedAudiences: []string{MCPServerAudience, accepted},
		Subject: subject, HTTPClient: hc, Now: now,
	}
}

// notSignedInOAuth matches ErrNoCredentials; its text is what tools show.
type notSignedInOAuth struct{}

func (notSignedInOAuth) Error() string {
	return "not signed in with OAuth: run `nextcloud-mcp login --oauth` in a terminal"
}

func (notSignedInOAuth) Is(target error) bool { return target == ErrNoCredentials }

// ErrNotSignedInOAuth is returned when the store holds no OAuth session.
var ErrNotSignedInOAuth error = notSignedInOAuth{}

// OAuthFactory serves the OAuth session stored by `login --oauth`, in
// pass-through mode (the user's token goes to Nextcloud) or token-exchange
// mode (it is exchanged for a Nextcloud token first). The store is opened on
// the first Client call, when a token must be read. One client is built per
// session and reused; renewed tokens flow into it without a rebuild.
type OAuthFactory struct {
	mode     string
	store    *StoreOpener
	opts     ClientOptions
	exchange ExchangeSettings
	recheck  time.Duration
	now      func() time.Time

	mu      sync.Mutex
	client  *nextcloud.Client
	session oauthSession
	checked time.Time
}

// oauthSession identifies what the current client was built from: a change
// of any of these needs a new client.
type oauthSession struct {
	account  string
	login    string
	server   string
	clientID string
	tokenURL string
}

// NewOAuthFactory builds the factory for mode ModeOAuth or ModeTokenExchange.
func NewOAuthFactory(mode string, st *StoreOpener, o ClientOptions, x ExchangeSettings) *OAuthFactory {
	return &OAuthFactory{mode: mode, store: st, opts: o, exchange: x, recheck: DefaultRecheck, now: time.Now}
}

// Mode implements Factory.
func (f *OAuthFactory) Mode() string { return f.mode }

// Client implements Factory.
func (f *OAuthFactory) Client(ctx context.Context) (*nextcloud.Client, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.client != nil && f.now().Sub(f.checked) < f.recheck {
		return f.client, nil
	}
	st, err := f.store.Open(ctx)
	if err != nil {
		return nil, err
	}
	a, t, err := StoredOAuthSession(ctx, st)
	if err != nil {
		return nil, ExplainStoreError(err, f.store.Keys)
	}
	s := oauthSession{account: a.Key, login: a.Login, server: a.ServerURL, clientID: t.ClientID, tokenURL: t.TokenURL}
	if f.client != nil && s == f.session {
		f.checked = f.now()
		return f.client, nil
	}
	if t.TokenURL == "" && t.RefreshToken != "" {
		return nil, fmt.Errorf("the stored OAuth session of %s does not say where to renew it: run `nextcloud-mcp login --oauth` again", a.Key)
	}
	if err := f.build(st, a, t, s); err != nil {
		return nil, err
	}
	return f.client, nil
}

func (f *OAuthFactory) build(st *store.Store, a store.Account, t store.OAuthToken, s oauthSession) error {
	hc, err := f.opts.HTTPClient()
	if err != nil {
		return err
	}
	src := NewRefreshingSource(OAuthEndpoints{TokenURL: t.TokenURL}, t.ClientID, t.ClientSecret,
		OAuthToken{AccessToken: t.AccessToken, RefreshToken: t.RefreshToken, Expiry: t.Expiry}, hc)
	src.now = f.now
	key := a.Key
	src.Reload = func(ctx context.Context) (OAuthToken, bool, error) {
		cur, ok, err := st.OAuthToken(ctx, key)
		if err != nil || !ok || cur.ClientID != t.ClientID {
			return OAuthToken{}, false, err
		}
		return OAuthToken{AccessToken: cur.AccessToken, RefreshToken: cur.RefreshToken, Expiry: cur.Expiry}, true, nil
	}
	// The rotated refresh token is re-sealed before it is used: the old one
	// is already spent, so losing the new one would end the session.
	src.Persist = func(ctx context.Context, nt OAuthToken) error {
		cur, ok, err := st.OAuthToken(ctx, key)
		if err != nil {
			return ExplainStoreError(err, f.store.Keys)
		}
		if !ok {
			cur = t
		}
		cur.Account, cur.AccessToken, cur.RefreshToken, cur.Expiry = key, nt.AccessToken, nt.RefreshToken, nt.Expiry
		return st.SaveOAuthToken(ctx, cur)
	}
	var tokens nextcloud.TokenSource = src
	if f.mode == ModeTokenExchange {
		// The refresh token only ever goes to the identity provider.
		tokens = f.exchange.exchanger(t, src, hc, f.now)
	}
	// Notes and Deck refuse Bearer; BearerAuth sends them Basic login:token.
	c, err := f.opts.NewClient(a.ServerURL, nextcloud.BearerAuth{User: a.Login, Tokens: tokens})
	if err != nil {
		return fmt.Errorf("stored account %s: %w", a.Key, err)
	}
	f.client, f.session, f.checked = c, s, f.now()
	return nil
}

// StoredOAuthSession finds the OAuth session serve uses: the default account
// when it signs in with OAuth, else the first account that does.
func StoredOAuthSession(ctx context.Context, st *store.Store) (store.Account, store.OAuthToken, error) {
	a, ok, err := st.DefaultAccount(ctx)
	if err != nil {
		return store.Account{}, store.OAuthToken{}, err
	}
	if !ok || a.Kind != store.KindOAuth {
		accts, err := st.Accounts(ctx)
		if err != nil {
			return store.Account{}, store.OAuthToken{}, err
		}
		ok = false
		for _, c := range accts {
			if c.Kind == store.KindOAuth {
				a, ok = c, true
				break
			}
		}
	}
	if !ok {
		return store.Account{}, store.OAuthToken{}, ErrNotSignedInOAuth
	}
	t, ok, err := st.OAuthToken(ctx, a.Key)
	if err != nil {
		return store.Account{}, store.OAuthToken{}, err
	}
	if !ok {
		return store.Account{}, store.OAuthToken{}, fmt.Errorf("%w (the account %s has no OAuth session)", ErrNotSignedInOAuth, a.Key)
	}
	return a, t, nil
}
