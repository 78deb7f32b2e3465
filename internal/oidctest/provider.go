// Package oidctest runs a real OpenID provider (zitadel/oidc's op package)
// in-process for the OAuth and token-exchange tests: authorization code with
// PKCE, rotating refresh tokens, RFC 8693 exchange and JWT access tokens.
// Only tests import it.
package oidctest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/oauth2"
	"golang.org/x/text/language"
)

// Grant types as they appear at the token endpoint.
const (
	GrantCode     = "authorization_code"
	GrantRefresh  = "refresh_token"
	GrantExchange = "urn:ietf:params:oauth:grant-type:token-exchange"
)

// Options configure the provider; zero values get test defaults.
type Options struct {
	ClientID     string
	ClientSecret string
	// OpaqueTokens issues opaque access tokens instead of JWTs (for
	// introspection tests).
	OpaqueTokens bool
}

// User is an account at the provider.
type User struct {
	ID       string
	Username string
	Password string
}

// Provider is a running OpenID provider with one confidential native client
// (loopback redirects on any port, JWT access tokens, token exchange allowed)
// and the example storage's admin user, who may exchange tokens.
type Provider struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	// UserID is the subject of tokens issued to Username.
	UserID   string
	Username string
	Password string

	// Users are every account: Users[0] is the one above, Users[1] a second.
	Users []User

	storage *jwtStorage
	op      *op.Provider
	srv     *httptest.Server

	mu    sync.Mutex
	calls map[string]int
	// Faults the tests switch on (see SetExchangeFault, SetKeysDown).
	exchangeDelay  time.Duration
	exchangeStatus int
	keysDown       bool
	keyRequests    int
}

