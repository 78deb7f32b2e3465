package extract

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzExtract feeds mutated corpus documents (all but PDFs, whose engine is
// its own sandbox) to the converters without the panic guard of run, so a
// crash shows here instead of hiding as a "malformed" error. Without -fuzz
// it runs the seeds as a test.
func FuzzExtract(f *testing.F) {
	entries, _ := os.ReadDir(corpusDir)
	for _, e := range entries {
		n := e.Name()
		ext := filepath.Ext(n)
		if ext == ".txt" && filepath.Ext(n[:len(n)-4]) != "" || ext == ".pdf" || n == "long-300.pdf" || n == "zipbomb.docx" || n == "nested.docx" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(corpusDir, n))
		if err != nil || len(b) > 64<<10 {
			continue
		}
		f.Add(b, n)
	}
	x := New(Config{MaxExpanded: 8 << 20, MaxInput: 8 << 20})
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		s := sniff(bytes.NewReader(data), int64(len(data)), "", name)
		if s.format == "pdf" {
			return
		}
		done := make(chan error, 1)
		go func() {
			_, err := x.extractAs(context.Background(), s, bytes.NewReader(data), int64(len(data)), Options{Name: name})
			done <- err
		}()
		var err error
		select {
		case err = <-done:
		case <-time.After(3 * time.Second):
			t.Fatalf("%s: still reading after 3 s", s.format)
		}
		var e *Error
		if err != nil && !errors.As(err, &e) {
			t.Fatalf("%s: error %v is not an *extract.Error", s.format, err)
		}
	})
}

// FuzzRenderSlide feeds mutated presentations to the slide readers and the
// painter, without the panic guard of run.
func FuzzRenderSlide(f *testing.F) {
	for _, p := range slideDecks() {
		if b, err := os.ReadFile(p); err == nil && len(b) <= 64<<10 {
			f.Add(b, filepath.Ext(p)[1:], 1)
		}
	}
	x := New(Config{MaxExpanded: 8 << 20, MaxInput: 8 << 20})
	fonts, err := loadSlideFonts()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte, format string, page int) {
		if format != "pptx" && format != "odp" {
			return
		}
		done := make(chan error, 1)
		go func() {
			s, err := x.loadSlide(context.Background(), format, bytes.NewReader(data), int64(len(data)), page)
			if err == nil {
				_, err = drawSlide(context.Background(), s, fonts, 200)
				if err != nil {
					err = &Error{Format: format, Kind: KindMalformed, Err: err}
				}
			}
			done <- err
		}()
		var err error
		select {
		case err = <-done:
		case <-time.After(3 * time.Second):
			t.Fatalf("%s: still drawing after 3 s", format)
		}
		var e *Error
		if err != nil && !errors.As(err, &e) {
			t.Fatalf("%s: error %v is not an *extract.Error", format, err)
		}
	})
}
