package tools

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// newsToolset: the News app (RSS/Atom reader). Item text comes from the
// feeds' authors, not the user: every item names its feed and author.
func newsToolset(d *Deps) *Toolset {
	return &Toolset{
		Name:        "news",
		Description: "Nextcloud News: feeds and their articles.",
		Available:   newsAvailable,
		Tools: []Tool{
			newsListFeedsTool(d), newsAddFeedTool(d), newsRemoveFeedTool(d),
			newsListItemsTool(d), newsMarkReadTool(d), newsSetStarredTool(d),
		},
	}
}

// newsAvailable asks the app: News announces no capability.
func newsAvailable(ctx context.Context, c *nextcloud.Client, _ *nextcloud.Capabilities) bool {
	_, err := c.News().Version(ctx)
	return err == nil
}

type newsFeedOut struct {
	ID       int    `json:"id"`
	Title    string `json:"title"`
	URL      string `json:"url"`
	Folder   string `json:"folder,omitempty"`
	FolderID int    `json:"folder_id,omitempty"`
	Unread   int    `json:"unread"`
	Error    string `json:"last_error,omitempty" jsonschema:"why the last update failed"`
}

func newsFeed(f nextcloud.NewsFeed, folders map[int]string) newsFeedOut {
	out := newsFeedOut{ID: f.ID, Title: f.Title, URL: f.URL, Error: deref(f.LastUpdateError)}
	if f.FolderID != nil && *f.FolderID != 0 {
		out.FolderID, out.Folder = *f.FolderID, folders[*f.FolderID]
	}
	if f.UnreadCount != nil {
		out.Unread = *f.UnreadCount
	}
	return out
}

func newsFolderNames(ctx context.Context, n *nextcloud.NewsAPI) (map[int]string, error) {
	folders, err := n.Folders(ctx)
	if err != nil {
		return nil, about(err, "the News folders")
	}
	names := map[int]string{}
	for _, f := range folders {
		names[f.ID] = f.Name
	}
	return names, nil
}

type newsListFeedsOut struct {
	Feeds   []newsFeedOut `json:"feeds"`
	Starred int           `json:"starred"`
}

func newsListFeedsTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_news_list_feeds",
		Title:       "List news feeds",
		Description: "List the News feeds the user subscribes to, with folders and unread counts.",
		Hints:       readHints,
	}, func(ctx context.Context, call *Call, _ struct{}) (newsListFeedsOut, error) {
		n := call.Client.News()
		feeds, err := n.Feeds(ctx)
		if err != nil {
			return newsListFeedsOut{}, about(err, "the News feeds")
		}
		names, err := newsFolderNames(ctx, n)
		if err != nil {
			return newsListFeedsOut{}, err
		}
		out := newsListFeedsOut{Feeds: []newsFeedOut{}, Starred: feeds.StarredCount}
		for _, f := range feeds.Feeds {
			out.Feeds = append(out.Feeds, newsFeed(f, names))
		}
		return out, nil
	})
}

type newsAddFeedIn struct {
	URL    string `json:"url" jsonschema:"RSS or Atom feed address"`
	Folder string `json:"folder,omitempty" jsonschema:"created if missing"`
}

func (in *newsAddFeedIn) Validate() error { return checkWebURL("url", in.URL) }

func newsAddFeedTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_news_add_feed",
		Title:       "Subscribe to a news feed",
		Description: "Subscribe to an RSS or Atom feed in News, optionally in a folder; News fetches it at once.",
		Hints:       Hints{OpenWorld: true},
	}, func(ctx context.Context, call *Call, in newsAddFeedIn) (newsFeedOut, error) {
		n := call.Client.News()
		folderID, folderName := 0, strings.TrimSpace(in.Folder)
		if folderName != "" {
			// News accepts duplicate folder names, so reuse one before creating.
			folders, err := n.Folders(ctx)
			if err != nil {
				return newsFeedOut{}, about(err, "the News folders")
			}
			for _, f := range folders {
				if strings.EqualFold(f.Name, folderName) {
					folderID, folderName = f.ID, f.Name
					break
				}
			}
			if folderID == 0 {
				f, err := n.CreateFolder(ctx, folderName)
				if err != nil {
					return newsFeedOut{}, about(err, "new News folder %q", folderName)
				}
				folderID = f.ID
			}
		}
		f, err := n.AddFeed(ctx, in.URL, folderID)
		switch {
		case errors.Is(err, nextcloud.ErrConflict):
			return newsFeedOut{}, newsAlreadySubscribed(ctx, n, in.URL)
		case nextcloud.StatusOf(err) == 404 && !errors.Is(err, nextcloud.ErrAppMissing):
			return newsFeedOut{}, inputErrorf("News found no feed at %s (server said: %s): give the address of the RSS or Atom feed itself, not of a web page",
				in.URL, serverSaid(err))
		case err != nil:
			return newsFeedOut{}, about(err, "feed %s", in.URL)
		}
		out := newsFeed(*f, map[int]string{folderID: folderName})
		// The create answer has no unread count; the list has.
		if feeds, err := n.Feeds(ctx); err == nil {
			for _, lf := range feeds.Feeds {
				if lf.ID == f.ID && lf.UnreadCount != nil {
					out.Unread = *lf.UnreadCount
				}
			}
		}
		return out, nil
	})
}

