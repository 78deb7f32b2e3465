package tools

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestAuditLogWholeLinesUnderConcurrency: many goroutines writing at once
// leave one whole JSON line each, in a file only the user can read.
func TestAuditLogWholeLinesUnderConcurrency(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	l, err := OpenAuditLog(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	const writers, each = 32, 50
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				rec := newAuditRecord("nc_webdav_delete_resource", map[string]any{"path": fmt.Sprintf("/w%d/f%d-%s.txt", w, i, strings.Repeat("x", 300))})
				rec.settle(nil, nil)
				l.Write(rec)
			}
		}()
	}
	wg.Wait()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	lines := auditLines(t, path)
	if len(lines) != writers*each {
		t.Fatalf("%d lines, want %d", len(lines), writers*each)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", info.Mode().Perm())
	}
	// Appended, never truncated.
	l2, err := OpenAuditLog(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	l2.Write(newAuditRecord("nc_notes_create_note", nil))
	_ = l2.Close()
	if n := len(auditLines(t, path)); n != writers*each+1 {
		t.Errorf("reopening lost lines: %d", n)
	}
	// A file others can read is refused.
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenAuditLog(path, nil); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("a world-readable log was accepted: %v", err)
	}
}

// TestAuditLogOneLinePerWriteNoSecrets: every call of a tool that changes
// data leaves a line with its targets; contents and secrets never appear.
func TestAuditLogOneLinePerWriteNoSecrets(t *testing.T) {
	const sentinel = "SENTINEL-s3cr3t-7f1c"
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	l, err := OpenAuditLog(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	h, _ := newSafetyHarness(t, safetyOpts{safety: Safety{Audit: l}})
	h.ok("nc_webdav_write_file", map[string]any{"path": "secret.txt", "content": "the content " + sentinel}, nil)
	h.ok("nc_webdav_read_file", map[string]any{"path": "secret.txt"}, nil)
	h.ok("nc_sharing_create_link", map[string]any{"path": "secret.txt", "password": sentinel + "-Pw!9x"}, nil)
	h.ok("nc_notes_create_note", map[string]any{"title": "n", "content": sentinel}, nil)
	h.fails("nc_webdav_delete_resource", map[string]any{"path": "missing.txt"})
	h.ok("nc_webdav_delete_resource", map[string]any{"path": "secret.txt"}, nil)
	_ = l.Close()
	raw, _ := os.ReadFile(path)
	if bytes.Contains(raw, []byte(sentinel)) || bytes.Contains(raw, []byte("admin-app-password")) {
		t.Fatalf("the audit log holds a secret or content:\n%s", raw)
	}
	lines := auditLines(t, path)
	var tools []string
	for _, l := range lines {
		tools = append(tools, fmt.Sprintf("%s:%s", l["tool"], l["outcome"]))
	}
	want := []string{"nc_webdav_write_file:ok", "nc_sharing_create_link:ok", "nc_notes_create_note:ok", "nc_webdav_delete_resource:error", "nc_webdav_delete_resource:ok"}
	if strings.Join(tools, " ") != strings.Join(want, " ") {
		t.Fatalf("audit lines %v, want %v", tools, want)
	}
	if tg, _ := lines[0]["targets"].(map[string]any); tg["path"] != "secret.txt" {
		t.Errorf("targets of the write: %v", lines[0])
	}
	if lines[0]["time"] == "" {
		t.Errorf("no time: %v", lines[0])
	}
}
