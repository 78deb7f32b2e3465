package index

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

const (
	// calHome is Nextcloud's default calendar, which holds events only;
	// tasks go to taskHome, a task list made by env.taskList.
	calHome  = "/remote.php/dav/calendars/admin/personal/"
	taskHome = "/remote.php/dav/calendars/admin/tasks/"
	abHome   = "/remote.php/dav/addressbooks/users/admin/contacts/"
)

func TestEverySourceEndToEnd(t *testing.T) {
	e := newEnv(t, Options{})
	e.fake.AddNote("admin", "Penalty clause", "The contract has a penalty clause for late delivery.", "Legal")
	e.putFile("/Documents/contract.txt", "Supplier agreement. Section 7: liquidated damages apply after 30 days.")
	e.putFile("/Photos/cat.png", "\x89PNG\r\n")
	e.dav("PUT", calHome+"kickoff.ics", ics("ev-1", "VEVENT", "Project kickoff", "LOCATION:Lighthouse room\r\nDESCRIPTION:Agenda: budget\r\nATTENDEE;CN=Dana Scully:mailto:dana@example.com\r\n"))
	e.taskList()
	e.dav("PUT", taskHome+"todo.ics", ics("td-1", "VTODO", "Renew passport", "DESCRIPTION:Bring two photos\r\n"))
	e.dav("PUT", abHome+"fox.vcf", vcf("c-1", "Fox Mulder", "EMAIL:fox@fbi.example\r\nORG:X-Files Unit\r\nNOTE:Trust no one\r\n"))
	e.fake.SeedDeckBoard("admin", "Roadmap", "", ncfake.DeckSeedStack{Title: "Ideas", Cards: []ncfake.DeckSeedCard{
		{Title: "Offline mode", Description: "Sync when the zeppelin lands"},
	}})
	if _, _, err := e.ix.AddFolder("Documents"); err != nil {
		t.Fatal(err)
	}
	e.sync()

	for _, tc := range []struct {
		query, app, key string
	}{
		{"penalty clause", AppNotes, ""},
		{"liquidated damages", AppFiles, "/Documents/contract.txt"},
		{"lighthouse", AppCalendar, "/remote.php/dav/calendars/admin/personal/kickoff.ics"},
		{"dana@example.com", AppCalendar, ""},
		{"passport photos", AppTasks, ""},
		{"trust no one", AppContacts, ""},
		{"fbi", AppContacts, ""},
		{"zeppelin", AppDeck, ""},
		{"roadmap offline", AppDeck, ""},
	} {
		hits := e.search(Query{Text: tc.query})
		if len(hits) == 0 || hits[0].App != tc.app || (tc.key != "" && hits[0].Key != tc.key) {
			t.Errorf("%q: got %v, want first %s %s", tc.query, keys(hits), tc.app, tc.key)
			continue
		}
		if hits[0].Open.Tool == "" || !strings.Contains(hits[0].Snippet+hits[0].Title, "") {
			t.Errorf("%q: hit without a tool to open it: %+v", tc.query, hits[0])
		}
	}
	hits := e.search(Query{Text: "liquidated"})
	if len(hits) != 1 || !strings.Contains(hits[0].Snippet, "**liquidated**") {
		t.Errorf("snippet does not mark the match: %+v", hits)
	}
	if hits[0].Open.Tool != "nc_webdav_read_file" || hits[0].Open.Args["path"] != "Documents/contract.txt" {
		t.Errorf("open ref %+v", hits[0].Open)
	}
	// Photos is not a chosen folder.
	if got := e.search(Query{Text: "cat"}); hasKey(got, AppFiles, "/Photos/cat.png") {
		t.Error("a file outside the chosen folders was indexed")
	}
	st, err := e.ix.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Apps[AppNotes] != 1 || st.Apps[AppFiles] != 1 || st.Apps[AppCalendar] != 1 || st.Apps[AppTasks] != 1 || st.Apps[AppContacts] != 1 || st.Apps[AppDeck] != 1 {
		t.Errorf("counts %v", st.Apps)
	}
	fresh, pending := st.FreshAsOf()
	if fresh.IsZero() || len(pending) != 0 {
		t.Errorf("fresh %v pending %v", fresh, pending)
	}
}

// TestNoChangeSyncIsCheap: a sync with nothing new makes one request per
// source (plus discovery for a new client), well under ten.
func TestNoChangeSyncIsCheap(t *testing.T) {
	e := newEnv(t, Options{})
	e.fake.AddNote("admin", "a", "alpha", "")
	e.putFile("/Documents/a.txt", "alpha")
	e.putFile("/Documents/sub/b.txt", "beta")
	e.dav("PUT", calHome+"a.ics", ics("a", "VEVENT", "alpha", ""))
	e.dav("PUT", abHome+"a.vcf", vcf("a", "Alpha", ""))
	e.fake.SeedDeckBoard("admin", "B", "", ncfake.DeckSeedStack{Title: "S", Cards: []ncfake.DeckSeedCard{{Title: "alpha"}}})
	e.ix.AddFolder("/Documents")
	e.sync()
	before := e.fake.RequestCount()
	rep := e.sync()
	n := e.fake.RequestCount() - before
	for _, s := range rep.Sources {
		if s.Changed() {
			t.Errorf("%s changed something on a no-change sync: %+v", s.Name, s)
		}
	}
	if n > 6 {
		t.Errorf("no-change sync made %d requests, want at most 6: %v", n, e.fake.Requests()[before:])
	}
}

