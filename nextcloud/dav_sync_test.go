package nextcloud_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

func TestSyncCollectionAndMultiGet(t *testing.T) {
	ctx := context.Background()
	fake := ncfake.New(ncfake.Options{})
	c := newDAVClient(t, fake)
	cal, ok := findCalendar(t, c, "personal")
	if !ok {
		t.Fatal("no personal calendar")
	}
	put := func(name, summary string) {
		t.Helper()
		body := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:" + name + "\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260101T090000Z\r\nSUMMARY:" + summary + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
		if _, _, err := c.Call(ctx, &nextcloud.Request{Method: "PUT", Path: cal.Href + name + ".ics", API: nextcloud.APIDAV, Body: []byte(body), Header: http.Header{"Content-Type": {"text/calendar"}}}); err != nil {
			t.Fatal(err)
		}
	}
	put("a", "Alpha")
	put("b", "Bravo")
	first, err := c.SyncCollection(ctx, cal.Href, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Changed) != 2 || len(first.Deleted) != 0 || !strings.HasPrefix(first.Token, "http://sabre.io/ns/sync/") || first.Changed[0].ETag == "" {
		t.Fatalf("initial: %+v", first)
	}
	if _, _, err := c.Call(ctx, &nextcloud.Request{Method: "DELETE", Path: cal.Href + "b.ics", API: nextcloud.APIDAV}); err != nil {
		t.Fatal(err)
	}
	put("a", "Alpha 2")
	next, err := c.SyncCollection(ctx, cal.Href, first.Token)
	if err != nil {
		t.Fatal(err)
	}
	if len(next.Changed) != 1 || !strings.HasSuffix(next.Changed[0].Href, "/a.ics") || len(next.Deleted) != 1 || !strings.HasSuffix(next.Deleted[0], "/b.ics") || next.Token == first.Token {
		t.Fatalf("incremental: %+v", next)
	}
	if _, err := c.SyncCollection(ctx, cal.Href, "not-a-sync-token"); !errors.Is(err, nextcloud.ErrInvalidSyncToken) {
		t.Errorf("garbage token: %v", err)
	}
	objs, err := c.MultiGetData(ctx, cal.Href, false, []string{next.Changed[0].Href})
	if err != nil || len(objs) != 1 || !strings.Contains(objs[0].Data, "SUMMARY:Alpha 2") || objs[0].ETag != next.Changed[0].ETag {
		t.Fatalf("multiget: %+v %v", objs, err)
	}
	books, err := c.AddressBookSyncTokens(ctx)
	if err != nil || len(books) == 0 || books[0].SyncToken == "" {
		t.Fatalf("address books: %+v %v", books, err)
	}
}

func TestNotesMetadataNotModified(t *testing.T) {
	ctx := context.Background()
	fake := ncfake.New(ncfake.Options{})
	c := newDAVClient(t, fake)
	fake.AddNote("admin", "One", "secret content", "")
	first, err := c.NotesMetadata(ctx, "")
	if err != nil || len(first.Notes) != 1 || first.Notes[0].Content != "" || first.Notes[0].ETag == "" || first.ETag == "" {
		t.Fatalf("listing: %+v %v", first, err)
	}
	again, err := c.NotesMetadata(ctx, first.ETag)
	if err != nil || !again.NotModified || again.ETag != first.ETag {
		t.Fatalf("unchanged listing: %+v %v", again, err)
	}
	fake.AddNote("admin", "Two", "", "")
	changed, err := c.NotesMetadata(ctx, first.ETag)
	if err != nil || changed.NotModified || len(changed.Notes) != 2 {
		t.Fatalf("changed listing: %+v %v", changed, err)
	}
	noNotes := newDAVClient(t, ncfake.New(ncfake.Options{Apps: []string{"files", "dav"}}))
	if _, err := noNotes.NotesMetadata(ctx, ""); !errors.Is(err, nextcloud.ErrAppMissing) {
		t.Errorf("without the Notes app: %v", err)
	}
}
