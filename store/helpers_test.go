package store

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func testKey(b byte) []byte { return bytes.Repeat([]byte{b}, KeySize) }

func keyFn(k []byte) KeyFunc { return func(context.Context) ([]byte, error) { return k, nil } }

// openTest opens a store in a fresh directory with the given key (nil: none).
func openTest(t *testing.T, key []byte) (*Store, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "cfg")
	var opts []Option
	if key != nil {
		opts = append(opts, WithKey(keyFn(key)))
	}
	s, err := Open(context.Background(), dir, opts...)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dir
}

// dirContains reports whether any file in dir (the db and its -wal/-shm)
// holds needle.
func dirContains(t *testing.T, dir, needle string) bool {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(needle)) {
			return true
		}
	}
	return false
}

func mustContain(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want an error containing %q, got nil", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not contain %q", err, p)
		}
	}
}
