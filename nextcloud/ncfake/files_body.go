package ncfake

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/net/webdav"
)

// File bodies live in memory by default. With Options.FilesDir they live on
// disk instead, so a benchmark can move GiB-sized files through the fake
// without it holding them in memory: each user's files are plain files
// below <FilesDir>/homes/<user>, and request bodies (uploads, chunks) are
// streamed to <FilesDir>/spool first and renamed into place.

// fileBody is the bytes of an upload: in memory, in a spool file, or a
// range of an upload folder's sequence file (files_chunked_seq.go).
type fileBody struct {
	data []byte
	path string
	size int64
	seq  *seqFile
	off  int64
}

func memBody(data []byte) *fileBody { return &fileBody{data: data, size: int64(len(data))} }

func (b *fileBody) open() (io.ReadCloser, error) {
	if b.seq != nil {
		return io.NopCloser(io.NewSectionReader(b.seq.f, b.off, b.size)), nil
	}
	if b.path == "" {
		return io.NopCloser(bytes.NewReader(b.data)), nil
	}
	f, err := os.Open(b.path)
	if err != nil {
		return nil, fmt.Errorf("ncfake: open spooled body: %w", err)
	}
	return f, nil
}

// discard removes a spool file that was not moved into place. A range of a
// sequence file goes with the upload folder.
func (b *fileBody) discard() {
	if b != nil && b.seq == nil && b.path != "" {
		_ = os.Remove(b.path)
	}
}

// onDisk reports whether files live on disk (Options.FilesDir).
func (a *filesApp) onDisk() bool { return a.diskDir != "" }

// newFS makes a user's file system: in memory, or a folder on disk.
func (a *filesApp) newFS(user string) webdav.FileSystem {
	if !a.onDisk() {
		return webdav.NewMemFS()
	}
	dir := filepath.Join(a.diskDir, "homes", user)
	_ = os.MkdirAll(dir, 0o755)
	return webdav.Dir(dir)
}

// readBody takes a request body whole: into memory, or streamed to a spool
// file when files live on disk.
func (a *filesApp) readBody(r io.Reader) (*fileBody, error) {
	if !a.onDisk() {
		data, err := io.ReadAll(r)
		if err != nil {
			return nil, err
		}
		return memBody(data), nil
	}
	spool := filepath.Join(a.diskDir, "spool")
	if err := os.MkdirAll(spool, 0o755); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(spool, "body-*")
	if err != nil {
		return nil, err
	}
	n, err := io.Copy(f, r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return nil, err
	}
	return &fileBody{path: f.Name(), size: n}, nil
}

// concatBodies joins bodies in order into one new body.
func (a *filesApp) concatBodies(parts []*fileBody) (*fileBody, error) {
	readers := make([]io.Reader, 0, len(parts))
	var closers []io.Closer
	defer func() {
		for _, c := range closers {
			c.Close()
		}
	}()
	for _, p := range parts {
		rc, err := p.open()
		if err != nil {
			return nil, err
		}
		closers = append(closers, rc)
		readers = append(readers, rc)
	}
	if !a.onDisk() {
		var buf bytes.Buffer
		for _, r := range readers {
			if _, err := io.Copy(&buf, r); err != nil {
				return nil, err
			}
		}
		return memBody(buf.Bytes()), nil
	}
	spool := filepath.Join(a.diskDir, "spool")
	f, err := os.CreateTemp(spool, "assembled-*")
	if err != nil {
		return nil, err
	}
	var n int64
	for _, r := range readers {
		// File to file: io.Copy uses copy_file_range where the OS has it.
		m, err := io.Copy(f, r)
		n += m
		if err != nil {
			f.Close()
			os.Remove(f.Name())
			return nil, err
		}
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return nil, err
	}
	return &fileBody{path: f.Name(), size: n}, nil
}

// storeBody puts body at p in the user's file system. A spooled body is
// renamed into place, so nothing is copied. Caller holds a.mu.
func (a *filesApp) storeBody(ctx context.Context, h *fileHome, p string, body *fileBody) error {
	if body.path != "" {
		if d, ok := h.fs.(webdav.Dir); ok {
			dst := filepath.Join(string(d), filepath.FromSlash(strings.TrimPrefix(p, "/")))
			if err := os.Rename(body.path, dst); err != nil {
				return fmt.Errorf("ncfake: write %s: %w", p, err)
			}
			body.path = ""
			return nil
		}
	}
	rc, err := body.open()
	if err != nil {
		return err
	}
	defer rc.Close()
	f, err := h.fs.OpenFile(ctx, p, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("ncfake: write %s: %w", p, err)
	}
	if _, err := io.Copy(f, rc); err != nil {
		f.Close()
		return fmt.Errorf("ncfake: write %s: %w", p, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("ncfake: write %s: %w", p, err)
	}
	return nil
}
