package store

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestOpenCreatesPrivateWALDatabase(t *testing.T) {
	s, dir := openTest(t, nil)
	ctx := context.Background()
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o700 && posixModes {
		t.Errorf("dir mode %o, want 0700", fi.Mode().Perm())
	}
	fi, err = os.Stat(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 && posixModes {
		t.Errorf("db mode %o, want 0600", fi.Mode().Perm())
	}
	if s.Path() != filepath.Join(dir, FileName) {
		t.Errorf("path %s", s.Path())
	}
	var mode string
	if err := s.db.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode %q (%v), want wal", mode, err)
	}
	var busy int
	if err := s.db.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&busy); err != nil || busy < 1000 {
		t.Errorf("busy_timeout %d (%v), want >= 1000 ms", busy, err)
	}
	v, err := s.SchemaVersion(ctx)
	if err != nil || v != LatestSchemaVersion() {
		t.Errorf("schema version %d (%v), want %d", v, err, LatestSchemaVersion())
	}
	// A write creates the -wal file; it must not be readable by others either.
	if err := s.SaveWebhook(ctx, Webhook{Account: "a", ID: 1, Event: "e", URI: "https://x"}); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(s.Path() + "-wal"); err == nil && posixModes && fi.Mode().Perm()&0o077 != 0 {
		t.Errorf("wal mode %o is readable by others", fi.Mode().Perm())
	}
}

func TestOpenTightensLoosePermissions(t *testing.T) {
	if !posixModes {
		t.Skip("on Windows the ACLs of the profile directory keep the store private (perm_windows.go)")
	}
	dir := filepath.Join(t.TempDir(), "cfg")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, FileName), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for path, want := range map[string]os.FileMode{dir: 0o700, s.Path(): 0o600} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s mode %o, want %o", path, fi.Mode().Perm(), want)
		}
	}
}

func TestOpenReusesExistingFile(t *testing.T) {
	ctx := context.Background()
	key := testKey(7)
	s, dir := openTest(t, key)
	if _, err := s.SaveAccount(ctx, Account{ServerURL: "https://cloud.example.com", Login: "alice"}, "secret-1"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s2, err := Open(ctx, dir, WithKey(keyFn(key)))
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	got, err := s2.AccountSecret(ctx, AccountKey("https://cloud.example.com", "alice"))
	if err != nil || got != "secret-1" {
		t.Fatalf("secret after reopen %q, %v", got, err)
	}
}

func TestOpenRefusesNewerDatabase(t *testing.T) {
	ctx := context.Background()
	s, dir := openTest(t, nil)
	if _, err := s.db.ExecContext(ctx, `UPDATE schema_version SET version = ?`, LatestSchemaVersion()+5); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err := Open(ctx, dir)
	if !errors.Is(err, ErrTooNew) {
		t.Fatalf("err = %v, want ErrTooNew", err)
	}
	mustContain(t, err, filepath.Join(dir, FileName), "upgrade nextcloud-mcp")
}

func TestOpenMigratesOlderSchemaForward(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "cfg")
	if err := prepareFiles(dir, filepath.Join(dir, FileName)); err != nil {
		t.Fatal(err)
	}
	// Build a version-1 database by hand, as an older binary left it.
	db, err := sql.Open("sqlite3", dsn(filepath.Join(dir, FileName)))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`CREATE TABLE schema_version (version INTEGER NOT NULL)`, migrations[0], `INSERT INTO schema_version VALUES (1)`,
		`INSERT INTO accounts (account, server_url, login, kind, is_default, created_at, updated_at) VALUES ('a@https://x', 'https://x', 'a', 'app-password', 1, 1, 1)`} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, _ := s.SchemaVersion(ctx); v != LatestSchemaVersion() {
		t.Fatalf("version %d after migration, want %d", v, LatestSchemaVersion())
	}
	if a, ok, err := s.DefaultAccount(ctx); err != nil || !ok || a.Login != "a" {
		t.Fatalf("old data lost: %+v %v %v", a, ok, err)
	}
	if err := s.SaveWebhook(ctx, Webhook{Account: "a@https://x", ID: 3, Event: "e", URI: "u"}); err != nil {
		t.Fatalf("new table unusable: %v", err)
	}
}

func TestOpenCorruptFileFailsWithPathAndReason(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cfg")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	junk := make([]byte, 8192)
	for i := range junk {
		junk[i] = byte(i*7 + 3)
	}
	if err := os.WriteFile(filepath.Join(dir, FileName), junk, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(context.Background(), dir)
	mustContain(t, err, filepath.Join(dir, FileName), "not a valid nextcloud-mcp database", "move it away")
}

func TestOpenUnwritableLocationFailsWithPathAndReason(t *testing.T) {
	base := t.TempDir()
	// A regular file where the directory should be: fails even for root.
	blocker := filepath.Join(base, "blocker")
	if err := os.WriteFile(blocker, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(context.Background(), filepath.Join(blocker, "cfg"))
	mustContain(t, err, filepath.Join(blocker, "cfg", FileName), "cannot create the directory", "NEXTCLOUD_MCP_CONFIG_DIR")

	_, err = Open(context.Background(), blocker)
	mustContain(t, err, blocker, "not a directory")

	if os.Geteuid() == 0 {
		t.Log("running as root, which ignores directory permissions: the read-only directory case is covered by non-root runs")
		return
	}
	ro := filepath.Join(base, "ro")
	if err := os.MkdirAll(ro, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(ro, 0o700) })
	_, err = Open(context.Background(), ro)
	mustContain(t, err, filepath.Join(ro, FileName), "not writable")
}

func TestDSNEscapesPath(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "odd ?#% dir")
	s, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := os.Stat(filepath.Join(dir, FileName)); err != nil {
		t.Fatalf("db not created at the escaped path: %v", err)
	}
}
