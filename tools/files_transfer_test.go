package tools

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/nextcloud-mcp/nextcloud-mcp/auth"
	"github.com/nextcloud-mcp/nextcloud-mcp/localfs"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// surfaceRoots allows one temp folder, so the definitions tests see the
// transfer tools.
func surfaceRoots(t testing.TB) *localfs.Roots {
	t.Helper()
	r, err := localfs.New([]string{t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// transferHarness is a harness whose server allows one local folder.
type transferHarness struct {
	*harness
	dir  string
	deps *Deps
}

func newTransferHarness(t *testing.T, fake *ncfake.Server, opts ...localfs.Option) *transferHarness {
	t.Helper()
	if fake == nil {
		fake = ncfake.New(ncfake.Options{})
	}
	ts := fake.Start()
	t.Cleanup(ts.Close)
	dir, _ := filepath.EvalSymlinks(t.TempDir())
	roots, err := localfs.New([]string{dir}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { roots.Close() })
	d := &Deps{Factory: auth.NewBasicFactory(ts.URL, "admin", "admin-app-password", auth.ClientOptions{Version: "test"}), LocalRoots: roots}
	reg, err := NewRegistry(d, All(d), Options{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.NewInProcessClient(NewServer(reg, "test", "test"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	req := mcp.InitializeRequest{}
	req.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	if _, err := c.Initialize(ctx, req); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return &transferHarness{harness: &harness{t: t, fake: fake, url: ts.URL, client: c, reg: reg}, dir: dir, deps: d}
}

func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*31 + i>>9)
	}
	return b
}

func (h *transferHarness) local(name string, data []byte) string {
	h.t.Helper()
	p := filepath.Join(h.dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		h.t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		h.t.Fatal(err)
	}
	return p
}

func TestTransferToolsNeedALocalFolder(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	for _, n := range h.toolNames() {
		if strings.Contains(n, "upload_file") || strings.Contains(n, "download_file") {
			t.Fatalf("without --local-dir the transfer tools must not be listed: %s", n)
		}
	}
	th := newTransferHarness(t, nil)
	names := th.toolNames()
	if !slices.Contains(names, "nc_webdav_upload_file") || !slices.Contains(names, "nc_webdav_download_file") {
		t.Fatalf("with a local folder they are: %v", names)
	}
}

func TestUploadAndDownloadRoundTrip(t *testing.T) {
	h := newTransferHarness(t, nil)
	data := pattern(200 << 10)
	src := h.local("in/report.bin", data)
	var up TransferResult
	h.ok("nc_webdav_upload_file", map[string]any{"local_path": src, "path": "report.bin"}, &up)
	if up.Path != "/report.bin" || up.LocalPath != src || up.Bytes != int64(len(data)) || up.Sent != up.Bytes || !up.Created ||
		up.FileID == 0 || up.ETag == "" || strings.HasPrefix(up.ETag, `"`) || up.Resumed || up.Verified == "" {
		t.Fatalf("upload result %+v", up)
	}
	got, _ := h.fake.ReadFile("admin", "/report.bin")
	if !bytes.Equal(got, data) {
		t.Fatal("uploaded content differs")
	}
	// Relative local paths are inside the only allowed folder.
	msg := h.fails("nc_webdav_download_file", map[string]any{"path": "report.bin", "local_path": "out/report.bin"})
	if !strings.Contains(msg, "does not exist") || !strings.Contains(msg, "out") {
		t.Fatalf("missing local folder: %s", msg)
	}
	var down TransferResult
	h.ok("nc_webdav_download_file", map[string]any{"path": "report.bin", "local_path": "in/copy.bin"}, &down)
	b, _ := os.ReadFile(filepath.Join(h.dir, "in", "copy.bin"))
	if !bytes.Equal(b, data) || down.Bytes != int64(len(data)) || down.FileID != up.FileID || down.ETag != up.ETag {
		t.Fatalf("download %+v", down)
	}
	entries, _ := os.ReadDir(filepath.Join(h.dir, "in"))
	if len(entries) != 2 {
		t.Fatalf("no .part left behind: %v", entries)
	}
}

func TestTransferBadInput(t *testing.T) {
	h := newTransferHarness(t, nil)
	src := h.local("a.txt", []byte("hello"))
	outside := filepath.Join(t.TempDir(), "secret.txt")
	_ = os.WriteFile(outside, []byte("secret"), 0o600)
	_ = h.fake.PutFile("admin", "/exists.txt", []byte("theirs"))
	_ = h.fake.MkdirAll("admin", "/Photos")
	cases := []struct {
		name, tool string
		args       map[string]any
		want       []string
	}{
		{"outside the roots", "nc_webdav_upload_file", map[string]any{"local_path": outside, "path": "x.txt"}, []string{"outside the allowed local folders", h.dir}},
		{"dot dot", "nc_webdav_upload_file", map[string]any{"local_path": h.dir + "/../x", "path": "x.txt"}, []string{"'..'"}},
		{"missing local file", "nc_webdav_upload_file", map[string]any{"local_path": "nope.txt", "path": "x.txt"}, []string{"does not exist"}},
		{"folder without recursive", "nc_webdav_upload_file", map[string]any{"local_path": h.dir, "path": "x"}, []string{"is a folder", "recursive"}},
		{"remote exists", "nc_webdav_upload_file", map[string]any{"local_path": src, "path": "exists.txt"}, []string{"already exists", "overwrite"}},
		{"stale etag", "nc_webdav_upload_file", map[string]any{"local_path": src, "path": "exists.txt", "etag": "abc"}, []string{"changed", "etag"}},
		{"remote folder as target", "nc_webdav_upload_file", map[string]any{"local_path": src, "path": "Photos"}, []string{"/Photos is a folder", "/Photos/a.txt"}},
		{"missing remote parent", "nc_webdav_upload_file", map[string]any{"local_path": src, "path": "No/Such/x.txt"}, []string{"Folder /No/Such does not exist", "nc_webdav_create_directory"}},
		{"missing remote file", "nc_webdav_download_file", map[string]any{"path": "nope.txt", "local_path": "n.txt"}, []string{"not found", "404"}},
		{"local exists", "nc_webdav_download_file", map[string]any{"path": "exists.txt", "local_path": "a.txt"}, []string{"already exists", "overwrite"}},
		{"remote folder without recursive", "nc_webdav_download_file", map[string]any{"path": "/", "local_path": "d"}, []string{"is a folder", "recursive"}},
	}
	if runtime.GOOS != "windows" {
		_ = os.Symlink(filepath.Dir(outside), filepath.Join(h.dir, "link"))
		cases = append(cases, struct {
			name, tool string
			args       map[string]any
			want       []string
		}{"through a symlink", "nc_webdav_download_file", map[string]any{"path": "exists.txt", "local_path": "link/new.txt"}, []string{"symbolic link", "outside"}})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			msg := h.fails(c.tool, c.args)
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("%q lacks %q", msg, w)
				}
			}
			if strings.Count(strings.TrimSuffix(msg, "."), ". ") > 0 {
				t.Errorf("one sentence, got %q", msg)
			}
		})
	}
	if b, _ := os.ReadFile(src); string(b) != "hello" {
		t.Fatal("the local file was touched")
	}
	if b, _ := h.fake.ReadFile("admin", "/exists.txt"); string(b) != "theirs" {
		t.Fatal("the remote file was touched")
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(outside), "new.txt")); err == nil {
		t.Fatal("a file was written outside the roots")
	}
}

