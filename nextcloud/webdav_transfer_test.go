package nextcloud_test

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// memSource is an UploadSource over bytes; changeAfter makes Verify fail
// once that many chunks were read.
type memSource struct {
	data    []byte
	mtime   time.Time
	reads   atomic.Int64
	changed atomic.Bool
}

func newMemSource(size int) *memSource {
	b := make([]byte, size)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return &memSource{data: b, mtime: time.Unix(1_700_000_000, 0)}
}

func (m *memSource) ReadAt(p []byte, off int64) (int, error) {
	m.reads.Add(1)
	if off >= int64(len(m.data)) {
		return 0, io.EOF
	}
	n := copy(p, m.data[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}
func (m *memSource) Size() int64        { return int64(len(m.data)) }
func (m *memSource) ModTime() time.Time { return m.mtime }
func (m *memSource) Verify() error {
	if m.changed.Load() {
		return errors.New("test: the local file changed")
	}
	return nil
}

// memSessions is an UploadSessions in memory.
type memSessions struct {
	mu sync.Mutex
	m  map[string]nextcloud.UploadSession
}

func (s *memSessions) LoadUpload(_ context.Context, local, dest string) (nextcloud.UploadSession, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[local+"|"+dest]
	return v, ok, nil
}
func (s *memSessions) SaveUpload(_ context.Context, local, dest string, v nextcloud.UploadSession) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string]nextcloud.UploadSession{}
	}
	s.m[local+"|"+dest] = v
	return nil
}
func (s *memSessions) DeleteUpload(_ context.Context, local, dest string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, local+"|"+dest)
	return nil
}
func (s *memSessions) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}

// chunked are options that send a 100 KiB file in 16 KiB chunks.
func chunked(sessions nextcloud.UploadSessions) nextcloud.UploadOptions {
	return nextcloud.UploadOptions{Threshold: 8 << 10, MinChunk: 16 << 10, MaxChunk: 16 << 10, Sessions: sessions, LocalKey: "/local/big.bin"}
}

func requestsOf(fake *ncfake.Server, method, prefix string) []ncfake.RecordedRequest {
	var out []ncfake.RecordedRequest
	for _, r := range fake.Requests() {
		if r.Method == method && strings.HasPrefix(r.Path, prefix) {
			out = append(out, r)
		}
	}
	return out
}

func TestUploadSmallFileIsOnePut(t *testing.T) {
	ctx := context.Background()
	fake, c := filesClient(t)
	src := newMemSource(3000)
	var progress int64
	res, err := c.Upload(ctx, "/small.bin", src, nextcloud.UploadOptions{Progress: func(n int64) { progress = n }, Checksum: "SHA1"})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha1.Sum(src.data)
	if res.Chunked || !res.Created || res.Size != 3000 || res.FileID == 0 || res.ETag == "" || progress != 3000 ||
		res.Checksum != "SHA1:"+hex.EncodeToString(sum[:]) || res.Verified != "etag" {
		t.Fatalf("result %+v (progress %d)", res, progress)
	}
	puts := requestsOf(fake, "PUT", "/remote.php/dav/files/")
	if len(puts) != 1 || puts[0].Header.Get("If-None-Match") != "*" || puts[0].Header.Get("X-Oc-Mtime") != "1700000000" || puts[0].Header.Get("Oc-Checksum") != res.Checksum {
		t.Fatalf("PUT headers: %+v", puts)
	}
	got, _ := fake.ReadFile("admin", "/small.bin")
	if !bytes.Equal(got, src.data) {
		t.Fatal("content differs")
	}
	// Nextcloud 29 announces no checksum type: by default none is computed.
	plain, err := c.Upload(ctx, "/plain.bin", src, nextcloud.UploadOptions{})
	if err != nil || plain.Checksum != "" || plain.Verified != "etag" {
		t.Fatalf("default checksum: %+v %v", plain, err)
	}
	if h := requestsOf(fake, "PUT", "/remote.php/dav/files/admin/plain.bin"); len(h) != 1 || h[0].Header.Get("Oc-Checksum") != "" {
		t.Fatalf("no OC-Checksum without the capability: %v", h)
	}
	// Again without overwrite: refused before anything is sent.
	_, err = c.Upload(ctx, "/small.bin", src, nextcloud.UploadOptions{})
	if !errors.Is(err, nextcloud.ErrPreconditionFailed) || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("exists: %v", err)
	}
	if len(requestsOf(fake, "PUT", "/remote.php/dav/files/admin/small.bin")) != 1 {
		t.Fatal("nothing may be sent for a file that exists")
	}
	// With the current etag it replaces; with a stale one it does not.
	res2, err := c.Upload(ctx, "/small.bin", src, nextcloud.UploadOptions{IfMatch: res.ETag})
	if err != nil || res2.Created {
		t.Fatalf("if-match: %+v %v", res2, err)
	}
	if _, err := c.Upload(ctx, "/small.bin", src, nextcloud.UploadOptions{IfMatch: res.ETag}); !errors.Is(err, nextcloud.ErrPreconditionFailed) {
		t.Fatalf("stale etag: %v", err)
	}
	if _, err := c.Upload(ctx, "/small.bin", src, nextcloud.UploadOptions{Overwrite: true}); err != nil {
		t.Fatalf("overwrite: %v", err)
	}
	var pm *nextcloud.ParentMissingError
	if _, err := c.Upload(ctx, "/no/such/dir/x.bin", src, nextcloud.UploadOptions{}); !errors.As(err, &pm) || pm.Folder != "/no/such/dir" {
		t.Fatalf("missing parent: %v", err)
	}
}

