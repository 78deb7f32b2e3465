package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"
)

func TestUploadSessions(t *testing.T) {
	ctx := context.Background()
	now := time.Unix(1_800_000_000, 0)
	clock := func() time.Time { return now }
	dir := filepath.Join(t.TempDir(), "cfg")
	s, err := Open(ctx, dir, WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const local, dest = "/home/me/big.iso", "https://cloud.example/remote.php/dav/files/me/big.iso"
	mtime := time.Unix(1_700_000_000, 123456789)

	if _, ok, err := s.Upload(ctx, local, dest); err != nil || ok {
		t.Fatalf("empty: %v %v", ok, err)
	}
	if err := s.SaveUpload(ctx, Upload{LocalPath: local, Destination: dest}); err == nil {
		t.Fatal("an upload id is required")
	}
	u := Upload{LocalPath: local, Destination: dest, UploadID: "nextcloud-mcp-1", Size: 3 << 30, ModTime: mtime}
	if err := s.SaveUpload(ctx, u); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Minute)
	u.Done, u.DoneHash = 10<<20, "crc32c:0a1b2c3d"
	if err := s.SaveUpload(ctx, u); err != nil {
		t.Fatal(err)
	}
	got, ok, err := s.Upload(ctx, local, dest)
	if err != nil || !ok {
		t.Fatalf("load: %v %v", ok, err)
	}
	if got.UploadID != u.UploadID || got.Size != u.Size || !got.ModTime.Equal(mtime) || got.Done != u.Done || got.DoneHash != u.DoneHash {
		t.Fatalf("round trip: %+v", got)
	}
	if !got.CreatedAt.Equal(now.Add(-time.Minute)) || !got.UpdatedAt.Equal(now) {
		t.Fatalf("progress keeps the creation time and moves the update time: %+v", got)
	}
	// Another destination of the same file is another session.
	if err := s.SaveUpload(ctx, Upload{LocalPath: local, Destination: dest + "2", UploadID: "x", Size: 1}); err != nil {
		t.Fatal(err)
	}
	if list, err := s.Uploads(ctx); err != nil || len(list) != 2 {
		t.Fatalf("list: %v %v", list, err)
	}

	// After the TTL a session is gone: the server has deleted its folder by then.
	now = now.Add(UploadTTL + time.Second)
	if err := s.SaveUpload(ctx, Upload{LocalPath: "/fresh", Destination: dest, UploadID: "y", Size: 1}); err != nil {
		t.Fatal(err)
	}
	if list, _ := s.Uploads(ctx); len(list) != 1 || list[0].LocalPath != "/fresh" {
		t.Fatalf("expired sessions are not listed: %+v", list)
	}
	expired, err := s.ExpireUploads(ctx)
	if err != nil || len(expired) != 2 {
		t.Fatalf("expire returns what it removed: %+v %v", expired, err)
	}
	if _, ok, err := s.Upload(ctx, local, dest); err != nil || ok {
		t.Fatalf("an expired session must not load: %v %v", ok, err)
	}
	if ok, err := s.DeleteUpload(ctx, "/fresh", dest); err != nil || !ok {
		t.Fatalf("delete: %v %v", ok, err)
	}
	if ok, _ := s.DeleteUpload(ctx, "/fresh", dest); ok {
		t.Fatal("delete twice")
	}
}

func TestUploadSessionsMigrateFromVersion3(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "cfg")
	if err := prepareFiles(dir, filepath.Join(dir, FileName)); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite3", dsn(filepath.Join(dir, FileName)))
	if err != nil {
		t.Fatal(err)
	}
	qs := []string{`CREATE TABLE schema_version (version INTEGER NOT NULL)`, migrations[0], migrations[1], migrations[2], `INSERT INTO schema_version VALUES (3)`,
		`INSERT INTO registered_webhooks (account, id, event, uri, created_at) VALUES ('a@https://x', 7, 'e', 'u', 1)`}
	for _, q := range qs {
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
	if v, _ := s.SchemaVersion(ctx); v < 4 {
		t.Fatalf("version %d, want at least 4", v)
	}
	if _, ok, _ := s.Webhook(ctx, "a@https://x", 7); !ok {
		t.Fatal("old data lost")
	}
	if err := s.SaveUpload(ctx, Upload{LocalPath: "/a", Destination: "https://x/d", UploadID: "u", Size: 1}); err != nil {
		t.Fatalf("new table unusable: %v", err)
	}
}
