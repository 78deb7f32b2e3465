package index

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// The sync lease is one row naming the process that may write documents and
// until when. Taking it is a BEGIN IMMEDIATE transaction (the driver's
// default), so two processes cannot both win; every write batch re-checks it
// inside its own transaction, so a writer that lost the lease (it stalled
// past the expiry and another took over) cannot write a single row more.
// A crashed writer's lease simply runs out.

// acquireLease takes the lease if it is free, expired or already ours.
func (ix *Index) acquireLease(ctx context.Context) error {
	db, err := ix.handle(ctx)
	if err != nil {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return ix.writeError("take the sync lease", err)
	}
	defer tx.Rollback()
	var owner string
	var expires int64
	if err := tx.QueryRowContext(ctx, "SELECT owner, expires FROM lease WHERE id = 1").Scan(&owner, &expires); err != nil {
		return ix.writeError("read the sync lease", err)
	}
	now := ix.opts.Now()
	if owner != "" && owner != ix.owner && expires > now.UnixMilli() {
		return ErrBusy
	}
	if _, err := tx.ExecContext(ctx, "UPDATE lease SET owner = ?, expires = ? WHERE id = 1", ix.owner, now.Add(ix.opts.LeaseTTL).UnixMilli()); err != nil {
		return ix.writeError("take the sync lease", err)
	}
	if err := tx.Commit(); err != nil {
		return ix.writeError("take the sync lease", err)
	}
	return nil
}

// renewLease extends the lease; ErrBusy when another process holds it now.
func (ix *Index) renewLease(ctx context.Context) error {
	return ix.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "UPDATE lease SET expires = ? WHERE id = 1 AND owner = ?", ix.opts.Now().Add(ix.opts.LeaseTTL).UnixMilli(), ix.owner)
		return err
	})
}

// releaseLease gives the lease up; it never fails the caller. It runs on
// its own short deadline because the sync's context may be cancelled.
func (ix *Index) releaseLease() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	db, err := ix.handle(ctx)
	if err != nil {
		return
	}
	_, _ = db.ExecContext(ctx, "UPDATE lease SET owner = '', expires = 0 WHERE id = 1 AND owner = ?", ix.owner)
}

// LeaseHolder returns who holds an unexpired lease ("" when free).
func (ix *Index) LeaseHolder(ctx context.Context) (string, error) {
	db, err := ix.handle(ctx)
	if err != nil {
		return "", err
	}
	var owner string
	var expires int64
	if err := db.QueryRowContext(ctx, "SELECT owner, expires FROM lease WHERE id = 1").Scan(&owner, &expires); err != nil {
		return "", fmt.Errorf("read the sync lease: %w", err)
	}
	if expires <= ix.opts.Now().UnixMilli() {
		return "", nil
	}
	return owner, nil
}

// write runs fn in one write transaction, after checking this Index still
// holds the lease.
func (ix *Index) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	db, err := ix.handle(ctx)
	if err != nil {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return ix.writeError("write the index", err)
	}
	defer tx.Rollback()
	var owner string
	if err := tx.QueryRowContext(ctx, "SELECT owner FROM lease WHERE id = 1").Scan(&owner); err != nil {
		return ix.writeError("read the sync lease", err)
	}
	if owner != ix.owner {
		return ErrBusy
	}
	if err := fn(tx); err != nil {
		if errors.Is(err, ErrBusy) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		return ix.writeError("write the index", err)
	}
	if err := tx.Commit(); err != nil {
		return ix.writeError("write the index", err)
	}
	return nil
}

// writeError names a failed write; a full disk or read-only file matches
// ErrUnwritable, with the path so the user can act.
func (ix *Index) writeError(what string, err error) error {
	if isUnwritable(err) {
		return fmt.Errorf("%s %s: %w: the disk may be full or the file read-only (%w)", what, ix.path, ErrUnwritable, err)
	}
	return fmt.Errorf("%s %s: %w", what, ix.path, err)
}