// newsAlreadySubscribed names the feed that already has the URL.
func newsAlreadySubscribed(ctx context.Context, n *nextcloud.NewsAPI, url string) error {
	if feeds, err := n.Feeds(ctx); err == nil {
		for _, f := range feeds.Feeds {
			if f.URL == url {
				return inputErrorf("You already subscribe to %s as feed %d (%q); nothing was added", url, f.ID, f.Title)
			}
		}
	}
	return inputErrorf("You already subscribe to %s; nothing was added: see nc_news_list_feeds", url)
}

type newsFeedIDIn struct {
	FeedID int `json:"feed_id"`
}

func (in *newsFeedIDIn) Validate() error { return dtPositiveID("feed_id", in.FeedID) }

type newsRemoveFeedOut struct {
	Removed int `json:"removed" jsonschema:"id of the feed removed"`
}

func newsRemoveFeedTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_news_remove_feed",
		Title:       "Unsubscribe from a news feed",
		Description: "Unsubscribe from a News feed; its articles, starred ones included, are deleted.",
		Hints:       deleteHints,
	}, func(ctx context.Context, call *Call, in newsFeedIDIn) (newsRemoveFeedOut, error) {
		if err := call.Client.News().DeleteFeed(ctx, in.FeedID); err != nil {
			return newsRemoveFeedOut{}, about(err, "feed %d", in.FeedID)
		}
		return newsRemoveFeedOut{Removed: in.FeedID}, nil
	})
}

type newsListItemsIn struct {
	FeedID     int    `json:"feed_id,omitempty"`
	FolderID   int    `json:"folder_id,omitempty"`
	Starred    bool   `json:"starred,omitempty"`
	UnreadOnly bool   `json:"unread_only,omitempty"`
	Limit      int    `json:"limit,omitempty" jsonschema:"default 20, max 200"`
	Cursor     string `json:"cursor,omitempty"`
}

func (in *newsListItemsIn) Validate() error {
	picked := 0
	for _, set := range []bool{in.FeedID != 0, in.FolderID != 0, in.Starred} {
		if set {
			picked++
		}
	}
	if picked > 1 {
		return inputErrorf("give at most one of feed_id, folder_id and starred: News lists one source at a time")
	}
	if in.FeedID < 0 || in.FolderID < 0 {
		return inputErrorf("feed_id and folder_id are positive ids from nc_news_list_feeds")
	}
	if in.Limit < 0 || in.Limit > 200 {
		return inputErrorf("limit must be between 1 and 200")
	}
	if in.Cursor != "" {
		if n, err := strconv.Atoi(in.Cursor); err != nil || n <= 0 {
			return inputErrorf("cursor %q is not one this tool gave: pass next_cursor unchanged, or leave it out to start over", in.Cursor)
		}
	}
	return nil
}

// newsItemOut is an article. Its title and text were written by the feed's
// author, not the user.
type newsItemOut struct {
	ID        int    `json:"id"`
	FeedID    int    `json:"feed_id"`
	Feed      string `json:"feed"`
	Author    string `json:"author,omitempty"`
	Title     string `json:"title"`
	URL       string `json:"url,omitempty"`
	Published string `json:"published,omitempty"`
	Unread    bool   `json:"unread"`
	Starred   bool   `json:"starred,omitempty"`
	Text      string `json:"text" jsonschema:"the article as plain text, shortened"`
	Enclosure string `json:"enclosure,omitempty" jsonschema:"attached media link"`
}

type newsListItemsOut struct {
	Items      []newsItemOut `json:"items"`
	NextCursor string        `json:"next_cursor,omitempty" jsonschema:"pass as cursor for the next page"`
}

// newsItemTextMax bounds each article's text in a listing.
const newsItemTextMax = 700

func newsListItemsTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_news_list_items",
		Title:       "List news articles",
		Description: "List News articles newest first, from all feeds, one feed, a folder or starred, as plain text.",
		Hints:       readHints,
	}, func(ctx context.Context, call *Call, in newsListItemsIn) (newsListItemsOut, error) {
		n := call.Client.News()
		q := nextcloud.NewsItemsQuery{Source: nextcloud.NewsAllItems, Limit: in.Limit, UnreadOnly: in.UnreadOnly}
		switch {
		case in.FeedID != 0:
			q.Source, q.ID = nextcloud.NewsFeedItems, in.FeedID
		case in.FolderID != 0:
			q.Source, q.ID = nextcloud.NewsFolderItems, in.FolderID
		case in.Starred:
			q.Source = nextcloud.NewsStarredItems
		}
		if q.Limit == 0 {
			q.Limit = 20
		}
		q.Before, _ = strconv.Atoi(in.Cursor)
		feeds, err := n.Feeds(ctx)
		if err != nil {
			return newsListItemsOut{}, about(err, "the News feeds")
		}
		titles := map[int]string{}
		for _, f := range feeds.Feeds {
			titles[f.ID] = f.Title
		}
		if in.FeedID != 0 && titles[in.FeedID] == "" {
			return newsListItemsOut{}, inputErrorf("There is no feed %d: see nc_news_list_feeds for the ids", in.FeedID)
		}
		items, err := n.Items(ctx, q)
		if err != nil {
			return newsListItemsOut{}, about(err, "the News articles")
		}
		out := newsListItemsOut{Items: []newsItemOut{}}
		for _, it := range items {
			out.Items = append(out.Items, newsItemOut{ID: it.ID, FeedID: it.FeedID, Feed: titles[it.FeedID], Author: deref(it.Author),
				Title: deref(it.Title), URL: deref(it.URL), Published: unixTime(it.PubDate), Unread: it.Unread, Starred: it.Starred,
				Text: clipText(htmlText(it.Body), newsItemTextMax), Enclosure: deref(it.EnclosureLink)})
		}
		if len(items) == q.Limit && len(items) > 0 {
			out.NextCursor = strconv.Itoa(items[len(items)-1].ID)
		}
		return out, nil
	})
}

type newsMarkReadIn struct {
	ItemIDs []int `json:"item_ids,omitempty"`
	FeedID  int   `json:"feed_id,omitempty"`
	All     bool  `json:"all,omitempty"`
}

func (in *newsMarkReadIn) Validate() error {
	picked := 0
	for _, set := range []bool{len(in.ItemIDs) > 0, in.FeedID != 0, in.All} {
		if set {
			picked++
		}
	}
	if picked != 1 {
		return inputErrorf("give exactly one of item_ids, feed_id or all=true")
	}
	for _, id := range in.ItemIDs {
		if id <= 0 {
			return inputErrorf("item_ids holds %d, which is not an article id: take ids from nc_news_list_items", id)
		}
	}
	return nil
}

type newsMarkReadOut struct {
	Unread int `json:"unread" jsonschema:"unread articles left in all feeds"`
}

func newsMarkReadTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_news_mark_read",
		Title:       "Mark news articles read",
		Description: "Mark News articles read: the given ones, a whole feed, or everything.",
		Hints:       Hints{Idempotent: true},
	}, func(ctx context.Context, call *Call, in newsMarkReadIn) (newsMarkReadOut, error) {
		n := call.Client.News()
		if len(in.ItemIDs) > 0 {
			if err := n.MarkItemsRead(ctx, in.ItemIDs); err != nil {
				return newsMarkReadOut{}, about(err, "articles %v", in.ItemIDs)
			}
		} else {
			// Up to the newest id seen now: articles that arrive meanwhile stay unread.
			feeds, err := n.Feeds(ctx)
			if err != nil {
				return newsMarkReadOut{}, about(err, "the News feeds")
			}
			found := false
			for _, f := range feeds.Feeds {
				if in.FeedID != 0 && f.ID != in.FeedID {
					continue
				}
				found = true
				if f.UnreadCount != nil && *f.UnreadCount == 0 {
					continue
				}
				if err := n.MarkFeedRead(ctx, f.ID, feeds.NewestItemID); err != nil {
					return newsMarkReadOut{}, about(err, "feed %d", f.ID)
				}
			}
			if in.FeedID != 0 && !found {
				return newsMarkReadOut{}, inputErrorf("There is no feed %d: see nc_news_list_feeds for the ids", in.FeedID)
			}
		}
		feeds, err := n.Feeds(ctx)
		if err != nil {
			return newsMarkReadOut{}, about(err, "the News feeds")
		}
		out := newsMarkReadOut{}
		for _, f := range feeds.Feeds {
			if f.UnreadCount != nil {
				out.Unread += *f.UnreadCount
			}
		}
		return out, nil
	})
}

type newsSetStarredIn struct {
	ItemID  int  `json:"item_id"`
	Starred bool `json:"starred"`
}

func (in *newsSetStarredIn) Validate() error { return dtPositiveID("item_id", in.ItemID) }

type newsSetStarredOut struct {
	ItemID  int  `json:"item_id"`
	Starred bool `json:"starred"`
}

func newsSetStarredTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_news_set_starred",
		Title:       "Star or unstar a news article",
		Description: "Star a News article to keep it, or unstar it.",
		Hints:       Hints{Idempotent: true},
	}, func(ctx context.Context, call *Call, in newsSetStarredIn) (newsSetStarredOut, error) {
		if err := call.Client.News().SetStarred(ctx, in.ItemID, in.Starred); err != nil {
			return newsSetStarredOut{}, about(err, "article %d", in.ItemID)
		}
		return newsSetStarredOut{ItemID: in.ItemID, Starred: in.Starred}, nil
	})
}
