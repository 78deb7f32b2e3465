package tools

import (
	"strconv"
	"strings"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// collectivesHarness: admin's Handbook (alice is a member and wrote the
// travel policy), indexed for content search.
func collectivesHarness(t *testing.T) *harness {
	t.Helper()
	fake := ncfake.New(ncfake.Options{})
	c := fake.AddCollective("admin", "Handbook", "📘", "alice")
	onb := fake.AddCollectivePage(c, 0, "Onboarding", "# Onboarding\n\nStart here.\n", "admin")
	fake.AddCollectivePage(c, onb, "First week", "# First week\n\nSet up your laptop.\n", "admin")
	fake.AddCollectivePage(c, 0, "Travel policy", "# Travel policy\n\nTrains below 800 km.\n", "alice")
	fake.AddCollective("alice", "Alice's notes", "")
	fake.IndexCollectives()
	return newHarness(t, harnessOpts{fake: fake})
}

func TestCollectivesToolsListAndRead(t *testing.T) {
	h := collectivesHarness(t)
	var list collectivesListOut
	h.ok("nc_collectives_list", nil, &list)
	if len(list.Collectives) != 1 || list.Collectives[0].Name != "Handbook" || !list.Collectives[0].CanEdit {
		t.Fatalf("admin is a member of Handbook only: %+v", list)
	}
	var pages collectivesPagesOut
	h.ok("nc_collectives_list_pages", map[string]any{"collective": "handbook"}, &pages)
	var paths []string
	for _, p := range pages.Pages {
		paths = append(paths, p.Path+"@"+p.LastEditor)
	}
	if strings.Join(paths, ",") != "@admin,Onboarding@admin,Onboarding/First week@admin,Travel policy@alice" {
		t.Errorf("pages: %v", paths)
	}

	var page collectivesPageContentOut
	h.ok("nc_collectives_read_page", map[string]any{"collective": "Handbook", "page": "Travel policy"}, dtFresh(&page))
	if page.Content != "# Travel policy\n\nTrains below 800 km.\n" || page.Page.LastEditor != "alice" || page.ETag == "" {
		t.Errorf("page by alice: %+v", page)
	}
	h.ok("nc_collectives_read_page", map[string]any{"collective": "Handbook", "page": "Onboarding/First week"}, dtFresh(&page))
	if !strings.Contains(page.Content, "laptop") || page.Page.Title != "First week" {
		t.Errorf("page by path: %+v", page)
	}
	h.ok("nc_collectives_read_page", map[string]any{"collective": "Handbook", "page": ""}, dtFresh(&page))
	if !strings.HasPrefix(page.Content, "# Welcome") || page.Page.Path != "" {
		t.Errorf("landing page: %+v", page)
	}
	h.ok("nc_collectives_read_page", map[string]any{"collective": "Handbook", "page": pagesID(pages, "Onboarding")}, dtFresh(&page))
	if page.Page.Title != "Onboarding" || page.Page.Subpages != 1 {
		t.Errorf("page by id: %+v", page)
	}
	dtContains(t, "unknown page", h.fails("nc_collectives_read_page", map[string]any{"collective": "Handbook", "page": "Nope"}), `No page "Nope"`, "nc_collectives_list_pages")
	dtContains(t, "unknown collective", h.fails("nc_collectives_list_pages", map[string]any{"collective": "Alice's notes"}), `No collective "Alice's notes"`, `"Handbook"`)
}

func pagesID(p collectivesPagesOut, title string) string {
	for _, pg := range p.Pages {
		if pg.Title == title {
			return strconv.Itoa(pg.ID)
		}
	}
	return ""
}

func TestCollectivesToolsWrite(t *testing.T) {
	h := collectivesHarness(t)
	var w collectivesWrittenOut
	h.ok("nc_collectives_create_page", map[string]any{"collective": "Handbook", "title": "FAQ", "parent": "Onboarding", "content": "# FAQ\n\nAsk away.\n"}, dtFresh(&w))
	if w.Page.Path != "Onboarding/FAQ" || w.Page.LastEditor != "admin" || w.ETag == "" || w.Page.Size != int64(len("# FAQ\n\nAsk away.\n")) {
		t.Fatalf("created: %+v", w)
	}
	var page collectivesPageContentOut
	h.ok("nc_collectives_read_page", map[string]any{"collective": "Handbook", "page": "Onboarding/FAQ"}, dtFresh(&page))
	if page.Content != "# FAQ\n\nAsk away.\n" || page.ETag != w.ETag {
		t.Errorf("read back: %+v (etag of create %s)", page, w.ETag)
	}
	h.ok("nc_collectives_create_page", map[string]any{"collective": "Handbook", "title": "FAQ", "parent": "Onboarding"}, dtFresh(&w))
	if w.Page.Title != "FAQ (2)" {
		t.Errorf("a taken title is renamed: %+v", w.Page)
	}
	empty := w

	// A leaf page gets its first subpage: its file moves, its text stays.
	h.ok("nc_collectives_create_page", map[string]any{"collective": "Handbook", "title": "Rail", "parent": "Travel policy", "content": "Book early."}, dtFresh(&w))
	h.ok("nc_collectives_read_page", map[string]any{"collective": "Handbook", "page": "Travel policy"}, dtFresh(&page))
	if page.Content != "# Travel policy\n\nTrains below 800 km.\n" || page.Page.Subpages != 1 {
		t.Errorf("parent after its first subpage: %+v", page)
	}

	// Updates: with the etag; a stale etag is refused; no etag only on an empty page.
	var up collectivesWrittenOut
	h.ok("nc_collectives_update_page", map[string]any{"collective": "Handbook", "page": "Travel policy", "content": "# Travel policy\n\nTrains below 1000 km.\n", "etag": page.ETag}, dtFresh(&up))
	if up.ETag == page.ETag || up.Page.LastEditor != "admin" {
		t.Errorf("update: %+v", up)
	}
	dtContains(t, "stale etag", h.fails("nc_collectives_update_page", map[string]any{"collective": "Handbook", "page": "Travel policy", "content": "lost?", "etag": page.ETag}),
		"changed since it was read", "nothing was written")
	dtContains(t, "no etag", h.fails("nc_collectives_update_page", map[string]any{"collective": "Handbook", "page": "Travel policy", "content": "lost?"}),
		"has text", "pass its etag")
	h.ok("nc_collectives_read_page", map[string]any{"collective": "Handbook", "page": "Travel policy"}, dtFresh(&page))
	if page.Content != "# Travel policy\n\nTrains below 1000 km.\n" {
		t.Errorf("after refused writes: %q", page.Content)
	}
	h.ok("nc_collectives_update_page", map[string]any{"collective": "Handbook", "page": strconv.Itoa(empty.Page.ID), "content": "Filled."}, dtFresh(&up))
	h.ok("nc_collectives_read_page", map[string]any{"collective": "Handbook", "page": strconv.Itoa(empty.Page.ID)}, dtFresh(&page))
	if page.Content != "Filled." {
		t.Errorf("empty page written without etag: %q", page.Content)
	}
}

func TestCollectivesToolsSearch(t *testing.T) {
	h := collectivesHarness(t)
	var out collectivesSearchOut
	h.ok("nc_collectives_search", map[string]any{"query": "laptop"}, dtFresh(&out))
	if len(out.Hits) != 1 || out.Hits[0].Page.Path != "Onboarding/First week" || out.Hits[0].Match != "content" || out.Hits[0].Collective != "Handbook" {
		t.Fatalf("content hit: %+v", out)
	}
	// A new page is not in the app's index yet, but its title is found.
	var w collectivesWrittenOut
	h.ok("nc_collectives_create_page", map[string]any{"collective": "Handbook", "title": "Laptop setup", "content": "Install the VPN."}, dtFresh(&w))
	h.ok("nc_collectives_search", map[string]any{"query": "laptop", "collective": "Handbook"}, dtFresh(&out))
	var matches []string
	for _, hit := range out.Hits {
		matches = append(matches, hit.Page.Title+":"+hit.Match)
	}
	if strings.Join(matches, ",") != "First week:content,Laptop setup:title" {
		t.Errorf("hits: %v", matches)
	}
	h.ok("nc_collectives_search", map[string]any{"query": "vpn"}, dtFresh(&out))
	if len(out.Hits) != 0 {
		t.Errorf("the app's index lags: %+v", out.Hits)
	}
}
