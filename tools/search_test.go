package tools

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

func seedSearch(fake *ncfake.Server) {
	fake.AddSearchEntry("files", ncfake.SearchEntry{Title: "budget-2026.ods", Subline: "in /Finance", ResourceURL: "/index.php/f/42", Attributes: map[string]string{"fileId": "42", "path": "/Finance/budget-2026.ods"}})
	fake.AddSearchEntry("files", ncfake.SearchEntry{Title: "budget-2025.ods", Subline: "in /Finance", ResourceURL: "/index.php/f/41"})
	fake.AddSearchEntry("notes", ncfake.SearchEntry{Title: "Budget ideas", ResourceURL: "/index.php/apps/notes/note/3"})
	fake.AddSearchEntry("search-deck-card-board", ncfake.SearchEntry{Title: "Budget review", Subline: "Board Finance", ResourceURL: "/index.php/apps/deck/card/9"})
	fake.AddSearchEntry("tables-search-tables", ncfake.SearchEntry{Title: "Budget table", ResourceURL: "/index.php/apps/tables/table/2"})
}

func TestSearchProvidersTool(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	var out SearchProvidersOutput
	h.ok("nc_search_providers", map[string]any{}, &out)
	var ids []string
	for _, p := range out.Providers {
		ids = append(ids, p.ID)
	}
	if len(ids) < 6 || ids[0] != "notes" || ids[1] != "files" || !slices.Contains(out.Providers[1].Filters, "mime") {
		t.Fatalf("providers in the server's order: %+v", out.Providers)
	}
}

// One slow and one failing provider land in degraded; the others' results
// come back, with absolute links.
func TestSearchUnifiedDegrades(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	seedSearch(h.fake)
	h.fake.AddFault(ncfake.Fault{PathPrefix: "/ocs/v2.php/search/providers/notes/search", Delay: 3 * time.Second})
	h.fake.AddFault(ncfake.Fault{PathPrefix: "/ocs/v2.php/search/providers/search-deck-card-board/search", Status: http.StatusInternalServerError,
		Header: http.Header{"Content-Type": {"application/json; charset=utf-8"}},
		Body:   `{"ocs":{"meta":{"status":"failure","statuscode":500,"message":"Internal Server Error\n"},"data":[]}}`})

	// The healthy providers must answer within the timeout even on a loaded
	// two-core runner, so it is a full second; the slow one takes three.
	start := time.Now()
	var out SearchUnifiedOutput
	h.ok("nc_search_unified", map[string]any{"query": "budget", "provider_timeout_seconds": 1}, &out)
	if time.Since(start) > 2500*time.Millisecond {
		t.Fatalf("the slow provider held the search back: %v", time.Since(start))
	}
	degraded := map[string]SearchDegraded{}
	for _, d := range out.Degraded {
		degraded[d.Provider] = d
	}
	if d := degraded["notes"]; !d.TimedOut {
		t.Errorf("notes should be degraded as timed out: %+v", out.Degraded)
	}
	if d := degraded["search-deck-card-board"]; d.TimedOut || !strings.Contains(d.Reason, "500") {
		t.Errorf("deck should be degraded with HTTP 500: %+v", out.Degraded)
	}
	if len(out.Degraded) != 2 {
		t.Errorf("only the two bad providers are degraded: %+v", out.Degraded)
	}
	var titles []string
	for _, r := range out.Results {
		titles = append(titles, r.Title)
		if !strings.HasPrefix(r.URL, h.url+"/index.php/") {
			t.Errorf("%s: link %q is not absolute on the server", r.Title, r.URL)
		}
	}
	if !slices.Equal(titles, []string{"budget-2026.ods", "budget-2025.ods", "Budget table"}) {
		t.Fatalf("results: %v", titles)
	}
	if out.Results[0].App != "files" || out.Results[0].Attributes["path"] != "/Finance/budget-2026.ods" {
		t.Fatalf("hit details: %+v", out.Results[0])
	}
}

func TestSearchUnifiedPagingAndErrors(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	seedSearch(h.fake)
	var page SearchUnifiedOutput
	h.ok("nc_search_unified", map[string]any{"query": "budget", "providers": []string{"files", "nosuchprovider"}, "limit": 1}, &page)
	if len(page.Results) != 1 || len(page.Providers) != 1 || page.Providers[0].NextCursor != "1" {
		t.Fatalf("page 1: %+v", page)
	}
	if len(page.Degraded) != 1 || page.Degraded[0].Provider != "nosuchprovider" || !strings.Contains(page.Degraded[0].Reason, "nc_search_providers") {
		t.Fatalf("unknown provider: %+v", page.Degraded)
	}
	var next SearchUnifiedOutput
	h.ok("nc_search_unified", map[string]any{"query": "budget", "providers": []string{"files"}, "limit": 1, "cursor": page.Providers[0].NextCursor}, &next)
	if len(next.Results) != 1 || next.Results[0].Title != "budget-2025.ods" {
		t.Fatalf("page 2: %+v", next)
	}
	if msg := h.fails("nc_search_unified", map[string]any{"query": "budget", "cursor": "1"}); !strings.Contains(msg, "exactly") {
		t.Fatalf("cursor without one provider: %s", msg)
	}
	h.fake.AddFault(ncfake.Fault{PathPrefix: "/ocs/v2.php/search/providers/files/search", Status: http.StatusInternalServerError})
	if msg := h.fails("nc_search_unified", map[string]any{"query": "budget", "providers": []string{"files"}}); !strings.Contains(msg, "every search provider failed") {
		t.Fatalf("all failed: %s", msg)
	}
}