func TestUploadChunked(t *testing.T) {
	ctx := context.Background()
	fake, c := filesClient(t)
	src := newMemSource(100 << 10)
	sessions := &memSessions{}
	o := chunked(sessions)
	o.Checksum = "SHA1"
	res, err := c.Upload(ctx, "/big.bin", src, o)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Chunked || !res.Created || res.Resumed || res.Sent != int64(len(src.data)) || res.FileID == 0 || res.Verified != "etag" {
		t.Fatalf("result %+v", res)
	}
	got, _ := fake.ReadFile("admin", "/big.bin")
	if !bytes.Equal(got, src.data) {
		t.Fatal("assembled content differs")
	}
	mk := requestsOf(fake, "MKCOL", "/remote.php/dav/uploads/admin/")
	puts := requestsOf(fake, "PUT", "/remote.php/dav/uploads/admin/")
	moves := requestsOf(fake, "MOVE", "/remote.php/dav/uploads/admin/")
	if len(mk) != 1 || len(puts) != 7 || len(moves) != 1 {
		t.Fatalf("requests: %d MKCOL, %d PUT, %d MOVE", len(mk), len(puts), len(moves))
	}
	dest := mk[0].Header.Get("Destination")
	if !strings.HasSuffix(dest, "/remote.php/dav/files/admin/big.bin") || !strings.HasSuffix(puts[0].Path, "/00001") || !strings.HasSuffix(puts[6].Path, "/00007") {
		t.Fatalf("names: %s %s %s", dest, puts[0].Path, puts[6].Path)
	}
	for _, p := range puts {
		if p.Header.Get("Destination") != dest || p.Header.Get("Oc-Total-Length") != "102400" {
			t.Fatalf("chunk headers: %v", p.Header)
		}
	}
	mv := moves[0].Header
	sum := sha1.Sum(src.data)
	if !strings.HasSuffix(moves[0].Path, "/.file") || mv.Get("Destination") != dest || mv.Get("Oc-Total-Length") != "102400" ||
		mv.Get("X-Oc-Mtime") != "1700000000" || mv.Get("Overwrite") != "F" || mv.Get("If-None-Match") != "" ||
		mv.Get("Oc-Checksum") != "SHA1:"+hex.EncodeToString(sum[:]) {
		t.Fatalf("MOVE headers: %v", mv)
	}
	if len(fake.Uploads("admin")) != 0 || sessions.len() != 0 {
		t.Fatal("a finished upload leaves no folder and no session")
	}

	// Replacing with the etag goes through the If header on the MOVE.
	res2, err := c.Upload(ctx, "/big.bin", src, func() nextcloud.UploadOptions { o := chunked(sessions); o.IfMatch = res.ETag; return o }())
	if err != nil || res2.Created || res2.FileID != res.FileID {
		t.Fatalf("replace: %+v %v", res2, err)
	}
	moves = requestsOf(fake, "MOVE", "/remote.php/dav/uploads/admin/")
	if h := moves[1].Header; h.Get("If") != "<"+dest+"> (["+res.ETag+"])" || h.Get("Overwrite") != "T" {
		t.Fatalf("conditional MOVE: %v", h)
	}
}

