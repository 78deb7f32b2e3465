package index

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/ncruces/go-sqlite3"
)

// enableWAL switches the file to write-ahead logging once; the mode is
// stored in the file, so later connections open in it. The switch needs
// the file to itself, and SQLite answers BUSY at once, without waiting out
// busy_timeout, when another process is opening the same fresh file: it is
// tried again for up to busyTimeout. In the DSN's pragmas a BUSY would fail
// the open, and a failed open is taken for a damaged file and rebuilt.
func enableWAL(ctx context.Context, db *sql.DB) error {
	deadline := time.Now().Add(busyTimeout)
	for {
		var mode string
		err := db.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode)
		if err == nil && mode == "wal" {
			return nil
		}
		if err == nil {
			if err = db.QueryRowContext(ctx, `PRAGMA journal_mode=WAL`).Scan(&mode); err == nil {
				return nil // a file system without shared memory keeps the old mode
			}
		}
		if !isBusy(err) || time.Now().After(deadline) {
			return fmt.Errorf("switch the index to WAL: %w", err)
		}
		t := time.NewTimer(time.Duration(5+rand.IntN(20)) * time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// isBusy reports another connection holding the lock: a reason to wait or
// give up, never to take the file for damaged.
func isBusy(err error) bool {
	return errors.Is(err, sqlite3.BUSY) || errors.Is(err, sqlite3.LOCKED)
}
