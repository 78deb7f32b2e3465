package index

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// Progress reports a running sync, one source at a time.
type Progress struct {
	Source string
	// Done counts objects looked at; Total is how many there are to look
	// at when known (0 otherwise).
	Done, Total int
	// Bytes is the text indexed so far by this source in this run.
	Bytes int64
	// Finished is true on the source's last report, which carries the
	// source's Report (and its error, if it failed).
	Finished bool
	Report   *SourceReport
}

// SyncOptions select what a sync does.
type SyncOptions struct {
	// Sources limits the sync to these; empty is all.
	Sources []string
	// Progress, when set, is called from the syncing goroutine.
	Progress func(Progress)
}

// SourceReport is what one source did.
type SourceReport struct {
	Name                    string
	Added, Updated, Deleted int
	Skipped                 int
	Bytes                   int64
	Duration                time.Duration
	Err                     error
	// Unavailable is true when the server does not have the app.
	Unavailable bool
}

// Changed reports whether the source changed anything.
func (r *SourceReport) Changed() bool { return r.Added+r.Updated+r.Deleted+r.Skipped > 0 }

// Report is what a sync did.
type Report struct {
	Started  time.Time
	Duration time.Duration
	Sources  []SourceReport
}

// Err joins the sources' errors.
func (r *Report) Err() error {
	var errs []error
	for _, s := range r.Sources {
		if s.Err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", s.Name, s.Err))
		}
	}
	return errors.Join(errs...)
}

// Sync brings the index up to date with the server, source by source. It
// holds the sync lease while it runs and answers ErrBusy at once when
// another process holds it. Cancelling ctx stops it between two write
// batches: every batch commits the documents together with the sync cursor
// that covers them, so what is in the index stays consistent and the next
// sync continues where this one stopped.
func (ix *Index) Sync(ctx context.Context, c *nextcloud.Client, o SyncOptions) (*Report, error) {
	for _, s := range o.Sources {
		if !slices.Contains(Sources(), s) {
			return nil, fmt.Errorf("unknown source %q: choose from %v", s, Sources())
		}
	}
	if err := ix.acquireLease(ctx); err != nil {
		return nil, err
	}
	defer ix.releaseLease()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	go ix.keepLease(ctx, cancel)

	rep := &Report{Started: ix.opts.Now()}
	for _, name := range Sources() {
		if len(o.Sources) > 0 && !slices.Contains(o.Sources, name) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return rep, context.Cause(ctx)
		}
		sr := ix.syncSource(ctx, c, name, o.Progress)
		rep.Sources = append(rep.Sources, sr)
		if errors.Is(sr.Err, ErrBusy) || errors.Is(sr.Err, ErrUnwritable) {
			rep.Duration = ix.opts.Now().Sub(rep.Started)
			return rep, sr.Err
		}
	}
	rep.Duration = ix.opts.Now().Sub(rep.Started)
	if err := ctx.Err(); err != nil {
		return rep, context.Cause(ctx)
	}
	return rep, nil
}

// keepLease renews the lease until ctx ends; losing it stops the sync.
func (ix *Index) keepLease(ctx context.Context, cancel context.CancelCauseFunc) {
	t := time.NewTicker(ix.opts.LeaseTTL / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := ix.renewLease(ctx); err != nil && ctx.Err() == nil {
				cancel(fmt.Errorf("lost the sync lease: %w", err))
				return
			}
		}
	}
}

func (ix *Index) syncSource(ctx context.Context, c *nextcloud.Client, name string, progress func(Progress)) SourceReport {
	started := ix.opts.Now()
	r := &run{ix: ix, c: c, ctx: ctx, source: name, progress: progress, rep: SourceReport{Name: name}}
	var err error
	switch name {
	case SourceFiles:
		err = r.syncFiles()
	case SourceNotes:
		err = r.syncNotes()
	case SourceCalendar:
		err = r.syncCalendars()
	case SourceContacts:
		err = r.syncContacts()
	case SourceDeck:
		err = r.syncDeck()
	}
	if err == nil {
		err = r.flush(nil)
	}
	if errors.Is(err, nextcloud.ErrAppMissing) {
		r.rep.Unavailable = true
		err = r.dropSource()
	}
	if err != nil && ctx.Err() != nil {
		err = context.Cause(ctx)
	}
	r.rep.Err = err
	r.rep.Duration = ix.opts.Now().Sub(started)
	ix.finishSource(name, started, r.rep)
	r.report(true)
	return r.rep
}

