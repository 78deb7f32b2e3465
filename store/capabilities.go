package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// The capabilities cache holds, per account, the last document describing
// what the account's server offers (the caller decides its form; the MCP
// server keeps which toolsets the server has). It holds no secret and works
// without the key. A stale document is only ever a first guess: the caller
// refreshes it from the server and saves the new one.

// SaveCapabilities records doc as the account's current capabilities.
func (s *Store) SaveCapabilities(ctx context.Context, account string, doc []byte) error {
	if account == "" {
		return errors.New("save capabilities: the account is required")
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO capabilities_cache (account, document, fetched_at) VALUES (?, ?, ?)
		ON CONFLICT(account) DO UPDATE SET document = excluded.document, fetched_at = excluded.fetched_at`,
		account, doc, s.nowUnix())
	if err != nil {
		return fmt.Errorf("save capabilities of %s: %w", account, err)
	}
	return nil
}

// Capabilities returns the document last saved for the account and when;
// ok is false when there is none.
func (s *Store) Capabilities(ctx context.Context, account string) (doc []byte, fetched time.Time, ok bool, err error) {
	var at int64
	err = s.db.QueryRowContext(ctx, `SELECT document, fetched_at FROM capabilities_cache WHERE account = ?`, account).Scan(&doc, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, time.Time{}, false, nil
	}
	if err != nil {
		return nil, time.Time{}, false, fmt.Errorf("read capabilities of %s: %w", account, err)
	}
	return doc, fromUnix(at), true, nil
}
