//go:build !windows

package install

import "os"

// replaceFile moves the temp file over the target: one atomic rename.
func replaceFile(oldpath, newpath string) error { return os.Rename(oldpath, newpath) }
