package tools

import (
	"context"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/localfs"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// Limits of one folder transfer (recursive).
const (
	TransferMaxFiles = 1000
	TransferMaxBytes = 20 << 30
	// downloadRestarts bounds how often a download starts over because the
	// file changed on the server meanwhile.
	downloadRestarts = 2
)

// Transfer moves files between the allowed local folders and Nextcloud. The
// MCP tools and the `files` CLI both use it, so they behave alike.
type Transfer struct {
	Client *nextcloud.Client
	Roots  *localfs.Roots
	// Sessions keeps chunked uploads resumable; nil keeps nothing.
	Sessions nextcloud.UploadSessions
	// Progress hears bytes done and total, often; nil ignores it.
	Progress func(done, total int64)
	// Guard refuses a second transfer to the same destination while one runs; nil allows it.
	Guard *TransferGuard
	// Chunking overrides the upload sizes (tests and benchmarks).
	Threshold, MinChunk, MaxChunk int64
}

// TransferResult is what a transfer did.
type TransferResult struct {
	Path        string  `json:"path"`
	LocalPath   string  `json:"local_path"`
	Files       int     `json:"files,omitempty"`
	Bytes       int64   `json:"bytes"`
	Sent        int64   `json:"transferred" jsonschema_description:"Bytes sent or received by this call."`
	DurationMS  int64   `json:"duration_ms"`
	MBPerSecond float64 `json:"mb_per_s"`
	ETag        string  `json:"etag,omitempty"`
	FileID      int64   `json:"file_id,omitempty"`
	Created     bool    `json:"created,omitempty"`
	Resumed     bool    `json:"resumed"`
	// Verified says what the upload check compared: checksum, etag or size.
	Verified string           `json:"verified,omitempty"`
	Failed   []TransferFailed `json:"failed,omitempty"`
	Skipped  []string         `json:"skipped,omitempty" jsonschema_description:"Symbolic links and special files left out."`
}

// TransferFailed is one file of a folder transfer that failed.
type TransferFailed struct {
	Path  string `json:"path"`
	Error string `json:"error"`
}

// TransferGuard remembers the destinations being written, per process.
type TransferGuard struct {
	mu     sync.Mutex
	active map[string]bool
}

// claim marks key busy; the returned func frees it. It fails when busy.
func (g *TransferGuard) claim(key string) (func(), error) {
	if g == nil {
		return func() {}, nil
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.active == nil {
		g.active = map[string]bool{}
	}
	if g.active[key] {
		return nil, inputErrorf("Another transfer to %s is running in this server: wait for it to finish, then try again", key)
	}
	g.active[key] = true
	return func() {
		g.mu.Lock()
		delete(g.active, key)
		g.mu.Unlock()
	}, nil
}

// progressMeter adds up the bytes of a transfer of one or more files and
// reports them never going backwards (a resent chunk does not count twice).
type progressMeter struct {
	total int64
	base  atomic.Int64 // bytes of files already finished
	cur   atomic.Int64 // bytes of the file in progress
	high  atomic.Int64
	fn    func(done, total int64)
}

func (m *progressMeter) file(done int64) {
	m.cur.Store(done)
	v := m.base.Load() + done
	for {
		h := m.high.Load()
		if v <= h || m.high.CompareAndSwap(h, v) {
			break
		}
	}
	if m.fn != nil {
		m.fn(m.high.Load(), m.total)
	}
}

func (m *progressMeter) finish(size int64) {
	m.base.Add(size)
	m.cur.Store(0)
	m.file(0)
}

func finishResult(r *TransferResult, start time.Time) *TransferResult {
	d := time.Since(start)
	r.DurationMS = d.Milliseconds()
	if s := d.Seconds(); s > 0 {
		r.MBPerSecond = float64(int64(float64(r.Sent)/1e6/s*10)) / 10
	}
	return r
}

func (t *Transfer) uploadOptions(overwrite bool, etag string, local string, m *progressMeter) nextcloud.UploadOptions {
	return nextcloud.UploadOptions{IfMatch: etag, Overwrite: overwrite, Sessions: t.Sessions, LocalKey: local,
		Threshold: t.Threshold, MinChunk: t.MinChunk, MaxChunk: t.MaxChunk, Progress: m.file}
}

// UploadFile sends one local file to the file at remote.
func (t *Transfer) UploadFile(ctx context.Context, local, remote string, overwrite bool, etag string) (*TransferResult, error) {
	start := time.Now()
	src, err := t.Roots.OpenSource(local)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	release, err := t.Guard.claim(remote)
	if err != nil {
		return nil, err
	}
	defer release()
	m := &progressMeter{total: src.Size(), fn: t.Progress}
	res, err := t.Client.Upload(ctx, remote, src, t.uploadOptions(overwrite, etag, src.Name(), m))
	if err != nil {
		return nil, &uploadError{local: src.Name(), remote: remote, size: src.Size(), etag: etag, err: err}
	}
	m.finish(0)
	return finishResult(&TransferResult{Path: res.Path, LocalPath: src.Name(), Files: 1, Bytes: res.Size, Sent: res.Sent,
		ETag: nextcloud.ShortETag(res.ETag), FileID: res.FileID, Created: res.Created, Resumed: res.Resumed, Verified: res.Verified}, start), nil
}

// UploadTree sends every file below the local folder into the remote folder.
func (t *Transfer) UploadTree(ctx context.Context, local, remote string, overwrite bool) (*TransferResult, error) {
	start := time.Now()
	lp, err := t.Roots.Resolve(local)
	if err != nil {
		return nil, err
	}
	files, skipped, err := lp.Walk(TransferMaxFiles, TransferMaxBytes)
	if err != nil {
		return nil, err
	}
	var total int64
	for _, f := range files {
		total += f.Size
	}
	dp, err := nextcloud.DisplayPath(remote)
	if err != nil {
		return nil, err
	}
	out := &TransferResult{Path: dp, LocalPath: lp.String(), Skipped: skipped}
	m := &progressMeter{total: total, fn: t.Progress}
	made := map[string]bool{}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		target := path.Join(dp, f.Rel)
		if dir := path.Dir(target); !made[dir] {
			if _, err := t.Client.MkdirAll(ctx, dir); err != nil {
				return nil, about(err, "folder %q", dir)
			}
			made[dir] = true
		}
		fp, err := lp.Join(f.Rel)
		if err == nil {
			var r *TransferResult
			r, err = t.uploadOne(ctx, fp, target, overwrite, m)
			if err == nil {
				out.Files++
				out.Bytes += r.Bytes
				out.Sent += r.Sent
				out.Resumed = out.Resumed || r.Resumed
			}
		}
		if err != nil {
			if fatalTransfer(err) {
				return nil, err
			}
			out.Failed = append(out.Failed, TransferFailed{Path: target, Error: TransferMessage(err)})
		}
		m.finish(f.Size)
	}
	return finishResult(out, start), nil
}

func (t *Transfer) uploadOne(ctx context.Context, lp localfs.Path, remote string, overwrite bool, m *progressMeter) (*TransferResult, error) {
	src, err := lp.OpenSource()
	if err != nil {
		return nil, err
	}
	defer src.Close()
	release, err := t.Guard.claim(remote)
	if err != nil {
		return nil, err
	}
	defer release()
	res, err := t.Client.Upload(ctx, remote, src, t.uploadOptions(overwrite, "", src.Name(), m))
	if err != nil {
		return nil, &uploadError{local: src.Name(), remote: remote, size: src.Size(), err: err}
	}
	return &TransferResult{Bytes: res.Size, Sent: res.Sent, Resumed: res.Resumed}, nil
}

// fatalTransfer is a failure that ends a folder transfer: the next file
// would fail the same way.
func fatalTransfer(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, nextcloud.ErrUnauthorized) || errors.Is(err, nextcloud.ErrInsufficientSpace) || isDiskFull(err)
}

