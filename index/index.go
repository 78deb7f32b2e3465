// Package index is nextcloud-mcp's local full-text index: one SQLite file
// per account in the user cache directory, filled from Nextcloud by sources
// that each know a cheap "what changed since" (folder etags for files, the
// listing etag for notes, sync tokens for calendars and contacts, boards'
// lastModified for Deck), searched with FTS5 and ranked with BM25.
//
// The index is a cache: it holds plain-text copies of what it indexed and no
// secrets, it can always be rebuilt from the server, and a damaged or
// outdated file is replaced rather than repaired.
package index

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/ncruces/go-sqlite3"
	"github.com/ncruces/go-sqlite3/driver"
	"github.com/ncruces/go-sqlite3/ext/fts5"

	"github.com/nextcloud-mcp/nextcloud-mcp/extract"
)

// FileName is the database file inside an account's index directory.
const FileName = "index.db"

// Defaults for Options.
const (
	DefaultMaxFileSize  = 50 << 20
	DefaultMaxTextBytes = 4 << 20
	DefaultWorkers      = 4
	DefaultLeaseTTL     = 60 * time.Second
)

// busyTimeout is how long a connection waits for another process's write
// transaction. Every write here is one small batch, so this is generous.
const busyTimeout = 10 * time.Second

// Options configure an Index.
type Options struct {
	// Extractor turns file bytes into text; nil makes one that the Index
	// closes with itself.
	Extractor *extract.Extractor
	// MaxFileSize skips files larger than this (default 50 MB).
	MaxFileSize int64
	// MaxTextBytes caps the text indexed per document (default 4 MB).
	MaxTextBytes int
	// Workers download and extract files in parallel (default 4).
	Workers int
	// LeaseTTL is how long the sync lease lasts without renewal (default 60 s):
	// a crashed writer blocks others at most this long.
	LeaseTTL time.Duration
	// TrigramBody says which body texts the trigram tokenizer also indexes
	// (titles, names and folders always are). The default, TrigramBodyCJK,
	// is the measured choice (docs/search.md).
	TrigramBody TrigramBody
	Logger      *slog.Logger
	// Now replaces time.Now (tests).
	Now func() time.Time
	// MaxPageCount caps the database size in pages (tests: a full disk).
	MaxPageCount int
}

// TrigramBody is a policy for trigram-indexing body text.
type TrigramBody int

// Trigram policies. Trigrams find substrings and CJK words (which have no
// spaces for unicode61 to split on) but take about four times the text's
// size; titles, names and folders are always trigram-indexed.
const (
	// TrigramBodyCJK indexes the bodies that contain Chinese, Japanese or
	// Korean text, where words alone cannot find anything.
	TrigramBodyCJK TrigramBody = iota
	TrigramBodyAll
	TrigramBodyNone
)

func (t TrigramBody) String() string {
	switch t {
	case TrigramBodyAll:
		return "all"
	case TrigramBodyNone:
		return "none"
	}
	return "cjk"
}

func parseTrigramBody(s string) TrigramBody {
	switch s {
	case "all":
		return TrigramBodyAll
	case "none":
		return TrigramBodyNone
	}
	return TrigramBodyCJK
}

// DefaultOptions are the settings the CLI and the server use.
func DefaultOptions() Options { return Options{} }

func (o *Options) defaults() {
	if o.MaxFileSize <= 0 {
		o.MaxFileSize = DefaultMaxFileSize
	}
	if o.MaxTextBytes <= 0 {
		o.MaxTextBytes = DefaultMaxTextBytes
	}
	if o.Workers <= 0 {
		o.Workers = DefaultWorkers
	}
	if o.LeaseTTL <= 0 {
		o.LeaseTTL = DefaultLeaseTTL
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// Index is one account's open index. It is safe for concurrent use; several
// processes may open the same file, and the sync lease keeps them from
// writing at the same time.
type Index struct {
	dir  string
	path string
	opts Options
	// owner names this Index in the sync lease: host, pid and a random part.
	owner string

	mu sync.Mutex
	db *sql.DB
	// ident is the file's identity when opened, to notice a file deleted
	// or replaced by another process.
	ident os.FileInfo
	// notice is a message for the user about the last open (a rebuilt file).
	notice string
	// triBody is the file's own trigram_body setting.
	triBody TrigramBody
	// ownExtractor: the Extractor was made here and is closed with the Index.
	ownExtractor bool
}

// trigramText is the part of a body the trigram table gets under the
// file's policy.
func (ix *Index) trigramText(body string) string {
	ix.mu.Lock()
	policy := ix.triBody
	ix.mu.Unlock()
	switch {
	case policy == TrigramBodyAll, policy == TrigramBodyCJK && hasCJK(body):
		return body
	}
	return ""
}

// Errors a caller can branch on.
var (
	// ErrBusy means another process (or another sync here) holds the sync lease.
	ErrBusy = errors.New("another nextcloud-mcp process is updating the index")
	// ErrUnwritable means the index cannot be written: the disk is full or
	// the directory is read-only.
	ErrUnwritable = errors.New("the index cannot be written")
)

// AccountDir is where an account's index lives:
// <cacheBase>/nextcloud-mcp/index/<host>_<user>-<hash>. The hash keeps two
// servers on one host (sub-paths) or two users apart.
func AccountDir(cacheBase, serverURL, user string) string {
	host := serverURL
	if u, err := url.Parse(serverURL); err == nil && u.Host != "" {
		host = u.Host + strings.TrimRight(u.Path, "/")
	}
	sum := sha256.Sum256([]byte(strings.TrimRight(serverURL, "/") + "\x00" + user))
	slug := sanitizeSlug(host + "_" + user)
	return filepath.Join(cacheBase, "nextcloud-mcp", "index", slug+"-"+hex.EncodeToString(sum[:4]))
}

// DefaultCacheBase is os.UserCacheDir.
func DefaultCacheBase() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("find the user cache directory (set XDG_CACHE_HOME or HOME): %w", err)
	}
	return d, nil
}