func TestTransferServerRefusals(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	h := newTransferHarness(t, fake)
	h.deps.transfers.threshold, h.deps.transfers.minChunk, h.deps.transfers.maxChunk = 8<<10, 16<<10, 16<<10
	big := h.local("big.bin", pattern(100<<10))
	small := h.local("small.bin", pattern(1000))

	// Locked: a single PUT and a chunked MOVE both end in one sentence.
	_ = fake.PutFile("admin", "/locked.bin", []byte("old"))
	unlock, _ := fake.LockFile("admin", "/locked.bin")
	for _, src := range []string{small, big} {
		msg := h.fails("nc_webdav_upload_file", map[string]any{"local_path": src, "path": "locked.bin", "overwrite": true})
		if !strings.Contains(msg, "locked") || !strings.Contains(msg, "423") {
			t.Fatalf("locked: %s", msg)
		}
	}
	unlock()
	if b, _ := fake.ReadFile("admin", "/locked.bin"); string(b) != "old" {
		t.Fatal("the locked file changed")
	}
	// The chunked attempt kept its chunks on purpose: calling again only assembles.
	if len(fake.Uploads("admin")) != 1 {
		t.Fatalf("a resumable session is kept for the locked target: %v", fake.Uploads("admin"))
	}
	var res TransferResult
	h.ok("nc_webdav_upload_file", map[string]any{"local_path": big, "path": "locked.bin", "overwrite": true}, &res)
	if !res.Resumed || res.Sent != 0 {
		t.Fatalf("after the lock is gone the kept chunks are assembled: %+v", res)
	}

	// Quota: 507 on the first chunk, nothing kept.
	fake.AddUser(&ncfake.User{ID: "admin", Password: "admin", AppPasswords: map[string]bool{"admin-app-password": true}, Groups: []string{"admin"}, QuotaBytes: 150 << 10})
	msg := h.fails("nc_webdav_upload_file", map[string]any{"local_path": big, "path": "q.bin"})
	if !strings.Contains(msg, "507") || !strings.Contains(msg, "Not enough storage") {
		t.Fatalf("quota: %s", msg)
	}
	if len(fake.Uploads("admin")) != 0 {
		t.Fatalf("nothing kept after a 507: %v", fake.Uploads("admin"))
	}
	if _, err := fake.StatFile("admin", "/q.bin"); err == nil {
		t.Fatal("nothing at the destination")
	}
}

