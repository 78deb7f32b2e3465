// Package localfs is the local side of file transfers: the folders a user
// allowed, path resolution that cannot escape them (no "..", no symbolic
// link out, no Windows drive or UNC tricks, no case games), reading a file
// that must not change while it is sent, and writing through a ".part"
// file that is renamed into place only when complete.
//
// Every file operation goes through an os.Root opened on an allowed folder,
// so a symbolic link swapped in after the check still cannot lead outside.
package localfs

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// ErrOutside means a path is not inside any allowed folder.
var ErrOutside = errors.New("outside the allowed local folders")

// ErrNoRoots means no local folder is allowed, so transfers are off.
var ErrNoRoots = errors.New("no local folder is allowed for transfers")

// Roots is the set of local folders transfers may read and write. It is
// immutable after New and safe for concurrent use.
type Roots struct {
	roots []*root
	wrap  func(io.Writer) io.Writer
}

// root is one allowed folder: its canonical path (absolute, symbolic links
// resolved) and whether its file system ignores letter case.
type root struct {
	dir  string
	fold bool
	fs   *os.Root
}

// Option adjusts New.
type Option func(*Roots)

// WithWriteFilter passes every write of a .part file through fn. Tests use
// it to simulate a full disk; production never sets it.
func WithWriteFilter(fn func(io.Writer) io.Writer) Option {
	return func(r *Roots) { r.wrap = fn }
}

// New resolves the allowed folders. Each must exist and be a folder; a
// leading "~" means the home folder. Duplicates and folders inside another
// allowed folder are kept once.
func New(dirs []string, opts ...Option) (*Roots, error) {
	r := &Roots{}
	for _, o := range opts {
		o(r)
	}
	for _, d := range dirs {
		d = strings.TrimSpace(d)
		if d == "" {
			continue
		}
		canon, err := canonicalDir(d)
		if err != nil {
			r.Close()
			return nil, err
		}
		if r.covered(canon) {
			continue
		}
		fsys, err := os.OpenRoot(canon)
		if err != nil {
			r.Close()
			return nil, fmt.Errorf("local folder %s cannot be opened: %w", d, err)
		}
		r.roots = append(r.roots, &root{dir: canon, fold: caseInsensitive(canon), fs: fsys})
	}
	return r, nil
}

// canonicalDir makes d absolute with symbolic links resolved and checks it is a folder.
func canonicalDir(d string) (string, error) {
	exp, err := expandHome(d)
	if err != nil {
		return "", err
	}
	if err := checkPlatformPath(exp); err != nil {
		return "", fmt.Errorf("local folder %q: %w", d, err)
	}
	abs, err := filepath.Abs(exp)
	if err != nil {
		return "", fmt.Errorf("local folder %q: %w", d, err)
	}
	canon, err := filepath.EvalSymlinks(abs)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("local folder %s does not exist: create it or fix --local-dir / NEXTCLOUD_MCP_LOCAL_DIRS", abs)
		}
		return "", fmt.Errorf("local folder %s: %w", abs, err)
	}
	fi, err := os.Stat(canon)
	if err != nil {
		return "", fmt.Errorf("local folder %s: %w", abs, err)
	}
	if !fi.IsDir() {
		return "", fmt.Errorf("local folder %s is a file, not a folder: name a folder in --local-dir / NEXTCLOUD_MCP_LOCAL_DIRS", abs)
	}
	return canon, nil
}

func (r *Roots) covered(dir string) bool {
	for _, rt := range r.roots {
		if _, ok := within(rt.dir, dir, rt.fold, filepath.Separator); ok {
			return true
		}
	}
	return false
}

// Close releases the folder handles.
func (r *Roots) Close() error {
	if r == nil {
		return nil
	}
	var errs []error
	for _, rt := range r.roots {
		errs = append(errs, rt.fs.Close())
	}
	return errors.Join(errs...)
}

// Empty reports whether no folder is allowed (nil Roots too).
func (r *Roots) Empty() bool { return r == nil || len(r.roots) == 0 }

// Dirs returns the allowed folders, canonical.
func (r *Roots) Dirs() []string {
	if r == nil {
		return nil
	}
	out := make([]string, len(r.roots))
	for i, rt := range r.roots {
		out[i] = rt.dir
	}
	return out
}

// SplitList splits NEXTCLOUD_MCP_LOCAL_DIRS: entries are separated by the
// OS list separator (":" on Unix, ";" on Windows), like PATH.
func SplitList(v string) []string {
	var out []string
	for _, p := range filepath.SplitList(v) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func expandHome(p string) (string, error) {
	if p != "~" && !strings.HasPrefix(p, "~/") && !strings.HasPrefix(p, `~\`) {
		return p, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("path %q starts with ~ but the home folder is unknown: %w", p, err)
	}
	return filepath.Join(home, p[1:]), nil
}
