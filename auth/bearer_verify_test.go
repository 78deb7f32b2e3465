package auth

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// keyServer publishes a JWK set that the test changes, and counts fetches.
type keyServer struct {
	t    testing.TB
	srv  *httptest.Server
	mu   sync.Mutex
	keys map[string]*rsa.PrivateKey
	// published lists the key ids served; down answers 503.
	published []string
	down      bool
	fetches   int
}

func newKeyServer(t testing.TB) *keyServer {
	ks := &keyServer{t: t, keys: map[string]*rsa.PrivateKey{}}
	ks.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		ks.mu.Lock()
		defer ks.mu.Unlock()
		ks.fetches++
		if ks.down {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		var set jose.JSONWebKeySet
		for _, id := range ks.published {
			set.Keys = append(set.Keys, jose.JSONWebKey{Key: &ks.keys[id].PublicKey, KeyID: id, Algorithm: "RS256", Use: "sig"})
		}
		json.NewEncoder(w).Encode(set)
	}))
	t.Cleanup(ks.srv.Close)
	return ks
}

// addKey creates a key; publish puts it in the served set.
func (ks *keyServer) addKey(id string, publish bool) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		ks.t.Fatal(err)
	}
	ks.mu.Lock()
	defer ks.mu.Unlock()
	ks.keys[id] = k
	if publish {
		ks.published = append(ks.published, id)
	}
}

func (ks *keyServer) publish(id string) {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	ks.published = append(ks.published, id)
}

func (ks *keyServer) setDown(v bool) {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	ks.down = v
}

func (ks *keyServer) fetchCount() int {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	return ks.fetches
}

const testIssuer = "https://idp.example.test/realms/acme"

// sign makes a JWT with the key id (signed by key signWith, default id).
func (ks *keyServer) sign(id string, c jwt.Claims, signWith ...string) string {
	key := id
	if len(signWith) > 0 {
		key = signWith[0]
	}
	ks.mu.Lock()
	priv := ks.keys[key]
	ks.mu.Unlock()
	opts := (&jose.SignerOptions{}).WithType("at+jwt")
	if id != "" {
		opts = opts.WithHeader("kid", id)
	}
	sig, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: priv}, opts)
	if err != nil {
		ks.t.Fatal(err)
	}
	tok, err := jwt.Signed(sig).Claims(c).Serialize()
	if err != nil {
		ks.t.Fatal(err)
	}
	return tok
}

func claimsFor(sub string, aud []string, exp time.Time) jwt.Claims {
	return jwt.Claims{Issuer: testIssuer, Subject: sub, Audience: aud, Expiry: jwt.NewNumericDate(exp), IssuedAt: jwt.NewNumericDate(time.Now().Add(-time.Minute))}
}

func newTestVerifier(ks *keyServer) *TokenVerifier {
	return &TokenVerifier{Issuer: testIssuer, Audiences: []string{MCPServerAudience, "nextcloud-mcp"},
		Keys: &JWKS{URL: ks.srv.URL, MinRefresh: time.Hour}, Leeway: 30 * time.Second}
}

func wantKind(t *testing.T, err error, kind TokenErrorKind, words string) {
	t.Helper()
	var te *TokenError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v, want a TokenError", err)
	}
	if te.Kind != kind {
		t.Fatalf("kind = %d (%s), want %d", te.Kind, te.Msg, kind)
	}
	if !strings.Contains(te.Msg, words) {
		t.Fatalf("message %q does not say %q", te.Msg, words)
	}
}