// Start runs a provider on a loopback port until the test ends.
func Start(t testing.TB, o Options) *Provider {
	t.Helper()
	if o.ClientID == "" {
		o.ClientID = "nextcloud-mcp"
	}
	if o.ClientSecret == "" {
		o.ClientSecret = "idp-client-secret-for-tests"
	}
	srv := httptest.NewUnstartedServer(nil)
	issuer := "http://" + srv.Listener.Addr().String()
	users := storage.NewUserStore(issuer)
	admin := users.GetUserByID("id1")
	second := users.GetUserByID("id2")
	p := &Provider{
		Issuer: issuer, ClientID: o.ClientID, ClientSecret: o.ClientSecret,
		UserID: admin.ID, Username: admin.Username, Password: admin.Password,
		Users: []User{{admin.ID, admin.Username, admin.Password}, {second.ID, second.Username, second.Password}},
		calls: map[string]int{},
	}
	tokenType := op.AccessTokenTypeJWT
	if o.OpaqueTokens {
		tokenType = op.AccessTokenTypeBearer
	}
	p.storage = &jwtStorage{
		Storage: storage.NewStorageWithClients(users, map[string]*storage.Client{}),
		client:  &nativeClient{id: o.ClientID, secret: o.ClientSecret, tokenType: tokenType},
		keys:    newKeyRing(t),
	}
	provider, err := op.NewProvider(&op.Config{
		CryptoKey:             sha256.Sum256([]byte("oidctest")),
		CodeMethodS256:        true,
		AuthMethodPost:        true,
		GrantTypeRefreshToken: true,
		SupportedUILocales:    []language.Tag{language.English},
	}, p.storage, op.StaticIssuer(issuer), op.WithAllowInsecure())
	if err != nil {
		t.Fatalf("oidctest: %v", err)
	}
	p.op = provider
	mux := http.NewServeMux()
	interceptor := op.NewIssuerInterceptor(provider.IssuerFromRequest)
	callback := op.AuthCallbackURL(provider)
	mux.HandleFunc("GET /login/username", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<form method="post"><input name="id" value="%s"><input name="username"><input name="password" type="password"></form>`, r.URL.Query().Get("authRequestID"))
	})
	mux.HandleFunc("POST /login/username", interceptor.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.FormValue("id")
		if err := p.storage.CheckUsernamePassword(r.FormValue("username"), r.FormValue("password"), id); err != nil {
			http.Error(w, "wrong username or password", http.StatusUnauthorized)
			return
		}
		http.Redirect(w, r, callback(r.Context(), id), http.StatusFound)
	}))
	mux.Handle("/", provider)
	srv.Config.Handler = p.countTokenCalls(mux)
	srv.Start()
	t.Cleanup(srv.Close)
	return p
}

// countTokenCalls counts token endpoint requests by grant type, and plays
// the faults the tests switched on.
func (p *Provider) countTokenCalls(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/keys" {
			p.mu.Lock()
			p.keyRequests++
			down := p.keysDown
			p.mu.Unlock()
			if down {
				http.Error(w, "keys unavailable", http.StatusServiceUnavailable)
				return
			}
		}
		if r.Method == http.MethodPost && r.URL.Path == "/oauth/token" {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			form, _ := url.ParseQuery(string(body))
			grant := form.Get("grant_type")
			p.mu.Lock()
			p.calls[grant]++
			delay, status := p.exchangeDelay, p.exchangeStatus
			p.mu.Unlock()
			if grant == GrantExchange {
				if delay > 0 {
					select {
					case <-time.After(delay):
					case <-r.Context().Done():
						return
					}
				}
				if status != 0 {
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(status)
					fmt.Fprint(w, `{"error":"server_error","error_description":"the exchange failed (test fault)"}`)
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// SetExchangeFault makes token exchanges wait delay, then answer status
// (0: answer normally).
func (p *Provider) SetExchangeFault(delay time.Duration, status int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.exchangeDelay, p.exchangeStatus = delay, status
}

// SetKeysDown makes the JWKS endpoint answer 503.
func (p *Provider) SetKeysDown(down bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.keysDown = down
}

// KeyRequests counts requests to the JWKS endpoint.
func (p *Provider) KeyRequests() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.keyRequests
}

// RefuseExchange makes the provider refuse every token exchange by policy.
func (p *Provider) RefuseExchange(refuse bool) { p.storage.setRefuse(refuse) }

// RotateKey signs new tokens with a fresh key whose id the JWKS did not list
// before; the old key stays published, as providers do during rotation.
func (p *Provider) RotateKey(t testing.TB) string { return p.storage.keys.rotate(t) }

// SetTokenLifetime changes the lifetime of access tokens issued from now on
// (0 restores the default; it must not be negative: expires_in is unsigned).
func (p *Provider) SetTokenLifetime(d time.Duration) { p.storage.setLifetime(d) }

// AccessToken signs user in through the authorization code flow with PKCE,
// as an MCP client would, and returns the access token it gets.
func (p *Provider) AccessToken(t testing.TB, u User) string {
	t.Helper()
	codes := make(chan string, 1)
	cb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case codes <- r.URL.Query().Get("code"):
		default:
		}
		fmt.Fprint(w, "signed in")
	}))
	defer cb.Close()
	conf := &oauth2.Config{ClientID: p.ClientID, ClientSecret: p.ClientSecret, RedirectURL: cb.URL + "/callback",
		Scopes: []string{oidc.ScopeOpenID}, Endpoint: oauth2.Endpoint{AuthURL: p.Issuer + "/authorize", TokenURL: p.TokenURL(), AuthStyle: oauth2.AuthStyleInHeader}}
	verifier := oauth2.GenerateVerifier()
	if err := p.SignIn(conf.AuthCodeURL("state", oauth2.S256ChallengeOption(verifier)), u.Username, u.Password); err != nil {
		t.Fatalf("oidctest: sign in %s: %v", u.Username, err)
	}
	var code string
	select {
	case code = <-codes:
	default:
		t.Fatal("oidctest: the callback got no code")
	}
	tok, err := conf.Exchange(context.Background(), code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("oidctest: code exchange: %v", err)
	}
	return tok.AccessToken
}

// TokenCalls returns how many token requests of the grant type arrived.
func (p *Provider) TokenCalls(grant string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.calls[grant]
}

// TokenURL is the token endpoint.
func (p *Provider) TokenURL() string { return p.Issuer + "/oauth/token" }

// RefreshTokenWorks reports whether the provider still honours rt.
func (p *Provider) RefreshTokenWorks(rt string) bool {
	_, err := p.storage.TokenRequestByRefreshToken(context.Background(), rt)
	return err == nil
}

// EndSessions revokes every token of the user for the client, as when the
// session expires or an admin signs the user out.
func (p *Provider) EndSessions(t testing.TB) {
	t.Helper()
	if err := p.storage.TerminateSession(context.Background(), p.UserID, p.ClientID); err != nil {
		t.Fatal(err)
	}
}

// Browser returns an OpenBrowser function that plays the user: it follows
// the authorization URL to the login form, signs in and follows the
// redirects back to the loopback callback. It does not block; a failure
// fails the test.
func (p *Provider) Browser(t testing.TB) func(authURL string) error {
	var wg sync.WaitGroup
	t.Cleanup(wg.Wait)
	return func(authURL string) error {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := p.SignIn(authURL, p.Username, p.Password); err != nil {
				t.Errorf("browser: %v", err)
			}
		}()
		return nil
	}
}

// SignIn walks the browser part of the authorization code flow.
func (p *Provider) SignIn(authURL, username, password string) error {
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	resp, err := hc.Get(authURL)
	if err != nil {
		return fmt.Errorf("open the authorization URL: %w", err)
	}
	resp.Body.Close()
	id := resp.Request.URL.Query().Get("authRequestID")
	if resp.StatusCode != http.StatusOK || id == "" {
		return fmt.Errorf("authorization did not reach the login form: HTTP %d at %s", resp.StatusCode, resp.Request.URL.Path)
	}
	resp, err = hc.PostForm(p.Issuer+"/login/username", url.Values{"id": {id}, "username": {username}, "password": {password}})
	if err != nil {
		return fmt.Errorf("post the login form: %w", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("the callback answered HTTP %d at %s: %s", resp.StatusCode, resp.Request.URL.Redacted(), body)
	}
	return nil
}

// Validator checks a bearer token as Nextcloud's user_oidc app would: a JWT
// signed by this provider, unexpired, whose audience holds one of
// audiences. users maps the token's subject to a Nextcloud login.
func (p *Provider) Validator(users map[string]string, audiences ...string) func(ctx context.Context, token string) (string, bool) {
	verifier := op.NewAccessTokenVerifier(p.Issuer, storageKeys{p.storage})
	return func(ctx context.Context, token string) (string, bool) {
		if strings.Count(token, ".") != 2 {
			// An opaque token: the provider's own record decides.
			plain, err := p.op.Crypto().Decrypt(token)
			if err != nil {
				return "", false
			}
			id, sub, ok := strings.Cut(plain, ":")
			if !ok {
				return "", false
			}
			for _, aud := range audiences {
				if p.storage.SetIntrospectionFromToken(ctx, new(oidc.IntrospectionResponse), id, sub, aud) == nil {
					login, ok := users[sub]
					return login, ok
				}
			}
			return "", false
		}
		claims, err := op.VerifyAccessToken[*oidc.AccessTokenClaims](ctx, token, verifier)
		if err != nil {
			return "", false
		}
		if !slices.ContainsFunc(claims.Audience, func(a string) bool { return slices.Contains(audiences, a) }) {
			return "", false
		}
		login, ok := users[claims.Subject]
		return login, ok
	}
}

// storageKeys verifies JWT signatures with the provider's own keys.
type storageKeys struct{ st op.Storage }

func (k storageKeys) VerifySignature(ctx context.Context, jws *jose.JSONWebSignature) ([]byte, error) {
	keys, err := k.st.KeySet(ctx)
	if err != nil {
		return nil, err
	}
	if len(jws.Signatures) != 1 {
		return nil, errors.New("want exactly one signature")
	}
	for _, key := range keys {
		if key.ID() == jws.Signatures[0].Header.KeyID {
			return jws.Verify(key.Key())
		}
	}
	return nil, errors.New("unknown signing key")
}

// jwtStorage serves the test client in place of the example's clients,
// signs with a key ring that can rotate, lets every user exchange tokens and
// can be told to refuse exchanges.
type jwtStorage struct {
	*storage.Storage
	client *nativeClient
	keys   *keyRing

	mu       sync.Mutex
	refuse   bool
	lifetime time.Duration
}

func (s *jwtStorage) setRefuse(v bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse = v
}

func (s *jwtStorage) setLifetime(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lifetime = d
}

// ValidateTokenExchangeRequest lets any user exchange their own token,
// unless the test made the provider refuse.
func (s *jwtStorage) ValidateTokenExchangeRequest(_ context.Context, request op.TokenExchangeRequest) error {
	s.mu.Lock()
	refuse := s.refuse
	s.mu.Unlock()
	if refuse {
		return oidc.ErrAccessDenied().WithDescription("token exchange is not allowed for this user")
	}
	if request.GetRequestedTokenType() == "" {
		request.SetRequestedTokenType(oidc.AccessTokenType)
	}
	request.SetCurrentScopes(request.GetScopes())
	return nil
}

// CreateAccessToken shortens the token's lifetime when the test asked.
func (s *jwtStorage) CreateAccessToken(ctx context.Context, request op.TokenRequest) (string, time.Time, error) {
	id, exp, err := s.Storage.CreateAccessToken(ctx, request)
	return id, s.expiry(exp), err
}

// CreateAccessAndRefreshTokens shortens the token's lifetime when the test asked.
func (s *jwtStorage) CreateAccessAndRefreshTokens(ctx context.Context, request op.TokenRequest, current string) (string, string, time.Time, error) {
	id, rt, exp, err := s.Storage.CreateAccessAndRefreshTokens(ctx, request, current)
	return id, rt, s.expiry(exp), err
}

func (s *jwtStorage) expiry(exp time.Time) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lifetime != 0 {
		return time.Now().Add(s.lifetime)
	}
	return exp
}

// SigningKey implements op.Storage with the ring's current key.
func (s *jwtStorage) SigningKey(context.Context) (op.SigningKey, error) { return s.keys.current(), nil }

// SignatureAlgorithms implements op.Storage.
func (s *jwtStorage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256}, nil
}

// KeySet implements op.Storage: every key of the ring is published.
func (s *jwtStorage) KeySet(context.Context) ([]op.Key, error) { return s.keys.public(), nil }

func (s *jwtStorage) GetClientByClientID(_ context.Context, id string) (op.Client, error) {
	if id != s.client.id {
		return nil, errors.New("client not found")
	}
	return s.client, nil
}

func (s *jwtStorage) AuthorizeClientIDSecret(_ context.Context, id, secret string) error {
	if id != s.client.id || secret != s.client.secret {
		return errors.New("invalid client")
	}
	return nil
}

// nativeClient is a desktop app with a secret: loopback redirects on any
// port (RFC 8252), JWT access tokens, allowed to exchange tokens.
type nativeClient struct {
	id, secret string
	tokenType  op.AccessTokenType
}

func (c *nativeClient) GetID() string { return c.id }
func (c *nativeClient) RedirectURIs() []string {
	return []string{"http://127.0.0.1/callback", "http://localhost/callback"}
}
func (c *nativeClient) PostLogoutRedirectURIs() []string    { return nil }
func (c *nativeClient) ApplicationType() op.ApplicationType { return op.ApplicationTypeNative }
func (c *nativeClient) AuthMethod() oidc.AuthMethod         { return oidc.AuthMethodBasic }
func (c *nativeClient) ResponseTypes() []oidc.ResponseType {
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}
func (c *nativeClient) GrantTypes() []oidc.GrantType {
	return []oidc.GrantType{oidc.GrantTypeCode, oidc.GrantTypeRefreshToken, oidc.GrantTypeTokenExchange}
}
func (c *nativeClient) LoginURL(id string) string {
	return "/login/username?authRequestID=" + url.QueryEscape(id)
}
func (c *nativeClient) AccessTokenType() op.AccessTokenType { return c.tokenType }
func (c *nativeClient) IDTokenLifetime() time.Duration      { return time.Hour }
func (c *nativeClient) DevMode() bool                       { return false }
func (c *nativeClient) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c *nativeClient) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c *nativeClient) IsScopeAllowed(string) bool           { return false }
func (c *nativeClient) IDTokenUserinfoClaimsAssertion() bool { return false }
func (c *nativeClient) ClockSkew() time.Duration             { return 0 }
