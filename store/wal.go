package store

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
// stored in the file, so every later connection opens in it. The switch
// needs the file to itself, and SQLite answers BUSY at once, without
// waiting out busy_timeout, when another connection is opening the same
// fresh file at that moment: it is tried again for up to busyTimeout. That
// is why journal_mode is not among the DSN's pragmas, where a BUSY would
// fail the whole open.
func enableWAL(ctx context.Context, db *sql.DB) error {
	deadline := time.Now().Add(busyTimeout)
	for {
		var mode string
		err := db.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode)
		if err == nil && mode == "wal" {
			return nil
		}
		if err == nil {
			err = db.QueryRowContext(ctx, `PRAGMA journal_mode=WAL`).Scan(&mode)
			if err == nil {
				// A file system without shared memory keeps the old mode; the
				// store still works there, with readers waiting for writers.
				return nil
			}
		}
		if !errors.Is(err, sqlite3.BUSY) && !errors.Is(err, sqlite3.LOCKED) {
			return fmt.Errorf("switch to WAL: %w", err)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("switch to WAL: %w", err)
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