func sanitizeSlug(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_', r == '@':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	out := b.String()
	if len(out) > 80 {
		out = out[:80]
	}
	return out
}

// Open opens (creating if needed) the index in dir. A file that is not a
// database, is damaged, or has another schema version is replaced by an
// empty index; Notice then says so. A directory that cannot be written
// fails with an error matching ErrUnwritable.
func Open(ctx context.Context, dir string, o Options) (*Index, error) {
	o.defaults()
	ix := &Index{dir: dir, path: filepath.Join(dir, FileName), opts: o, owner: newOwnerID()}
	if err := ix.open(ctx); err != nil {
		return nil, err
	}
	if ix.opts.Extractor == nil {
		ix.opts.Extractor = extract.New(extract.Config{})
		ix.ownExtractor = true
	}
	return ix, nil
}

func newOwnerID() string {
	host, _ := os.Hostname()
	var b [4]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

// Path is the database file.
func (ix *Index) Path() string { return ix.path }

// Dir is the account's index directory.
func (ix *Index) Dir() string { return ix.dir }

// Notice returns, once, a message about how the index was opened (for
// example that a damaged file was rebuilt); "" when there is none.
func (ix *Index) Notice() string {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	n := ix.notice
	ix.notice = ""
	return n
}

// Close releases the database.
func (ix *Index) Close() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	var errs []error
	if ix.ownExtractor {
		errs = append(errs, ix.opts.Extractor.Close())
		ix.ownExtractor = false
	}
	if ix.db != nil {
		errs = append(errs, ix.db.Close())
		ix.db = nil
	}
	return errors.Join(errs...)
}

// open opens the file, replacing it when it is not a usable index. Caller
// must not hold ix.mu.
func (ix *Index) open(ctx context.Context) error {
	if err := prepareDir(ix.dir); err != nil {
		return err
	}
	db, err := ix.openFile(ctx)
	if err == nil {
		ix.setDB(db)
		return nil
	}
	if errors.Is(err, ErrUnwritable) || isBusy(err) || ctx.Err() != nil {
		return err
	}
	reason := err
	ix.opts.Logger.Warn("rebuilding the search index", "path", ix.path, "reason", reason)
	if err := removeDBFiles(ix.path); err != nil {
		return fmt.Errorf("replace the damaged index %s: %w", ix.path, err)
	}
	db, err = ix.openFile(ctx)
	if err != nil {
		return err
	}
	ix.setDB(db)
	ix.mu.Lock()
	ix.notice = fmt.Sprintf("The search index at %s could not be used (%v) and was rebuilt empty; it fills again with the next sync.", ix.path, reason)
	ix.mu.Unlock()
	return nil
}

func (ix *Index) setDB(db *sql.DB) {
	fi, _ := os.Stat(ix.path)
	var v string
	_ = db.QueryRow("SELECT value FROM meta WHERE key = 'trigram_body'").Scan(&v)
	ix.mu.Lock()
	ix.db, ix.ident, ix.triBody = db, fi, parseTrigramBody(v)
	ix.mu.Unlock()
}

// errSchema marks a file that is a database but not (this version of) an index.
var errSchema = errors.New("not an index of this version")

func (ix *Index) openFile(ctx context.Context) (*sql.DB, error) {
	if err := prepareFile(ix.path); err != nil {
		return nil, err
	}
	db, err := driver.Open(ix.dsn(), func(c *sqlite3.Conn) error { return fts5.Register(c) })
	if err != nil {
		return nil, fmt.Errorf("open index %s: %w", ix.path, err)
	}
	db.SetMaxOpenConns(4)
	db.SetMaxIdleConns(2)
	if err := enableWAL(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("open index %s: %w", ix.path, err)
	}
	if err := migrate(ctx, db, ix.opts); err != nil {
		db.Close()
		if isUnwritable(err) {
			return nil, fmt.Errorf("open index %s: %w (%w)", ix.path, ErrUnwritable, err)
		}
		return nil, err
	}
	return db, nil
}