// interruptAt leaves an upload of src to p interrupted with chunks
// 1..chunk-1 on the server: a first call is cut at its first chunk (which
// records the session), a second one at chunk number chunk.
func interruptAt(t *testing.T, fake *ncfake.Server, c *nextcloud.Client, p string, src nextcloud.UploadSource, o nextcloud.UploadOptions, chunk int) {
	t.Helper()
	ctx := context.Background()
	fake.AddFault(ncfake.Fault{Method: "PUT", PathPrefix: "/remote.php/dav/uploads/admin/", CutAfter: 8 << 10})
	_, err := c.Upload(ctx, p, src, o)
	var ie *nextcloud.InterruptedError
	if !errors.As(err, &ie) || ie.Done != 0 {
		t.Fatalf("want an interrupted upload, got %v", err)
	}
	fake.ClearFaults()
	ids := fake.Uploads("admin")
	if len(ids) != 1 {
		t.Fatalf("one upload folder, got %v", ids)
	}
	fake.AddFault(ncfake.Fault{Method: "PUT", PathPrefix: fmt.Sprintf("/remote.php/dav/uploads/admin/%s/%05d", ids[0], chunk), CutAfter: 8 << 10})
	_, err = c.Upload(ctx, p, src, o)
	if !errors.As(err, &ie) || ie.Done != int64(chunk-1)*(16<<10) {
		t.Fatalf("want an upload interrupted at chunk %d, got %v", chunk, err)
	}
	fake.ClearFaults()
	if chunks := fake.UploadChunks("admin", ids[0]); len(chunks) != chunk-1 {
		t.Fatalf("the server holds %d whole chunks, got %v", chunk-1, chunks)
	}
}

func TestUploadResumesAfterCut(t *testing.T) {
	ctx := context.Background()
	fake, c := filesClient(t)
	src := newMemSource(100 << 10)
	sessions := &memSessions{}
	o := chunked(sessions)
	interruptAt(t, fake, c, "/resume.bin", src, o, 4)
	if sessions.len() != 1 {
		t.Fatal("an interrupted upload keeps its session")
	}
	if _, err := fake.StatFile("admin", "/resume.bin"); err == nil {
		t.Fatal("nothing may appear at the destination")
	}
	res, err := c.Upload(ctx, "/resume.bin", src, o)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Resumed || res.Sent != int64(len(src.data))-3*(16<<10) {
		t.Fatalf("resume must send only the missing chunks: %+v", res)
	}
	got, _ := fake.ReadFile("admin", "/resume.bin")
	if !bytes.Equal(got, src.data) {
		t.Fatal("resumed content differs")
	}
	if sessions.len() != 0 || len(fake.Uploads("admin")) != 0 {
		t.Fatal("nothing left after the resumed upload")
	}
}

func TestUploadRetriesACutChunkWithinTheCall(t *testing.T) {
	ctx := context.Background()
	fake, c := filesClient(t)
	src := newMemSource(100 << 10)
	fake.AddFault(ncfake.Fault{Method: "PUT", PathPrefix: "/remote.php/dav/uploads/admin/", Times: 1, CutAfter: 4 << 10})
	res, err := c.Upload(ctx, "/retry.bin", src, chunked(&memSessions{}))
	if err != nil {
		t.Fatal(err)
	}
	if res.Resumed || res.Sent <= int64(len(src.data)) || res.Sent > int64(len(src.data))+16<<10 {
		t.Fatalf("one chunk is sent again: %+v", res)
	}
	got, _ := fake.ReadFile("admin", "/retry.bin")
	if !bytes.Equal(got, src.data) {
		t.Fatal("content differs")
	}
}

func TestUploadSourceChangesMidway(t *testing.T) {
	ctx := context.Background()
	fake, c := filesClient(t)
	src := newMemSource(100 << 10)
	sessions := &memSessions{}
	o := chunked(sessions)
	o.Progress = func(done int64) {
		if done > 40<<10 {
			src.changed.Store(true)
		}
	}
	_, err := c.Upload(ctx, "/changing.bin", src, o)
	if err == nil || !strings.Contains(err.Error(), "changed") {
		t.Fatalf("want the change detected, got %v", err)
	}
	var ie *nextcloud.InterruptedError
	if errors.As(err, &ie) {
		t.Fatal("a changed file is not resumable")
	}
	if len(fake.Uploads("admin")) != 0 || sessions.len() != 0 {
		t.Fatal("the upload folder and session are removed")
	}
	if _, err := fake.StatFile("admin", "/changing.bin"); err == nil {
		t.Fatal("nothing may appear at the destination")
	}
}

