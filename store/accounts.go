package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Credential kinds an account can hold.
const (
	// KindAppPassword is a Nextcloud app password (Login Flow v2 or pasted).
	KindAppPassword = "app-password"
	// KindOAuth means the credential lives in oauth_tokens.
	KindOAuth = "oauth"
)

// Account is one Nextcloud login. Its secret is never part of this struct:
// it is sealed at rest and only AccountSecret opens it.
type Account struct {
	// Key is AccountKey(ServerURL, Login); Save fills it in.
	Key         string
	ServerURL   string
	Login       string
	DisplayName string
	Kind        string
	IsDefault   bool
	CreatedAt   time.Time
	UpdatedAt   time.Time
	VerifiedAt  time.Time
}

// AccountKey names an account: "<login>@<server URL>". The server URL should
// already be normalised (scheme, no trailing slash).
func AccountKey(serverURL, login string) string { return login + "@" + serverURL }

const accountColumns = `account, server_url, login, display_name, kind, is_default, created_at, updated_at, verified_at`

func scanAccount(row interface{ Scan(...any) error }) (Account, error) {
	var a Account
	var def int
	var created, updated, verified int64
	err := row.Scan(&a.Key, &a.ServerURL, &a.Login, &a.DisplayName, &a.Kind, &def, &created, &updated, &verified)
	a.IsDefault = def == 1
	a.CreatedAt, a.UpdatedAt, a.VerifiedAt = fromUnix(created), fromUnix(updated), fromUnix(verified)
	return a, err
}

// SaveAccount stores the account with its secret sealed, replacing an
// account with the same key (its creation time is kept). The account becomes
// the default when a.IsDefault is set or when there is no default yet. An
// empty secret stores none (OAuth accounts keep theirs in oauth_tokens).
// It returns the account as stored.
func (s *Store) SaveAccount(ctx context.Context, a Account, secret string) (Account, error) {
	if a.ServerURL == "" || a.Login == "" {
		return Account{}, errors.New("save account: server URL and login are required")
	}
	if a.Kind == "" {
		a.Kind = KindAppPassword
	}
	a.Key = AccountKey(a.ServerURL, a.Login)
	var sealed []byte
	var keyID any
	if secret != "" {
		sl, err := s.key(ctx)
		if err != nil {
			return Account{}, fmt.Errorf("save account %s: %w", a.Key, err)
		}
		if sealed, err = sl.seal([]byte(secret), "accounts", "secret", a.Key); err != nil {
			return Account{}, fmt.Errorf("save account %s: %w", a.Key, err)
		}
		keyID = sl.id
	}
	now := s.nowUnix()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Account{}, fmt.Errorf("save account %s: %w", a.Key, err)
	}
	defer tx.Rollback()
	if !a.IsDefault {
		var others int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM accounts WHERE is_default = 1 AND account <> ?`, a.Key).Scan(&others); err != nil {
			return Account{}, fmt.Errorf("save account %s: %w", a.Key, err)
		}
		a.IsDefault = others == 0
	}
	if a.IsDefault {
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET is_default = 0 WHERE is_default = 1 AND account <> ?`, a.Key); err != nil {
			return Account{}, fmt.Errorf("save account %s: %w", a.Key, err)
		}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO accounts (account, server_url, login, display_name, kind, secret, key_id, is_default, created_at, updated_at, verified_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(account) DO UPDATE SET server_url = excluded.server_url, login = excluded.login,
			display_name = excluded.display_name, kind = excluded.kind, secret = excluded.secret, key_id = excluded.key_id,
			is_default = excluded.is_default, updated_at = excluded.updated_at, verified_at = excluded.verified_at`,
		a.Key, a.ServerURL, a.Login, a.DisplayName, a.Kind, sealed, keyID, boolInt(a.IsDefault), now, now, toUnix(a.VerifiedAt))
	if err != nil {
		return Account{}, fmt.Errorf("save account %s: %w", a.Key, err)
	}
	stored, err := scanAccount(tx.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE account = ?`, a.Key))
	if err != nil {
		return Account{}, fmt.Errorf("save account %s: %w", a.Key, err)
	}
	if err := tx.Commit(); err != nil {
		return Account{}, fmt.Errorf("save account %s: %w", a.Key, err)
	}
	return stored, nil
}

