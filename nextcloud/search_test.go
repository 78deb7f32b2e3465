package nextcloud_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

func TestSearchProvidersAndCursor(t *testing.T) {
	ctx := context.Background()
	fake, url := collabFake(t, ncfake.Options{})
	for i := range 7 {
		fake.AddSearchEntry("files", ncfake.SearchEntry{Title: "report-" + string(rune('a'+i)) + ".txt", ResourceURL: "/index.php/f/1", Attributes: map[string]string{"path": "/report.txt"}})
	}
	c := collabClient(t, fake, url, "admin")
	ps, err := c.SearchProviders(ctx)
	if err != nil || len(ps) < 5 {
		t.Fatalf("providers: %+v %v", ps, err)
	}
	var files *nextcloud.SearchProvider
	for i := range ps {
		if ps[i].ID == "files" {
			files = &ps[i]
		}
	}
	if files == nil || files.AppID != "files" || files.Filters["mime"] != "string" {
		t.Fatalf("files provider: %+v", files)
	}
	res, err := c.Search(ctx, "files", nextcloud.SearchQuery{Term: "report", Limit: 5})
	// Files pages with an int cursor (ocs/19); it must round-trip as text.
	if err != nil || len(res.Entries) != 5 || res.Cursor != "5" || !res.IsPaginated || res.Entries[0].Attributes["path"] != "/report.txt" {
		t.Fatalf("page 1: %+v %v", res, err)
	}
	res, err = c.Search(ctx, "files", nextcloud.SearchQuery{Term: "report", Limit: 5, Cursor: res.Cursor})
	if err != nil || len(res.Entries) != 2 {
		t.Fatalf("page 2: %+v %v", res, err)
	}
	if _, err := c.Search(ctx, "nosuchprovider", nextcloud.SearchQuery{Term: "x"}); nextcloud.StatusOf(err) != 500 {
		t.Fatalf("unknown provider: want the server's 500, got %v", err)
	}
	notes, err := c.Search(ctx, "notes", nextcloud.SearchQuery{Term: "x"})
	if err != nil || notes.Cursor != "" || notes.IsPaginated {
		t.Fatalf("null cursor: %+v %v", notes, err)
	}
	if got := c.AbsoluteURL("/index.php/apps/deck/card/1"); got != url+"/index.php/apps/deck/card/1" {
		t.Fatalf("absolute url: %s", got)
	}
	if got := c.AbsoluteURL("https://elsewhere.example/x"); got != "https://elsewhere.example/x" {
		t.Fatalf("absolute stays: %s", got)
	}
}

// One slow and one failing provider must not hold back or spoil the others.
func TestSearchManyDegrades(t *testing.T) {
	ctx := context.Background()
	fake, url := collabFake(t, ncfake.Options{})
	fake.AddSearchEntry("files", ncfake.SearchEntry{Title: "budget.ods", ResourceURL: "/index.php/f/7"})
	fake.AddSearchEntry("notes", ncfake.SearchEntry{Title: "budget ideas", ResourceURL: "/index.php/apps/notes/note/3"})
	// The slow provider would hold the call for a minute; the bound below is
	// far under that and far over what a loaded CI machine needs.
	fake.AddFault(ncfake.Fault{PathPrefix: "/ocs/v2.php/search/providers/notes/", Delay: time.Minute})
	c := collabClient(t, fake, url, "admin")

	start := time.Now()
	out := c.SearchMany(ctx, []string{"files", "notes", "nosuchprovider"}, nextcloud.SearchQuery{Term: "budget"}, nextcloud.SearchManyOptions{Timeout: 200 * time.Millisecond})
	if time.Since(start) > 15*time.Second {
		t.Fatalf("the slow provider held everything back: %v", time.Since(start))
	}
	if len(out) != 3 || out[0].Provider != "files" || out[0].Err != nil || len(out[0].Result.Entries) != 1 {
		t.Fatalf("files: %+v", out[0])
	}
	if !out[1].TimedOut || !errors.Is(out[1].Err, context.DeadlineExceeded) {
		t.Fatalf("notes should time out: %+v", out[1])
	}
	if out[2].TimedOut || nextcloud.StatusOf(out[2].Err) != 500 {
		t.Fatalf("unknown provider should fail with 500: %+v", out[2])
	}
}
