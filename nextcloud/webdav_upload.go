package nextcloud

import (
	"context"
	"crypto/sha1" //nolint:gosec // Nextcloud's OC-Checksum speaks SHA1; it guards against corruption, not attackers
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
)

// Upload sizes. Files above the threshold go in chunks (chunked upload v2)
// whose size adapts to the connection between the two bounds.
const (
	DefaultChunkThreshold = 10 << 20
	DefaultMinChunk       = 10 << 20
	DefaultMaxChunk       = 100 << 20
	// maxChunks is v2's highest chunk number.
	maxChunks = 10000
	// chunkTarget is how long one chunk should take to send: long enough
	// that per-request costs vanish, short enough that a cut loses little.
	chunkTarget = 5 * time.Second
	// chunkAttempts bounds how often one chunk is sent before the upload
	// stops and waits for a resume.
	chunkAttempts = 4
	// maxBuffered is the largest file a single PUT reads into memory first.
	maxBuffered = 16 << 20
)

// UploadSource is a local file being uploaded. It is read at offsets, so a
// chunk can be sent again, and Verify fails once the file changes.
type UploadSource interface {
	io.ReaderAt
	Size() int64
	ModTime() time.Time
	Verify() error
}

// UploadSession is what a chunked upload keeps to continue after an
// interruption: its upload folder and how far the server confirmed it.
type UploadSession struct {
	ID      string
	Size    int64
	ModTime time.Time
	// Done is how many leading bytes the server holds; DoneHash a hash of
	// exactly those bytes ("crc32c:<hex>"), to prove the local file is unchanged.
	Done     int64
	DoneHash string
}

// UploadSessions keeps upload sessions between calls (and processes), keyed
// by the local file and the destination URL.
type UploadSessions interface {
	LoadUpload(ctx context.Context, local, destination string) (UploadSession, bool, error)
	SaveUpload(ctx context.Context, local, destination string, s UploadSession) error
	DeleteUpload(ctx context.Context, local, destination string) error
}

// UploadOptions control Upload. Without IfMatch or Overwrite an existing
// remote file is never replaced.
type UploadOptions struct {
	IfMatch   string
	Overwrite bool
	// Threshold is the size above which the file goes in chunks; 0 means
	// DefaultChunkThreshold. MinChunk and MaxChunk bound the chunk size.
	Threshold, MinChunk, MaxChunk int64
	// Sessions, with LocalKey naming the local file, make an interrupted
	// chunked upload resumable by a later call. nil keeps nothing.
	Sessions UploadSessions
	LocalKey string
	// Progress is told how many bytes of the file are on the server or on
	// their way, after every read; it must be cheap.
	Progress func(done int64)
	// Checksum selects the OC-Checksum: "" sends SHA1 when the server's
	// capabilities list it (checksums.supportedTypes), "SHA1" always, "none" never.
	Checksum string
}

// UploadResult describes a finished upload.
type UploadResult struct {
	Path    string
	Size    int64
	ETag    string
	FileID  int64
	Created bool
	Chunked bool
	// Resumed is true when chunks from an earlier attempt were reused, and
	// Sent is what this call sent.
	Resumed bool
	Sent    int64
	// Checksum is the OC-Checksum sent ("SHA1:<hex>", "" when none), and
	// Verified what the final check compared: "checksum", "etag" or "size".
	Checksum string
	Verified string
}

// InterruptedError means a chunked upload stopped before it finished but its
// chunks are kept on the server: calling Upload again with the same session
// store continues where it stopped.
type InterruptedError struct {
	Done, Total int64
	Err         error
}

func (e *InterruptedError) Error() string {
	return fmt.Sprintf("upload interrupted after %d of %d bytes (kept for resume): %v", e.Done, e.Total, e.Err)
}
func (e *InterruptedError) Unwrap() error { return e.Err }

// ErrIntegrity means the server's copy does not match what was sent.
var ErrIntegrity = errors.New("the uploaded file does not match the local file")

