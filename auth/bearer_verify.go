package auth

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// TokenVerifier checks the access token a caller presents in HTTP mode: a
// JWT signed with one of the issuer's keys (JWKS), issued by Issuer,
// current (exp and nbf, with Leeway) and meant for this server (aud holds
// one of Audiences). Tokens that are not JWTs go to the Introspector (RFC
// 7662) when one is configured.
type TokenVerifier struct {
	Issuer    string
	Audiences []string
	Keys      *JWKS
	// Introspector checks opaque tokens; nil refuses them.
	Introspector *Introspector
	// Leeway absorbs clock skew on exp and nbf; default 30 s.
	Leeway time.Duration
	Now    func() time.Time

	verified verifiedTokens
	// signatureChecks counts the signatures verified (tests).
	signatureChecks atomic.Int64
}

// VerifiedToken is what the verified token says about its holder.
type VerifiedToken struct {
	Issuer   string
	Subject  string
	Audience []string
	Expiry   time.Time
}

// TokenErrorKind says how a refused token maps onto HTTP.
type TokenErrorKind int

// Kinds of refusal.
const (
	// TokenInvalid: malformed, badly signed, expired, wrong issuer (401).
	TokenInvalid TokenErrorKind = iota
	// TokenWrongAudience: a valid token meant for another service (403).
	TokenWrongAudience
	// TokenUnverifiable: the provider's keys or introspection are out of reach (503).
	TokenUnverifiable
)

// TokenError is a refused access token. Msg never contains the token.
type TokenError struct {
	Kind TokenErrorKind
	Msg  string
	// Expired is set when the token only ran out of time.
	Expired bool
	Err     error
}

func (e *TokenError) Error() string { return e.Msg }
func (e *TokenError) Unwrap() error { return e.Err }

// signatureAlgorithms are the asymmetric algorithms accepted; HMAC and
// "none" are refused, as no secret is shared with the provider.
var signatureAlgorithms = []jose.SignatureAlgorithm{
	jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512,
	jose.ES256, jose.ES384, jose.ES512, jose.EdDSA,
}

// Verify checks raw and returns what it says about its holder.
func (v *TokenVerifier) Verify(ctx context.Context, raw string) (*VerifiedToken, error) {
	sum := sha256.Sum256([]byte(raw))
	if vt, ok := v.verified.lookup(ctx, sum, v.now(), v.Keys); ok {
		return vt, nil
	}
	if !looksLikeJWT(raw) {
		if v.Introspector == nil {
			return nil, &TokenError{Kind: TokenInvalid, Msg: "the access token is not a JWT and this server does not introspect opaque tokens: configure the identity provider to issue JWT access tokens, or start the server with --introspect"}
		}
		return v.Introspector.Verify(ctx, raw, v.Audiences)
	}
	tok, err := jwt.ParseSigned(raw, signatureAlgorithms)
	if err != nil {
		return nil, &TokenError{Kind: TokenInvalid, Msg: "the access token is not a well-formed signed JWT: " + joseReason(err), Err: err}
	}
	if len(tok.Headers) != 1 {
		return nil, &TokenError{Kind: TokenInvalid, Msg: "the access token must carry exactly one signature"}
	}
	h := tok.Headers[0]
	key, err := v.Keys.Key(ctx, h.KeyID, h.Algorithm)
	if err != nil {
		if errors.Is(err, ErrJWKSUnavailable) {
			return nil, &TokenError{Kind: TokenUnverifiable, Msg: err.Error() + ": the token cannot be checked now; try again shortly", Err: err}
		}
		return nil, &TokenError{Kind: TokenInvalid, Msg: "the access token was not signed by the identity provider " + v.Issuer + ": " + err.Error(), Err: err}
	}
	var claims jwt.Claims
	v.signatureChecks.Add(1)
	if err := tok.Claims(key.Key, &claims); err != nil {
		return nil, &TokenError{Kind: TokenInvalid, Msg: "the access token's signature does not verify with the identity provider's key " + quoteKID(h.KeyID), Err: err}
	}
	if claims.Expiry == nil {
		return nil, &TokenError{Kind: TokenInvalid, Msg: "the access token has no expiry (exp): the identity provider must issue expiring tokens"}
	}
	now := v.now()
	if err := claims.ValidateWithLeeway(jwt.Expected{Issuer: v.Issuer, Time: now}, v.leeway()); err != nil {
		return nil, &TokenError{Kind: TokenInvalid, Msg: claimReason(err, claims, v.Issuer), Expired: errors.Is(err, jwt.ErrExpired), Err: err}
	}
	if claims.Subject == "" {
		return nil, &TokenError{Kind: TokenInvalid, Msg: "the access token names no subject (sub)"}
	}
	aud := []string(claims.Audience)
	if !audienceMatches(aud, v.Audiences) {
		return nil, &TokenError{Kind: TokenWrongAudience, Msg: fmt.Sprintf("the access token is for %s, not for this server: its audience (aud) must include %s", describeAud(aud), strings.Join(quoteAll(v.Audiences), " or "))}
	}
	vt := &VerifiedToken{Issuer: claims.Issuer, Subject: claims.Subject, Audience: aud, Expiry: claims.Expiry.Time()}
	v.verified.store(sum, vt, vt.Expiry.Add(v.leeway()), h.KeyID, h.Algorithm, key, now)
	return vt, nil
}

func (v *TokenVerifier) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}

func (v *TokenVerifier) leeway() time.Duration {
	if v.Leeway > 0 {
		return v.Leeway
	}
	return 30 * time.Second
}

// looksLikeJWT: three base64url segments whose first decodes to a JSON
// header naming an algorithm.
func looksLikeJWT(raw string) bool {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return false
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return false
	}
	var h struct {
		Alg string `json:"alg"`
	}
	return json.Unmarshal(b, &h) == nil && h.Alg != ""
}

func audienceMatches(have, accepted []string) bool {
	return slices.ContainsFunc(have, func(a string) bool { return slices.Contains(accepted, a) })
}

func describeAud(aud []string) string {
	if len(aud) == 0 {
		return "no audience"
	}
	return "audience " + strings.Join(quoteAll(aud), ", ")
}

func quoteAll(s []string) []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = fmt.Sprintf("%q", x)
	}
	return out
}

func quoteKID(kid string) string {
	if kid == "" {
		return "(no key id)"
	}
	return fmt.Sprintf("%q", kid)
}

func claimReason(err error, c jwt.Claims, issuer string) string {
	switch {
	case errors.Is(err, jwt.ErrExpired):
		return "the access token expired at " + c.Expiry.Time().UTC().Format(time.RFC3339) + ": get a new one from the identity provider"
	case errors.Is(err, jwt.ErrNotValidYet):
		return "the access token is not valid before " + c.NotBefore.Time().UTC().Format(time.RFC3339) + ": check the clocks"
	case errors.Is(err, jwt.ErrIssuedInTheFuture):
		return "the access token was issued in the future: check the clocks"
	case errors.Is(err, jwt.ErrInvalidIssuer):
		return fmt.Sprintf("the access token was issued by %q, not by %q", c.Issuer, issuer)
	}
	return "the access token's claims are not valid"
}

// joseReason keeps library prefixes out of the sentence.
func joseReason(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		msg = msg[i+2:]
	}
	return strings.TrimPrefix(msg, "go-jose/go-jose: ")
}
