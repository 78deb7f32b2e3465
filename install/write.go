package install

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Writer replaces config files safely: a timestamped backup first, then a
// temp file in the same directory, fsync, and a rename over the original,
// so a crash at any point leaves either the old file or the new one.
type Writer struct {
	// Now stamps backups; time.Now when nil.
	Now func() time.Time
	// Rename moves the temp file over the target; replaceFile when nil.
	// Tests swap it to simulate a crash between the write and the rename.
	Rename func(oldpath, newpath string) error
}

// newFileMode is used when the config file does not exist yet. Client config
// files hold no secrets, but there is no reason for others to read them.
const newFileMode fs.FileMode = 0o600

// Write stores data at path and returns the backup's path ("" when there was
// no previous file). A symlinked path is followed so the link survives.
func (w Writer) Write(path string, data []byte) (backup string, err error) {
	target := path
	if real, err := filepath.EvalSymlinks(path); err == nil {
		target = real
	}
	mode := newFileMode
	old, err := os.ReadFile(target)
	switch {
	case err == nil:
		info, err := os.Stat(target)
		if err != nil {
			return "", fmt.Errorf("stat %s: %w", target, err)
		}
		mode = info.Mode().Perm()
		backup, err = w.backup(target, old, mode)
		if err != nil {
			return "", err
		}
	case errors.Is(err, fs.ErrNotExist):
	default:
		return "", fmt.Errorf("read %s: %w", target, err)
	}
	if err := w.replace(target, data, mode); err != nil {
		return backup, err
	}
	return backup, nil
}

// backup copies the current file next to it as NAME.YYYYMMDD-HHMMSS.bak,
// adding a counter when two runs share a second.
func (w Writer) backup(target string, data []byte, mode fs.FileMode) (string, error) {
	now := time.Now
	if w.Now != nil {
		now = w.Now
	}
	stamp := now().Format("20060102-150405")
	for i := 0; i < 100; i++ {
		name := fmt.Sprintf("%s.%s.bak", target, stamp)
		if i > 0 {
			name = fmt.Sprintf("%s.%s-%d.bak", target, stamp, i)
		}
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("create backup %s: %w", name, err)
		}
		if _, err := f.Write(data); err != nil {
			f.Close()
			os.Remove(name)
			return "", fmt.Errorf("write backup %s: %w", name, err)
		}
		if err := f.Sync(); err != nil {
			f.Close()
			os.Remove(name)
			return "", fmt.Errorf("sync backup %s: %w", name, err)
		}
		if err := f.Close(); err != nil {
			return "", fmt.Errorf("close backup %s: %w", name, err)
		}
		return name, nil
	}
	return "", fmt.Errorf("create backup of %s: too many backups with stamp %s", target, stamp)
}

func (w Writer) replace(target string, data []byte, mode fs.FileMode) error {
	dir := filepath.Dir(target)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(target)+".tmp-*")
	if err != nil {
		return fmt.Errorf("create temp file in %s: %w", dir, err)
	}
	tmpName := tmp.Name()
	committed := false
	defer func() {
		if !committed {
			os.Remove(tmpName)
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", tmpName, err)
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return fmt.Errorf("set mode on %s: %w", tmpName, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("sync %s: %w", tmpName, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close %s: %w", tmpName, err)
	}
	rename := replaceFile
	if w.Rename != nil {
		rename = w.Rename
	}
	if err := rename(tmpName, target); err != nil {
		return fmt.Errorf("replace %s: %w", target, err)
	}
	committed = true
	syncDir(dir)
	return nil
}

// syncDir makes the rename durable where the OS supports syncing a
// directory; elsewhere (Windows) it is a harmless no-op.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	d.Close()
}