// Upload sends src to the file at p: small files with one PUT, bigger ones
// in chunks (chunked upload v2) when the server has files.bigfilechunking.
// Memory use does not grow with the file size.
func (c *Client) Upload(ctx context.Context, p string, src UploadSource, o UploadOptions) (*UploadResult, error) {
	ep, err := c.FilePath(ctx, p)
	if err != nil {
		return nil, err
	}
	if strings.HasSuffix(ep, "/") {
		return nil, fmt.Errorf("cannot upload to %q: it names the root folder, not a file", p)
	}
	dp, _ := DisplayPath(p)
	if o.Threshold <= 0 {
		o.Threshold = DefaultChunkThreshold
	}
	if o.MinChunk <= 0 {
		o.MinChunk = DefaultMinChunk
	}
	if o.MaxChunk < o.MinChunk {
		o.MaxChunk = max(DefaultMaxChunk, o.MinChunk)
	}
	if o.Progress == nil {
		o.Progress = func(int64) {}
	}
	if err := c.preflightUpload(ctx, dp, o); err != nil {
		return nil, err
	}
	if o.Checksum == "" {
		o.Checksum = c.checksumType(ctx)
	}
	var res *UploadResult
	if src.Size() > o.Threshold && c.bigFileChunking(ctx) {
		res, err = c.uploadChunked(ctx, ep, src, o)
	} else {
		res, err = c.uploadSingle(ctx, ep, src, o)
	}
	if err != nil {
		return nil, err
	}
	res.Path = dp
	if err := c.verifyUpload(ctx, ep, src.Size(), res); err != nil {
		return nil, err
	}
	return res, nil
}

// DestinationIsFolderError says an upload names a folder instead of a file.
type DestinationIsFolderError struct{ Path string }

func (e *DestinationIsFolderError) Error() string { return e.Path + " is a folder, not a file" }

// ParentMissingError says the folder an upload goes into does not exist.
type ParentMissingError struct{ Folder string }

func (e *ParentMissingError) Error() string { return "folder " + e.Folder + " does not exist" }

// preflightUpload checks before any byte is sent what would make the upload
// fail at its end: an existing file without overwrite, a changed ETag, a
// folder in the way, a missing parent folder. The write itself checks again.
func (c *Client) preflightUpload(ctx context.Context, dp string, o UploadOptions) error {
	e, err := c.Stat(ctx, dp)
	switch {
	case err == nil && e.IsDir:
		return &DestinationIsFolderError{Path: dp}
	case err == nil && o.IfMatch != "" && QuoteETag(e.ETag) != QuoteETag(o.IfMatch):
		return fmt.Errorf("%w: %s has etag %s now, not %s", ErrPreconditionFailed, dp, e.ETag, QuoteETag(o.IfMatch))
	case err == nil && o.IfMatch == "" && !o.Overwrite:
		return fmt.Errorf("%w: %s already exists", ErrPreconditionFailed, dp)
	case err == nil:
		return nil
	case StatusOf(err) != http.StatusNotFound:
		return err
	case o.IfMatch != "":
		return fmt.Errorf("%w: %s does not exist any more", ErrPreconditionFailed, dp)
	}
	parent := path.Dir(dp)
	pe, err := c.Stat(ctx, parent)
	if StatusOf(err) == http.StatusNotFound || (err == nil && !pe.IsDir) {
		return &ParentMissingError{Folder: parent}
	}
	return err
}

// checksumType is "SHA1" when the server announces SHA1 among its
// checksums.supportedTypes, else "none". Nextcloud 29 announces none
// (ocs/01); computing a SHA-1 of every byte then only costs time.
func (c *Client) checksumType(ctx context.Context) string {
	caps, err := c.Capabilities(ctx)
	if err != nil {
		return "none"
	}
	var cs struct {
		SupportedTypes      []string `json:"supportedTypes"`
		PreferredUploadType string   `json:"preferredUploadType"`
	}
	if !caps.App("checksums", &cs) {
		return "none"
	}
	for _, t := range append(cs.SupportedTypes, cs.PreferredUploadType) {
		if strings.EqualFold(t, "SHA1") {
			return "SHA1"
		}
	}
	return "none"
}

