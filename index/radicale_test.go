package index

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// The CalDAV and CardDAV sources also run against Radicale, a real
// server that is not Nextcloud (its own sync-token format, its own answer
// to a bad token). .ci/run starts it and exports RADICALE_URL; under
// CI=true a missing server fails.
func radicaleClient(t *testing.T) (*nextcloud.Client, string) {
	t.Helper()
	base := strings.TrimRight(os.Getenv("RADICALE_URL"), "/")
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("RADICALE_URL is not set: .ci/run starts Radicale and exports it; the CalDAV/CardDAV sync suite must run in CI")
		}
		t.Skip("RADICALE_URL not set: start Radicale (see .ci/run) and export RADICALE_URL=http://127.0.0.1:PORT")
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	user := "idx-" + hex.EncodeToString(b[:])
	c, err := nextcloud.New(nextcloud.Options{BaseURL: base, Credentials: nextcloud.BasicAuth{User: user, Password: "any"}})
	if err != nil {
		t.Fatal(err)
	}
	return c, user
}

func TestRadicaleCalendarAndContactsSync(t *testing.T) {
	c, user := radicaleClient(t)
	ctx := context.Background()
	cal, err := c.CreateCalendar(ctx, "work", nextcloud.NewCalendar{DisplayName: "Work"})
	if err != nil {
		t.Fatal(err)
	}
	ab, err := c.CreateAddressBook(ctx, "people", "People", "")
	if err != nil {
		t.Fatal(err)
	}
	put := func(href, body string) {
		t.Helper()
		ct := "text/calendar; charset=utf-8"
		if strings.Contains(body, "VCARD") {
			ct = "text/vcard; charset=utf-8"
		}
		r := &nextcloud.Request{Method: "PUT", Path: href, API: nextcloud.APIDAV, Body: []byte(body), Header: map[string][]string{"Content-Type": {ct}}}
		if _, _, err := c.Call(ctx, r); err != nil {
			t.Fatalf("PUT %s: %v", href, err)
		}
	}
	del := func(href string) {
		t.Helper()
		if _, _, err := c.Call(ctx, &nextcloud.Request{Method: "DELETE", Path: href, API: nextcloud.APIDAV}); err != nil {
			t.Fatalf("DELETE %s: %v", href, err)
		}
	}
	put(cal.Href+"a.ics", ics("a", "VEVENT", "Harbour cruise", "LOCATION:Pier 9\r\n"))
	put(cal.Href+"b.ics", ics("b", "VEVENT", "Budget review", ""))
	put(cal.Href+"t.ics", ics("t", "VTODO", "Book flights", ""))
	put(ab.Href+"x.vcf", vcf("x", "Xena Warrior", "EMAIL:xena@example.com\r\n"))
	put(ab.Href+"y.vcf", vcf("y", "Yuri Gagarin", "ORG:Vostok\r\n"))

	ix, err := Open(ctx, t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	sync := func() *Report {
		t.Helper()
		rep, err := ix.Sync(ctx, c, SyncOptions{Sources: []string{SourceCalendar, SourceContacts}})
		if err != nil || rep.Err() != nil {
			t.Fatalf("sync as %s: %v %v", user, err, rep.Err())
		}
		return rep
	}
	find := func(q string) []Hit {
		t.Helper()
		h, err := ix.Search(ctx, Query{Text: q})
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	sync()
	for q, app := range map[string]string{"pier": AppCalendar, "budget": AppCalendar, "flights": AppTasks, "xena": AppContacts, "vostok": AppContacts} {
		if h := find(q); len(h) != 1 || h[0].App != app {
			t.Errorf("%s: %v", q, keys(h))
		}
	}
	// No change: the home listings' sync tokens say so.
	rep := sync()
	for _, s := range rep.Sources {
		if s.Changed() {
			t.Errorf("%s changed on a no-change sync: %+v", s.Name, s)
		}
	}
	put(cal.Href+"a.ics", ics("a", "VEVENT", "Harbour cruise moved", "LOCATION:Pier 12\r\n"))
	del(cal.Href + "b.ics")
	del(ab.Href + "y.vcf")
	rep = sync()
	for _, s := range rep.Sources {
		if s.Deleted != 1 {
			t.Errorf("%s: %+v", s.Name, s)
		}
	}
	if h := find("budget"); len(h) != 0 {
		t.Errorf("deleted event found: %v", keys(h))
	}
	if h := find("vostok"); len(h) != 0 {
		t.Errorf("deleted contact found: %v", keys(h))
	}
	if h := find("12"); len(h) != 1 {
		t.Errorf("updated event: %v", keys(h))
	}
	// A token the server does not know: Radicale refuses it, and a full
	// resync still drops what was deleted meanwhile.
	del(cal.Href + "t.ics")
	if err := ix.acquireLease(ctx); err != nil {
		t.Fatal(err)
	}
	err = ix.write(ctx, func(tx *sql.Tx) error {
		return saveState(ctx, tx, SourceCalendar, davState{Tokens: map[string]string{cal.Href: "http://radicale.org/ns/sync/0000000000000000000000000000000000000000000000000000000000000000"}})
	})
	ix.releaseLease()
	if err != nil {
		t.Fatal(err)
	}
	sync()
	if h := find("flights"); len(h) != 0 {
		t.Errorf("task deleted while the token was refused: %v", keys(h))
	}
	if h := find("cruise"); len(h) != 1 {
		t.Errorf("event lost in the resync: %v", keys(h))
	}
}