func TestUploadResumeRefusesAnotherFile(t *testing.T) {
	ctx := context.Background()
	fake, c := filesClient(t)
	src := newMemSource(100 << 10)
	sessions := &memSessions{}
	o := chunked(sessions)
	interruptAt(t, fake, c, "/other.bin", src, o, 3)
	// Same size and mtime, other bytes: the recorded hash does not match.
	other := newMemSource(100 << 10)
	other.data[5] ^= 0xff
	res, err := c.Upload(ctx, "/other.bin", other, o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Resumed || res.Sent != int64(len(other.data)) {
		t.Fatalf("another file starts over: %+v", res)
	}
	got, _ := fake.ReadFile("admin", "/other.bin")
	if !bytes.Equal(got, other.data) {
		t.Fatal("content differs")
	}
	if len(fake.Uploads("admin")) != 0 {
		t.Fatalf("the old upload folder is removed: %v", fake.Uploads("admin"))
	}
}

func TestUploadExpiredSessionStartsOver(t *testing.T) {
	ctx := context.Background()
	fake, c := filesClient(t)
	src := newMemSource(100 << 10)
	o := chunked(&memSessions{})
	interruptAt(t, fake, c, "/exp.bin", src, o, 3)
	fake.ExpireUploads("admin")
	res, err := c.Upload(ctx, "/exp.bin", src, o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Resumed || res.Sent != int64(len(src.data)) {
		t.Fatalf("an expired folder starts over: %+v", res)
	}
}

func TestUploadServerRefusals(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name      string
		setup     func(f *ncfake.Server)
		status    int
		kept      bool
		otherUser bool
	}{
		{"quota", func(f *ncfake.Server) {}, http.StatusInsufficientStorage, false, true},
		{"locked", func(f *ncfake.Server) {
			_ = f.PutFile("admin", "/target.bin", []byte("old"))
			_, _ = f.LockFile("admin", "/target.bin")
		}, http.StatusLocked, true, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			fake := ncfake.New(ncfake.Options{})
			fake.AddUser(&ncfake.User{ID: "bob", Password: "bob", AppPasswords: map[string]bool{"bob-pw": true}, QuotaBytes: 50 << 10})
			ts := fake.Start()
			defer ts.Close()
			user, pw := "admin", "admin-app-password"
			if c.otherUser {
				user, pw = "bob", "bob-pw"
			}
			cl, _ := nextcloud.New(nextcloud.Options{BaseURL: ts.URL, Credentials: nextcloud.BasicAuth{User: user, Password: pw},
				Retry: nextcloud.RetryPolicy{MaxAttempts: 2, LockedMaxAttempts: 1, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}})
			c.setup(fake)
			sessions := &memSessions{}
			o := chunked(sessions)
			o.Overwrite = true
			_, err := cl.Upload(ctx, "/target.bin", newMemSource(100<<10), o)
			if nextcloud.StatusOf(err) != c.status {
				t.Fatalf("want HTTP %d, got %v", c.status, err)
			}
			var ie *nextcloud.InterruptedError
			if errors.As(err, &ie) != c.kept || (sessions.len() == 1) != c.kept || (len(fake.Uploads(user)) == 1) != c.kept {
				t.Fatalf("kept=%v: err %v, sessions %d, folders %v", c.kept, err, sessions.len(), fake.Uploads(user))
			}
			if b, _ := fake.ReadFile(user, "/target.bin"); len(b) > 3 {
				t.Fatal("nothing half-written at the destination")
			}
		})
	}
}