// newChecksum returns the hash behind OC-Checksum, nil for none.
func newChecksum(kind string) hash.Hash {
	if strings.EqualFold(kind, "SHA1") {
		return sha1.New()
	}
	return nil
}

func checksumHeader(h hash.Hash) string {
	if h == nil {
		return ""
	}
	return "SHA1:" + hex.EncodeToString(h.Sum(nil))
}

// castagnoli is the CRC-32C table (hardware-accelerated) behind the
// session's proof that the local file did not change.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// bigFileChunking reads files.bigfilechunking (ocs/01); a server that does
// not say is assumed to chunk, as every Nextcloud since 9 does.
func (c *Client) bigFileChunking(ctx context.Context) bool {
	caps, err := c.Capabilities(ctx)
	if err != nil {
		return true
	}
	var files struct {
		BigFileChunking *bool `json:"bigfilechunking"`
	}
	if !caps.App("files", &files) || files.BigFileChunking == nil {
		return true
	}
	return *files.BigFileChunking
}

// replacesFile is true when the upload may replace an existing file, so
// the X-OC-Mtime must be chosen against that file's mtime (webdav_mtime.go).
func replacesFile(o UploadOptions) bool { return o.IfMatch != "" || o.Overwrite }

// priorETag is the etag an upload must not leave on the file: the one it
// was conditioned on, or the one the replaced file had.
func priorETag(o UploadOptions, stamp writeStamp) string {
	if o.IfMatch != "" {
		return o.IfMatch
	}
	return stamp.Before
}

// conditionHeaders are the If-Match / If-None-Match of a single PUT.
func conditionHeaders(h http.Header, o UploadOptions) {
	switch {
	case o.IfMatch != "":
		h.Set("If-Match", QuoteETag(o.IfMatch))
	case !o.Overwrite:
		h.Set("If-None-Match", "*")
	}
}

// uploadSingle PUTs the file in one request. A small file is read into
// memory first, so what is sent is one consistent snapshot and the request
// can be retried; a bigger one (a server without chunking) is streamed and
// checked for changes afterwards.
func (c *Client) uploadSingle(ctx context.Context, ep string, src UploadSource, o UploadOptions) (*UploadResult, error) {
	size := src.Size()
	stamp, err := c.writeMtime(ctx, ep, replacesFile(o), src.ModTime())
	if err != nil {
		return nil, err
	}
	h := http.Header{"Content-Type": {"application/octet-stream"}}
	setWriteMtime(h, stamp.Mtime)
	conditionHeaders(h, o)
	req := &Request{Method: http.MethodPut, Path: ep, Header: h, API: APIDAV, NoTimeout: true,
		OK: []int{http.StatusCreated, http.StatusNoContent, http.StatusOK}}
	sum := newChecksum(o.Checksum)
	if size <= min(o.Threshold, maxBuffered) {
		buf := make([]byte, size)
		if _, err := src.ReadAt(buf, 0); err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("read the local file: %w", err)
		}
		if err := src.Verify(); err != nil {
			return nil, err
		}
		if sum != nil {
			sum.Write(buf)
		}
		req.Body = buf
		o.Progress(size)
	} else {
		if sum != nil {
			if _, err := io.CopyBuffer(sum, io.NewSectionReader(src, 0, size), make([]byte, 1<<20)); err != nil {
				return nil, fmt.Errorf("read the local file: %w", err)
			}
		}
		req.BodyReader = &countingReader{r: io.NewSectionReader(src, 0, size), report: o.Progress}
		req.ContentLength = size
	}
	checksum := checksumHeader(sum)
	if checksum != "" {
		h.Set("OC-Checksum", checksum)
	}
	resp, err := c.Do(ctx, req)
	if err != nil {
		return nil, err
	}
	drainFileResponse(resp)
	wr := fileWriteResult(resp)
	if req.BodyReader != nil {
		if verr := src.Verify(); verr != nil {
			return nil, c.undoTornUpload(ctx, ep, wr, verr)
		}
	}
	if err := c.ensureNewETag(ctx, ep, priorETag(o, stamp), wr); err != nil {
		return nil, err
	}
	return &UploadResult{Size: size, ETag: wr.ETag, FileID: wr.FileID, Created: wr.Created, Sent: size, Checksum: checksum}, nil
}

