package nextcloud_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// filesClient starts a fake and returns it with a client signed in as admin.
func filesClient(t *testing.T) (*ncfake.Server, *nextcloud.Client) {
	t.Helper()
	fake := ncfake.New(ncfake.Options{})
	ts := fake.Start()
	t.Cleanup(ts.Close)
	c, err := nextcloud.New(nextcloud.Options{
		BaseURL:     ts.URL,
		Credentials: nextcloud.BasicAuth{User: "admin", Password: "admin-app-password"},
		Version:     "test",
		Retry:       nextcloud.RetryPolicy{MaxAttempts: 2, LockedMaxAttempts: 1, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	return fake, c
}

func readAll(t *testing.T, fc *nextcloud.FileContent) string {
	t.Helper()
	defer fc.Body.Close()
	b, err := io.ReadAll(fc.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestFilesWriteReadConditional(t *testing.T) {
	ctx := context.Background()
	fake, c := filesClient(t)
	if _, err := c.MkdirAll(ctx, "Docs"); err != nil {
		t.Fatal(err)
	}
	wr, err := c.WriteFile(ctx, "Docs/a.txt", []byte("one"), nextcloud.WriteOptions{CreateOnly: true, ContentType: "text/plain"})
	if err != nil {
		t.Fatal(err)
	}
	if !wr.Created || wr.FileID == 0 || !strings.HasPrefix(wr.ETag, `"`) {
		t.Fatalf("create result %+v", wr)
	}

	// Create-only on an existing file: 412, content untouched.
	_, err = c.WriteFile(ctx, "Docs/a.txt", []byte("two"), nextcloud.WriteOptions{CreateOnly: true})
	if !errors.Is(err, nextcloud.ErrPreconditionFailed) {
		t.Fatalf("create-only over existing: %v", err)
	}
	// A stale If-Match: 412 carrying the current ETag.
	_, err = c.WriteFile(ctx, "Docs/a.txt", []byte("two"), nextcloud.WriteOptions{IfMatch: `"0123456789abcdef0123456789abcdef"`})
	var ne *nextcloud.Error
	if !errors.As(err, &ne) || ne.Status != 412 || ne.ETag != wr.ETag {
		t.Fatalf("stale If-Match: %v (etag %q, want %q)", err, ne.ETag, wr.ETag)
	}
	if b, _ := fake.ReadFile("admin", "Docs/a.txt"); string(b) != "one" {
		t.Fatalf("content after refused writes = %q", b)
	}
	// The right If-Match replaces the file; the id stays, the ETag changes.
	wr2, err := c.WriteFile(ctx, "Docs/a.txt", []byte("two!"), nextcloud.WriteOptions{IfMatch: wr.ETag})
	if err != nil {
		t.Fatal(err)
	}
	if wr2.Created || wr2.FileID != wr.FileID || wr2.ETag == wr.ETag {
		t.Fatalf("overwrite result %+v after %+v", wr2, wr)
	}

	st, err := c.Stat(ctx, "/Docs/a.txt")
	if err != nil {
		t.Fatal(err)
	}
	if st.Path != "/Docs/a.txt" || st.IsDir || st.Size != 4 || st.ETag != wr2.ETag || st.FileID != wr.FileID || st.ContentType != "text/plain" || st.Modified.IsZero() {
		t.Fatalf("stat = %+v", st)
	}

	fc, err := c.ReadFile(ctx, "Docs/a.txt", nextcloud.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, fc); got != "two!" || fc.Size != 4 || fc.ETag != wr2.ETag || !strings.HasPrefix(fc.ContentType, "text/plain") {
		t.Fatalf("read %q %+v", got, fc)
	}
}

func TestFilesReadRangeAndCap(t *testing.T) {
	ctx := context.Background()
	fake, c := filesClient(t)
	if err := fake.PutFile("admin", "big.txt", []byte("0123456789abcdefghij")); err != nil {
		t.Fatal(err)
	}
	fc, err := c.ReadFile(ctx, "big.txt", nextcloud.ReadOptions{Offset: 5, Length: 4})
	if err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, fc); got != "5678" || fc.Offset != 5 || fc.Size != 20 || fc.Length != 4 {
		t.Fatalf("window %q %+v", got, fc)
	}
	// Offset past the end: an empty window that still reports the size.
	fc, err = c.ReadFile(ctx, "big.txt", nextcloud.ReadOptions{Offset: 50, Length: 4})
	if err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, fc); got != "" || fc.Size != 20 {
		t.Fatalf("past end %q %+v", got, fc)
	}
	// The byte cap makes an over-long body fail instead of truncating silently.
	fc, err = c.ReadFile(ctx, "big.txt", nextcloud.ReadOptions{MaxBytes: 8})
	if err != nil {
		t.Fatal(err)
	}
	defer fc.Body.Close()
	if _, err := io.ReadAll(fc.Body); !errors.Is(err, nextcloud.ErrTooLarge) {
		t.Fatalf("capped read: %v", err)
	}
}

func TestFilesMkdirMoveCopyDelete(t *testing.T) {
	ctx := context.Background()
	fake, c := filesClient(t)
	created, err := c.MkdirAll(ctx, "a/b/c")
	if err != nil || !created {
		t.Fatalf("MkdirAll = %v, %v", created, err)
	}
	if created, err := c.MkdirAll(ctx, "a/b/c"); err != nil || created {
		t.Fatalf("MkdirAll again = %v, %v", created, err)
	}
	if _, err := c.Mkdir(ctx, "x/y"); !errors.Is(err, nextcloud.ErrConflict) {
		t.Fatalf("Mkdir with missing parent: %v", err)
	}
	// PUT into a missing parent is 404 on Nextcloud.
	if _, err := c.WriteFile(ctx, "nope/f.txt", []byte("x"), nextcloud.WriteOptions{}); !errors.Is(err, nextcloud.ErrNotFound) {
		t.Fatalf("PUT into missing folder: %v", err)
	}
	if err := fake.PutFile("admin", "a/f.txt", []byte("F")); err != nil {
		t.Fatal(err)
	}
	var nd *nextcloud.NotDirError
	if _, err := c.MkdirAll(ctx, "a/f.txt/sub"); !errors.As(err, &nd) || nd.Path != "/a/f.txt" {
		t.Fatalf("MkdirAll below a file: %v", err)
	}
	if err := fake.PutFile("admin", "a/g.txt", []byte("G")); err != nil {
		t.Fatal(err)
	}

	// Never silently replace: MOVE with overwrite=false onto an existing file is 412.
	if _, err := c.Move(ctx, "a/f.txt", "a/g.txt", false); !errors.Is(err, nextcloud.ErrPreconditionFailed) {
		t.Fatalf("move onto existing: %v", err)
	}
	if b, _ := fake.ReadFile("admin", "a/g.txt"); string(b) != "G" {
		t.Fatalf("target changed to %q", b)
	}
	wr, err := c.Move(ctx, "a/f.txt", "a/b/f2.txt", false)
	if err != nil || !wr.Created {
		t.Fatalf("move = %+v, %v", wr, err)
	}
	if _, err := c.Move(ctx, "a/b/f2.txt", "missing/dir/f.txt", false); !errors.Is(err, nextcloud.ErrConflict) {
		t.Fatalf("move to missing parent: %v", err)
	}
	wr, err = c.Move(ctx, "a/b/f2.txt", "a/g.txt", true)
	if err != nil || wr.Created {
		t.Fatalf("move with overwrite = %+v, %v", wr, err)
	}
	if b, _ := fake.ReadFile("admin", "a/g.txt"); string(b) != "F" {
		t.Fatalf("after overwrite move g.txt = %q", b)
	}
	if _, err := c.Copy(ctx, "a", "a-copy", false); err != nil {
		t.Fatal(err)
	}
	if b, _ := fake.ReadFile("admin", "a-copy/g.txt"); string(b) != "F" {
		t.Fatalf("copied file = %q", b)
	}
	self, children, err := c.ListDir(ctx, "a-copy")
	if err != nil {
		t.Fatal(err)
	}
	if self.Path != "/a-copy" || len(children) != 2 || !children[0].IsDir || children[0].Name != "b" || children[1].Name != "g.txt" {
		t.Fatalf("list = %+v %+v", self, children)
	}
	if err := c.Delete(ctx, "a-copy"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Stat(ctx, "a-copy"); !errors.Is(err, nextcloud.ErrNotFound) {
		t.Fatalf("stat after delete: %v", err)
	}
	if err := c.Delete(ctx, "a-copy"); !errors.Is(err, nextcloud.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	if err := c.Delete(ctx, "/"); err == nil {
		t.Fatal("deleting the root was sent")
	}
}

func TestFilesUnicodeNamesRoundTrip(t *testing.T) {
	ctx := context.Background()
	fake, c := filesClient(t)
	dir, name := "Ünïcode dir", "a #1 100%.txt"
	if _, err := c.MkdirAll(ctx, dir); err != nil {
		t.Fatal(err)
	}
	if _, err := c.WriteFile(ctx, dir+"/"+name, []byte("ü"), nextcloud.WriteOptions{CreateOnly: true}); err != nil {
		t.Fatal(err)
	}
	if b, err := fake.ReadFile("admin", dir+"/"+name); err != nil || string(b) != "ü" {
		t.Fatalf("stored %q, %v", b, err)
	}
	_, children, err := c.ListDir(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(children) != 1 || children[0].Name != name || children[0].Path != "/"+dir+"/"+name {
		t.Fatalf("children = %+v", children)
	}
	if _, err := c.Move(ctx, dir+"/"+name, dir+"/ß & ✓.txt", false); err != nil {
		t.Fatal(err)
	}
	fc, err := c.ReadFile(ctx, dir+"/ß & ✓.txt", nextcloud.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, fc); got != "ü" {
		t.Fatalf("read %q", got)
	}
}

func TestFilesDotDotRefusedBeforeSending(t *testing.T) {
	ctx := context.Background()
	fake, c := filesClient(t)
	if _, err := c.Stat(ctx, "/"); err != nil { // warms the principal
		t.Fatal(err)
	}
	before := fake.RequestCount()
	calls := map[string]func() error{
		"stat":  func() error { _, err := c.Stat(ctx, "a/../../etc"); return err },
		"read":  func() error { _, err := c.ReadFile(ctx, "../x", nextcloud.ReadOptions{}); return err },
		"write": func() error { _, err := c.WriteFile(ctx, "a/../b", nil, nextcloud.WriteOptions{}); return err },
		"move":  func() error { _, err := c.Move(ctx, "a", "../b", false); return err },
		"mkdir": func() error { _, err := c.MkdirAll(ctx, "x/../../y"); return err },
	}
	for name, call := range calls {
		if err := call(); err == nil || !strings.Contains(err.Error(), "..") {
			t.Errorf("%s: %v, want a '..' refusal", name, err)
		}
	}
	if n := fake.RequestCount(); n != before {
		t.Errorf("%d requests reached the server", n-before)
	}
}

func TestFilesSearchAndFavorites(t *testing.T) {
	ctx := context.Background()
	fake, c := filesClient(t)
	for _, p := range []string{"Photos/cat.png", "Photos/dog.jpg", "Docs/report.txt", "Docs/Report-2.md", "Docs/old/report.pdf"} {
		if err := fake.PutFile("admin", p, []byte(p)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Millisecond) // distinct mtimes for the newest-first order
	}
	paths := func(es []nextcloud.FileEntry) string {
		var out []string
		for _, e := range es {
			out = append(out, e.Path)
		}
		return strings.Join(out, ",")
	}
	hits, err := c.SearchFiles(ctx, nextcloud.FileSearch{NamePattern: "%report%"})
	if err != nil {
		t.Fatal(err)
	}
	if got := paths(hits); got != "/Docs/old/report.pdf,/Docs/Report-2.md,/Docs/report.txt" {
		t.Errorf("name search = %s", got)
	}
	hits, err = c.SearchFiles(ctx, nextcloud.FileSearch{MimeType: "image/%"})
	if err != nil {
		t.Fatal(err)
	}
	if got := paths(hits); got != "/Photos/dog.jpg,/Photos/cat.png" {
		t.Errorf("mime search = %s", got)
	}
	hits, err = c.SearchFiles(ctx, nextcloud.FileSearch{NamePattern: "%report%", Scope: "Docs/old"})
	if err != nil {
		t.Fatal(err)
	}
	if got := paths(hits); got != "/Docs/old/report.pdf" {
		t.Errorf("scoped search = %s", got)
	}
	hits, err = c.SearchFiles(ctx, nextcloud.FileSearch{NamePattern: "%report%", Limit: 1, Offset: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got := paths(hits); got != "/Docs/Report-2.md" {
		t.Errorf("paged search = %s", got)
	}
	if _, err := c.SearchFiles(ctx, nextcloud.FileSearch{Scope: "Docs/report.txt", NamePattern: "%"}); err == nil {
		t.Error("search scoped to a file succeeded")
	}

	if err := c.SetFavorite(ctx, "Docs/report.txt", true); err != nil {
		t.Fatal(err)
	}
	if err := c.SetFavorite(ctx, "Photos", true); err != nil {
		t.Fatal(err)
	}
	favs, err := c.Favorites(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := paths(favs); got != "/Docs/report.txt,/Photos" || !favs[0].Favorite || !favs[1].IsDir {
		t.Errorf("favorites = %+v", favs)
	}
	favs, err = c.Favorites(ctx, "Photos")
	if err != nil {
		t.Fatal(err)
	}
	if len(favs) != 0 {
		t.Errorf("favorites below Photos = %+v", favs)
	}
}

// TestFilesUseUserIDFromPrincipal signs in with a Bearer token whose login
// name is unknown to the client: the files path must come from the principal.
func TestFilesUseUserIDFromPrincipal(t *testing.T) {
	ctx := context.Background()
	fake := ncfake.New(ncfake.Options{})
	fake.SetBearerValidator(func(_ context.Context, tok string) (string, bool) { return "alice", tok == "tok" })
	ts := fake.Start()
	t.Cleanup(ts.Close)
	c, err := nextcloud.New(nextcloud.Options{BaseURL: ts.URL, Credentials: nextcloud.BearerAuth{Tokens: staticFilesToken("tok")}, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.WriteFile(ctx, "mine.txt", []byte("alice's"), nextcloud.WriteOptions{CreateOnly: true}); err != nil {
		t.Fatal(err)
	}
	if b, err := fake.ReadFile("alice", "mine.txt"); err != nil || string(b) != "alice's" {
		t.Fatalf("alice's file = %q, %v", b, err)
	}
	for _, r := range fake.Requests() {
		if r.Method == "PUT" && r.Path != "/remote.php/dav/files/alice/mine.txt" {
			t.Errorf("PUT went to %s", r.Path)
		}
	}
}

type staticFilesToken string

func (s staticFilesToken) AccessToken(context.Context) (string, error) { return string(s), nil }

func TestFilesLockedAndQuota(t *testing.T) {
	ctx := context.Background()
	fake, c := filesClient(t)
	if err := fake.PutFile("admin", "busy.txt", []byte("x")); err != nil {
		t.Fatal(err)
	}
	unlock, err := fake.LockFile("admin", "busy.txt")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ReadFile(ctx, "busy.txt", nextcloud.ReadOptions{}); !errors.Is(err, nextcloud.ErrLocked) {
		t.Fatalf("read locked: %v", err)
	}
	if _, err := c.WriteFile(ctx, "busy.txt", []byte("y"), nextcloud.WriteOptions{}); !errors.Is(err, nextcloud.ErrLocked) {
		t.Fatalf("write locked: %v", err)
	}
	unlock()
	if _, err := c.WriteFile(ctx, "busy.txt", []byte("y"), nextcloud.WriteOptions{}); err != nil {
		t.Fatalf("write after unlock: %v", err)
	}

	fake.AddUser(&ncfake.User{ID: "admin", DisplayName: "admin", AppPasswords: map[string]bool{"admin-app-password": true}, QuotaBytes: 10})
	_, err = c.WriteFileStream(ctx, "huge.bin", bytes.NewReader(make([]byte, 64)), nextcloud.WriteOptions{})
	if !errors.Is(err, nextcloud.ErrInsufficientSpace) {
		t.Fatalf("over quota: %v", err)
	}
}