func TestUploadTwoAtOnceToOnePath(t *testing.T) {
	ctx := context.Background()
	fake, c := filesClient(t)
	a, b := newMemSource(100<<10), newMemSource(100<<10)
	b.data[0] ^= 1
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, src := range []*memSource{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o := chunked(nil)
			o.LocalKey = fmt.Sprint("/local/", i)
			_, errs[i] = c.Upload(ctx, "/same.bin", src, o)
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		} else if !errors.Is(err, nextcloud.ErrPreconditionFailed) {
			t.Fatalf("the loser must fail with 412, got %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("exactly one upload wins: %v", errs)
	}
	got, _ := fake.ReadFile("admin", "/same.bin")
	if !bytes.Equal(got, a.data) && !bytes.Equal(got, b.data) {
		t.Fatal("the destination must hold one whole file")
	}
	if len(fake.Uploads("admin")) != 0 {
		t.Fatalf("without a session store nothing is kept: %v", fake.Uploads("admin"))
	}
}

// memSink is a DownloadSink in memory.
type memSink struct {
	bytes.Buffer
	onWrite func(n int)
}

func (s *memSink) Offset() int64 { return int64(s.Len()) }
func (s *memSink) Reset() error  { s.Buffer.Reset(); return nil }
func (s *memSink) Write(p []byte) (int, error) {
	n, err := s.Buffer.Write(p)
	if s.onWrite != nil {
		s.onWrite(s.Len())
	}
	return n, err
}

func TestDownloadContinuesAfterCut(t *testing.T) {
	ctx := context.Background()
	fake, c := filesClient(t)
	data := newMemSource(300 << 10).data
	if err := fake.PutFile("admin", "/dl.bin", data); err != nil {
		t.Fatal(err)
	}
	e, _ := c.Stat(ctx, "/dl.bin")
	fake.AddFault(ncfake.Fault{Method: "GET", PathPrefix: "/remote.php/dav/files/", Times: 2, CutAfter: 100 << 10})
	sink := &memSink{}
	res, err := c.Download(ctx, "/dl.bin", sink, nextcloud.DownloadOptions{ETag: e.ETag, Size: e.Size})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(sink.Bytes(), data) || res.Size != int64(len(data)) || res.Received != int64(len(data)) {
		t.Fatalf("download: %+v", res)
	}
	gets := requestsOf(fake, "GET", "/remote.php/dav/files/admin/dl.bin")
	if len(gets) != 3 || gets[0].Header.Get("Range") != "" || gets[1].Header.Get("Range") != "bytes=102400-" || gets[2].Header.Get("Range") != "bytes=204800-" {
		t.Fatalf("ranges: %d requests %v", len(gets), gets)
	}
	for _, g := range gets {
		if g.Header.Get("If-Match") != e.ETag {
			t.Fatalf("every request pins the etag: %v", g.Header)
		}
	}
	// A sink that already holds a prefix continues from there.
	part := &memSink{}
	part.Write(data[:1000])
	res, err = c.Download(ctx, "/dl.bin", part, nextcloud.DownloadOptions{ETag: e.ETag, Size: e.Size})
	if err != nil || !res.Resumed || res.Received != int64(len(data))-1000 || !bytes.Equal(part.Bytes(), data) {
		t.Fatalf("resume: %+v %v", res, err)
	}
}

// changeDuringDownload starts a download of a 300 KiB file that is cut
// after 100 KiB; while the first bytes arrive, change replaces the file on
// the server. It returns what Download returned.
func changeDuringDownload(t *testing.T, size int64, change func(fake *ncfake.Server)) (*memSink, *nextcloud.DownloadResult, error) {
	t.Helper()
	ctx := context.Background()
	fake, c := filesClient(t)
	data := newMemSource(300 << 10).data
	if err := fake.PutFile("admin", "/ch.bin", data); err != nil {
		t.Fatal(err)
	}
	e, err := c.Stat(ctx, "/ch.bin")
	if err != nil {
		t.Fatal(err)
	}
	if size == 0 {
		size = e.Size
	}
	fake.AddFault(ncfake.Fault{Method: "GET", PathPrefix: "/remote.php/dav/files/", Times: 1, CutAfter: 100 << 10})
	changed := false
	sink := &memSink{onWrite: func(int) {
		if !changed {
			changed = true
			change(fake)
		}
	}}
	res, err := c.Download(ctx, "/ch.bin", sink, nextcloud.DownloadOptions{ETag: e.ETag, Size: size})
	return sink, res, err
}

// A change the server gives a new etag (a later second, as any change a
// moment apart is) fails the next range request's If-Match.
func TestDownloadRefusesToSpliceAChangedFile(t *testing.T) {
	_, _, err := changeDuringDownload(t, 0, func(fake *ncfake.Server) {
		later := time.Now().Add(2 * time.Second)
		fake.SetFilesClock(func() time.Time { return later })
		_ = fake.PutFile("admin", "/ch.bin", []byte("a new version"))
	})
	if !errors.Is(err, nextcloud.ErrRemoteChanged) || !strings.Contains(err.Error(), "412") {
		t.Fatalf("want ErrRemoteChanged from the If-Match, got %v", err)
	}
}

// Nextcloud keeps the etag of a file overwritten within the same second
// (webdav-etag/), so If-Match still matches: the changed size must give the
// change away, and nothing is spliced.
func TestDownloadNoticesASameSecondChange(t *testing.T) {
	_, _, err := changeDuringDownload(t, 0, func(fake *ncfake.Server) {
		_ = fake.PutFile("admin", "/ch.bin", []byte("a new version"))
	})
	if !errors.Is(err, nextcloud.ErrRemoteChanged) || !strings.Contains(err.Error(), "bytes now") {
		t.Fatalf("want ErrRemoteChanged from the size, got %v", err)
	}
	// Without a known size the download starts over and holds only the new version.
	sink, res, err := changeDuringDownload(t, -1, func(fake *ncfake.Server) {
		_ = fake.PutFile("admin", "/ch.bin", []byte("a new version"))
	})
	if err != nil || res == nil || sink.String() != "a new version" {
		t.Fatalf("unknown size: %+v %v (%d bytes)", res, err, sink.Len())
	}
}

func TestDownloadLocalWriteErrorIsNotRetried(t *testing.T) {
	ctx := context.Background()
	fake, c := filesClient(t)
	_ = fake.PutFile("admin", "/w.bin", make([]byte, 100<<10))
	sink := &failSink{}
	_, err := c.Download(ctx, "/w.bin", sink, nextcloud.DownloadOptions{Size: -1})
	var lw *nextcloud.LocalWriteError
	if !errors.As(err, &lw) || len(requestsOf(fake, "GET", "/remote.php/dav/files/")) != 1 {
		t.Fatalf("a local write failure ends the download at once: %v", err)
	}
}

type failSink struct{}

func (failSink) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }
func (failSink) Offset() int64             { return 0 }
func (failSink) Reset() error              { return nil }

