package store

import (
	"context"
	"testing"
	"time"
)

func TestOAuthTokensRoundTripAndRotate(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t, testKey(6))
	acct := AccountKey("https://x", "alice")
	if _, ok, err := s.OAuthToken(ctx, acct); ok || err != nil {
		t.Fatalf("absent token: %v %v", ok, err)
	}
	exp := time.Unix(1_900_000_000, 0)
	in := OAuthToken{Account: acct, Issuer: "https://idp", ClientID: "cid", TokenType: "Bearer", Scope: "openid",
		AccessToken: "at-1", RefreshToken: "rt-1", ClientSecret: "cs", Expiry: exp}
	if err := s.SaveOAuthToken(ctx, in); err != nil {
		t.Fatal(err)
	}
	got, ok, err := s.OAuthToken(ctx, acct)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if got.AccessToken != "at-1" || got.RefreshToken != "rt-1" || got.ClientSecret != "cs" || got.Issuer != "https://idp" ||
		got.ClientID != "cid" || got.TokenType != "Bearer" || got.Scope != "openid" || !got.Expiry.Equal(exp) || got.UpdatedAt.IsZero() {
		t.Fatalf("round trip: %+v", got)
	}
	// A rotated refresh token replaces the old one; an empty client secret stays empty.
	in.AccessToken, in.RefreshToken, in.ClientSecret = "at-2", "rt-2", ""
	if err := s.SaveOAuthToken(ctx, in); err != nil {
		t.Fatal(err)
	}
	got, _, _ = s.OAuthToken(ctx, acct)
	if got.AccessToken != "at-2" || got.RefreshToken != "rt-2" || got.ClientSecret != "" {
		t.Fatalf("after rotation: %+v", got)
	}
	if ok, _ := s.DeleteOAuthToken(ctx, acct); !ok {
		t.Fatal("delete reported nothing deleted")
	}
	if ok, _ := s.DeleteOAuthToken(ctx, acct); ok {
		t.Fatal("second delete reported true")
	}
}

func TestDeleteAccountRemovesItsOAuthTokens(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t, testKey(6))
	a, err := s.SaveAccount(ctx, Account{ServerURL: "https://x", Login: "a", Kind: KindOAuth}, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SaveOAuthToken(ctx, OAuthToken{Account: a.Key, AccessToken: "t"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeleteAccount(ctx, a.Key); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.OAuthToken(ctx, a.Key); ok {
		t.Fatal("token outlived its account")
	}
}