// finishSource records the outcome. On success the source is fresh as of
// the moment its sync started; a failure keeps the previous time.
func (ix *Index) finishSource(name string, started time.Time, rep SourceReport) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	msg := ""
	switch {
	case rep.Unavailable:
		msg = "not available on this server"
	case rep.Err != nil:
		msg = rep.Err.Error()
	}
	_ = ix.write(ctx, func(tx *sql.Tx) error {
		if rep.Err != nil {
			_, err := tx.ExecContext(ctx, `INSERT INTO sources(name, error) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET error = excluded.error`, name, msg)
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sources(name, synced_at, error) VALUES (?, ?, ?)
ON CONFLICT(name) DO UPDATE SET synced_at = excluded.synced_at, error = excluded.error`, name, started.UnixMilli(), msg)
		return err
	})
}

// run is one source's sync in progress: it batches writes so that each
// transaction carries many documents, and reports progress.
type run struct {
	ix       *Index
	c        *nextcloud.Client
	ctx      context.Context
	source   string
	progress func(Progress)
	rep      SourceReport

	done, total int
	pending     []func(tx *sql.Tx) error
	pendingText int
}

// batch limits: a transaction per 200 documents or 8 MB of text keeps
// commits cheap and a cancelled sync's loss small.
const (
	batchDocs  = 200
	batchBytes = 8 << 20
)

func (r *run) report(finished bool) {
	if r.progress == nil {
		return
	}
	p := Progress{Source: r.source, Done: r.done, Total: r.total, Bytes: r.rep.Bytes, Finished: finished}
	if finished {
		rep := r.rep
		p.Report = &rep
	}
	r.progress(p)
}

// put queues a document; existed says whether it counts as added or updated.
func (r *run) put(d doc, existed bool) error {
	if existed {
		r.rep.Updated++
	} else {
		r.rep.Added++
	}
	n := min(len(d.Body), r.ix.opts.MaxTextBytes)
	r.rep.Bytes += int64(n)
	r.pendingText += n
	r.pending = append(r.pending, func(tx *sql.Tx) error { return r.ix.putDoc(r.ctx, tx, d) })
	return r.maybeFlush()
}

// del queues the deletion of a document.
func (r *run) del(key string) error {
	r.rep.Deleted++
	source := r.source
	r.pending = append(r.pending, func(tx *sql.Tx) error { return deleteDoc(r.ctx, tx, source, key) })
	return r.maybeFlush()
}

// exec queues any other write.
func (r *run) exec(fn func(tx *sql.Tx) error) error {
	r.pending = append(r.pending, fn)
	return r.maybeFlush()
}

func (r *run) maybeFlush() error {
	if len(r.pending) >= batchDocs || r.pendingText >= batchBytes {
		return r.flush(nil)
	}
	return nil
}

// flush commits the queued writes, plus final (a cursor save) when given,
// in one transaction.
func (r *run) flush(final func(tx *sql.Tx) error) error {
	if len(r.pending) == 0 && final == nil {
		return nil
	}
	if err := r.ctx.Err(); err != nil {
		return context.Cause(r.ctx)
	}
	ops := r.pending
	err := r.ix.write(r.ctx, func(tx *sql.Tx) error {
		for _, op := range ops {
			if err := op(tx); err != nil {
				return err
			}
		}
		if final != nil {
			return final(tx)
		}
		return nil
	})
	if err != nil {
		return err
	}
	r.pending, r.pendingText = nil, 0
	r.report(false)
	return nil
}

// dropSource removes every document of a source whose app is gone.
func (r *run) dropSource() error {
	r.pending = nil
	return r.ix.write(r.ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(r.ctx, "DELETE FROM docs WHERE source = ?", r.source)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		r.rep.Deleted += int(n)
		_, err = tx.ExecContext(r.ctx, "DELETE FROM sources WHERE name = ?", r.source)
		return err
	})
}
