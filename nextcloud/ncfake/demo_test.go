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

// TestDemoSeedsTheApps: the demo answers News, Cookbook, Bookmarks and
// Forms with sample data, and knows the pages the chat can add or import.
func TestDemoSeedsTheApps(t *testing.T) {
	s := NewDemo()
	s.news.mu.Lock()
	feeds, items := len(s.news.feeds), len(s.news.items)
	s.news.mu.Unlock()
	s.cookbook.mu.Lock()
	recipes := len(s.cookbook.recipes)
	s.cookbook.mu.Unlock()
	s.bookmarks.mu.Lock()
	bookmarks := len(s.bookmarks.bookmarks)
	s.bookmarks.mu.Unlock()
	s.forms.mu.Lock()
	forms, subs := len(s.forms.forms), 0
	for _, f := range s.forms.forms {
		subs += len(f.submissions)
	}
	s.forms.mu.Unlock()
	if feeds != 2 || items != 5 || recipes != 2 || bookmarks != 3 || forms != 1 || subs != 2 {
		t.Errorf("demo apps: %d feeds, %d items, %d recipes, %d bookmarks, %d forms, %d submissions", feeds, items, recipes, bookmarks, forms, subs)
	}
	for _, u := range []string{DemoExtraFeedURL, DemoImportRecipeURL} {
		if _, ok := s.web.fetch(u); !ok {
			t.Errorf("demo web lacks %s", u)
		}
	}
}