func TestVerifierAcceptsAndRefusesTokens(t *testing.T) {
	ks := newKeyServer(t)
	ks.addKey("k1", true)
	ks.addKey("intruder", false)
	v := newTestVerifier(ks)
	ctx := context.Background()
	now := time.Now()

	good := ks.sign("k1", claimsFor("user-1", []string{"mcp-server"}, now.Add(time.Hour)))
	vt, err := v.Verify(ctx, good)
	if err != nil || vt.Subject != "user-1" || vt.Issuer != testIssuer {
		t.Fatalf("valid token: %+v, %v", vt, err)
	}
	// The configured client id is an accepted audience too.
	if _, err := v.Verify(ctx, ks.sign("k1", claimsFor("user-1", []string{"account", "nextcloud-mcp"}, now.Add(time.Hour)))); err != nil {
		t.Fatalf("client-id audience: %v", err)
	}
	// Within the leeway an expired token still passes; beyond it, not.
	if _, err := v.Verify(ctx, ks.sign("k1", claimsFor("u", []string{"mcp-server"}, now.Add(-10*time.Second)))); err != nil {
		t.Fatalf("expired within leeway: %v", err)
	}
	_, err = v.Verify(ctx, ks.sign("k1", claimsFor("u", []string{"mcp-server"}, now.Add(-2*time.Minute))))
	wantKind(t, err, TokenInvalid, "expired")

	nbf := claimsFor("u", []string{"mcp-server"}, now.Add(time.Hour))
	nbf.NotBefore = jwt.NewNumericDate(now.Add(5 * time.Minute))
	_, err = v.Verify(ctx, ks.sign("k1", nbf))
	wantKind(t, err, TokenInvalid, "not valid before")

	_, err = v.Verify(ctx, ks.sign("k1", claimsFor("u", []string{"nextcloud"}, now.Add(time.Hour))))
	wantKind(t, err, TokenWrongAudience, `"nextcloud"`)

	other := claimsFor("u", []string{"mcp-server"}, now.Add(time.Hour))
	other.Issuer = "https://evil.example.test"
	_, err = v.Verify(ctx, ks.sign("k1", other))
	wantKind(t, err, TokenInvalid, "issued by")

	// Signed by a key the provider never published, under a published key id.
	_, err = v.Verify(ctx, ks.sign("k1", claimsFor("u", []string{"mcp-server"}, now.Add(time.Hour)), "intruder"))
	wantKind(t, err, TokenInvalid, "signature does not verify")

	noExp := claimsFor("u", []string{"mcp-server"}, now)
	noExp.Expiry = nil
	_, err = v.Verify(ctx, ks.sign("k1", noExp))
	wantKind(t, err, TokenInvalid, "no expiry")

	// HMAC and unsigned tokens are refused whatever they claim.
	hs, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: []byte("0123456789abcdef0123456789abcdef")}, nil)
	hsTok, _ := jwt.Signed(hs).Claims(claimsFor("u", []string{"mcp-server"}, now.Add(time.Hour))).Serialize()
	_, err = v.Verify(ctx, hsTok)
	wantKind(t, err, TokenInvalid, "not a well-formed signed JWT")
	payload, _ := json.Marshal(claimsFor("u", []string{"mcp-server"}, now.Add(time.Hour)))
	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none"}`)) + "." + base64.RawURLEncoding.EncodeToString(payload) + "."
	_, err = v.Verify(ctx, none)
	wantKind(t, err, TokenInvalid, "not a well-formed signed JWT")

	_, err = v.Verify(ctx, "opaque-token-without-dots")
	wantKind(t, err, TokenInvalid, "not a JWT")
}

func TestVerifierRefetchesKeysForAnUnknownKeyID(t *testing.T) {
	ks := newKeyServer(t)
	ks.addKey("k1", true)
	v := newTestVerifier(ks)
	v.Keys.MinRefresh = 500 * time.Millisecond
	ctx := context.Background()
	exp := time.Now().Add(time.Hour)
	if _, err := v.Verify(ctx, ks.sign("k1", claimsFor("u", []string{"mcp-server"}, exp))); err != nil {
		t.Fatal(err)
	}
	if n := ks.fetchCount(); n != 1 {
		t.Fatalf("%d fetches for the first token, want 1", n)
	}
	// Keys and tokens are made up front: signing is slow on a busy machine.
	ks.addKey("k3", false)
	ks.addKey("k2", true)
	k2tok := ks.sign("k2", claimsFor("u", []string{"mcp-server"}, exp))
	k3tok := ks.sign("k3", claimsFor("u", []string{"mcp-server"}, exp))
	time.Sleep(600 * time.Millisecond)
	// The provider rotated: a token signed with the new key makes the verifier refetch.
	if _, err := v.Verify(ctx, k2tok); err != nil {
		t.Fatalf("rotated key: %v", err)
	}
	if n := ks.fetchCount(); n != 2 {
		t.Fatalf("%d fetches after rotation, want 2", n)
	}
	// Made-up key ids do not flood the provider: within MinRefresh no refetch.
	for range 20 {
		_, err := v.Verify(ctx, k3tok)
		wantKind(t, err, TokenInvalid, `"k3"`)
	}
	if n := ks.fetchCount(); n != 2 {
		t.Fatalf("%d fetches after 20 unknown key ids in a burst, want still 2", n)
	}
	// Once the provider publishes it and the interval passed, it is found.
	ks.publish("k3")
	time.Sleep(600 * time.Millisecond)
	if _, err := v.Verify(ctx, k3tok); err != nil {
		t.Fatalf("published later: %v", err)
	}
}