// undoTornUpload handles a streamed PUT whose source changed meanwhile: a
// file it created is deleted again (only if nobody changed it since).
func (c *Client) undoTornUpload(ctx context.Context, ep string, wr *WriteResult, cause error) error {
	if wr.Created && wr.ETag != "" {
		resp, err := c.Do(ctx, &Request{Method: http.MethodDelete, Path: ep, API: APIDAV,
			Header: http.Header{"If-Match": {wr.ETag}}, OK: []int{http.StatusNoContent, http.StatusOK}})
		if err == nil {
			drainFileResponse(resp)
			return fmt.Errorf("%w; the copy it produced on the server was deleted again", cause)
		}
	}
	return fmt.Errorf("%w; the server's copy may mix old and new content: upload it again when the file is no longer being written (earlier versions are in Nextcloud's version history)", cause)
}

// chunkPlan is the state of a chunked upload in progress.
type chunkPlan struct {
	c       *Client
	src     UploadSource
	o       UploadOptions
	folder  *uploadFolder
	dest    string    // display of the destination URL, the session key
	sum     hash.Hash // OC-Checksum of the whole file; nil for none
	proof   hash.Hash32
	done    int64 // bytes the server holds
	next    int   // number of the next chunk
	chunk   int64 // size of the next chunk
	sent    int64
	resumed bool
}

func (c *Client) uploadChunked(ctx context.Context, ep string, src UploadSource, o UploadOptions) (*UploadResult, error) {
	pl := &chunkPlan{c: c, src: src, o: o, sum: newChecksum(o.Checksum), proof: crc32.New(castagnoli), next: 1, chunk: o.MinChunk}
	pl.dest = c.URL(ep, nil).String()
	if err := pl.start(ctx, ep); err != nil {
		return nil, err
	}
	size := src.Size()
	for pl.done < size {
		if err := pl.sendNext(ctx); err != nil {
			return nil, pl.fail(err)
		}
	}
	if err := src.Verify(); err != nil {
		pl.discard()
		return nil, err
	}
	checksum := checksumHeader(pl.sum)
	// The mtime is picked just before the MOVE: sending the chunks may
	// have taken long enough for the destination to change meanwhile.
	stamp, err := c.writeMtime(ctx, ep, replacesFile(o), src.ModTime())
	if err != nil {
		return nil, pl.failAssemble(err)
	}
	ao := assembleOptions{total: size, mtime: stamp.Mtime.Unix(), checksum: checksum, ifMatch: o.IfMatch, createOnly: !replacesFile(o)}
	wr, err := c.assemble(ctx, pl.folder, ao)
	if err != nil {
		if ok, wr2 := pl.assembledAnyway(ep, err); ok {
			wr = wr2
		} else {
			return nil, pl.failAssemble(err)
		}
	}
	pl.forget()
	if err := c.ensureNewETag(ctx, ep, priorETag(o, stamp), wr); err != nil {
		return nil, err
	}
	return &UploadResult{Size: size, ETag: wr.ETag, FileID: wr.FileID, Created: wr.Created, Chunked: true,
		Resumed: pl.resumed, Sent: pl.sent, Checksum: checksum}, nil
}

