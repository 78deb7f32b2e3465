package tools

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

func newsRSS(title string, n int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0"?><rss version="2.0"><channel><title>%s</title><link>https://blog.example.org/</link>`, title)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, `<item><guid>urn:%s:%d</guid><link>https://blog.example.org/%d</link><title>Post %d</title><author>Ed</author>`+
			`<pubDate>Sun, 0%d Nov 2026 10:00:00 +0000</pubDate><description>&lt;p&gt;Hello &lt;b&gt;world&lt;/b&gt; %d&lt;/p&gt;&lt;script&gt;x()&lt;/script&gt;</description></item>`,
			title, i, i, i, i, i)
	}
	b.WriteString(`</channel></rss>`)
	return []byte(b.String())
}

func TestNewsTools(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	fake.PutWebPage("https://blog.example.org/feed.rss", "application/rss+xml", newsRSS("Blog", 5))
	fake.PutWebPage("https://other.example.org/feed.rss", "application/rss+xml", newsRSS("Other", 2))
	fake.PutWebPage("https://blog.example.org/", "text/html", []byte("<html><body>home</body></html>"))
	h := newHarness(t, harnessOpts{fake: fake})

	var feeds newsListFeedsOut
	h.ok("nc_news_list_feeds", nil, &feeds)
	if len(feeds.Feeds) != 0 {
		t.Fatalf("fresh account has feeds: %+v", feeds)
	}
	dtContains(t, "not a URL", h.fails("nc_news_add_feed", map[string]any{"url": "blog.example.org"}), "url must be a full web address")
	dtContains(t, "not a feed", h.fails("nc_news_add_feed", map[string]any{"url": "https://blog.example.org/"}),
		"found no feed", "No parser can handle this stream", "RSS or Atom feed itself")

	var blog, other newsFeedOut
	h.ok("nc_news_add_feed", map[string]any{"url": "https://blog.example.org/feed.rss", "folder": "Tech"}, dtFresh(&blog))
	if blog.ID == 0 || blog.Title != "Blog" || blog.Folder != "Tech" || blog.FolderID == 0 || blog.Unread != 5 {
		t.Fatalf("added feed: %+v", blog)
	}
	h.ok("nc_news_add_feed", map[string]any{"url": "https://other.example.org/feed.rss", "folder": "tech"}, dtFresh(&other))
	if other.FolderID != blog.FolderID || other.Folder != "Tech" {
		t.Errorf("an existing folder is reused whatever the case: %+v vs %+v", other, blog)
	}
	dtContains(t, "duplicate", h.fails("nc_news_add_feed", map[string]any{"url": "https://blog.example.org/feed.rss"}),
		"already subscribe", fmt.Sprintf("feed %d", blog.ID), `"Blog"`)

	h.ok("nc_news_list_feeds", nil, dtFresh(&feeds))
	if len(feeds.Feeds) != 2 || feeds.Feeds[0].Unread+feeds.Feeds[1].Unread != 7 {
		t.Fatalf("feeds: %+v", feeds)
	}

	var page newsListItemsOut
	h.ok("nc_news_list_items", map[string]any{"limit": 3}, dtFresh(&page))
	if len(page.Items) != 3 || page.NextCursor == "" {
		t.Fatalf("first page: %+v", page)
	}
	first := page.Items[0]
	if first.Feed != "Other" || first.Author != "Ed" || first.Text != "Hello world 1" || first.Published != "2026-11-01T10:00:00Z" || !first.Unread {
		t.Errorf("item as plain text with its source: %+v", first)
	}
	seen := []int{}
	for cursor := ""; ; {
		args := map[string]any{"limit": 3}
		if cursor != "" {
			args["cursor"] = cursor
		}
		h.ok("nc_news_list_items", args, dtFresh(&page))
		for _, it := range page.Items {
			seen = append(seen, it.ID)
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	if len(seen) != 7 || !slices.IsSortedFunc(seen, func(a, b int) int { return b - a }) {
		t.Errorf("paging skipped or repeated items: %v", seen)
	}
	h.ok("nc_news_list_items", map[string]any{"feed_id": blog.ID}, dtFresh(&page))
	if len(page.Items) != 5 || page.Items[0].FeedID != blog.ID {
		t.Errorf("feed items: %+v", page)
	}
	h.ok("nc_news_list_items", map[string]any{"folder_id": blog.FolderID}, dtFresh(&page))
	if len(page.Items) != 7 {
		t.Errorf("folder items: %d", len(page.Items))
	}
	dtContains(t, "two sources", h.fails("nc_news_list_items", map[string]any{"feed_id": blog.ID, "starred": true}), "at most one of feed_id, folder_id and starred")
	dtContains(t, "unknown feed", h.fails("nc_news_list_items", map[string]any{"feed_id": 999}), "no feed 999", "nc_news_list_feeds")
	dtContains(t, "bad cursor", h.fails("nc_news_list_items", map[string]any{"cursor": "abc"}), "pass next_cursor unchanged")

	target := seen[2]
	var star newsSetStarredOut
	h.ok("nc_news_set_starred", map[string]any{"item_id": target, "starred": true}, &star)
	h.ok("nc_news_list_items", map[string]any{"starred": true}, dtFresh(&page))
	if len(page.Items) != 1 || page.Items[0].ID != target || !page.Items[0].Starred {
		t.Fatalf("starred: %+v", page)
	}
	h.ok("nc_news_set_starred", map[string]any{"item_id": target, "starred": false}, &star)
	h.ok("nc_news_list_items", map[string]any{"starred": true}, dtFresh(&page))
	if len(page.Items) != 0 {
		t.Errorf("unstar left %+v", page)
	}
	msg := h.fails("nc_news_set_starred", map[string]any{"item_id": 99999, "starred": true})
	dtContains(t, "unknown item", msg, "Article 99999 was not found (HTTP 404)")
	if strings.Contains(msg, "SELECT") {
		t.Errorf("the server's SQL leaks into the message: %s", msg)
	}

	var marked newsMarkReadOut
	h.ok("nc_news_mark_read", map[string]any{"item_ids": []any{seen[0], seen[1]}}, &marked)
	if marked.Unread != 5 {
		t.Errorf("after marking two read: %+v", marked)
	}
	h.ok("nc_news_list_items", map[string]any{"unread_only": true}, dtFresh(&page))
	if len(page.Items) != 5 || slices.ContainsFunc(page.Items, func(it newsItemOut) bool { return it.ID == seen[0] }) {
		t.Errorf("unread only: %+v", page.Items)
	}
	h.ok("nc_news_mark_read", map[string]any{"feed_id": other.ID}, dtFresh(&marked))
	if marked.Unread != 5 {
		t.Errorf("after marking the other feed: %+v", marked)
	}
	dtContains(t, "mark unknown feed", h.fails("nc_news_mark_read", map[string]any{"feed_id": 4242}), "no feed 4242")
	dtContains(t, "mark nothing", h.fails("nc_news_mark_read", map[string]any{}), "exactly one of item_ids, feed_id or all=true")
	h.ok("nc_news_mark_read", map[string]any{"all": true}, dtFresh(&marked))
	if marked.Unread != 0 {
		t.Errorf("after marking all: %+v", marked)
	}

	var removed newsRemoveFeedOut
	h.ok("nc_news_remove_feed", map[string]any{"feed_id": other.ID}, &removed)
	msg = h.fails("nc_news_remove_feed", map[string]any{"feed_id": other.ID})
	dtContains(t, "removed twice", msg, fmt.Sprintf("Feed %d was not found (HTTP 404)", other.ID))
	h.ok("nc_news_list_feeds", nil, dtFresh(&feeds))
	if len(feeds.Feeds) != 1 || feeds.Feeds[0].ID != blog.ID {
		t.Errorf("after removal: %+v", feeds)
	}
}

func TestNewsRefreshShowsNewItems(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	fake.PutWebPage("https://blog.example.org/feed.rss", "application/rss+xml", newsRSS("Blog", 2))
	h := newHarness(t, harnessOpts{fake: fake})
	var f newsFeedOut
	h.ok("nc_news_add_feed", map[string]any{"url": "https://blog.example.org/feed.rss"}, &f)
	if f.Folder != "" || f.FolderID != 0 {
		t.Errorf("no folder asked, none given: %+v", f)
	}
	fake.PutWebPage("https://blog.example.org/feed.rss", "application/rss+xml", newsRSS("Blog", 3))
	fake.RefreshNewsFeeds()
	var page newsListItemsOut
	h.ok("nc_news_list_items", map[string]any{"feed_id": f.ID}, &page)
	if len(page.Items) != 3 || page.Items[0].Title != "Post 3" {
		t.Errorf("the updater's new item comes first (highest id): %+v", page.Items)
	}
}
