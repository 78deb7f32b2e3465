//go:build !windows

package store

import (
	"io/fs"
	"os"
)

// privateDir makes the config directory 0700 when others can read or
// enter it.
func privateDir(dir string, mode fs.FileMode) error {
	if !sharedMode(mode) {
		return nil
	}
	return os.Chmod(dir, 0o700)
}

// privateFile makes the database 0600 when others can read it.
func privateFile(f *os.File, mode fs.FileMode) error {
	if !sharedMode(mode) {
		return nil
	}
	return f.Chmod(0o600)
}
