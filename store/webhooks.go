package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Webhook is a webhook listener this tool registered on a server. Records
// hold no secret, so they work without the encryption key.
type Webhook struct {
	// Account is the AccountKey of the account that registered it.
	Account string
	// ID is the listener id the server assigned.
	ID int64
	// Preset is the preset that registered it; "" means none.
	Preset    string
	Event     string
	URI       string
	CreatedAt time.Time
}

const webhookColumns = `account, id, coalesce(preset, ''), event, uri, created_at`

func scanWebhook(row interface{ Scan(...any) error }) (Webhook, error) {
	var w Webhook
	var created int64
	err := row.Scan(&w.Account, &w.ID, &w.Preset, &w.Event, &w.URI, &created)
	w.CreatedAt = fromUnix(created)
	return w, err
}

// SaveWebhook records a webhook. The same (Account, ID) again replaces the
// row, preset included. A zero CreatedAt is set to now.
func (s *Store) SaveWebhook(ctx context.Context, w Webhook) error {
	if w.Account == "" {
		return errors.New("save webhook: the account is required")
	}
	created := toUnix(w.CreatedAt)
	if created == 0 {
		created = s.nowUnix()
	}
	var preset any
	if w.Preset != "" {
		preset = w.Preset
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO registered_webhooks (account, id, preset, event, uri, created_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT(account, id) DO UPDATE SET preset = excluded.preset, event = excluded.event, uri = excluded.uri, created_at = excluded.created_at`,
		w.Account, w.ID, preset, w.Event, w.URI, created)
	if err != nil {
		return fmt.Errorf("save webhook %d of %s: %w", w.ID, w.Account, err)
	}
	return nil
}

// Webhook returns one record.
func (s *Store) Webhook(ctx context.Context, account string, id int64) (Webhook, bool, error) {
	w, err := scanWebhook(s.db.QueryRowContext(ctx, `SELECT `+webhookColumns+` FROM registered_webhooks WHERE account = ? AND id = ?`, account, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Webhook{}, false, nil
	}
	if err != nil {
		return Webhook{}, false, fmt.Errorf("read webhook %d of %s: %w", id, account, err)
	}
	return w, true, nil
}

// WebhooksByPreset lists the account's records of one preset, newest first.
// preset "" lists the records that belong to no preset.
func (s *Store) WebhooksByPreset(ctx context.Context, account, preset string) ([]Webhook, error) {
	return s.listWebhooks(ctx, `WHERE account = ? AND coalesce(preset, '') = ?`, account, preset)
}

// DeleteWebhook removes one record; it reports whether it existed.
func (s *Store) DeleteWebhook(ctx context.Context, account string, id int64) (bool, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM registered_webhooks WHERE account = ? AND id = ?`, account, id)
	if err != nil {
		return false, fmt.Errorf("delete webhook %d of %s: %w", id, account, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// Webhooks lists the account's records, newest first; account "" lists all.
func (s *Store) Webhooks(ctx context.Context, account string) ([]Webhook, error) {
	if account == "" {
		return s.listWebhooks(ctx, ``)
	}
	return s.listWebhooks(ctx, `WHERE account = ?`, account)
}

// ClearPreset deletes the account's records of one preset, leaving every
// other preset alone, and returns how many it deleted.
func (s *Store) ClearPreset(ctx context.Context, account, preset string) (int, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM registered_webhooks WHERE account = ? AND coalesce(preset, '') = ?`, account, preset)
	if err != nil {
		return 0, fmt.Errorf("clear preset %q of %s: %w", preset, account, err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

func (s *Store) listWebhooks(ctx context.Context, where string, args ...any) ([]Webhook, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+webhookColumns+` FROM registered_webhooks `+where+` ORDER BY created_at DESC, id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("list webhooks: %w", err)
	}
	defer rows.Close()
	var out []Webhook
	for rows.Next() {
		w, err := scanWebhook(rows)
		if err != nil {
			return nil, fmt.Errorf("list webhooks: %w", err)
		}
		out = append(out, w)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list webhooks: %w", err)
	}
	return out, nil
}
