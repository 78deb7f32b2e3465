package nextcloud_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// freezeFiles stops the fake's files clock, so every write lands in the same
// second, the case where Nextcloud keeps a file's etag (webdav-etag/).
func freezeFiles(fake *ncfake.Server) {
	t0 := time.Now().Truncate(time.Second)
	fake.SetFilesClock(func() time.Time { return t0 })
}

// loseNothing runs write → conditional write → stale conditional write
// three times on one file and checks the stale write is refused every time
// and the newer content kept.
func loseNothing(t *testing.T, fake *ncfake.Server, c *nextcloud.Client, p string) {
	t.Helper()
	ctx := context.Background()
	wr, err := c.WriteFile(ctx, p, []byte("v0"), nextcloud.WriteOptions{CreateOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	etag := wr.ETag
	for round := 1; round <= 3; round++ {
		next, err := c.WriteFile(ctx, p, []byte("newer"), nextcloud.WriteOptions{IfMatch: etag})
		if err != nil {
			t.Fatalf("round %d: conditional write: %v", round, err)
		}
		if next.ETag == etag {
			t.Fatalf("round %d: the conditional write kept the etag %s", round, etag)
		}
		_, err = c.WriteFile(ctx, p, []byte("stale"), nextcloud.WriteOptions{IfMatch: etag})
		if !errors.Is(err, nextcloud.ErrPreconditionFailed) {
			t.Fatalf("round %d: the stale write was not refused: %v", round, err)
		}
		if b, _ := fake.ReadFile("admin", p); string(b) != "newer" {
			t.Fatalf("round %d: content %q, the newer write was lost", round, b)
		}
		etag = next.ETag
	}
}

func TestWriteWithinOneSecondLosesNothing(t *testing.T) {
	fake, c := filesClient(t)
	freezeFiles(fake)
	loseNothing(t, fake, c, "same-second.txt")
	puts := 0
	for _, r := range fake.Requests() {
		if r.Method == http.MethodPut {
			puts++
			if r.Header.Get("X-OC-Mtime") == "" {
				t.Errorf("PUT %s without X-OC-Mtime", r.Path)
			}
		}
	}
	if puts != 7 {
		t.Errorf("%d PUTs, want 7", puts)
	}
}

// TestWriteWhenServerIgnoresMtime: when X-OC-Mtime is dropped (a proxy, a
// storage that cannot set it), the answered etag equals the old one; the
// client must give the file a new etag before it reports the write.
func TestWriteWhenServerIgnoresMtime(t *testing.T) {
	fake, c := filesClient(t)
	freezeFiles(fake)
	fake.IgnoreClientMtime(true)
	loseNothing(t, fake, c, "ignored.txt")
	n := 0
	for _, r := range fake.Requests() {
		if r.Method == "PROPPATCH" {
			n++
		}
	}
	if n != 3 {
		t.Errorf("%d PROPPATCHes to renew the etag, want one per conditional write (3)", n)
	}
}

// TestOverwriteInvalidatesOthersEtag: an unconditional overwrite (overwrite
// true) also moves the etag, so someone else's write with the etag they
// read before is refused.
func TestOverwriteInvalidatesOthersEtag(t *testing.T) {
	ctx := context.Background()
	for _, ignore := range []bool{false, true} {
		fake, c := filesClient(t)
		freezeFiles(fake)
		fake.IgnoreClientMtime(ignore)
		first, err := c.WriteFile(ctx, "o.txt", []byte("theirs"), nextcloud.WriteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.WriteFile(ctx, "o.txt", []byte("mine"), nextcloud.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.WriteFile(ctx, "o.txt", []byte("stale"), nextcloud.WriteOptions{IfMatch: first.ETag}); !errors.Is(err, nextcloud.ErrPreconditionFailed) {
			t.Fatalf("ignore=%v: a write with the etag from before the overwrite went through: %v", ignore, err)
		}
		// COPY over it is a write too.
		if err := fake.PutFile("admin", "src.txt", []byte("copied")); err != nil {
			t.Fatal(err)
		}
		before, _ := c.Stat(ctx, "o.txt")
		wr, err := c.Copy(ctx, "src.txt", "o.txt", true)
		if err != nil {
			t.Fatal(err)
		}
		if wr.ETag == "" || wr.ETag == before.ETag {
			t.Fatalf("ignore=%v: copy over o.txt: etag %q, before %q", ignore, wr.ETag, before.ETag)
		}
		if _, err := c.WriteFile(ctx, "o.txt", []byte("stale"), nextcloud.WriteOptions{IfMatch: before.ETag}); !errors.Is(err, nextcloud.ErrPreconditionFailed) {
			t.Fatalf("ignore=%v: stale write after copy: %v", ignore, err)
		}
	}
}

// TestWriteMtimeIsOneSecondPastTheFile: the mtime sent is at least one
// second past the file's, even when the file's mtime is in the future.
func TestWriteMtimeIsOneSecondPastTheFile(t *testing.T) {
	ctx := context.Background()
	fake, c := filesClient(t)
	future := time.Now().Add(time.Hour).Truncate(time.Second)
	if _, err := c.WriteFile(ctx, "m.txt", []byte("a"), nextcloud.WriteOptions{ModTime: future}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.WriteFile(ctx, "m.txt", []byte("b"), nextcloud.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	st, err := c.Stat(ctx, "m.txt")
	if err != nil {
		t.Fatal(err)
	}
	if want := future.Add(time.Second); !st.Modified.Equal(want) {
		t.Fatalf("mtime %v, want %v", st.Modified, want)
	}
	reqs := fake.Requests()
	if last := reqs[len(reqs)-2]; last.Method != http.MethodPut || last.Header.Get("X-OC-Mtime") == "" {
		t.Fatalf("last write %+v", last)
	}
}

// TestUnprotectedWriteIsReported: if renewing the kept etag fails, the
// caller hears that the content was written but is not protected.
func TestUnprotectedWriteIsReported(t *testing.T) {
	ctx := context.Background()
	fake, c := filesClient(t)
	freezeFiles(fake)
	fake.IgnoreClientMtime(true)
	wr, err := c.WriteFile(ctx, "u.txt", []byte("a"), nextcloud.WriteOptions{CreateOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	fake.AddFault(ncfake.Fault{Method: "PROPPATCH", Status: http.StatusInternalServerError, Body: "boom"})
	_, err = c.WriteFile(ctx, "u.txt", []byte("b"), nextcloud.WriteOptions{IfMatch: wr.ETag})
	if !errors.Is(err, nextcloud.ErrUnprotectedWrite) || !strings.Contains(err.Error(), "was written") {
		t.Fatalf("err = %v", err)
	}
	if b, _ := fake.ReadFile("admin", "u.txt"); string(b) != "b" {
		t.Fatalf("content %q", b)
	}
}

// BenchmarkWriteFile measures a create-only write (no lookup) against a
// conditional overwrite, which first reads the file's mtime (PROPFIND) to
// send an X-OC-Mtime one second past it.
func BenchmarkWriteFile(b *testing.B) {
	ctx := context.Background()
	fake := ncfake.New(ncfake.Options{})
	ts := fake.Start()
	b.Cleanup(ts.Close)
	c, err := nextcloud.New(nextcloud.Options{BaseURL: ts.URL, Credentials: nextcloud.BasicAuth{User: "admin", Password: "admin-app-password"}, Version: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	data := []byte(strings.Repeat("x", 4096))
	b.Run("create-only", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if _, err := c.WriteFile(ctx, "bench-"+strconv.Itoa(i)+".txt", data, nextcloud.WriteOptions{CreateOnly: true}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("if-match", func(b *testing.B) {
		wr, err := c.WriteFile(ctx, "bench-cond.txt", data, nextcloud.WriteOptions{CreateOnly: true})
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if wr, err = c.WriteFile(ctx, "bench-cond.txt", data, nextcloud.WriteOptions{IfMatch: wr.ETag}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
