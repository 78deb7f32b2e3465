package index

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

func TestFilesIncremental(t *testing.T) {
	e := newEnv(t, Options{MaxFileSize: 1000})
	ctx := context.Background()
	e.putFile("/Docs/a.txt", "aardvark")
	e.putFile("/Docs/b.txt", "badger")
	e.putFile("/Docs/Old/c.txt", "capybara")
	e.putFile("/Docs/Old/deep/d.txt", "dingo")
	e.putFile("/Docs/big.txt", strings.Repeat("x", 2000))
	e.putFile("/Docs/pic.jpg", "\xff\xd8\xff")
	e.putFile("/Docs/report.pdf", string(ncfake.TextPDF("Quarterly turnover of the pangolin division")))
	e.putFile("/Docs/broken.pdf", "%PDF-1.4 not really")
	e.putFile("/Other/e.txt", "echidna")
	e.ix.AddFolder("Docs")
	e.sync(SourceFiles)
	if c := e.count(SourceFiles); c != 5 {
		t.Fatalf("indexed %d files, want 5", c)
	}
	if hits := e.search(Query{Text: "pangolin"}); len(hits) != 1 || hits[0].Key != "/Docs/report.pdf" {
		t.Errorf("text of the PDF: %v", keys(hits))
	}
	st, _ := e.ix.Status(ctx)
	kinds := map[string]int{}
	for _, g := range st.Skipped {
		kinds[g.Kind] = g.Count
	}
	if kinds[SkipTooLarge] != 1 || kinds[SkipNoText] != 1 || kinds[SkipFailed] != 1 {
		t.Errorf("skipped %+v", st.Skipped)
	}

	// Change a, delete b, rename c, rename the folder holding d, add f.
	downloads := func(from int) int {
		n := 0
		for _, r := range e.fake.Requests()[from:] {
			if r.Method == "GET" {
				n++
			}
		}
		return n
	}
	e.changeFile("/Docs/a.txt", "anteater")
	if err := e.c.Delete(ctx, "/Docs/b.txt"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.Move(ctx, "/Docs/Old/c.txt", "/Docs/c-renamed.txt", false); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.Move(ctx, "/Docs/Old/deep", "/Docs/Deeper", false); err != nil {
		t.Fatal(err)
	}
	e.putFile("/Docs/New/f.txt", "ferret")
	from := len(e.fake.Requests())
	rep := e.sync(SourceFiles)
	if n := downloads(from); n != 2 {
		t.Errorf("downloaded %d files, want 2 (a changed, f new; renames cost none)", n)
	}
	r := rep.Sources[0]
	if r.Added != 1 || r.Deleted != 1 || r.Updated != 3 {
		t.Errorf("report %+v", r)
	}
	for q, want := range map[string]string{"anteater": "/Docs/a.txt", "capybara": "/Docs/c-renamed.txt", "dingo": "/Docs/Deeper/d.txt", "ferret": "/Docs/New/f.txt"} {
		if hits := e.search(Query{Text: q}); len(hits) != 1 || hits[0].Key != want {
			t.Errorf("%s: %v, want %s", q, keys(hits), want)
		}
	}
	for _, q := range []string{"aardvark", "badger", "echidna"} {
		if hits := e.search(Query{Text: q}); len(hits) != 0 {
			t.Errorf("%s still found: %v", q, keys(hits))
		}
	}
	// A renamed file is found by its new name.
	if hits := e.search(Query{Text: "renamed"}); len(hits) != 1 || hits[0].Title != "c-renamed.txt" {
		t.Errorf("new name not indexed: %v", keys(hits))
	}
	// Deleting a whole folder.
	if err := e.c.Delete(ctx, "/Docs/Deeper"); err != nil {
		t.Fatal(err)
	}
	e.sync(SourceFiles)
	if hits := e.search(Query{Text: "dingo"}); len(hits) != 0 {
		t.Errorf("file of a deleted folder still found: %v", keys(hits))
	}
	// Removing the folder from the index drops its documents.
	if _, err := e.ix.RemoveFolder("/Docs"); err != nil {
		t.Fatal(err)
	}
	e.sync(SourceFiles)
	if c := e.count(SourceFiles); c != 0 {
		t.Errorf("%d files left after removing the folder", c)
	}
	st, _ = e.ix.Status(ctx)
	if len(st.Skipped) != 0 {
		t.Errorf("skipped entries left: %+v", st.Skipped)
	}
}

func TestFilesNoChangeIsOneRequestPerFolder(t *testing.T) {
	e := newEnv(t, Options{})
	for i := range 30 {
		e.putFile("/A/sub"+string(rune('a'+i%5))+"/f"+string(rune('a'+i))+".txt", "word")
	}
	e.putFile("/B/x.txt", "word")
	e.ix.AddFolder("/A")
	e.ix.AddFolder("/B")
	e.sync(SourceFiles)
	from := len(e.fake.Requests())
	e.sync(SourceFiles)
	if n := len(e.fake.Requests()) - from; n != 2 {
		t.Errorf("no-change files sync made %d requests, want 2 (one per chosen folder)", n)
	}
	// One changed file deep down: the walk follows only the changed path.
	e.changeFile("/A/subc/fc.txt", "changed")
	from = len(e.fake.Requests())
	e.sync(SourceFiles)
	if n := len(e.fake.Requests()) - from; n != 5 {
		t.Errorf("one changed file took %d requests, want 5 (2 roots, 2 listings, 1 download): %v", n, e.fake.Requests()[from:])
	}
}

func TestCalendarIncrementalAndRefusedToken(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := context.Background()
	e.dav("PUT", calHome+"a.ics", ics("a", "VEVENT", "Dentist appointment", ""))
	e.dav("PUT", calHome+"b.ics", ics("b", "VEVENT", "Board meeting", ""))
	e.taskList()
	e.dav("PUT", taskHome+"t.ics", ics("t", "VTODO", "Water the plants", ""))
	e.sync(SourceCalendar)
	if c := e.count(SourceCalendar); c != 3 {
		t.Fatalf("%d calendar docs", c)
	}
	e.dav("PUT", calHome+"a.ics", ics("a", "VEVENT", "Orthodontist appointment", ""))
	e.dav("DELETE", calHome+"b.ics", "")
	rep := e.sync(SourceCalendar)
	if r := rep.Sources[0]; r.Updated != 1 || r.Deleted != 1 || r.Added != 0 {
		t.Errorf("report %+v", r)
	}
	if hits := e.search(Query{Text: "orthodontist"}); len(hits) != 1 || hits[0].Open.Args["event_uid"] != "a" || hits[0].Open.Args["calendar_name"] != "personal" {
		t.Errorf("updated event: %+v", hits)
	}
	if hits := e.search(Query{Text: "board"}); len(hits) != 0 {
		t.Errorf("deleted event still found: %v", keys(hits))
	}
	if hits := e.search(Query{Text: "plants", Apps: []string{AppTasks}}); len(hits) != 1 || hits[0].Open.Tool != "nc_tasks_list" {
		t.Errorf("task: %+v", hits)
	}

	// The server forgets our token (Sabre answers 403 InvalidSyncToken):
	// a full resync still removes what was deleted meanwhile.
	e.dav("DELETE", taskHome+"t.ics", "")
	e.dav("PUT", calHome+"c.ics", ics("c", "VEVENT", "Concert tickets", ""))
	if err := e.ix.acquireLease(ctx); err != nil {
		t.Fatal(err)
	}
	err := e.ix.write(ctx, func(tx *sql.Tx) error {
		return saveState(ctx, tx, SourceCalendar, davState{Tokens: map[string]string{calHome: "not-a-sync-token", taskHome: "not-a-sync-token"}})
	})
	e.ix.releaseLease()
	if err != nil {
		t.Fatal(err)
	}
	from := len(e.fake.Requests())
	e.sync(SourceCalendar)
	refused := false
	for _, r := range e.fake.Requests()[from:] {
		refused = refused || r.Method == "REPORT"
	}
	if !refused {
		t.Fatal("no sync-collection was sent")
	}
	if hits := e.search(Query{Text: "plants"}); len(hits) != 0 {
		t.Errorf("task deleted while the token was refused is still found: %v", keys(hits))
	}
	if hits := e.search(Query{Text: "concert"}); len(hits) != 1 {
		t.Errorf("event added while the token was refused: %v", keys(hits))
	}
	if hits := e.search(Query{Text: "orthodontist"}); len(hits) != 1 {
		t.Errorf("unchanged event lost in the resync: %v", keys(hits))
	}
	// A calendar that is deleted takes its events along.
	if _, err := e.c.CreateCalendar(ctx, "work", nextcloud.NewCalendar{DisplayName: "Work"}); err != nil {
		t.Fatal(err)
	}
	e.dav("PUT", "/remote.php/dav/calendars/admin/work/w.ics", ics("w", "VEVENT", "Quarterly planning", ""))
	e.sync(SourceCalendar)
	if hits := e.search(Query{Text: "quarterly"}); len(hits) != 1 {
		t.Fatalf("work event: %v", keys(hits))
	}
	e.dav("DELETE", "/remote.php/dav/calendars/admin/work/", "")
	e.sync(SourceCalendar)
	if hits := e.search(Query{Text: "quarterly"}); len(hits) != 0 {
		t.Errorf("event of a deleted calendar still found: %v", keys(hits))
	}
}

func TestContactsIncremental(t *testing.T) {
	e := newEnv(t, Options{})
	e.dav("PUT", abHome+"a.vcf", vcf("a", "Ada Lovelace", "EMAIL:ada@engine.example\r\n"))
	e.dav("PUT", abHome+"b.vcf", vcf("b", "Charles Babbage", "ORG:Difference Engine Ltd\r\n"))
	e.sync(SourceContacts)
	e.dav("DELETE", abHome+"b.vcf", "")
	e.dav("PUT", abHome+"a.vcf", vcf("a", "Ada King", "EMAIL:ada@engine.example\r\nNOTE:Countess of Lovelace\r\n"))
	rep := e.sync(SourceContacts)
	if r := rep.Sources[0]; r.Updated != 1 || r.Deleted != 1 {
		t.Errorf("report %+v", r)
	}
	if hits := e.search(Query{Text: "babbage"}); len(hits) != 0 {
		t.Errorf("deleted contact found: %v", keys(hits))
	}
	hits := e.search(Query{Text: "countess"})
	if len(hits) != 1 || hits[0].Title != "Ada King" || hits[0].Open.Args["uid"] != "a" || hits[0].Open.Args["addressbook"] != "contacts" {
		t.Errorf("updated contact: %+v", hits)
	}
	from := len(e.fake.Requests())
	e.sync(SourceContacts)
	if n := len(e.fake.Requests()) - from; n != 1 {
		t.Errorf("no-change contacts sync made %d requests", n)
	}
}

func TestDeckIncremental(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := context.Background()
	board := e.fake.SeedDeckBoard("admin", "Garden", "", ncfake.DeckSeedStack{Title: "Spring", Cards: []ncfake.DeckSeedCard{
		{Title: "Plant tulips", Description: "bulbs in the shed"},
		{Title: "Fix the fence"},
	}})
	other := e.fake.SeedDeckBoard("admin", "Kitchen", "", ncfake.DeckSeedStack{Title: "Todo", Cards: []ncfake.DeckSeedCard{{Title: "Descale kettle"}}})
	e.sync(SourceDeck)
	if c := e.count(SourceDeck); c != 3 {
		t.Fatalf("%d cards", c)
	}
	hits := e.search(Query{Text: "tulips"})
	if len(hits) != 1 {
		t.Fatalf("tulips: %v", keys(hits))
	}
	args := hits[0].Open.Args
	stacks, err := e.c.Deck().Stacks(ctx, board, nextcloud.DeckStacksOptions{})
	if err != nil {
		t.Fatal(err)
	}
	fence := stacks[0].Cards[1]
	if _, err := e.c.Deck().DeleteCard(ctx, board, stacks[0].ID, fence.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.Deck().DeleteBoard(ctx, other); err != nil {
		t.Fatal(err)
	}
	cardID := int(args["card_id"].(float64))
	desc := "bulbs are in the garage now"
	if _, err := e.c.Deck().UpdateCard(ctx, board, stacks[0].ID, cardID, nextcloud.DeckCardPatch{Description: &desc}); err != nil {
		t.Fatal(err)
	}
	rep := e.sync(SourceDeck)
	if r := rep.Sources[0]; r.Deleted != 2 || r.Updated != 1 {
		t.Errorf("report %+v", r)
	}
	if hits := e.search(Query{Text: "garage"}); len(hits) != 1 {
		t.Errorf("updated card: %v", keys(hits))
	}
	for _, q := range []string{"fence", "kettle", "shed"} {
		if hits := e.search(Query{Text: q}); len(hits) != 0 {
			t.Errorf("%s still found: %v", q, keys(hits))
		}
	}
	from := len(e.fake.Requests())
	e.sync(SourceDeck)
	if n := len(e.fake.Requests()) - from; n != 1 {
		t.Errorf("no-change Deck sync made %d requests", n)
	}
}

// TestFolderVanishingMidWalk: a folder listed by its parent but gone when
// its own listing is asked takes its documents along.
func TestFolderVanishingMidWalk(t *testing.T) {
	e := newEnv(t, Options{})
	e.putFile("/Docs/Sub/a.txt", "wombat")
	e.putFile("/Docs/b.txt", "quokka")
	e.ix.AddFolder("/Docs")
	e.sync(SourceFiles)
	e.putFile("/Docs/Sub/c.txt", "numbat") // new etags up the tree
	e.fake.AddFault(ncfake.Fault{Method: "PROPFIND", PathPrefix: "/remote.php/dav/files/admin/Docs/Sub", Status: 404, Times: 1,
		Body: `<?xml version="1.0" encoding="utf-8"?>` + "\n" + `<d:error xmlns:d="DAV:" xmlns:s="http://sabredav.org/ns"><s:exception>Sabre\DAV\Exception\NotFound</s:exception><s:message>File with name Sub could not be located</s:message></d:error>`})
	e.sync(SourceFiles)
	if hits := e.search(Query{Text: "wombat"}); len(hits) != 0 {
		t.Errorf("documents of a vanished folder stay: %v", keys(hits))
	}
	if hits := e.search(Query{Text: "quokka"}); len(hits) != 1 {
		t.Errorf("sibling lost: %v", keys(hits))
	}
	// It was not really gone: the next sync finds it again.
	e.sync(SourceFiles)
	if hits := e.search(Query{Text: "wombat"}); len(hits) != 1 {
		t.Errorf("folder back: %v", keys(hits))
	}
}