func (ix *Index) dsn() string {
	p := filepath.ToSlash(ix.path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	// WAL is switched on by enableWAL, which survives concurrent opens.
	q := fmt.Sprintf("_pragma=busy_timeout(%d)&_pragma=synchronous(normal)&modeof=%s",
		busyTimeout.Milliseconds(), uriEscape(ix.path))
	if ix.opts.MaxPageCount > 0 {
		q += fmt.Sprintf("&_pragma=max_page_count(%d)", ix.opts.MaxPageCount)
	}
	return "file:" + uriEscape(p) + "?" + q
}

// uriEscape percent-encodes everything but unreserved characters and '/'.
func uriEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '/' || c == '-' || c == '.' || c == '_' || c == '~' || c == ':' ||
			('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// prepareDir creates the directory private (0700) and checks it can be written.
func prepareDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create the index directory %s: %w (%w)", dir, ErrUnwritable, err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("make the index directory %s private: %w (%w)", dir, ErrUnwritable, err)
	}
	probe, err := os.CreateTemp(dir, ".write-probe-*")
	if err != nil {
		return fmt.Errorf("the index directory %s is not writable: %w (%w)", dir, ErrUnwritable, err)
	}
	probe.Close()
	os.Remove(probe.Name())
	return nil
}

// prepareFile creates the database file 0600 before SQLite does.
func prepareFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("open the index file %s for writing: %w (%w)", path, ErrUnwritable, err)
	}
	defer f.Close()
	if err := f.Chmod(0o600); err != nil {
		return fmt.Errorf("make the index file %s private: %w (%w)", path, ErrUnwritable, err)
	}
	return nil
}

func removeDBFiles(path string) error {
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// isUnwritable reports SQLite's "cannot write" family: full disk, read-only
// file or directory, I/O error.
func isUnwritable(err error) bool {
	for _, c := range []sqlite3.ErrorCode{sqlite3.FULL, sqlite3.READONLY, sqlite3.PERM, sqlite3.CANTOPEN, sqlite3.IOERR} {
		if errors.Is(err, c) {
			return true
		}
	}
	return errors.Is(err, fs.ErrPermission)
}

// isCorrupt reports a damaged database file.
func isCorrupt(err error) bool {
	return errors.Is(err, sqlite3.CORRUPT) || errors.Is(err, sqlite3.NOTADB)
}

// handle returns the open database, reopening it when another process
// deleted or replaced the file since it was opened (`index clear`, a
// rebuild), so this process never keeps writing into an unlinked file.
func (ix *Index) handle(ctx context.Context) (*sql.DB, error) {
	ix.mu.Lock()
	db, ident := ix.db, ix.ident
	ix.mu.Unlock()
	if db == nil {
		return nil, errors.New("the index is closed")
	}
	fi, err := os.Stat(ix.path)
	if err == nil && ident != nil && os.SameFile(fi, ident) {
		return db, nil
	}
	ix.mu.Lock()
	if ix.db == db {
		ix.db = nil
		db.Close()
	}
	ix.mu.Unlock()
	if err := ix.open(ctx); err != nil {
		return nil, err
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if err != nil && ix.notice == "" {
		ix.notice = "The search index file had been deleted; a new, empty one was created and fills with the next sync."
	}
	return ix.db, nil
}

// rebuild replaces a damaged file with an empty index.
func (ix *Index) rebuild(ctx context.Context, reason error) error {
	ix.mu.Lock()
	if ix.db != nil {
		ix.db.Close()
		ix.db = nil
	}
	ix.mu.Unlock()
	ix.opts.Logger.Warn("rebuilding the damaged search index", "path", ix.path, "reason", reason)
	if err := removeDBFiles(ix.path); err != nil {
		return fmt.Errorf("replace the damaged index %s: %w", ix.path, err)
	}
	if err := ix.open(ctx); err != nil {
		return err
	}
	ix.mu.Lock()
	ix.notice = fmt.Sprintf("The search index at %s was damaged (%v) and was rebuilt empty; it fills again with the next sync.", ix.path, reason)
	ix.mu.Unlock()
	return nil
}

// Size is the bytes the index takes on disk (database and WAL).
func (ix *Index) Size() int64 {
	var n int64
	for _, p := range []string{ix.path, ix.path + "-wal"} {
		if fi, err := os.Stat(p); err == nil {
			n += fi.Size()
		}
	}
	return n
}

// Delete removes an account's index directory (database, settings). It is
// what `index clear --forget`, logout and tests use; a process that still
// has the file open notices and starts a new one.
func Delete(dir string) error {
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("delete the index %s: %w", dir, err)
	}
	return nil
}

// Clear deletes the database of the index in dir but keeps the folder
// choice, so the next sync starts from scratch with the same folders.
func Clear(dir string) error {
	if err := removeDBFiles(filepath.Join(dir, FileName)); err != nil {
		return fmt.Errorf("delete the index in %s: %w", dir, err)
	}
	return nil
}