// A server without files.bigfilechunking gets one streamed PUT whatever the
// size; one that announces SHA1 checksums gets OC-Checksum.
func TestUploadHonoursCapabilities(t *testing.T) {
	ctx := context.Background()
	fake, c := filesClient(t)
	fake.AddFault(ncfake.Fault{Method: "GET", PathPrefix: "/ocs/v2.php/cloud/capabilities", Status: 200,
		Header: http.Header{"Content-Type": {"application/json; charset=utf-8"}},
		Body: `{"ocs":{"meta":{"status":"ok","statuscode":200,"message":"OK"},"data":{"version":{"major":29,"minor":0,"micro":6,"string":"29.0.6"},` +
			`"capabilities":{"files":{"bigfilechunking":false},"checksums":{"supportedTypes":["SHA1"],"preferredUploadType":"SHA1"}}}}}`})
	src := newMemSource(100 << 10)
	res, err := c.Upload(ctx, "/nochunk.bin", src, chunked(&memSessions{}))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha1.Sum(src.data)
	if res.Chunked || res.Checksum != "SHA1:"+hex.EncodeToString(sum[:]) {
		t.Fatalf("one PUT with a SHA1 checksum: %+v", res)
	}
	if len(requestsOf(fake, "MKCOL", "/remote.php/dav/uploads/")) != 0 {
		t.Fatal("no upload folder without bigfilechunking")
	}
	puts := requestsOf(fake, "PUT", "/remote.php/dav/files/admin/nochunk.bin")
	if len(puts) != 1 || puts[0].Header.Get("Oc-Checksum") != res.Checksum {
		t.Fatalf("PUT: %v", puts)
	}
	got, _ := fake.ReadFile("admin", "/nochunk.bin")
	if !bytes.Equal(got, src.data) {
		t.Fatal("content differs")
	}
}

// A streamed PUT whose source changed meanwhile removes the file it created.
func TestStreamedPutOfAChangingFileIsUndone(t *testing.T) {
	ctx := context.Background()
	fake, c := filesClient(t)
	fake.AddFault(ncfake.Fault{Method: "GET", PathPrefix: "/ocs/v2.php/cloud/capabilities", Status: 200,
		Header: http.Header{"Content-Type": {"application/json; charset=utf-8"}},
		Body:   `{"ocs":{"meta":{"status":"ok","statuscode":200,"message":"OK"},"data":{"version":{"major":29},"capabilities":{"files":{"bigfilechunking":false}}}}}`})
	src := newMemSource(20 << 20) // above what a single PUT buffers
	o := nextcloud.UploadOptions{Progress: func(done int64) {
		if done > 1<<20 {
			src.changed.Store(true)
		}
	}}
	_, err := c.Upload(ctx, "/torn.bin", src, o)
	if err == nil || !strings.Contains(err.Error(), "deleted again") {
		t.Fatalf("want the torn copy deleted, got %v", err)
	}
	if _, err := fake.StatFile("admin", "/torn.bin"); err == nil {
		t.Fatal("the torn copy must be gone")
	}
}
