package localfs

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ErrExists means the destination exists and overwriting was not asked for.
var ErrExists = errors.New("the local file already exists")

// PartSuffix ends the name of every file being received.
const PartSuffix = ".part"

// Part is a file being received: it is written under a temporary name next
// to its destination ("<name>.<tag>.part") and renamed into place by Commit,
// so the destination never holds a half-written file. A Part that is kept
// (Keep) is found again by the next CreatePart with the same tag and
// continues where it stopped.
type Part struct {
	f       *os.File
	w       io.Writer
	dest    Path
	part    string // rel of the .part file
	written int64
	done    bool
}

// CreatePart prepares to receive the file at p. The folder that holds it
// must exist unless mkdir is set. Without overwrite an existing file is an
// ErrExists error now and again at Commit. tag names the version being
// received (for example a hash of the remote ETag): a kept .part with the
// same tag is continued, kept .parts of other versions are removed.
func (r *Roots) CreatePart(p Path, tag string, overwrite, mkdir bool) (*Part, error) {
	if len(tag) != 16 || !isHex(tag) {
		return nil, fmt.Errorf("part tag %q must be 16 lower-case hex digits (see PartTag)", tag)
	}
	if p.rel == "." {
		return nil, fmt.Errorf("local path %s is an allowed folder itself: give a file name inside it", p)
	}
	fsys := p.root.fs
	dir, base := filepath.Dir(p.rel), filepath.Base(p.rel)
	if mkdir && dir != "." {
		if err := fsys.MkdirAll(dir, 0o777); err != nil {
			return nil, fmt.Errorf("create local folder %s: %w", filepath.Dir(p.String()), err)
		}
	}
	if di, err := fsys.Stat(dir); err != nil || !di.IsDir() {
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("local folder %s: %w", filepath.Dir(p.String()), err)
		}
		return nil, fmt.Errorf("local folder %s does not exist: create it first or choose another local_path", filepath.Dir(p.String()))
	}
	if fi, err := fsys.Lstat(p.rel); err == nil {
		if fi.IsDir() {
			return nil, fmt.Errorf("local path %s is a folder: give a file name inside it", p)
		}
		if !overwrite {
			return nil, fmt.Errorf("%w: %s (pass overwrite to replace it)", ErrExists, p)
		}
	}
	partRel := filepath.Join(dir, base+"."+tag+PartSuffix)
	removeStaleParts(fsys, dir, base, partRel)
	f, err := fsys.OpenFile(partRel, os.O_RDWR|os.O_CREATE, 0o666)
	if err != nil {
		return nil, fmt.Errorf("create local file %s: %w", filepath.Join(filepath.Dir(p.String()), filepath.Base(partRel)), err)
	}
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("local file %s is not a regular file", partRel)
	}
	if _, err := f.Seek(0, io.SeekEnd); err != nil {
		f.Close()
		return nil, fmt.Errorf("local file %s: %w", partRel, err)
	}
	pt := &Part{f: f, dest: p, part: partRel, written: fi.Size()}
	pt.w = f
	if r.wrap != nil {
		pt.w = r.wrap(f)
	}
	return pt, nil
}

// PartTag derives the tag of a .part file from what identifies the version
// being received, for example the remote path and its ETag.
func PartTag(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// removeStaleParts deletes kept .part files of other versions of the same
// destination: they can never be continued.
func removeStaleParts(fsys *os.Root, dir, base, keep string) {
	d, err := fsys.Open(dir)
	if err != nil {
		return
	}
	names, _ := d.Readdirnames(-1)
	d.Close()
	prefix := base + "."
	for _, n := range names {
		rel := filepath.Join(dir, n)
		if rel == keep || !strings.HasPrefix(n, prefix) || !strings.HasSuffix(n, PartSuffix) {
			continue
		}
		tag := strings.TrimSuffix(strings.TrimPrefix(n, prefix), PartSuffix)
		if len(tag) == 16 && isHex(tag) {
			_ = fsys.Remove(rel)
		}
	}
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// Offset is how many bytes the part file holds (where writing continues).
func (p *Part) Offset() int64 { return p.written }

// Name is the absolute path of the .part file.
func (p *Part) Name() string {
	return filepath.Join(p.dest.root.dir, p.part)
}

// Dest is the destination.
func (p *Part) Dest() Path { return p.dest }

// Write appends to the part file.
func (p *Part) Write(b []byte) (int, error) {
	n, err := p.w.Write(b)
	p.written += int64(n)
	if err != nil {
		return n, fmt.Errorf("write local file %s: %w", p.Name(), err)
	}
	return n, nil
}

// Reset empties the part file, to start over.
func (p *Part) Reset() error {
	if err := p.f.Truncate(0); err != nil {
		return fmt.Errorf("reset local file %s: %w", p.Name(), err)
	}
	if _, err := p.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("reset local file %s: %w", p.Name(), err)
	}
	p.written = 0
	return nil
}

// Commit flushes the file to disk and moves it to its destination. Without
// overwrite it never replaces a file that appeared meanwhile: the move is a
// hard link, which fails if the name is taken, and then the .part is kept.
func (p *Part) Commit(overwrite bool) error {
	if p.done {
		return errors.New("part already finished")
	}
	if err := p.f.Sync(); err != nil {
		p.Keep()
		return fmt.Errorf("flush local file %s: %w", p.Name(), err)
	}
	if err := p.f.Close(); err != nil {
		p.done = true
		return fmt.Errorf("close local file %s: %w", p.Name(), err)
	}
	p.done = true
	fsys := p.dest.root.fs
	if overwrite {
		if err := fsys.Rename(p.part, p.dest.rel); err != nil {
			return fmt.Errorf("move %s into place: %w", p.Name(), err)
		}
		return nil
	}
	err := fsys.Link(p.part, p.dest.rel)
	switch {
	case err == nil:
		_ = fsys.Remove(p.part)
		return nil
	case errors.Is(err, fs.ErrExist):
		return fmt.Errorf("%w: %s appeared during the download (the received data stays in %s)", ErrExists, p.dest, p.Name())
	}
	// No hard links here (FAT, some network shares): check, then rename.
	if _, serr := fsys.Lstat(p.dest.rel); serr == nil {
		return fmt.Errorf("%w: %s appeared during the download (the received data stays in %s)", ErrExists, p.dest, p.Name())
	}
	if err := fsys.Rename(p.part, p.dest.rel); err != nil {
		return fmt.Errorf("move %s into place: %w", p.Name(), err)
	}
	return nil
}

// Keep closes the part file and leaves it for a later resume.
func (p *Part) Keep() {
	if p.done {
		return
	}
	p.done = true
	_ = p.f.Close()
}

// Abort closes and deletes the part file.
func (p *Part) Abort() {
	if !p.done {
		p.done = true
		_ = p.f.Close()
	}
	_ = p.dest.root.fs.Remove(p.part)
}
