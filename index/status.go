package index

import (
	"context"
	"time"
)

// Sources lists every source in the order a sync runs them: the small,
// quick ones first, so a bounded freshness check finishes them before files.
func Sources() []string {
	return []string{SourceNotes, SourceCalendar, SourceContacts, SourceDeck, SourceFiles}
}

// Source names. The calendar source fills the calendar and tasks apps.
const (
	SourceFiles    = "files"
	SourceNotes    = "notes"
	SourceCalendar = "calendar"
	SourceContacts = "contacts"
	SourceDeck     = "deck"
)

// SourceStatus is one source's state.
type SourceStatus struct {
	Name string
	Docs int
	// SyncedAt is when the last complete sync of this source started: the
	// index holds every change made before it. Zero: never synced.
	SyncedAt time.Time
	// Error is why the last sync of this source failed, if it did.
	Error string
}

// SkipGroup counts skipped files of one kind.
type SkipGroup struct {
	// Kind is too_large, no_text or failed.
	Kind     string
	Count    int
	Examples []SkippedFile
}

// SkippedFile is one file the index left out, and why.
type SkippedFile struct {
	Path   string
	Reason string
}

// Status describes the index.
type Status struct {
	Path      string
	SizeBytes int64
	// TextBytes is the plain text held, summed over documents.
	TextBytes int64
	Folders   []string
	Apps      map[string]int
	Sources   []SourceStatus
	Skipped   []SkipGroup
	// Syncing names the process holding the sync lease, "" when none.
	Syncing string
}

// Docs is the number of documents across apps.
func (s *Status) Docs() int {
	n := 0
	for _, c := range s.Apps {
		n += c
	}
	return n
}

// FreshAsOf is the oldest SyncedAt among sources that have synced, and
// pending lists those that never completed.
func (s *Status) FreshAsOf() (fresh time.Time, pending []string) {
	for _, src := range s.Sources {
		if src.SyncedAt.IsZero() {
			pending = append(pending, src.Name)
			continue
		}
		if fresh.IsZero() || src.SyncedAt.Before(fresh) {
			fresh = src.SyncedAt
		}
	}
	return fresh, pending
}

// Status reads the index's state.
func (ix *Index) Status(ctx context.Context) (*Status, error) {
	db, err := ix.handle(ctx)
	if err != nil {
		return nil, err
	}
	st := &Status{Path: ix.path, SizeBytes: ix.Size(), Apps: map[string]int{}}
	if st.Folders, err = ix.Folders(); err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, "SELECT app, count(*), coalesce(sum(bytes), 0) FROM docs GROUP BY app")
	if err != nil {
		return nil, ix.readError(ctx, err)
	}
	for rows.Next() {
		var app string
		var n int
		var b int64
		if err := rows.Scan(&app, &n, &b); err != nil {
			rows.Close()
			return nil, err
		}
		st.Apps[app] = n
		st.TextBytes += b
	}
	rows.Close()
	perSource := map[string]int{}
	rows, err = db.QueryContext(ctx, "SELECT source, count(*) FROM docs GROUP BY source")
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			rows.Close()
			return nil, err
		}
		perSource[s] = n
	}
	rows.Close()
	synced := map[string]SourceStatus{}
	rows, err = db.QueryContext(ctx, "SELECT name, synced_at, error FROM sources")
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var s SourceStatus
		var at int64
		if err := rows.Scan(&s.Name, &at, &s.Error); err != nil {
			rows.Close()
			return nil, err
		}
		if at > 0 {
			s.SyncedAt = time.UnixMilli(at).UTC()
		}
		synced[s.Name] = s
	}
	rows.Close()
	for _, name := range Sources() {
		s := synced[name]
		s.Name, s.Docs = name, perSource[name]
		st.Sources = append(st.Sources, s)
	}
	rows, err = db.QueryContext(ctx, "SELECT kind, key, reason FROM skipped ORDER BY kind, key")
	if err != nil {
		return nil, err
	}
	groups := map[string]*SkipGroup{}
	var order []string
	for rows.Next() {
		var kind, key, reason string
		if err := rows.Scan(&kind, &key, &reason); err != nil {
			rows.Close()
			return nil, err
		}
		g := groups[kind]
		if g == nil {
			g = &SkipGroup{Kind: kind}
			groups[kind] = g
			order = append(order, kind)
		}
		g.Count++
		if len(g.Examples) < 5 {
			g.Examples = append(g.Examples, SkippedFile{Path: key, Reason: reason})
		}
	}
	rows.Close()
	for _, k := range order {
		st.Skipped = append(st.Skipped, *groups[k])
	}
	if st.Syncing, err = ix.LeaseHolder(ctx); err != nil {
		return nil, err
	}
	return st, nil
}