// start continues a recorded session whose chunks the server still has, or
// creates a new upload folder.
func (pl *chunkPlan) start(ctx context.Context, ep string) error {
	c, o, src := pl.c, pl.o, pl.src
	if o.Sessions != nil {
		s, ok, err := o.Sessions.LoadUpload(ctx, o.LocalKey, pl.dest)
		if err != nil {
			return fmt.Errorf("read the upload session: %w", err)
		}
		if ok {
			f, err := c.uploadFolderFor(ctx, s.ID, ep)
			if err != nil {
				return err
			}
			pl.folder = f
			if s.Size == src.Size() && s.ModTime.Equal(src.ModTime()) {
				resumed, err := pl.resume(ctx, s)
				if err != nil {
					return err
				}
				if resumed {
					return nil
				}
			}
			// Another version of the file, or nothing left to continue.
			_ = c.abortUpload(ctx, f)
			_ = o.Sessions.DeleteUpload(ctx, o.LocalKey, pl.dest)
			pl.resetHashes()
			pl.done, pl.next = 0, 1
		}
	}
	f, err := c.uploadFolderFor(ctx, newUploadID(), ep)
	if err != nil {
		return err
	}
	pl.folder = f
	if err := c.createUploadFolder(ctx, f); err != nil {
		return err
	}
	return pl.save(ctx)
}

// resume lists the chunks the server kept and checks that the local file
// still starts with the bytes they hold. It reports false when the upload
// must start over (the folder expired, or the file is not the same).
func (pl *chunkPlan) resume(ctx context.Context, s UploadSession) (bool, error) {
	chunks, err := pl.c.listChunks(ctx, pl.folder)
	if StatusOf(err) == http.StatusNotFound {
		return false, nil // Nextcloud expired the folder
	}
	if err != nil {
		return false, err
	}
	var held int64
	k := 0
	for i, ch := range chunks {
		if ch.n != i+1 {
			break
		}
		held += ch.size
		k = ch.n
	}
	if held > pl.src.Size() || s.Done > held {
		return false, nil
	}
	for _, ch := range chunks[k:] {
		if err := pl.c.deleteChunk(ctx, pl.folder, ch.n); err != nil {
			return false, err
		}
	}
	// Re-read the part the server holds: its hash at s.Done must be the
	// recorded one, or the local file is not the one that was uploaded.
	if err := pl.hashRange(0, s.Done); err != nil {
		return false, err
	}
	if pl.doneHash() != s.DoneHash {
		return false, nil
	}
	if err := pl.hashRange(s.Done, held-s.Done); err != nil {
		return false, err
	}
	pl.done, pl.next, pl.resumed = held, k+1, held > 0
	if len(chunks) > 0 && k > 0 {
		pl.chunk = min(max(chunks[k-1].size, pl.o.MinChunk), pl.o.MaxChunk)
	}
	pl.o.Progress(held)
	return true, pl.save(ctx)
}

// sendNext sends the next chunk, again after a transient failure, and
// adapts the size of the one after it to the measured speed.
func (pl *chunkPlan) sendNext(ctx context.Context) error {
	size := pl.src.Size()
	left := size - pl.done
	n := min(pl.chunk, left)
	if chunksLeft := int64(maxChunks - pl.next + 1); chunksLeft > 0 && left > n*chunksLeft {
		n = (left + chunksLeft - 1) / chunksLeft
	}
	// Hash the chunk's bytes beside the send, so the hash costs no time on
	// the wire; a resent chunk has the same bytes and is hashed once.
	hashed := make(chan error, 1)
	go func(off int64) { hashed <- pl.hashRange(off, n) }(pl.done)
	var lastErr error
	for attempt := 1; attempt <= chunkAttempts; attempt++ {
		if attempt > 1 {
			if err := sleepCtx(ctx, pl.c.retry.delay(attempt-1)); err != nil {
				<-hashed
				return err
			}
		}
		start := time.Now()
		cr := &countingReader{r: io.NewSectionReader(pl.src, pl.done, n), base: pl.done, report: pl.o.Progress}
		err := pl.c.putChunk(ctx, pl.folder, pl.next, cr, n, size)
		pl.sent += cr.n
		if err == nil {
			if herr := <-hashed; herr != nil {
				return herr
			}
			pl.done += n
			pl.next++
			pl.adapt(n, time.Since(start))
			if err := pl.src.Verify(); err != nil {
				return err
			}
			return pl.save(ctx)
		}
		lastErr = err
		if ctx.Err() != nil {
			<-hashed
			return ctx.Err()
		}
		if !transientChunkError(err) {
			<-hashed
			return err
		}
	}
	<-hashed
	return lastErr
}

