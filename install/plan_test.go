package install

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestInvalidJSONIsLeftByteIdentical(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "claude_desktop_config.json")
	broken := "{\n  \"mcpServers\": {\n    \"a\": {\"command\": \"a\"},\n  }\n}\n" // trailing comma: invalid for Claude
	writeFile(t, path, broken, 0o644)
	before, _ := os.Stat(path)

	c := mustClient(t, "claude-desktop")
	_, err := PlanInstall(c, path, DefaultName, testEntry)
	var se *SyntaxError
	if !errors.Is(err, ErrInvalidConfig) || !errors.As(err, &se) {
		t.Fatalf("want ErrInvalidConfig with a SyntaxError, got %v", err)
	}
	if se.Line != 3 || se.Column != 26 {
		t.Errorf("position %d:%d, want 3:26", se.Line, se.Column)
	}
	if !strings.Contains(err.Error(), "line 3, column 26") || !strings.Contains(err.Error(), "Nothing was changed") {
		t.Errorf("message: %v", err)
	}
	if _, err := PlanUninstall(c, path, DefaultName); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("uninstall: %v", err)
	}
	if got := readFile(t, path); got != broken {
		t.Error("file changed")
	}
	after, _ := os.Stat(path)
	if !after.ModTime().Equal(before.ModTime()) {
		t.Error("file was rewritten")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("extra files created: %v", entries)
	}
}

func TestPlanCommitIdempotentAndUninstall(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "mcp.json")
	original := `{"mcpServers": {"other": {"command": "x"}}, "keep": 1}`
	writeFile(t, path, original, 0o600)
	c := mustClient(t, "cursor")
	w := Writer{Now: fixedNow}

	p, err := PlanInstall(c, path, DefaultName, testEntry)
	if err != nil || p.Result != Added {
		t.Fatalf("%v %v", p, err)
	}
	if !strings.Contains(p.Diff(), "+") || !strings.Contains(p.Diff(), `"nextcloud"`) {
		t.Errorf("diff:\n%s", p.Diff())
	}
	backup, err := w.Commit(p)
	if err != nil || backup == "" {
		t.Fatalf("commit: %q %v", backup, err)
	}

	p2, err := PlanInstall(c, path, DefaultName, testEntry)
	if err != nil || p2.Result != Unchanged || p2.Diff() != "" {
		t.Fatalf("second plan: %v %v", p2.Result, err)
	}
	if b, err := w.Commit(p2); err != nil || b != "" {
		t.Errorf("unchanged commit wrote something: %q %v", b, err)
	}

	p3, err := PlanUninstall(c, path, DefaultName)
	if err != nil || p3.Result != Removed {
		t.Fatalf("uninstall plan: %v %v", p3, err)
	}
	if _, err := w.Commit(p3); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, path); got != original {
		t.Errorf("after uninstall:\n%s\nwant\n%s", got, original)
	}
}

func TestCommitRefusesAFileThatChangedMeanwhile(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".claude.json")
	writeFile(t, path, `{"numStartups": 1}`, 0o600)
	c := mustClient(t, "claude-code")
	p, err := PlanInstall(c, path, DefaultName, testEntry)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, `{"numStartups": 2}`, 0o600) // the client rewrote it
	if _, err := (Writer{}).Commit(p); !errors.Is(err, ErrChangedMeanwhile) {
		t.Fatalf("err = %v", err)
	}
	if readFile(t, path) != `{"numStartups": 2}` {
		t.Error("the client's newer content was overwritten")
	}
}

func TestDiffShowsOnlyTheChange(t *testing.T) {
	p := &Plan{Path: "f", Result: Added,
		Old: []byte("a\nb\nc\nd\ne\nf\ng\n"),
		New: []byte("a\nb\nc\nd\nX\ne\nf\ng\n")}
	want := "--- f\n+++ f (after)\n@@ -3,4 +3,5 @@\n c\n d\n+X\n e\n f\n"
	if got := p.Diff(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	p = &Plan{Path: "f", Result: Removed, Old: []byte("1\n2\n3\n"), New: []byte("1\n3\n")}
	if got := p.Diff(); !strings.Contains(got, "-2\n") || strings.Contains(got, "+") && strings.Contains(got, "+3") {
		t.Errorf("remove diff:\n%s", got)
	}
}
