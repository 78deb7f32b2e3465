package store

import (
	"io/fs"
	"runtime"
	"testing"
)

func TestSharedMode(t *testing.T) {
	for mode, want := range map[fs.FileMode]bool{0o700: false, 0o600: false, 0o755: true, 0o640: true, 0o604: true, 0o666: true} {
		if got := sharedMode(mode); got != want {
			t.Errorf("%o: %v, want %v", mode, got, want)
		}
	}
}

// posixModes: whether file modes say who may read (not on Windows).
const posixModes = runtime.GOOS != "windows"