func TestTransferFullLocalDisk(t *testing.T) {
	full := func(w io.Writer) io.Writer { return &diskFullWriter{w: w, left: 50 << 10} }
	h := newTransferHarness(t, nil, localfs.WithWriteFilter(full))
	_ = h.fake.PutFile("admin", "/big.bin", pattern(200<<10))
	msg := h.fails("nc_webdav_download_file", map[string]any{"path": "big.bin", "local_path": "big.bin"})
	if !strings.Contains(msg, "disk is full") || !strings.Contains(msg, ".part") {
		t.Fatalf("full disk: %s", msg)
	}
	if _, err := os.Stat(filepath.Join(h.dir, "big.bin")); err == nil {
		t.Fatal("nothing half-written at the destination")
	}
}

type diskFullWriter struct {
	w    io.Writer
	left int
}

func (d *diskFullWriter) Write(b []byte) (int, error) {
	if len(b) > d.left {
		n, _ := d.w.Write(b[:d.left])
		d.left = 0
		return n, &os.PathError{Op: "write", Path: "big.bin", Err: syscall.ENOSPC}
	}
	d.left -= len(b)
	return d.w.Write(b)
}

func TestTransferResumesAndReportsProgress(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	h := newTransferHarness(t, fake)
	h.deps.transfers.threshold, h.deps.transfers.minChunk, h.deps.transfers.maxChunk = 8<<10, 16<<10, 16<<10
	data := pattern(100 << 10)
	src := h.local("r.bin", data)

	// Every chunk PUT is cut: the call ends interrupted, the session is kept.
	fake.AddFault(ncfake.Fault{Method: "PUT", PathPrefix: "/remote.php/dav/uploads/", CutAfter: 4 << 10})
	msg := h.fails("nc_webdav_upload_file", map[string]any{"local_path": src, "path": "r.bin"})
	if !strings.Contains(msg, "calling again with the same arguments continues") {
		t.Fatalf("interrupted: %s", msg)
	}
	fake.ClearFaults()
	// Slow chunks so the transfer lasts over two seconds: progress comes every second.
	fake.AddFault(ncfake.Fault{Method: "PUT", PathPrefix: "/remote.php/dav/uploads/", Delay: 400 * time.Millisecond})
	var mu sync.Mutex
	var seen []float64
	h.client.OnNotification(func(n mcp.JSONRPCNotification) {
		if n.Method == "notifications/progress" {
			mu.Lock()
			if v, ok := n.Params.AdditionalFields["progress"].(float64); ok {
				seen = append(seen, v)
			}
			mu.Unlock()
		}
	})
	req := mcp.CallToolRequest{}
	req.Params.Name = "nc_webdav_upload_file"
	req.Params.Arguments = map[string]any{"local_path": src, "path": "r.bin"}
	req.Params.Meta = &mcp.Meta{ProgressToken: "up-1"}
	res, err := h.client.CallTool(context.Background(), req)
	if err != nil || res.IsError {
		t.Fatalf("resume: %v %s", err, resultText(res))
	}
	got, _ := fake.ReadFile("admin", "/r.bin")
	if !bytes.Equal(got, data) {
		t.Fatal("content differs")
	}
	deadline := time.Now().Add(2 * time.Second)
	for {
		mu.Lock()
		n := len(seen)
		last := 0.0
		if n > 0 {
			last = seen[n-1]
		}
		mu.Unlock()
		if n >= 2 && last == float64(len(data)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("want progress at least every second ending at the total, got %v", seen)
		}
		time.Sleep(20 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.IsSorted(seen) {
		t.Fatalf("progress never goes back: %v", seen)
	}
}

func TestTransferTwoUploadsToOnePath(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	h := newTransferHarness(t, fake)
	a := h.local("a.bin", pattern(3000))
	b := h.local("b.bin", pattern(4000))
	fake.AddFault(ncfake.Fault{Method: "PUT", Times: 1, Delay: time.Second})
	var wg sync.WaitGroup
	results := make([]*mcp.CallToolResult, 2)
	for i, src := range []string{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i == 1 {
				// Start once the first upload is sending: it holds the guard then.
				for !slices.ContainsFunc(fake.Requests(), func(r ncfake.RecordedRequest) bool { return r.Method == "PUT" }) {
					time.Sleep(5 * time.Millisecond)
				}
			}
			results[i] = h.call("nc_webdav_upload_file", map[string]any{"local_path": src, "path": "same.bin"})
		}()
	}
	wg.Wait()
	if results[0].IsError || !results[1].IsError || !strings.Contains(resultText(results[1]), "Another transfer to /same.bin is running") {
		t.Fatalf("first wins, second is told: %s / %s", resultText(results[0]), resultText(results[1]))
	}
	got, _ := fake.ReadFile("admin", "/same.bin")
	if !bytes.Equal(got, pattern(3000)) {
		t.Fatal("the destination holds the first file whole")
	}
}

func TestTransferLocalFileChangesDuringUpload(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	h := newTransferHarness(t, fake)
	src := h.local("c.bin", pattern(100<<10))
	c, err := h.deps.Factory.Client(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	changed := false
	tr := &Transfer{Client: c, Roots: h.deps.LocalRoots, Sessions: &memUploadSessions{}, Threshold: 8 << 10, MinChunk: 16 << 10, MaxChunk: 16 << 10,
		Progress: func(done, _ int64) {
			if done > 40<<10 && !changed {
				changed = true
				_ = os.WriteFile(src, pattern(120<<10), 0o644)
			}
		}}
	_, err = tr.UploadFile(context.Background(), src, "/c.bin", false, "")
	msg := TransferMessage(err)
	if !strings.Contains(msg, "changed while it was being uploaded") || !strings.Contains(msg, "nothing was written to /c.bin") {
		t.Fatalf("change: %s", msg)
	}
	if _, err := fake.StatFile("admin", "/c.bin"); err == nil || len(fake.Uploads("admin")) != 0 {
		t.Fatal("nothing at the destination and nothing left in the upload folder")
	}
}

func TestTransferCancelKeepsWhatResumes(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	h := newTransferHarness(t, fake)
	data := pattern(100 << 10)
	src := h.local("k.bin", data)
	c, _ := h.deps.Factory.Client(context.Background())
	sessions := &memUploadSessions{}
	ctx, cancel := context.WithCancel(context.Background())
	tr := &Transfer{Client: c, Roots: h.deps.LocalRoots, Sessions: sessions, Threshold: 8 << 10, MinChunk: 16 << 10, MaxChunk: 16 << 10,
		Progress: func(done, _ int64) {
			if done > 50<<10 {
				cancel()
			}
		}}
	_, err := tr.UploadFile(ctx, src, "/k.bin", false, "")
	if msg := TransferMessage(err); !strings.Contains(msg, "cancelled") || !strings.Contains(msg, "continues where it stopped") {
		t.Fatalf("cancel: %s", msg)
	}
	tr.Progress = nil
	res, err := tr.UploadFile(context.Background(), src, "/k.bin", false, "")
	if err != nil || !res.Resumed || res.Sent >= int64(len(data)) {
		t.Fatalf("resume after cancel: %+v %v", res, err)
	}

	// A cancelled download keeps its .part and continues from it.
	_ = fake.PutFile("admin", "/dl.bin", pattern(300<<10))
	fake.AddFault(ncfake.Fault{Method: "GET", PathPrefix: "/remote.php/dav/files/", Times: 1, CutAfter: 100 << 10})
	ctx, cancel = context.WithCancel(context.Background())
	tr.Progress = func(done, _ int64) {
		if done >= 100<<10 {
			cancel()
		}
	}
	_, err = tr.DownloadFile(ctx, "/dl.bin", "dl.bin", false)
	if msg := TransferMessage(err); !strings.Contains(msg, "cancelled") || !strings.Contains(msg, ".part") {
		t.Fatalf("cancelled download: %s", msg)
	}
	tr.Progress = nil
	res, err = tr.DownloadFile(context.Background(), "/dl.bin", "dl.bin", false)
	if err != nil || !res.Resumed || res.Sent != 200<<10 {
		t.Fatalf("download resume: %+v %v", res, err)
	}
	b, _ := os.ReadFile(filepath.Join(h.dir, "dl.bin"))
	if !bytes.Equal(b, pattern(300<<10)) {
		t.Fatal("resumed download differs")
	}
}

func TestTransferFolders(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	h := newTransferHarness(t, fake)
	h.local("tree/a.txt", []byte("a"))
	h.local("tree/sub/b.txt", []byte("bb"))
	if runtime.GOOS != "windows" {
		_ = os.Symlink("/etc/passwd", filepath.Join(h.dir, "tree", "link"))
	}
	_ = fake.MkdirAll("admin", "/Up")
	var res TransferResult
	h.ok("nc_webdav_upload_file", map[string]any{"local_path": "tree", "path": "Up/tree", "recursive": true}, &res)
	if res.Files != 2 || res.Bytes != 3 || len(res.Failed) != 0 {
		t.Fatalf("folder upload %+v", res)
	}
	if runtime.GOOS != "windows" && (len(res.Skipped) != 1 || res.Skipped[0] != "link") {
		t.Fatalf("links are skipped: %v", res.Skipped)
	}
	if b, _ := fake.ReadFile("admin", "/Up/tree/sub/b.txt"); string(b) != "bb" {
		t.Fatal("nested file")
	}
	// Again without overwrite: each file fails on its own, with a sentence.
	res = TransferResult{}
	h.ok("nc_webdav_upload_file", map[string]any{"local_path": "tree", "path": "Up/tree", "recursive": true}, &res)
	if res.Files != 0 || len(res.Failed) != 2 || !strings.Contains(res.Failed[0].Error, "already exists") {
		t.Fatalf("second folder upload %+v", res)
	}
	res = TransferResult{}
	h.ok("nc_webdav_download_file", map[string]any{"path": "Up", "local_path": "back", "recursive": true}, &res)
	if res.Files != 2 {
		t.Fatalf("folder download %+v", res)
	}
	if b, _ := os.ReadFile(filepath.Join(h.dir, "back", "tree", "sub", "b.txt")); string(b) != "bb" {
		t.Fatal("nested download")
	}
}
