// Package store keeps nextcloud-mcp's state in one SQLite file in the user
// config directory: accounts with their sealed credentials, OAuth tokens and
// the webhooks this tool registered. Secrets are sealed with AES-256-GCM under
// a key the caller hands in; everything that is not a secret works without it.
// The package knows nothing about HTTP, MCP or where the key lives.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/ncruces/go-sqlite3"
	_ "github.com/ncruces/go-sqlite3/driver" // registers the cgo-free "sqlite3" driver
)

// FileName is the database file inside the config directory.
const FileName = "nextcloud-mcp.db"

// busyTimeout is how long a connection waits for another process's write
// lock before giving up. Desktop clients may run two servers while the user
// runs `login`, and every write here is a few milliseconds, so a generous
// wait makes "database is locked" practically impossible.
const busyTimeout = 15 * time.Second

// KeyFunc returns the 32-byte sealing key. The store calls it only when a
// secret must be sealed or opened, and keeps the key once it has it.
type KeyFunc func(ctx context.Context) ([]byte, error)

// Option configures Open.
type Option func(*Store)

// WithKey hands the store the source of its sealing key.
func WithKey(fn KeyFunc) Option { return func(s *Store) { s.keyFn = fn } }

// WithClock replaces time.Now (tests).
func WithClock(now func() time.Time) Option { return func(s *Store) { s.now = now } }

// Store is an open database. It is safe for concurrent use, and several
// processes may use the same file at once.
type Store struct {
	db   *sql.DB
	path string
	now  func() time.Time

	keyFn  KeyFunc
	keyMu  sync.Mutex
	sealer *sealer
}

// Errors a caller can branch on.
var (
	// ErrNoKey means a secret was needed but the store was opened without WithKey.
	ErrNoKey = errors.New("no encryption key was provided to open stored secrets")
	// ErrKeyMismatch means the key does not open the stored secrets: it is
	// not the key they were sealed with.
	ErrKeyMismatch = errors.New("the encryption key does not open the stored secrets")
	// ErrTooNew means the database was written by a newer nextcloud-mcp.
	ErrTooNew = errors.New("the database was written by a newer nextcloud-mcp")
)

// Open opens (creating if needed) <dir>/nextcloud-mcp.db and brings its
// schema up to date. The directory is made 0700 and the file 0600. A
// directory that cannot be written, a file that is not a database, or a
// database newer than this binary fail here, with the path and the reason.
// The key is not needed to open: it is fetched on the first secret operation.
func Open(ctx context.Context, dir string, opts ...Option) (*Store, error) {
	path := filepath.Join(dir, FileName)
	s := &Store{path: path, now: time.Now}
	for _, o := range opts {
		o(s)
	}
	if err := prepareFiles(dir, path); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite3", dsn(path))
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	// Each connection is a sandboxed SQLite instance with its own memory; a
	// CLI and a stdio server never need many.
	db.SetMaxOpenConns(4)
	db.SetMaxIdleConns(2)
	s.db = db
	if err := enableWAL(ctx, db); err != nil {
		db.Close()
		return nil, describeOpenError(path, err)
	}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, describeOpenError(path, err)
	}
	return s, nil
}

// Close releases the database.
func (s *Store) Close() error { return s.db.Close() }

// Path is the database file.
func (s *Store) Path() string { return s.path }

// prepareFiles creates the directory and the file with private permissions
// before SQLite touches them, and checks that the directory can be written:
// SQLite creates its -wal and -shm files next to the database.
func prepareFiles(dir, path string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("open store %s: cannot create the directory %s: %w; create it or set NEXTCLOUD_MCP_CONFIG_DIR to a writable directory", path, dir, err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("open store %s: %w", path, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("open store %s: %s is not a directory; set NEXTCLOUD_MCP_CONFIG_DIR to a directory", path, dir)
	}
	if err := privateDir(dir, fi.Mode()); err != nil {
		return fmt.Errorf("open store %s: cannot make %s private (0700): %w", path, dir, err)
	}
	probe, err := os.CreateTemp(dir, ".write-probe-*")
	if err != nil {
		return fmt.Errorf("open store %s: the directory %s is not writable: %w; fix its permissions or set NEXTCLOUD_MCP_CONFIG_DIR to a writable directory", path, dir, err)
	}
	probe.Close()
	os.Remove(probe.Name())

	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("open store %s: cannot open the database file for writing: %w; fix its permissions or move it away", path, err)
	}
	defer f.Close()
	fi, err = f.Stat()
	if err != nil {
		return fmt.Errorf("open store %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("open store %s: not a regular file; move it away", path)
	}
	if err := privateFile(f, fi.Mode()); err != nil {
		return fmt.Errorf("open store %s: cannot make the file private (0600): %w", path, err)
	}
	return nil
}

// dsn builds the SQLite URI: busy timeout first, so every later statement
// waits for another process's lock. WAL, so readers never block the writer,
// is switched on by enableWAL. modeof gives the -wal file the database
// file's private mode.
func dsn(path string) string {
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // Windows drive paths: file:/C:/...
	}
	// SQLite decodes %XX in URI parameters but not '+', so escape by hand.
	q := fmt.Sprintf("_pragma=busy_timeout(%d)&_pragma=synchronous(normal)&_pragma=foreign_keys(on)&modeof=%s",
		busyTimeout.Milliseconds(), uriEscape(path))
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

// describeOpenError turns SQLite's codes into a sentence with the fix.
func describeOpenError(path string, err error) error {
	if errors.Is(err, ErrTooNew) {
		return fmt.Errorf("open store %s: %w", path, err)
	}
	isCode := func(codes ...sqlite3.ErrorCode) bool {
		for _, c := range codes {
			if errors.Is(err, c) {
				return true
			}
		}
		return false
	}
	switch {
	case isCode(sqlite3.NOTADB, sqlite3.CORRUPT):
		return fmt.Errorf("open store %s: the file is not a valid nextcloud-mcp database (%w); move it away and log in again", path, err)
	case isCode(sqlite3.READONLY, sqlite3.PERM, sqlite3.CANTOPEN):
		return fmt.Errorf("open store %s: cannot write the database (%w); fix the permissions of the file and its directory", path, err)
	case isCode(sqlite3.BUSY, sqlite3.LOCKED):
		return fmt.Errorf("open store %s: another process held the database for more than %s (%w); try again", path, busyTimeout, err)
	}
	if errors.Is(err, fs.ErrPermission) {
		return fmt.Errorf("open store %s: %w; fix the permissions of the file and its directory", path, err)
	}
	return fmt.Errorf("open store %s: %w", path, err)
}

// nowUnix is the clock as Unix nanoseconds, the storage form of every timestamp.
func (s *Store) nowUnix() int64 { return s.now().UnixNano() }

func fromUnix(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}

func toUnix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}
