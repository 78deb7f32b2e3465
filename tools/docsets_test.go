package tools

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/internal/tooldocs"
)

// TestToolDocsCurrent fails when docs/tools.md no longer matches the pinned
// tool surface. Refresh it with `go generate ./tools` (or -update here).
func TestToolDocsCurrent(t *testing.T) {
	golden, err := os.ReadFile(filepath.Join("testdata", "tools.golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := tooldocs.Render(golden, DocSets())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("..", "docs", "tools.md")
	if *update {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s (write it with go generate ./tools): %v", path, err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is stale: run go generate ./tools", path)
	}
}
