package install

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var fixedNow = func() time.Time { return time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC) }

func writeFile(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestWriteBacksUpAndKeepsMode(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "claude_desktop_config.json")
	writeFile(t, path, `{"old": true}`, 0o640)

	backup, err := Writer{Now: fixedNow}.Write(path, []byte(`{"new": true}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := path + ".20260314-150926.bak"; backup != want {
		t.Errorf("backup = %s, want %s", backup, want)
	}
	if got := readFile(t, backup); got != `{"old": true}` {
		t.Errorf("backup holds %q", got)
	}
	if got := readFile(t, path); got != `{"new": true}` {
		t.Errorf("file holds %q", got)
	}
	info, _ := os.Stat(path)
	if info.Mode().Perm() != 0o640 {
		t.Errorf("mode = %v, want 0640", info.Mode().Perm())
	}

	// A second write in the same second gets its own backup.
	backup2, err := Writer{Now: fixedNow}.Write(path, []byte(`{"newer": true}`))
	if err != nil || backup2 == backup || readFile(t, backup2) != `{"new": true}` {
		t.Errorf("second backup %s: %v", backup2, err)
	}
	assertNoTempFiles(t, dir)
}

func TestWriteNewFileHasNoBackup(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mcp.json")
	backup, err := Writer{}.Write(path, []byte("{}"))
	if err != nil || backup != "" {
		t.Fatalf("backup %q, err %v", backup, err)
	}
	info, _ := os.Stat(path)
	if info.Mode().Perm() != newFileMode {
		t.Errorf("new file mode %v", info.Mode().Perm())
	}
}

// TestCrashBetweenTempWriteAndRename simulates the process dying after the
// temp file is complete but before it replaces the original.
func TestCrashBetweenTempWriteAndRename(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "claude_desktop_config.json")
	original := "{\n  \"mcpServers\": {\"keep\": {\"command\": \"me\"}}\n}\n"
	writeFile(t, path, original, 0o600)

	var sawTemp string
	crash := errors.New("simulated crash")
	w := Writer{Now: fixedNow, Rename: func(oldpath, newpath string) error {
		// At this point the temp file is fully written and synced.
		sawTemp = readFile(t, oldpath)
		if filepath.Dir(oldpath) != filepath.Dir(newpath) {
			t.Errorf("temp file %s is not in the target's directory", oldpath)
		}
		return crash
	}}
	_, err := w.Write(path, []byte(`{"mcpServers": {}}`))
	if !errors.Is(err, crash) {
		t.Fatalf("err = %v, want the simulated crash", err)
	}
	if sawTemp != `{"mcpServers": {}}` {
		t.Errorf("temp file held %q before the rename", sawTemp)
	}
	if got := readFile(t, path); got != original {
		t.Errorf("original changed:\n%s", got)
	}
	assertNoTempFiles(t, dir)
}

func TestWriteFollowsSymlink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "dotfiles", "mcp.json")
	os.MkdirAll(filepath.Dir(real), 0o700)
	writeFile(t, real, "{}", 0o600)
	link := filepath.Join(dir, "mcp.json")
	if err := os.Symlink(real, link); err != nil {
		t.Skip("symlinks unavailable:", err)
	}
	if _, err := (Writer{}).Write(link, []byte(`{"a":1}`)); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
		t.Error("the symlink was replaced by a regular file")
	}
	if readFile(t, real) != `{"a":1}` {
		t.Error("the link target was not updated")
	}
}

func assertNoTempFiles(t *testing.T, dir string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temp file left behind: %s", e.Name())
		}
	}
}
