package nextcloud

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// DownloadSink receives a download: a file that may already hold the first
// Offset bytes from an earlier attempt, and can be emptied to start over.
type DownloadSink interface {
	io.Writer
	Offset() int64
	Reset() error
}

// DownloadOptions control Download.
type DownloadOptions struct {
	// ETag pins the version: every request carries If-Match with it, so a
	// file that changes meanwhile is never spliced from two versions.
	ETag string
	// Size is the expected size (from Stat), checked at the end; -1 skips.
	Size int64
	// Progress is told how many bytes the sink holds, after every write.
	Progress func(done int64)
	// StallTimeout ends a request that moves no byte for this long; 0 means 60 s.
	StallTimeout time.Duration
}

// DownloadResult describes a finished download.
type DownloadResult struct {
	Size int64
	ETag string
	// Resumed is true when bytes from an earlier attempt were kept, and
	// Received is what this call received.
	Resumed  bool
	Received int64
}

// ErrRemoteChanged means the file changed on the server during the
// download (the If-Match failed): what was received belongs to another
// version and must be discarded.
var ErrRemoteChanged = errors.New("the remote file changed during the download")

// downloadAttempts bounds how often a broken download is continued within one call.
const downloadAttempts = 5

// Download streams the file at p into sink, continuing from what the sink
// holds with a Range request. A broken connection is continued where it
// stopped, a few times; every request carries If-Match with o.ETag.
func (c *Client) Download(ctx context.Context, p string, sink DownloadSink, o DownloadOptions) (*DownloadResult, error) {
	ep, err := c.FilePath(ctx, p)
	if err != nil {
		return nil, err
	}
	if o.Progress == nil {
		o.Progress = func(int64) {}
	}
	if o.StallTimeout <= 0 {
		o.StallTimeout = 60 * time.Second
	}
	res := &DownloadResult{ETag: o.ETag, Resumed: sink.Offset() > 0}
	start := sink.Offset()
	var lastErr error
	for attempt := 1; attempt <= downloadAttempts; attempt++ {
		if attempt > 1 {
			if err := sleepCtx(ctx, c.retry.delay(attempt-1)); err != nil {
				return nil, err
			}
		}
		done, err := c.downloadOnce(ctx, ep, sink, o)
		if done {
			res.Size = sink.Offset()
			res.Received = res.Size - start
			if start > res.Size {
				res.Received = res.Size
			}
			if o.Size >= 0 && res.Size != o.Size {
				return nil, fmt.Errorf("%w: received %d bytes, the server listed %d; download it again", ErrIntegrity, res.Size, o.Size)
			}
			return res, nil
		}
		lastErr = err
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if errors.Is(err, errStartOver) {
			continue
		}
		if errors.Is(err, ErrRemoteChanged) || !transientChunkError(err) {
			return nil, err
		}
	}
	return nil, lastErr
}

// errStartOver means the sink was emptied and the next attempt starts from
// the first byte (a file of unknown size that no longer reaches the offset).
var errStartOver = errors.New("the download had to start over")

// sizeChanged checks the file's total size in an answer against the size
// the download started with. Nextcloud keeps a file's etag when it is
// overwritten within the same second (webdav-etag/), so If-Match alone does
// not notice every change: a different size does.
func sizeChanged(o DownloadOptions, total int64) error {
	if o.Size < 0 || total < 0 || total == o.Size {
		return nil
	}
	return fmt.Errorf("%w (it has %d bytes now, %d when the download started)", ErrRemoteChanged, total, o.Size)
}

// downloadOnce sends one GET from the sink's offset and copies the body.
// done is true when the whole file is in the sink.
func (c *Client) downloadOnce(ctx context.Context, ep string, sink DownloadSink, o DownloadOptions) (bool, error) {
	off := sink.Offset()
	if o.Size >= 0 && off > o.Size {
		if err := sink.Reset(); err != nil {
			return false, err
		}
		off = 0
	}
	h := http.Header{}
	if o.ETag != "" {
		h.Set("If-Match", QuoteETag(o.ETag))
	}
	if off > 0 {
		h.Set("Range", "bytes="+strconv.FormatInt(off, 10)+"-")
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	resp, err := c.Do(ctx, &Request{Method: http.MethodGet, Path: ep, Header: h, API: APIDAV, NoTimeout: true,
		OK: []int{http.StatusOK, http.StatusPartialContent, http.StatusRequestedRangeNotSatisfiable}})
	if StatusOf(err) == http.StatusPreconditionFailed {
		return false, fmt.Errorf("%w (%v)", ErrRemoteChanged, err)
	}
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusRequestedRangeNotSatisfiable:
		// The sink already holds everything: the range starts at the end.
		_, total, _ := parseFileContentRange(resp.Header.Get("Content-Range"))
		if total == off {
			return true, nil
		}
		if err := sizeChanged(o, total); err != nil {
			return false, err
		}
		return false, errors.Join(sink.Reset(), errStartOver)
	case http.StatusPartialContent:
		s, total, ok := parseFileContentRange(resp.Header.Get("Content-Range"))
		if !ok || s != off {
			// Not the range asked for: start over rather than splice.
			return false, errors.Join(sink.Reset(), fmt.Errorf("GET %s: 206 for another range (%q)", ep, resp.Header.Get("Content-Range")))
		}
		if err := sizeChanged(o, total); err != nil {
			return false, err
		}
	case http.StatusOK:
		if err := sizeChanged(o, resp.ContentLength); err != nil {
			return false, err
		}
		if off > 0 {
			// The server ignored Range and sends the whole file.
			if err := sink.Reset(); err != nil {
				return false, err
			}
		}
	}
	if et := resp.Header.Get("ETag"); o.ETag != "" && et != "" && QuoteETag(et) != QuoteETag(o.ETag) {
		return false, fmt.Errorf("%w (the answer has ETag %s)", ErrRemoteChanged, et)
	}
	stall := time.AfterFunc(o.StallTimeout, func() { cancel(fmt.Errorf("no data for %s", o.StallTimeout)) })
	defer stall.Stop()
	body := &stallReader{r: resp.Body, timer: stall, idle: o.StallTimeout}
	buf := make([]byte, 256<<10)
	for {
		n, rerr := body.Read(buf)
		if n > 0 {
			if _, werr := sink.Write(buf[:n]); werr != nil {
				return false, &LocalWriteError{Err: werr}
			}
			o.Progress(sink.Offset())
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
				return false, fmt.Errorf("GET %s: %w: %w", ep, cause, io.ErrUnexpectedEOF)
			}
			return false, fmt.Errorf("GET %s: %w", ep, rerr)
		}
	}
	if resp.ContentLength >= 0 && o.Size < 0 {
		return true, nil
	}
	if o.Size >= 0 && sink.Offset() < o.Size {
		return false, fmt.Errorf("GET %s: the body ended after %d of %d bytes: %w", ep, sink.Offset(), o.Size, io.ErrUnexpectedEOF)
	}
	return true, nil
}

// LocalWriteError is a failure to write the download locally (a full
// disk, a permission): retrying the request cannot help.
type LocalWriteError struct{ Err error }

func (e *LocalWriteError) Error() string { return e.Err.Error() }
func (e *LocalWriteError) Unwrap() error { return e.Err }

// stallReader restarts the stall timer whenever bytes arrive.
type stallReader struct {
	r     io.Reader
	timer *time.Timer
	idle  time.Duration
}

func (s *stallReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if n > 0 {
		s.timer.Reset(s.idle)
	}
	return n, err
}