// Account returns one account by key.
func (s *Store) Account(ctx context.Context, key string) (Account, bool, error) {
	a, err := scanAccount(s.db.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE account = ?`, key))
	if errors.Is(err, sql.ErrNoRows) {
		return Account{}, false, nil
	}
	if err != nil {
		return Account{}, false, fmt.Errorf("read account %s: %w", key, err)
	}
	return a, true, nil
}

// DefaultAccount returns the account serve uses when no other is named.
func (s *Store) DefaultAccount(ctx context.Context) (Account, bool, error) {
	a, err := scanAccount(s.db.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE is_default = 1`))
	if errors.Is(err, sql.ErrNoRows) {
		return Account{}, false, nil
	}
	if err != nil {
		return Account{}, false, fmt.Errorf("read the default account: %w", err)
	}
	return a, true, nil
}

// Accounts lists every account, the default first.
func (s *Store) Accounts(ctx context.Context) ([]Account, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+accountColumns+` FROM accounts ORDER BY is_default DESC, account`)
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	defer rows.Close()
	var out []Account
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, fmt.Errorf("list accounts: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	return out, nil
}

// SetDefault makes the account the default one.
func (s *Store) SetDefault(ctx context.Context, key string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("set default account: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `UPDATE accounts SET is_default = 0 WHERE is_default = 1 AND account <> ?`, key); err != nil {
		return fmt.Errorf("set default account: %w", err)
	}
	res, err := tx.ExecContext(ctx, `UPDATE accounts SET is_default = 1 WHERE account = ?`, key)
	if err != nil {
		return fmt.Errorf("set default account: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("set default account: no account %s", key)
	}
	return tx.Commit()
}

// AccountSecret opens the account's sealed secret. It needs the key; a key
// that did not seal the secret yields an error matching ErrKeyMismatch.
func (s *Store) AccountSecret(ctx context.Context, key string) (string, error) {
	var sealed []byte
	var keyID sql.NullString
	err := s.db.QueryRowContext(ctx, `SELECT secret, key_id FROM accounts WHERE account = ?`, key).Scan(&sealed, &keyID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("read the secret of %s: no such account", key)
	}
	if err != nil {
		return "", fmt.Errorf("read the secret of %s: %w", key, err)
	}
	if len(sealed) == 0 {
		return "", nil
	}
	sl, err := s.key(ctx)
	if err != nil {
		return "", fmt.Errorf("open the secret of %s: %w", key, err)
	}
	pt, err := sl.open(sealed, keyID.String, "accounts", "secret", key)
	if err != nil {
		return "", fmt.Errorf("open the secret of %s: %w", key, err)
	}
	return string(pt), nil
}

// DeleteAccount removes the account, its secret and its OAuth tokens. The
// key is not needed. It reports whether the account existed.
func (s *Store) DeleteAccount(ctx context.Context, key string) (bool, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("delete account %s: %w", key, err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `DELETE FROM accounts WHERE account = ?`, key)
	if err != nil {
		return false, fmt.Errorf("delete account %s: %w", key, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM oauth_tokens WHERE account = ?`, key); err != nil {
		return false, fmt.Errorf("delete account %s: %w", key, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("delete account %s: %w", key, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// DeleteAllAccounts removes every account and OAuth token: every sealed
// value is gone afterwards, so a new key starts from a clean slate. Webhook
// records stay; they describe registrations on the servers. The key is not
// needed. It returns how many accounts were removed.
func (s *Store) DeleteAllAccounts(ctx context.Context) (int, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("delete all accounts: %w", err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `DELETE FROM accounts`)
	if err != nil {
		return 0, fmt.Errorf("delete all accounts: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM oauth_tokens`); err != nil {
		return 0, fmt.Errorf("delete all accounts: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("delete all accounts: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// VerifyKey checks that the key opens the stored secrets, without returning
// any. With nothing stored it only checks that a key can be had.
func (s *Store) VerifyKey(ctx context.Context) error {
	sl, err := s.key(ctx)
	if err != nil {
		return err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT account, secret, key_id FROM accounts WHERE secret IS NOT NULL
		UNION ALL SELECT account, coalesce(access_token, refresh_token), key_id FROM oauth_tokens WHERE coalesce(access_token, refresh_token) IS NOT NULL`)
	if err != nil {
		return fmt.Errorf("verify key: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var row string
		var sealed []byte
		var keyID sql.NullString
		if err := rows.Scan(&row, &sealed, &keyID); err != nil {
			return fmt.Errorf("verify key: %w", err)
		}
		if keyID.String != sl.id {
			return fmt.Errorf("%w: the secret of %s was sealed with key %s, the current key is %s", ErrKeyMismatch, row, keyID.String, sl.id)
		}
	}
	return rows.Err()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
