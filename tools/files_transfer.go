package tools

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// transfersToolset moves files between the allowed local folders and
// Nextcloud. Without an allowed local folder it has no tools.
func transfersToolset(d *Deps) *Toolset {
	ts := &Toolset{Name: "transfers", Description: "Upload and download files of any size between allowed local folders and Nextcloud."}
	if !d.LocalRoots.Empty() {
		ts.Tools = []Tool{uploadFileTool(d), downloadFileTool(d)}
	}
	return ts
}

// transferState is the per-server state of the transfer tools.
type transferState struct {
	guard TransferGuard
	mem   memUploadSessions
	// threshold, minChunk and maxChunk override the upload sizes (tests).
	threshold, minChunk, maxChunk int64
}

// memUploadSessions keeps upload sessions for the life of the server when
// no store is available.
type memUploadSessions struct {
	mu sync.Mutex
	m  map[string]nextcloud.UploadSession
}

func (s *memUploadSessions) LoadUpload(_ context.Context, local, dest string) (nextcloud.UploadSession, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[local+"\x00"+dest]
	return v, ok, nil
}

func (s *memUploadSessions) SaveUpload(_ context.Context, local, dest string, v nextcloud.UploadSession) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string]nextcloud.UploadSession{}
	}
	s.m[local+"\x00"+dest] = v
	return nil
}

func (s *memUploadSessions) DeleteUpload(_ context.Context, local, dest string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, local+"\x00"+dest)
	return nil
}

// transferFor builds the Transfer of one call, reporting progress at least
// once a second while it runs.
func (d *Deps) transferFor(ctx context.Context, call *Call, what string) (*Transfer, func()) {
	sessions := d.UploadSessions
	if sessions == nil {
		sessions = &d.transfers.mem
	}
	var done, total atomic.Int64
	t := &Transfer{Client: call.Client, Roots: d.LocalRoots, Sessions: sessions, Guard: &d.transfers.guard,
		Progress:  func(n, of int64) { done.Store(n); total.Store(of) },
		Threshold: d.transfers.threshold, MinChunk: d.transfers.minChunk, MaxChunk: d.transfers.maxChunk}
	stop := make(chan struct{})
	finished := make(chan struct{})
	send := func() {
		n, of := done.Load(), total.Load()
		call.Progress(ctx, float64(n), float64(of), fmt.Sprintf("%s: %s of %s", what, mib(n), mib(of)))
	}
	go func() {
		defer close(finished)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				send()
			case <-stop:
				return
			case <-ctx.Done():
				return
			}
		}
	}()
	return t, func() {
		close(stop)
		<-finished
		send()
	}
}

// TransferUploadInput are the arguments of nc_webdav_upload_file.
type TransferUploadInput struct {
	LocalPath string `json:"local_path" jsonschema:"inside an allowed local folder"`
	Path      string `json:"path"`
	Overwrite bool   `json:"overwrite,omitempty"`
	ETag      string `json:"etag,omitempty"`
	Recursive bool   `json:"recursive,omitempty"`
}

// Validate implements the input check.
func (in *TransferUploadInput) Validate() error {
	if _, err := nonRootFilePath("path", in.Path); err != nil {
		return err
	}
	if in.Recursive && in.ETag != "" {
		return inputErrorf("etag applies to one file: leave it out with recursive, or upload the file on its own.")
	}
	return nil
}

func uploadFileTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:  "nc_webdav_upload_file",
		Title: "Upload a local file",
		Description: "Upload a local file (or a folder, recursive) from an allowed local " +
			"folder, any size; calling again after an interruption resumes.",
		Hints: Hints{Destructive: true},
	}, func(ctx context.Context, call *Call, in TransferUploadInput) (TransferResult, error) {
		dp, _ := nonRootFilePath("path", in.Path)
		t, done := d.transferFor(ctx, call, "uploading "+dp)
		var res *TransferResult
		var err error
		if in.Recursive {
			res, err = t.UploadTree(ctx, in.LocalPath, dp, in.Overwrite)
		} else {
			res, err = t.UploadFile(ctx, in.LocalPath, dp, in.Overwrite, in.ETag)
		}
		done()
		if err != nil {
			return TransferResult{}, &InputError{Msg: TransferMessage(err)}
		}
		return *res, nil
	})
}

// TransferDownloadInput are the arguments of nc_webdav_download_file.
type TransferDownloadInput struct {
	Path      string `json:"path"`
	LocalPath string `json:"local_path" jsonschema:"inside an allowed local folder"`
	Overwrite bool   `json:"overwrite,omitempty"`
	Recursive bool   `json:"recursive,omitempty"`
}

// Validate implements the input check.
func (in *TransferDownloadInput) Validate() error {
	_, err := cleanFilePath("path", in.Path)
	return err
}

func downloadFileTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:  "nc_webdav_download_file",
		Title: "Download to a local file",
		Description: "Download a file (or a folder, recursive) into " +
			"an allowed local folder, any size, resumable.",
		Hints: Hints{Destructive: true, Idempotent: true},
	}, func(ctx context.Context, call *Call, in TransferDownloadInput) (TransferResult, error) {
		dp, _ := cleanFilePath("path", in.Path)
		t, done := d.transferFor(ctx, call, "downloading "+dp)
		var res *TransferResult
		var err error
		if in.Recursive {
			res, err = t.DownloadTree(ctx, dp, in.LocalPath, in.Overwrite)
		} else {
			res, err = t.DownloadFile(ctx, dp, in.LocalPath, in.Overwrite)
		}
		done()
		if err != nil {
			return TransferResult{}, &InputError{Msg: TransferMessage(err)}
		}
		return *res, nil
	})
}
