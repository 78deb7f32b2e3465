//go:build unix

package localfs

import (
	"path/filepath"
	"syscall"
	"testing"
)

func TestFIFOIsRefusedWithoutBlocking(t *testing.T) {
	r, dir := newRoots(t)
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	_, err := r.OpenSource(filepath.Join(dir, "fifo"))
	wantErr(t, err, "not a regular file")
}
