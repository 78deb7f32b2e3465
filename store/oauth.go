package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// OAuthToken is an account's OAuth session. The token fields are plain text
// in memory only: at rest each one is sealed, bound to its account and column.
type OAuthToken struct {
	// Account is the AccountKey of the account the tokens belong to.
	Account  string
	Issuer   string
	ClientID string
	// TokenURL is the issuer's token endpoint, where the session is renewed.
	TokenURL  string
	TokenType string
	Scope     string
	// AccessToken, RefreshToken and ClientSecret are sealed at rest; empty means none.
	AccessToken  string
	RefreshToken string
	ClientSecret string
	Expiry       time.Time
	UpdatedAt    time.Time
}

// SaveOAuthToken stores (or replaces) the account's tokens. A rotated
// refresh token is saved by calling it again with the new values.
func (s *Store) SaveOAuthToken(ctx context.Context, t OAuthToken) error {
	if t.Account == "" {
		return errors.New("save OAuth token: the account is required")
	}
	sl, err := s.key(ctx)
	if err != nil {
		return fmt.Errorf("save OAuth token of %s: %w", t.Account, err)
	}
	sealOpt := func(column, v string) ([]byte, error) {
		if v == "" {
			return nil, nil
		}
		return sl.seal([]byte(v), "oauth_tokens", column, t.Account)
	}
	access, err := sealOpt("access_token", t.AccessToken)
	if err != nil {
		return fmt.Errorf("save OAuth token of %s: %w", t.Account, err)
	}
	refresh, err := sealOpt("refresh_token", t.RefreshToken)
	if err != nil {
		return fmt.Errorf("save OAuth token of %s: %w", t.Account, err)
	}
	secret, err := sealOpt("client_secret", t.ClientSecret)
	if err != nil {
		return fmt.Errorf("save OAuth token of %s: %w", t.Account, err)
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO oauth_tokens (account, issuer, client_id, token_url, token_type, scope, access_token, refresh_token, client_secret, key_id, expiry, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(account) DO UPDATE SET issuer = excluded.issuer, client_id = excluded.client_id, token_url = excluded.token_url, token_type = excluded.token_type,
			scope = excluded.scope, access_token = excluded.access_token, refresh_token = excluded.refresh_token,
			client_secret = excluded.client_secret, key_id = excluded.key_id, expiry = excluded.expiry, updated_at = excluded.updated_at`,
		t.Account, t.Issuer, t.ClientID, t.TokenURL, t.TokenType, t.Scope, access, refresh, secret, sl.id, toUnix(t.Expiry), s.nowUnix())
	if err != nil {
		return fmt.Errorf("save OAuth token of %s: %w", t.Account, err)
	}
	return nil
}

// OAuthToken returns the account's tokens, opened. It needs the key.
func (s *Store) OAuthToken(ctx context.Context, account string) (OAuthToken, bool, error) {
	t := OAuthToken{Account: account}
	var access, refresh, secret []byte
	var keyID sql.NullString
	var expiry, updated int64
	err := s.db.QueryRowContext(ctx, `SELECT issuer, client_id, token_url, token_type, scope, access_token, refresh_token, client_secret, key_id, expiry, updated_at
		FROM oauth_tokens WHERE account = ?`, account).
		Scan(&t.Issuer, &t.ClientID, &t.TokenURL, &t.TokenType, &t.Scope, &access, &refresh, &secret, &keyID, &expiry, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return OAuthToken{}, false, nil
	}
	if err != nil {
		return OAuthToken{}, false, fmt.Errorf("read OAuth token of %s: %w", account, err)
	}
	t.Expiry, t.UpdatedAt = fromUnix(expiry), fromUnix(updated)
	sl, err := s.key(ctx)
	if err != nil {
		return OAuthToken{}, false, fmt.Errorf("open OAuth token of %s: %w", account, err)
	}
	for _, f := range []struct {
		column string
		sealed []byte
		dst    *string
	}{{"access_token", access, &t.AccessToken}, {"refresh_token", refresh, &t.RefreshToken}, {"client_secret", secret, &t.ClientSecret}} {
		if len(f.sealed) == 0 {
			continue
		}
		pt, err := sl.open(f.sealed, keyID.String, "oauth_tokens", f.column, account)
		if err != nil {
			return OAuthToken{}, false, fmt.Errorf("open OAuth token of %s: %w", account, err)
		}
		*f.dst = string(pt)
	}
	return t, true, nil
}

// DeleteOAuthToken removes the account's tokens; it reports whether there were any.
func (s *Store) DeleteOAuthToken(ctx context.Context, account string) (bool, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM oauth_tokens WHERE account = ?`, account)
	if err != nil {
		return false, fmt.Errorf("delete OAuth token of %s: %w", account, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}
