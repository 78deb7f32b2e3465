package install

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestLocalDirArgs(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	_ = os.WriteFile(file, nil, 0o600)
	wd, _ := os.Getwd()
	rel, _ := filepath.Rel(wd, dir)
	args, err := LocalDirArgs([]string{rel, " "})
	if err != nil || !slices.Equal(args, []string{"--local-dir", dir}) {
		t.Fatalf("relative becomes absolute: %v %v", args, err)
	}
	if _, err := LocalDirArgs([]string{filepath.Join(dir, "missing")}); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("missing: %v", err)
	}
	if _, err := LocalDirArgs([]string{file}); err == nil || !strings.Contains(err.Error(), "is a file") {
		t.Fatalf("file: %v", err)
	}
}
