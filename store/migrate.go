package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// migrations bring the schema from version i to i+1. They only ever move
// forward: a released step is never edited, a change is a new step.
var migrations = []string{
	// 1: accounts with their sealed credential, and OAuth tokens.
	`CREATE TABLE accounts (
		account      TEXT PRIMARY KEY,
		server_url   TEXT NOT NULL,
		login        TEXT NOT NULL,
		display_name TEXT NOT NULL DEFAULT '',
		kind         TEXT NOT NULL,
		secret       BLOB,
		key_id       TEXT,
		is_default   INTEGER NOT NULL DEFAULT 0,
		created_at   INTEGER NOT NULL,
		updated_at   INTEGER NOT NULL,
		verified_at  INTEGER NOT NULL DEFAULT 0
	);
	CREATE UNIQUE INDEX accounts_single_default ON accounts(is_default) WHERE is_default = 1;
	CREATE TABLE oauth_tokens (
		account       TEXT PRIMARY KEY,
		issuer        TEXT NOT NULL DEFAULT '',
		client_id     TEXT NOT NULL DEFAULT '',
		token_type    TEXT NOT NULL DEFAULT '',
		scope         TEXT NOT NULL DEFAULT '',
		access_token  BLOB,
		refresh_token BLOB,
		client_secret BLOB,
		key_id        TEXT,
		expiry        INTEGER NOT NULL DEFAULT 0,
		updated_at    INTEGER NOT NULL
	);`,
	// 2: webhooks this tool registered, so `webhooks list` answers offline.
	`CREATE TABLE registered_webhooks (
		account    TEXT NOT NULL,
		id         INTEGER NOT NULL,
		preset     TEXT,
		event      TEXT NOT NULL,
		uri        TEXT NOT NULL,
		created_at INTEGER NOT NULL,
		PRIMARY KEY (account, id)
	);
	CREATE INDEX registered_webhooks_preset ON registered_webhooks(account, preset);`,
	// 3: where an OAuth session is renewed, so the server refreshes without
	// fetching the issuer's discovery document first.
	`ALTER TABLE oauth_tokens ADD COLUMN token_url TEXT NOT NULL DEFAULT '';`,
	// 4: chunked upload sessions, so an interrupted upload resumes with the
	// chunks the server has (uploads.go).
	`CREATE TABLE IF NOT EXISTS upload_sessions (
		local_path  TEXT NOT NULL,
		destination TEXT NOT NULL,
		upload_id   TEXT NOT NULL,
		size        INTEGER NOT NULL,
		mtime       INTEGER NOT NULL,
		done        INTEGER NOT NULL DEFAULT 0,
		done_hash   TEXT NOT NULL DEFAULT '',
		created_at  INTEGER NOT NULL,
		updated_at  INTEGER NOT NULL,
		PRIMARY KEY (local_path, destination)
	);
	CREATE INDEX IF NOT EXISTS upload_sessions_updated ON upload_sessions(updated_at);`,
	// 5: the last capabilities seen per account, so the tool list is known
	// at start without asking the server first (capabilities.go).
	`CREATE TABLE IF NOT EXISTS capabilities_cache (
		account    TEXT PRIMARY KEY,
		document   BLOB NOT NULL,
		fetched_at INTEGER NOT NULL
	);`,
}

// LatestSchemaVersion is the schema this binary writes.
func LatestSchemaVersion() int { return len(migrations) }

// SchemaVersion reads the database's schema version.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	return readVersion(ctx, s.db)
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func readVersion(ctx context.Context, q querier) (int, error) {
	var v int
	err := q.QueryRowContext(ctx, `SELECT version FROM schema_version`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		var exists int
		if q.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name = 'schema_version'`).Scan(&exists) == nil && exists == 0 {
			return 0, nil
		}
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return v, nil
}

// migrate applies the missing steps in one write transaction, so two
// processes opening a fresh file at once cannot both apply a step.
func (s *Store) migrate(ctx context.Context) error {
	// The common case, an up-to-date file, needs no write lock at all. A
	// read that fails here may have raced another process creating
	// schema_version between its two statements: whatever it was, the
	// version is read again under the write lock, where the schema holds still.
	v, err := readVersion(ctx, s.db)
	if err == nil && v > len(migrations) {
		return tooNew(v)
	}
	if err == nil && v == len(migrations) {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil) // the driver begins IMMEDIATE: the write lock is taken up front
	if err != nil {
		return fmt.Errorf("begin migration: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("create schema_version: %w", err)
	}
	v, err = readVersion(ctx, tx)
	if err != nil {
		return err
	}
	if v > len(migrations) {
		return tooNew(v)
	}
	start := v
	for ; v < len(migrations); v++ {
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			return fmt.Errorf("migrate schema to version %d: %w", v+1, err)
		}
	}
	if start == 0 {
		_, err = tx.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (?)`, v)
	} else {
		_, err = tx.ExecContext(ctx, `UPDATE schema_version SET version = ?`, v)
	}
	if err != nil {
		return fmt.Errorf("record schema version %d: %w", v, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit migration: %w", err)
	}
	return nil
}

func tooNew(v int) error {
	return fmt.Errorf("%w: its schema version is %d and this binary knows up to %d; upgrade nextcloud-mcp (or move the file away to start over)", ErrTooNew, v, len(migrations))
}
