package extract

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The first PDF compiles the engine, which takes seconds without a cache
// (and far longer under the race detector). That cost must not count
// against the document's time limit, or the first PDF of every fresh
// install on a slow machine would fail as "took too long".
func TestPDFEngineLoadIsNotTimed(t *testing.T) {
	const limit = 300 * time.Millisecond
	x := New(Config{Timeout: limit}) // no cache: a full compile
	t.Cleanup(func() { _ = x.Close() })
	d, err := extractFile(t, x, filepath.Join(corpusDir, "ligatures.pdf"), Options{})
	if err != nil {
		t.Fatalf("first PDF on a cold engine: %v (engine load took %s)", err, x.PDFEngineLoadTime())
	}
	if !strings.Contains(d.Text(), "Office efficiency") {
		t.Errorf("text %q", clip(d.Text(), 80))
	}
	if x.PDFEngineLoadTime() <= limit {
		// The engine compiled faster than the limit, so this run proved
		// nothing about the limit; say so rather than pass quietly.
		t.Logf("engine load took %s, under the %s limit", x.PDFEngineLoadTime(), limit)
	}
}

// Cancelling while the engine loads ends the wait at once; the load goes on,
// so the next PDF does not pay for it again.
func TestPDFEngineLoadCancelled(t *testing.T) {
	x := New(Config{})
	t.Cleanup(func() { _ = x.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	err := x.WarmPDF(ctx)
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindTimeout || !strings.Contains(e.Reason, "cancelled") {
		t.Fatalf("cancelled warm-up: %v", err)
	}
	if waited := time.Since(start); waited > time.Second {
		t.Errorf("cancelled warm-up waited %s for the engine", waited)
	}
	if _, err := extractFile(t, x, filepath.Join(corpusDir, "ligatures.pdf"), Options{}); err != nil {
		t.Fatalf("PDF after a cancelled warm-up: %v", err)
	}
}