// DownloadFile fetches the file at remote into the local path.
func (t *Transfer) DownloadFile(ctx context.Context, remote, local string, overwrite bool) (*TransferResult, error) {
	start := time.Now()
	lp, err := t.Roots.Resolve(local)
	if err != nil {
		return nil, err
	}
	e, err := t.Client.Stat(ctx, remote)
	if err != nil {
		return nil, &downloadError{remote: remote, local: lp.String(), err: err}
	}
	if e.IsDir {
		return nil, inputErrorf("%q is a folder in Nextcloud: pass recursive true to download a folder", e.Path)
	}
	release, err := t.Guard.claim(lp.String())
	if err != nil {
		return nil, err
	}
	defer release()
	m := &progressMeter{total: e.Size, fn: t.Progress}
	r, err := t.downloadOne(ctx, e, lp, overwrite, false, m)
	if err != nil {
		return nil, err
	}
	m.finish(0)
	return finishResult(r, start), nil
}

// downloadOne receives one file through a .part file, starting over (with a
// fresh Stat) when the file changes on the server meanwhile.
func (t *Transfer) downloadOne(ctx context.Context, e *nextcloud.FileEntry, lp localfs.Path, overwrite, mkdir bool, m *progressMeter) (*TransferResult, error) {
	for restart := 0; ; restart++ {
		part, err := t.Roots.CreatePart(lp, localfs.PartTag(e.Path, e.ETag), overwrite, mkdir)
		if err != nil {
			return nil, err
		}
		res, err := t.Client.Download(ctx, e.Path, part, nextcloud.DownloadOptions{ETag: e.ETag, Size: e.Size, Progress: m.file})
		if errors.Is(err, nextcloud.ErrRemoteChanged) && restart < downloadRestarts {
			part.Abort()
			fresh, serr := t.Client.Stat(ctx, e.Path)
			if serr != nil {
				return nil, &downloadError{remote: e.Path, local: lp.String(), err: serr}
			}
			e = fresh
			continue
		}
		if err != nil {
			if errors.Is(err, nextcloud.ErrRemoteChanged) || errors.Is(err, nextcloud.ErrIntegrity) {
				part.Abort()
			} else {
				part.Keep()
			}
			return nil, &downloadError{remote: e.Path, local: lp.String(), partial: part.Offset(), size: e.Size, err: err}
		}
		if err := part.Commit(overwrite); err != nil {
			return nil, err
		}
		return &TransferResult{Path: e.Path, LocalPath: lp.String(), Files: 1, Bytes: res.Size, Sent: res.Received,
			ETag: nextcloud.ShortETag(e.ETag), FileID: e.FileID, Created: true, Resumed: res.Resumed}, nil
	}
}

