package ncfake

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// With file bodies on disk, chunks that arrive in order (the common case)
// are appended to one sequence file per upload folder, so assembling them
// is a rename instead of a copy. The HTTP answers are the same as for
// chunks kept apart; only the fake's own work shrinks, which keeps a
// benchmark about the client rather than about the fake's disk copies.
// (Nextcloud on local storage copies the chunks once more on MOVE.)

// seqFile holds the in-order chunks of one upload folder.
type seqFile struct {
	path string
	f    *os.File
	len  int64
}

// appendAt reports whether chunk name can go into the sequence file and at
// which offset: every chunk so far is in it, in order, and name comes
// after them (or replaces the last one). Caller holds a.mu.
func (d *uploadDir) appendAt(name string) (int64, bool) {
	if d.appending {
		return 0, false
	}
	names := d.chunkNames()
	for _, n := range names {
		if d.chunks[n].seq == nil {
			return 0, false
		}
	}
	if len(names) == 0 {
		return 0, true
	}
	last := names[len(names)-1]
	switch {
	case name == last:
		return d.chunks[last].off, true
	case d.chunks[name] != nil || !chunkLess(last, name):
		return 0, false
	}
	return d.seq.len, true
}

// appendChunk streams the request body into the sequence file at off.
// d.appending is set; it is cleared here.
func (a *filesApp) appendChunk(w http.ResponseWriter, r *http.Request, u *User, d *uploadDir, name string, off int64) {
	fail := func(status int, exc, msg string) {
		a.mu.Lock()
		d.appending = false
		a.mu.Unlock()
		writeSabreError(w, status, exc, msg)
	}
	a.mu.Lock()
	replaced := d.chunks[name] != nil
	delete(d.chunks, name)
	if d.seq == nil {
		spool := filepath.Join(a.diskDir, "spool")
		if err := os.MkdirAll(spool, 0o755); err == nil {
			if f, err := os.CreateTemp(spool, "upload-*"); err == nil {
				d.seq = &seqFile{path: f.Name(), f: f}
			}
		}
	}
	seq := d.seq
	if seq != nil {
		seq.len = off
	}
	a.mu.Unlock()
	if seq == nil {
		fail(http.StatusInternalServerError, `Sabre\DAV\Exception`, "ncfake: cannot create the upload's sequence file")
		return
	}
	n, err := io.Copy(io.NewOffsetWriter(seq.f, off), r.Body)
	if err == nil && r.ContentLength >= 0 && n != r.ContentLength {
		err = fmt.Errorf("Expected filesize of %d bytes but read (from Nextcloud client) and wrote (to Nextcloud storage) %d bytes. Could either be a network problem on the sending side or a problem writing to the storage on the server side.", r.ContentLength, n)
	}
	if err != nil {
		_ = seq.f.Truncate(off)
		fail(http.StatusBadRequest, `Sabre\DAV\Exception\BadRequest`, err.Error())
		return
	}
	_ = seq.f.Truncate(off + n)
	a.mu.Lock()
	defer a.mu.Unlock()
	d.appending = false
	if a.uploadDirs(u.ID)[d.id] != d {
		writeUploadNotFound(w, d.id) // deleted meanwhile
		return
	}
	seq.len = off + n
	d.chunks[name] = &fileBody{seq: seq, off: off, size: n}
	d.touched = time.Now()
	if replaced {
		writeEmpty(w, http.StatusNoContent)
		return
	}
	writeEmpty(w, http.StatusCreated)
}

// assembled returns the sequence file as the whole upload when it holds
// every chunk, in order and back to back; nil when the chunks must be
// joined by copying. Caller holds a.mu.
func (d *uploadDir) assembled() (*fileBody, error) {
	if d.seq == nil {
		return nil, nil
	}
	var off int64
	for _, n := range d.chunkNames() {
		c := d.chunks[n]
		if c.seq == nil || c.off != off {
			return nil, nil
		}
		off += c.size
	}
	if off != d.seq.len {
		return nil, nil
	}
	if err := d.seq.f.Close(); err != nil {
		return nil, err
	}
	body := &fileBody{path: d.seq.path, size: off}
	d.seq = nil
	for _, c := range d.chunks {
		c.seq = nil // the bytes now belong to body
	}
	d.chunks = map[string]*fileBody{}
	return body, nil
}

// discardAll removes every chunk and the sequence file. Caller holds a.mu.
func (d *uploadDir) discardAll() {
	for _, c := range d.chunks {
		c.discard()
	}
	if d.seq != nil {
		_ = d.seq.f.Close()
		_ = os.Remove(d.seq.path)
		d.seq = nil
	}
}