// hashRange feeds n bytes of the file from off to the hashes.
func (pl *chunkPlan) hashRange(off, n int64) error {
	var w io.Writer = pl.proof
	if pl.sum != nil {
		w = io.MultiWriter(pl.proof, pl.sum)
	}
	if _, err := io.CopyBuffer(w, io.NewSectionReader(pl.src, off, n), make([]byte, 1<<20)); err != nil {
		return fmt.Errorf("read the local file: %w", err)
	}
	return nil
}

func (pl *chunkPlan) doneHash() string {
	return fmt.Sprintf("crc32c:%08x", pl.proof.Sum32())
}

func (pl *chunkPlan) resetHashes() {
	pl.proof.Reset()
	if pl.sum != nil {
		pl.sum.Reset()
	}
}

// adapt sizes the next chunk so it takes about chunkTarget at the speed
// the last one went, within the bounds, in whole MiB.
func (pl *chunkPlan) adapt(n int64, took time.Duration) {
	if took <= 0 {
		pl.chunk = pl.o.MaxChunk
		return
	}
	want := int64(float64(n) * float64(chunkTarget) / float64(took))
	if want >= 1<<20 {
		want = want &^ (1<<20 - 1)
	}
	pl.chunk = min(max(want, pl.o.MinChunk), pl.o.MaxChunk)
}

// transientChunkError is a failure that sending the chunk again may cure.
func transientChunkError(err error) bool {
	switch StatusOf(err) {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable, http.StatusLocked,
		http.StatusBadGateway, http.StatusGatewayTimeout, http.StatusInternalServerError:
		return true
	case 0:
		return isConnReset(err) || errors.Is(err, io.ErrUnexpectedEOF) || isTimeout(err)
	}
	return false
}

func isTimeout(err error) bool {
	var te interface{ Timeout() bool }
	return errors.As(err, &te) && te.Timeout() && !errors.Is(err, context.DeadlineExceeded)
}

// save records the progress, so a later call can resume.
func (pl *chunkPlan) save(ctx context.Context) error {
	if pl.o.Sessions == nil {
		return nil
	}
	s := UploadSession{ID: pl.folder.path[strings.LastIndex(pl.folder.path, "/")+1:], Size: pl.src.Size(),
		ModTime: pl.src.ModTime(), Done: pl.done, DoneHash: pl.doneHash()}
	if err := pl.o.Sessions.SaveUpload(ctx, pl.o.LocalKey, pl.dest, s); err != nil {
		return fmt.Errorf("record the upload session: %w", err)
	}
	return nil
}

// fail ends a chunk loop that stopped. Cancellation and lost connections
// keep the session (when there is a store) for a later resume; anything
// else removes the upload folder, which could never be completed.
func (pl *chunkPlan) fail(err error) error {
	keep := pl.o.Sessions != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || transientChunkError(err))
	if keep {
		return &InterruptedError{Done: pl.done, Total: pl.src.Size(), Err: err}
	}
	pl.discard()
	return err
}

// failAssemble ends a failed MOVE. When the caller can fix the cause and
// call again (the destination exists or changed, is locked, or its folder
// is missing), the chunks stay so that call only assembles them.
func (pl *chunkPlan) failAssemble(err error) error {
	switch StatusOf(err) {
	case http.StatusPreconditionFailed, http.StatusLocked, http.StatusConflict, http.StatusNotFound:
		if pl.o.Sessions != nil && StatusOf(err) != http.StatusNotFound {
			return &InterruptedError{Done: pl.done, Total: pl.src.Size(), Err: err}
		}
	}
	if pl.o.Sessions != nil && (errors.Is(err, context.Canceled) || transientChunkError(err)) {
		return &InterruptedError{Done: pl.done, Total: pl.src.Size(), Err: err}
	}
	pl.discard()
	return err
}