func TestNotesIncremental(t *testing.T) {
	e := newEnv(t, Options{})
	id1 := e.fake.AddNote("admin", "Groceries", "apples and pears", "")
	id2 := e.fake.AddNote("admin", "Trip", "pack the tent", "")
	e.sync(SourceNotes)
	if got := e.search(Query{Text: "tent"}); len(got) != 1 {
		t.Fatalf("tent: %v", keys(got))
	}
	// Change one, delete one, add one.
	ctx := context.Background()
	n, err := e.c.GetNote(ctx, id1)
	if err != nil {
		t.Fatal(err)
	}
	content := "bananas only"
	if _, err := e.c.UpdateNote(ctx, id1, n.ETag, nextcloud.NoteChanges{Content: &content}); err != nil {
		t.Fatal(err)
	}
	if err := e.c.DeleteNote(ctx, id2); err != nil {
		t.Fatal(err)
	}
	e.fake.AddNote("admin", "Garden", "plant tomatoes", "")
	before := e.fake.RequestCount()
	rep := e.sync(SourceNotes)
	if r := rep.Sources[0]; r.Added != 1 || r.Updated != 1 || r.Deleted != 1 {
		t.Errorf("report %+v", r)
	}
	if n := e.fake.RequestCount() - before; n > 3 {
		t.Errorf("%d requests for two changed notes", n)
	}
	if got := e.search(Query{Text: "apples"}); len(got) != 0 {
		t.Errorf("old content still found: %v", keys(got))
	}
	if got := e.search(Query{Text: "bananas"}); len(got) != 1 || got[0].Key != strconv.Itoa(id1) {
		t.Errorf("new content: %v", keys(got))
	}
	if got := e.search(Query{Text: "tent"}); len(got) != 0 {
		t.Errorf("deleted note still found: %v", keys(got))
	}
	if got := e.search(Query{Text: "tomatoes"}); len(got) != 1 {
		t.Errorf("added note: %v", keys(got))
	}
	// Nothing changed: the listing answers 304.
	before = e.fake.RequestCount()
	e.sync(SourceNotes)
	if n := e.fake.RequestCount() - before; n != 1 {
		t.Errorf("no-change notes sync made %d requests", n)
	}
}

func TestNotesFirstSyncUsesChunkedListing(t *testing.T) {
	e := newEnv(t, Options{})
	for i := range 150 {
		e.fake.AddNote("admin", "note "+strconv.Itoa(i), "body number "+strconv.Itoa(i), "")
	}
	before := e.fake.RequestCount()
	e.sync(SourceNotes)
	if n := e.fake.RequestCount() - before; n > 4 {
		t.Errorf("first sync of 150 notes made %d requests, want the metadata listing and 2 chunks", n)
	}
	if c := e.count(SourceNotes); c != 150 {
		t.Errorf("indexed %d notes", c)
	}
}

// TestAuthorsKept: the index keeps who wrote a file (its owner, the sharer
// for a file shared with the user) and an event (its organiser), so search
// results can mark other people's text without a request per hit.
func TestAuthorsKept(t *testing.T) {
	e := newEnv(t, Options{})
	if err := e.fake.PutFile("alice", "/Team/plan.txt", []byte("wombat plan")); err != nil {
		t.Fatal(err)
	}
	if _, err := e.fake.ShareWith("alice", "/Team", "admin"); err != nil {
		t.Fatal(err)
	}
	e.putFile("/Own/mine.txt", "wombat notes")
	e.dav("PUT", calHome+"invite.ics", ics("inv-1", "VEVENT", "Wombat review", "ORGANIZER;CN=Mallory:mailto:mallory@evil.example\r\n"))
	e.dav("PUT", calHome+"own.ics", ics("own-1", "VEVENT", "Wombat walk", ""))
	e.ix.AddFolder("Team")
	e.ix.AddFolder("Own")
	e.sync(SourceFiles, SourceCalendar)
	got := map[string]string{}
	for _, h := range e.search(Query{Text: "wombat"}) {
		got[h.Key] = h.Author
	}
	want := map[string]string{"/Team/plan.txt": "alice", "/Own/mine.txt": "admin"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("author of %s = %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
	var invite, own bool
	for k, v := range got {
		switch {
		case strings.HasSuffix(k, "invite.ics"):
			invite = v == "mallory@evil.example"
		case strings.HasSuffix(k, "own.ics"):
			own = v == ""
		}
	}
	if !invite || !own {
		t.Errorf("event authors: %v", got)
	}
}