func TestVerifierWithTheKeysDown(t *testing.T) {
	ks := newKeyServer(t)
	ks.addKey("k1", true)
	ks.setDown(true)
	v := newTestVerifier(ks)
	v.Keys.MinRefresh = 100 * time.Millisecond
	tok := ks.sign("k1", claimsFor("u", []string{"mcp-server"}, time.Now().Add(time.Hour)))
	_, err := v.Verify(context.Background(), tok)
	wantKind(t, err, TokenUnverifiable, "could not be loaded")
	if v.Keys.Loaded() {
		t.Fatal("Loaded() is true with the JWKS endpoint down")
	}
	ks.setDown(false)
	time.Sleep(150 * time.Millisecond)
	if _, err := v.Verify(context.Background(), tok); err != nil {
		t.Fatalf("after the keys came back: %v", err)
	}
	if !v.Keys.Loaded() {
		t.Fatal("Loaded() is false after a fetch")
	}
}

func TestVerifierRemembersVerifiedTokensUntilTheyExpireOrTheKeysChange(t *testing.T) {
	ks := newKeyServer(t)
	ks.addKey("k1", true)
	ks.addKey("k2", true)
	v := newTestVerifier(ks)
	ctx := context.Background()
	exp := time.Now().Add(time.Hour)
	tok := ks.sign("k1", claimsFor("user-1", []string{"mcp-server"}, exp))
	other := ks.sign("k2", claimsFor("user-2", []string{"mcp-server"}, exp))

	for range 3 {
		vt, err := v.Verify(ctx, tok)
		if err != nil || vt.Subject != "user-1" {
			t.Fatalf("cached token: %+v, %v", vt, err)
		}
	}
	if vt, err := v.Verify(ctx, other); err != nil || vt.Subject != "user-2" {
		t.Fatalf("second token: %+v, %v", vt, err)
	}
	if n := v.signatureChecks.Load(); n != 2 {
		t.Fatalf("%d signature checks for two tokens used four times, want 2", n)
	}
	// The cache is keyed by a hash: the token itself is not kept.
	if dump := fmt.Sprintf("%+v", v.verified.entries); strings.Contains(dump, tok) || strings.Contains(dump, strings.Split(tok, ".")[2]) {
		t.Fatal("the verified-token cache holds the token")
	}

	// Past its expiry (and the leeway) a cached token is refused as a fresh one would be.
	v.Now = func() time.Time { return exp.Add(31 * time.Second) }
	_, err := v.Verify(ctx, tok)
	wantKind(t, err, TokenInvalid, "expired")
	v.Now = nil

	// After the keys are fetched again every token is checked again, and a
	// token signed by a key the provider withdrew is refused at once.
	checks := v.signatureChecks.Load()
	ks.mu.Lock()
	ks.published = []string{"k2"}
	ks.mu.Unlock()
	if err := v.Keys.Load(ctx); err != nil {
		t.Fatal(err)
	}
	_, err = v.Verify(ctx, tok)
	wantKind(t, err, TokenInvalid, `"k1"`)
	if _, err := v.Verify(ctx, other); err != nil {
		t.Fatalf("token of a key still published: %v", err)
	}
	if n := v.signatureChecks.Load() - checks; n != 1 {
		t.Fatalf("%d signature checks after the keys changed, want 1 (the still-published key's token)", n)
	}
}

func BenchmarkVerifyCachedToken(b *testing.B) {
	ks := newKeyServer(b)
	ks.addKey("k1", true)
	v := newTestVerifier(ks)
	tok := ks.sign("k1", claimsFor("u", []string{"mcp-server"}, time.Now().Add(time.Hour)))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(ctx, tok); err != nil {
			b.Fatal(err)
		}
	}
}
