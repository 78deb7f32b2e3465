package localfs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// ErrChanged means a file being sent changed on disk meanwhile.
var ErrChanged = errors.New("the local file changed while it was being sent")

// Source is a regular local file opened for sending. It reads at offsets
// (io.ReaderAt) so a transfer can resend any part, and Verify tells whether
// the file is still the one that was opened.
type Source struct {
	f     *os.File
	path  Path
	info  os.FileInfo
	size  int64
	mtime time.Time
}

// OpenSource opens a regular file inside the allowed folders.
func (r *Roots) OpenSource(p string) (*Source, error) {
	lp, err := r.Resolve(p)
	if err != nil {
		return nil, err
	}
	return lp.OpenSource()
}

// OpenSource opens the file at p.
func (p Path) OpenSource() (*Source, error) {
	// Stat first: opening a FIFO or device would block or never end.
	if fi, err := p.root.fs.Stat(p.rel); err == nil && !fi.IsDir() && !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("local path %s is not a regular file (%s): only files can be sent", p, fi.Mode().Type())
	}
	f, err := p.root.fs.Open(p.rel)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("local file %s does not exist: check the path (list the folder to see what is there)", p)
		}
		return nil, fmt.Errorf("local file %s cannot be opened: %w", p, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("local file %s: %w", p, err)
	}
	if fi.IsDir() {
		f.Close()
		return nil, &IsDirError{Path: p.String()}
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("local path %s is not a regular file (%s): only files can be sent", p, fi.Mode().Type())
	}
	return &Source{f: f, path: p, info: fi, size: fi.Size(), mtime: fi.ModTime()}, nil
}

// IsDirError says a path that must be a file is a folder.
type IsDirError struct{ Path string }

func (e *IsDirError) Error() string { return "local path " + e.Path + " is a folder, not a file" }

// ReadAt implements io.ReaderAt.
func (s *Source) ReadAt(b []byte, off int64) (int, error) { return s.f.ReadAt(b, off) }

// Size is the file's size when it was opened.
func (s *Source) Size() int64 { return s.size }

// ModTime is the file's modification time when it was opened.
func (s *Source) ModTime() time.Time { return s.mtime }

// Path is where the file is.
func (s *Source) Path() Path { return s.path }

// Name is the canonical absolute path.
func (s *Source) Name() string { return s.path.String() }

// Verify fails with ErrChanged when the file's size or modification time
// differ from when it was opened, or the path now names another file.
func (s *Source) Verify() error {
	fi, err := s.f.Stat()
	if err != nil {
		return fmt.Errorf("local file %s: %w", s.path, err)
	}
	if fi.Size() != s.size || !fi.ModTime().Equal(s.mtime) {
		return fmt.Errorf("%w: %s (size %d → %d, modified %s → %s)", ErrChanged, s.path, s.size, fi.Size(),
			s.mtime.Format(time.RFC3339Nano), fi.ModTime().Format(time.RFC3339Nano))
	}
	now, err := s.path.root.fs.Stat(s.path.rel)
	if err != nil || !os.SameFile(now, s.info) {
		return fmt.Errorf("%w: %s was replaced or removed", ErrChanged, s.path)
	}
	return nil
}

// Close releases the file.
func (s *Source) Close() error { return s.f.Close() }

var _ io.ReaderAt = (*Source)(nil)

// Entry is one file found by Walk.
type Entry struct {
	// Rel is the slash-separated path below the walked folder.
	Rel  string
	Size int64
}

// Walk lists the regular files below the folder p, in lexical order.
// Symbolic links are not followed (they are reported in skipped), so a
// folder upload never leaves the allowed folders. It stops with an error
// once more than maxFiles files or maxBytes bytes are found.
func (p Path) Walk(maxFiles int, maxBytes int64) (files []Entry, skipped []string, err error) {
	fi, err := p.root.fs.Stat(p.rel)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, fmt.Errorf("local folder %s does not exist", p)
		}
		return nil, nil, fmt.Errorf("local folder %s: %w", p, err)
	}
	if !fi.IsDir() {
		return nil, nil, fmt.Errorf("local path %s is a file, not a folder", p)
	}
	var total int64
	fsys := p.root.fs.FS()
	start := filepath.ToSlash(p.rel)
	err = fs.WalkDir(fsys, start, func(name string, d fs.DirEntry, werr error) error {
		if werr != nil {
			return werr
		}
		rel := name
		if start != "." {
			rel = name[len(start):]
			if len(rel) > 0 && rel[0] == '/' {
				rel = rel[1:]
			}
		}
		switch {
		case d.IsDir():
			return nil
		case d.Type()&fs.ModeSymlink != 0, !d.Type().IsRegular():
			skipped = append(skipped, rel)
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		files = append(files, Entry{Rel: rel, Size: info.Size()})
		total += info.Size()
		if maxFiles > 0 && len(files) > maxFiles {
			return &LimitError{What: "files", Limit: int64(maxFiles), Path: p.String()}
		}
		if maxBytes > 0 && total > maxBytes {
			return &LimitError{What: "bytes", Limit: maxBytes, Path: p.String()}
		}
		return nil
	})
	if err != nil {
		var le *LimitError
		if errors.As(err, &le) {
			return nil, nil, le
		}
		return nil, nil, fmt.Errorf("list local folder %s: %w", p, err)
	}
	return files, skipped, nil
}

// LimitError says a folder holds more than a transfer may take at once.
type LimitError struct {
	What  string // "files" or "bytes"
	Limit int64
	Path  string
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("local folder %s holds more than %d %s, the limit for one transfer", e.Path, e.Limit, e.What)
}
