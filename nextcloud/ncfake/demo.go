package ncfake

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"
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
	s.seedDemoDocuments(u)

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

	s.seedDemoPIM(u)
	s.seedDemoApps(u)
	s.seedDemoAppsMail(u)

	room := s.AddTalkConversation(u, "Team", "alice")
	s.AddTalkMessage(room, "alice", "Morning! The review moved to Thursday.")
	s.AddTalkMessage(room, u, "Thanks, noted.")
	launch := s.AddTalkConversation("alice", "Launch", u)
	s.AddTalkMessage(launch, "alice", "The launch checklist is ready.")
	s.AddTalkMessage(launch, "alice", "@"+u+" could you review it today?")
}

// seedDemoPIM stores a few events, a task and contacts through the fake's
// own CalDAV/CardDAV handlers, so the demo data is exactly what a client's
// PUT would have stored. Events are placed relative to today.
func (s *Server) seedDemoPIM(u string) {
	day := time.Now().UTC().AddDate(0, 0, 1).Format("20060102")
	week := time.Now().UTC().AddDate(0, 0, 3).Format("20060102")
	objects := map[string]string{
		"/remote.php/dav/calendars/" + u + "/personal/demo-standup.ics": "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//nextcloud-mcp//demo//EN\r\n" + berlinVTimezone +
			"BEGIN:VEVENT\r\nUID:demo-standup\r\nDTSTAMP:20261101T080000Z\r\nDTSTART;TZID=Europe/Berlin:" + day + "T093000\r\nDTEND;TZID=Europe/Berlin:" + day + "T094500\r\nRRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR\r\nSUMMARY:Team stand-up\r\nLOCATION:Talk\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
		"/remote.php/dav/calendars/" + u + "/personal/demo-review.ics": "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//nextcloud-mcp//demo//EN\r\n" + berlinVTimezone +
			"BEGIN:VEVENT\r\nUID:demo-review\r\nDTSTAMP:20261101T080000Z\r\nDTSTART;TZID=Europe/Berlin:" + week + "T140000\r\nDTEND;TZID=Europe/Berlin:" + week + "T153000\r\nSUMMARY:Quarterly review\r\nDESCRIPTION:Bring the summary PDF.\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
		"/remote.php/dav/calendars/" + u + "/tasks/demo-task.ics":              "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//nextcloud-mcp//demo//EN\r\nBEGIN:VTODO\r\nUID:demo-task\r\nDTSTAMP:20261101T080000Z\r\nSUMMARY:Renew the domain\r\nDUE;VALUE=DATE:" + week + "\r\nPRIORITY:1\r\nSTATUS:NEEDS-ACTION\r\nEND:VTODO\r\nEND:VCALENDAR\r\n",
		"/remote.php/dav/addressbooks/users/" + u + "/contacts/demo-bob.vcf":   "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:demo-bob\r\nFN:Bob Builder\r\nN:Builder;Bob;;;\r\nEMAIL;TYPE=WORK:bob@example.com\r\nTEL;TYPE=CELL:+49 30 1234567\r\nORG:Builder & Co\r\nEND:VCARD\r\n",
		"/remote.php/dav/addressbooks/users/" + u + "/contacts/demo-carla.vcf": "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:demo-carla\r\nFN:Carla Diaz\r\nN:Diaz;Carla;;;\r\nEMAIL;TYPE=HOME:carla@example.org\r\nBDAY:1990-04-12\r\nEND:VCARD\r\n",
	}
	// Nextcloud's default "personal" calendar holds events only, so the demo
	// task goes into a task list of its own, as a user would create it.
	mk := httptest.NewRequest("MKCALENDAR", "/remote.php/dav/calendars/"+u+"/tasks/", strings.NewReader(`<?xml version="1.0"?>`+
		`<c:mkcalendar xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:set><d:prop><d:displayname>Tasks</d:displayname>`+
		`<c:supported-calendar-component-set><c:comp name="VTODO"/></c:supported-calendar-component-set></d:prop></d:set></c:mkcalendar>`))
	mk.SetBasicAuth(u, DemoAppPassword)
	mw := httptest.NewRecorder()
	s.Handler().ServeHTTP(mw, mk)
	if mw.Code != http.StatusCreated {
		panic(fmt.Sprintf("seed demo task list: HTTP %d %s", mw.Code, mw.Body.String()))
	}
	for p, body := range objects {
		ct := "text/calendar; charset=utf-8"
		if strings.HasSuffix(p, ".vcf") {
			ct = "text/vcard; charset=utf-8"
		}
		req := httptest.NewRequest(http.MethodPut, p, strings.NewReader(body))
		req.Header.Set("Content-Type", ct)
		req.SetBasicAuth(u, DemoAppPassword)
		w := httptest.NewRecorder()
		s.Handler().ServeHTTP(w, req)
		if w.Code != http.StatusCreated {
			panic(fmt.Sprintf("seed demo object %s: HTTP %d %s", p, w.Code, w.Body.String()))
		}
	}
}

const berlinVTimezone = "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nBEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\nDTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\nDTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"

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
