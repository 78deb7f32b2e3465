package index

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// ServiceOptions configure a Service.
type ServiceOptions struct {
	// CacheBase is the user cache directory; each account's index lives
	// below it (AccountDir).
	CacheBase string
	Index     Options
	// Freshness bounds how long a search waits for its freshness check
	// (default 2 s); a longer sync goes on in the background.
	Freshness time.Duration
	// MinInterval is how long after a check a search answers without
	// checking again (default 15 s), so a burst of searches costs one check.
	MinInterval time.Duration
	// Demo indexes every file of the account without being asked, so the
	// demo's sample data is searchable at once.
	Demo   bool
	Logger *slog.Logger
}

// Service is the index as the MCP server uses it: one Index per account,
// opened on first use, with syncs that run in the background and searches
// that wait a bounded time for them.
type Service struct {
	o ServiceOptions
	// bg is the server's lifetime: background syncs run until it ends.
	bg context.Context

	mu       sync.Mutex
	accounts map[string]*account
}

type account struct {
	ix *Index

	mu        sync.Mutex
	running   *bgSync
	lastCheck time.Time
	lastErr   error
}

// bgSync is a sync running in the background.
type bgSync struct {
	done     chan struct{}
	mu       sync.Mutex
	finished map[string]bool
	current  Progress
}