// DownloadTree fetches every file below the remote folder into the local folder.
func (t *Transfer) DownloadTree(ctx context.Context, remote, local string, overwrite bool) (*TransferResult, error) {
	start := time.Now()
	lp, err := t.Roots.Resolve(local)
	if err != nil {
		return nil, err
	}
	files, err := t.remoteFiles(ctx, remote)
	if err != nil {
		return nil, err
	}
	var total int64
	for _, f := range files {
		total += f.Size
	}
	dp, _ := nextcloud.DisplayPath(remote)
	out := &TransferResult{Path: dp, LocalPath: lp.String()}
	m := &progressMeter{total: total, fn: t.Progress}
	for i := range files {
		f := &files[i]
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(f.Path, dp), "/")
		fp, err := lp.Join(rel)
		if err == nil {
			var r *TransferResult
			r, err = t.downloadOne(ctx, f, fp, overwrite, true, m)
			if err == nil {
				out.Files++
				out.Bytes += r.Bytes
				out.Sent += r.Sent
				out.Resumed = out.Resumed || r.Resumed
			}
		}
		if err != nil {
			if fatalTransfer(err) {
				return nil, err
			}
			out.Failed = append(out.Failed, TransferFailed{Path: f.Path, Error: TransferMessage(err)})
		}
		m.finish(f.Size)
	}
	return finishResult(out, start), nil
}

// remoteFiles lists the files below a remote folder, within the limits.
func (t *Transfer) remoteFiles(ctx context.Context, remote string) ([]nextcloud.FileEntry, error) {
	var files []nextcloud.FileEntry
	var total int64
	queue := []string{remote}
	for len(queue) > 0 {
		dir := queue[0]
		queue = queue[1:]
		self, children, err := t.Client.ListDir(ctx, dir)
		if err != nil {
			return nil, about(err, "folder %q", dir)
		}
		if !self.IsDir {
			return nil, inputErrorf("%q is a file in Nextcloud: leave out recursive to download one file", self.Path)
		}
		for _, c := range children {
			if c.IsDir {
				queue = append(queue, c.Path)
				continue
			}
			files = append(files, c)
			total += c.Size
			if len(files) > TransferMaxFiles || total > TransferMaxBytes {
				return nil, inputErrorf("Folder %q holds more than %d files or %d GiB, the limit for one transfer: download its subfolders one by one", remote, TransferMaxFiles, TransferMaxBytes>>30)
			}
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, nil
}

// mib formats n bytes in MiB with one decimal, for messages.
func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
