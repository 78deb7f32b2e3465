package ncfake

import (
	"bytes"
	"image/png"
	"testing"
)

func TestDemoSeed(t *testing.T) {
	s := NewDemo()
	notes := 0
	for id := 0; id < 10000; id++ {
		if c, ok := s.Note(DemoUser, id); ok && c != "" {
			notes++
		}
	}
	if notes < 4 {
		t.Fatalf("demo has %d notes, want 4", notes)
	}
	pdf, err := s.ReadFile(DemoUser, "/Documents/Reports/summary.pdf")
	if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.Contains(pdf, []byte("%%EOF")) {
		t.Fatalf("demo PDF: %v", err)
	}
	img, err := s.ReadFile(DemoUser, "/Photos/sunset.png")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(bytes.NewReader(img)); err != nil {
		t.Fatalf("demo image is not a PNG: %v", err)
	}
	if _, err := s.ReadFile(DemoUser, "/Documents/Projects/meeting agenda.txt"); err != nil {
		t.Fatal(err)
	}
}