// NewService returns a Service whose background syncs stop when bg ends.
func NewService(bg context.Context, o ServiceOptions) *Service {
	if o.Freshness <= 0 {
		o.Freshness = 2 * time.Second
	}
	if o.MinInterval <= 0 {
		o.MinInterval = 15 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Index.Logger == nil {
		o.Index.Logger = o.Logger
	}
	return &Service{o: o, bg: bg, accounts: map[string]*account{}}
}

// Close waits for running syncs to stop (they stop when bg ends) and closes
// the indexes.
func (s *Service) Close() error {
	s.mu.Lock()
	accts := s.accounts
	s.accounts = map[string]*account{}
	s.mu.Unlock()
	var errs []error
	for _, a := range accts {
		a.mu.Lock()
		r := a.running
		a.mu.Unlock()
		if r != nil {
			<-r.done
		}
		errs = append(errs, a.ix.Close())
	}
	return errors.Join(errs...)
}

// AccountDirFor is the index directory of the account a client signs in as.
func (s *Service) AccountDirFor(ctx context.Context, c *nextcloud.Client) (string, error) {
	return ClientDir(ctx, s.o.CacheBase, c)
}

// ClientDir is the index directory of the account a client signs in as:
// its server and login name (asked of the server only when the credential
// does not carry one), so the CLI can find it without a request.
func ClientDir(ctx context.Context, cacheBase string, c *nextcloud.Client) (string, error) {
	user := c.Login()
	if user == "" {
		var err error
		if user, err = c.UserID(ctx); err != nil {
			return "", err
		}
	}
	return AccountDir(cacheBase, c.BaseURL().String(), user), nil
}

// account opens the client's account index once. An index that cannot be
// opened is not remembered, so a later call tries again.
func (s *Service) account(ctx context.Context, c *nextcloud.Client) (*account, error) {
	dir, err := s.AccountDirFor(ctx, c)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if a := s.accounts[dir]; a != nil {
		return a, nil
	}
	ix, err := Open(ctx, dir, s.o.Index)
	if err != nil {
		return nil, err
	}
	a := &account{ix: ix}
	s.accounts[dir] = a
	return a, nil
}

// Answer is a search's result with how fresh it is.
type Answer struct {
	Hits []Hit
	// FreshAsOf: every change made before it is in the index (zero when no
	// source finished a sync yet).
	FreshAsOf time.Time
	// Pending are sources whose newest sync has not finished.
	Pending []string
	// Incomplete is true when results may be missing because of Pending or
	// a failed sync.
	Incomplete bool
	// Notes are sentences for the user: a rebuilt index, a folder that
	// started indexing, another process updating, a failed sync.
	Notes []string
	// Empty is true when the index holds nothing at all.
	Empty bool
	// Folders are the chosen folders.
	Folders []string
}

// Search runs a bounded freshness check and answers from the index. A
// PathPrefix outside the chosen folders adds that folder: asking to search
// a folder is asking for it to be indexed.
func (s *Service) Search(ctx context.Context, c *nextcloud.Client, q Query) (*Answer, error) {
	a, err := s.account(ctx, c)
	if err != nil {
		return nil, err
	}
	ans := &Answer{}
	if q.PathPrefix != "" {
		covered, err := a.ix.Covers(q.PathPrefix)
		if err != nil {
			return nil, err
		}
		if !covered {
			clean, err := CleanFolder(q.PathPrefix)
			if err != nil {
				return nil, err
			}
			fi, err := c.Stat(ctx, clean)
			switch {
			case errors.Is(err, nextcloud.ErrNotFound):
				return nil, &FolderError{Path: clean}
			case err != nil:
				return nil, err
			case !fi.IsDir:
				return nil, &FolderError{Path: clean, IsFile: true}
			}
			if _, _, err := a.ix.AddFolder(clean); err != nil {
				return nil, err
			}
			ans.Notes = append(ans.Notes, fmt.Sprintf("%s was not indexed yet; indexing it started now, so results from it may be incomplete until it finishes.", clean))
			s.forceCheck(a)
		}
	}
	s.demoFolders(a)
	s.refresh(ctx, a, c)
	a.mu.Lock()
	lastErr := a.lastErr
	a.mu.Unlock()
	if errors.Is(lastErr, ErrUnwritable) {
		// The index can no longer take changes, so what it holds is going
		// stale: the caller answers from the server instead.
		return nil, lastErr
	}
	hits, err := a.ix.Search(ctx, q)
	if err != nil {
		return nil, err
	}
	ans.Hits = hits
	if err := s.describe(ctx, a, ans); err != nil {
		return nil, err
	}
	return ans, nil
}

// FolderError is a path_prefix that names no folder on the server.
type FolderError struct {
	Path   string
	IsFile bool
}

func (e *FolderError) Error() string {
	if e.IsFile {
		return fmt.Sprintf("%s is a file, not a folder: give the folder that holds it as path_prefix", e.Path)
	}
	return fmt.Sprintf("there is no folder %s in your files: check the path (it is case-sensitive), e.g. with nc_webdav_list_directory", e.Path)
}

// demoFolders chooses every file of the demo account, so its sample
// documents are searchable without being asked for.
func (s *Service) demoFolders(a *account) {
	if !s.o.Demo {
		return
	}
	if fs, _ := a.ix.Folders(); len(fs) == 0 {
		_, _, _ = a.ix.AddFolder("/")
	}
}

// forceCheck makes the next refresh sync even within MinInterval.
func (s *Service) forceCheck(a *account) {
	a.mu.Lock()
	a.lastCheck = time.Time{}
	a.mu.Unlock()
}

// describe fills freshness, pending sources and notes.
func (s *Service) describe(ctx context.Context, a *account, ans *Answer) error {
	st, err := a.ix.Status(ctx)
	if err != nil {
		return err
	}
	ans.FreshAsOf, ans.Pending = st.FreshAsOf()
	ans.Folders = st.Folders
	ans.Empty = st.Docs() == 0
	a.mu.Lock()
	r, lastErr := a.running, a.lastErr
	a.mu.Unlock()
	if r != nil {
		r.mu.Lock()
		for _, name := range Sources() {
			if !r.finished[name] && !slices.Contains(ans.Pending, name) {
				ans.Pending = append(ans.Pending, name)
			}
		}
		cur := r.current
		r.mu.Unlock()
		if cur.Total > 0 && !cur.Finished {
			ans.Notes = append(ans.Notes, fmt.Sprintf("The index is being updated in the background (%s: %d of %d).", cur.Source, cur.Done, cur.Total))
		}
	}
	for _, src := range st.Sources {
		if src.Error != "" && src.Error != "not available on this server" {
			ans.Notes = append(ans.Notes, fmt.Sprintf("The last update of %s failed (%s); its results may be out of date.", src.Name, src.Error))
			ans.Incomplete = true
		}
	}
	switch {
	case errors.Is(lastErr, ErrBusy):
		ans.Notes = append(ans.Notes, "Another nextcloud-mcp process is updating the index; these results are as fresh as its last finished update.")
	case lastErr != nil && !errors.Is(lastErr, context.Canceled):
		ans.Notes = append(ans.Notes, fmt.Sprintf("The last index update failed: %v.", lastErr))
		ans.Incomplete = true
	}
	if n := a.ix.Notice(); n != "" {
		ans.Notes = append(ans.Notes, n)
	}
	if len(ans.Pending) > 0 {
		ans.Incomplete = true
	}
	return nil
}

// refresh starts a sync when none runs and the last check is older than
// MinInterval, then waits for the running sync at most Freshness.
func (s *Service) refresh(ctx context.Context, a *account, c *nextcloud.Client) {
	a.mu.Lock()
	if a.running == nil && time.Since(a.lastCheck) >= s.o.MinInterval {
		a.running = s.start(a, c)
	}
	r := a.running
	a.mu.Unlock()
	if r == nil {
		return
	}
	t := time.NewTimer(s.o.Freshness)
	defer t.Stop()
	select {
	case <-r.done:
	case <-t.C:
	case <-ctx.Done():
	}
}

// Refresh starts a background sync now (if none runs) and returns at once;
// the server calls it at start so the first search finds a warm index.
func (s *Service) Refresh(ctx context.Context, c *nextcloud.Client) error {
	a, err := s.account(ctx, c)
	if err != nil {
		return err
	}
	s.demoFolders(a)
	a.mu.Lock()
	if a.running == nil {
		a.running = s.start(a, c)
	}
	a.mu.Unlock()
	return nil
}

// start runs a sync on the server's lifetime context, not the caller's: it
// outlives the search that started it. Caller holds a.mu.
func (s *Service) start(a *account, c *nextcloud.Client) *bgSync {
	r := &bgSync{done: make(chan struct{}), finished: map[string]bool{}}
	go func() {
		defer close(r.done)
		_, err := a.ix.Sync(s.bg, c, SyncOptions{Progress: func(p Progress) {
			r.mu.Lock()
			r.current = p
			if p.Finished {
				r.finished[p.Source] = true
			}
			r.mu.Unlock()
		}})
		if err != nil && !errors.Is(err, ErrBusy) {
			s.o.Logger.Warn("index sync failed", "err", err)
		}
		a.mu.Lock()
		a.running, a.lastCheck, a.lastErr = nil, time.Now(), err
		a.mu.Unlock()
	}()
	return r
}

// StatusAnswer is the index status with the state of a running sync.
type StatusAnswer struct {
	*Status
	Syncing  bool
	Progress Progress
	Notes    []string
}

// Status describes the account's index without syncing.
func (s *Service) Status(ctx context.Context, c *nextcloud.Client) (*StatusAnswer, error) {
	a, err := s.account(ctx, c)
	if err != nil {
		return nil, err
	}
	st, err := a.ix.Status(ctx)
	if err != nil {
		return nil, err
	}
	out := &StatusAnswer{Status: st}
	a.mu.Lock()
	r := a.running
	a.mu.Unlock()
	if r != nil {
		out.Syncing = true
		r.mu.Lock()
		out.Progress = r.current
		r.mu.Unlock()
	}
	if n := a.ix.Notice(); n != "" {
		out.Notes = append(out.Notes, n)
	}
	return out, nil
}
