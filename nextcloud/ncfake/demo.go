package ncfake

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
)

// The demo account that `serve --demo` signs in with. They are not secrets:
// the demo server exists only inside the process, on a loopback port.
const (
	DemoUser        = "admin"
	DemoAppPassword = "admin-app-password"
)

// NewDemo returns a fake with every app enabled and sample data for the demo user.
func NewDemo() *Server {
	s := New(Options{})
	s.seedDemo()
	return s
}

func (s *Server) seedDemo() {
	u := DemoUser
	s.AddNote(u, "Shopping list", "# Shopping list\n\n- oat milk\n- coffee beans\n- basil\n", "Personal")
	s.AddNote(u, "Book ideas", "# Book ideas\n\nA lighthouse keeper who collects weather reports.\n", "Personal")
	s.AddNote(u, "Q3 planning", "# Q3 planning\n\nGoals: ship the sync client, hire one designer.\nOwner: Alice.\n", "Work")
	s.AddNote(u, "Meeting notes 2026-11-20", "# Meeting notes\n\n- Budget approved\n- Next review on Dec 4\n", "Work")

	files := map[string][]byte{
		"/Documents/Welcome.md":                  []byte("# Welcome to the demo Nextcloud\n\nEverything here is sample data. Changes vanish when the server stops.\n"),
		"/Documents/Projects/roadmap.txt":        []byte("2026 Q4: calendar sync\n2027 Q1: offline mode\n"),
		"/Documents/Projects/meeting agenda.txt": []byte("1. Status\n2. Risks\n3. Next steps\n"),
		"/Documents/Reports/summary.pdf":         demoPDF("Quarterly summary: revenue up 12%."),
		"/Photos/sunset.png":                     demoPNG(),
		"/Notes/README.txt":                      []byte("The Notes app keeps its notes in this folder.\n"),
	}
	for p, data := range files {
		if err := s.PutFile(u, p, data); err != nil {
			panic(fmt.Sprintf("seed demo file %s: %v", p, err))
		}
	}
	_ = s.SetFileFavorite(u, "/Documents/Projects/roadmap.txt", true)

	s.SeedDeckBoard(u, "Website relaunch", "0082c9",
		DeckSeedStack{Title: "To do", Cards: []DeckSeedCard{
			{Title: "Write copy for the landing page", Description: "Short, friendly, no jargon.", DueDate: "2026-12-05T17:00:00+00:00", Labels: []string{"Later"}},
			{Title: "Pick a color palette", Labels: []string{"To review"}},
		}},
		DeckSeedStack{Title: "Doing", Cards: []DeckSeedCard{{Title: "Migrate blog posts", Assignees: []string{u}}}},
		DeckSeedStack{Title: "Done", Cards: []DeckSeedCard{{Title: "Choose a hosting provider", Done: true}}},
	)

	s.SeedTable(u, "Reading list", "📚",
		[]TableSeedColumn{
			{Title: "Title", Kind: "text-line", Mandatory: true},
			{Title: "Author", Kind: "text-line"},
			{Title: "Rating", Kind: "number-stars"},
		},
		map[string]any{"Title": "The Left Hand of Darkness", "Author": "Ursula K. Le Guin", "Rating": 5},
		map[string]any{"Title": "Piranesi", "Author": "Susanna Clarke", "Rating": 4},
	)

	room := s.AddTalkConversation(u, "Team", "alice")
	s.AddTalkMessage(room, "alice", "Morning! The review moved to Thursday.")
	s.AddTalkMessage(room, u, "Thanks, noted.")
}

// demoPNG is a small gradient, so image reads return real image content.
func demoPNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 48, 32))
	for y := 0; y < 32; y++ {
		for x := 0; x < 48; x++ {
			img.Set(x, y, color.RGBA{R: uint8(255 - y*4), G: uint8(100 + x), B: uint8(60 + y*5), A: 255})
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}

// demoPDF builds a one-page PDF with a line of text and a correct xref table.
func demoPDF(text string) []byte {
	content := fmt.Sprintf("BT /F1 18 Tf 72 720 Td (%s) Tj ET", text)
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}