// assembledAnyway checks, after a MOVE whose answer was lost, whether the
// server assembled the file nonetheless: the upload folder is gone and the
// destination has the size. Assembling a big file can outlast a proxy's
// timeout while the server finishes the job.
func (pl *chunkPlan) assembledAnyway(ep string, err error) (bool, *WriteResult) {
	if StatusOf(err) != 0 || errors.Is(err, context.Canceled) {
		return false, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, lerr := pl.c.listChunks(ctx, pl.folder); StatusOf(lerr) != http.StatusNotFound {
		return false, nil
	}
	st, serr := pl.c.statChecksums(ctx, ep)
	if serr != nil || st.size != pl.src.Size() {
		return false, nil
	}
	return true, &WriteResult{ETag: st.etag, FileID: st.fileID, Created: true}
}

// discard deletes the upload folder and the session.
func (pl *chunkPlan) discard() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_ = pl.c.abortUpload(ctx, pl.folder)
	pl.forget()
}

// forget deletes the session record.
func (pl *chunkPlan) forget() {
	if pl.o.Sessions == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = pl.o.Sessions.DeleteUpload(ctx, pl.o.LocalKey, pl.dest)
}

// countingReader reports base plus the bytes read so far after every read.
type countingReader struct {
	r      io.Reader
	base   int64
	n      int64
	report func(int64)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if n > 0 && c.report != nil {
		c.report(c.base + c.n)
	}
	return n, err
}

// remoteFile is what the final check reads of the uploaded file.
type remoteFile struct {
	size      int64
	etag      string
	fileID    int64
	checksums []string
}

var propfindChecksumsBody = []byte(`<?xml version="1.0"?>` + "\n" +
	`<d:propfind ` + fileDAVNamespaces + `><d:prop><d:getcontentlength/><d:getetag/><oc:fileid/><oc:checksums/></d:prop></d:propfind>`)

// statChecksums reads size, ETag, file id and the stored checksums.
func (c *Client) statChecksums(ctx context.Context, ep string) (*remoteFile, error) {
	ms, err := c.DAVRequest(ctx, "PROPFIND", ep, "0", nil, propfindChecksumsBody)
	if err != nil {
		return nil, err
	}
	if len(ms.Responses) == 0 {
		return nil, fmt.Errorf("PROPFIND %s: no entry in the answer", ep)
	}
	props := ms.Responses[0].Found()
	rf := &remoteFile{etag: filePropText(props[NSDAV+" getetag"])}
	rf.size, _ = strconv.ParseInt(filePropText(props[NSDAV+" getcontentlength"]), 10, 64)
	rf.fileID, _ = strconv.ParseInt(filePropText(props[NSOwnCloud+" fileid"]), 10, 64)
	rf.checksums = strings.Fields(filePropText(props[NSOwnCloud+" checksums"]))
	return rf, nil
}

// verifyUpload compares the server's copy with what was sent: the size
// always, then the SHA-1 when the server stores checksums, else the ETag
// the write answered with.
func (c *Client) verifyUpload(ctx context.Context, ep string, size int64, res *UploadResult) error {
	rf, err := c.statChecksums(ctx, ep)
	if err != nil {
		return fmt.Errorf("check the uploaded file: %w", err)
	}
	if rf.size != size {
		return fmt.Errorf("%w: the server holds %d bytes, %d were sent; upload it again", ErrIntegrity, rf.size, size)
	}
	res.Verified = "size"
	for _, cs := range rf.checksums {
		if algo, val, ok := strings.Cut(cs, ":"); ok && res.Checksum != "" && strings.EqualFold(algo, "SHA1") {
			if !strings.EqualFold("SHA1:"+val, res.Checksum) {
				return fmt.Errorf("%w: the server's SHA-1 is %s, the sent one %s; upload it again", ErrIntegrity, val, strings.TrimPrefix(res.Checksum, "SHA1:"))
			}
			res.Verified = "checksum"
		}
	}
	if res.Verified == "size" && res.ETag != "" && rf.etag == res.ETag {
		res.Verified = "etag"
	}
	if res.ETag == "" {
		res.ETag = rf.etag
	}
	if res.FileID == 0 {
		res.FileID = rf.fileID
	}
	return nil
}
