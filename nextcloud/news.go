package nextcloud

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// newsAPI is the News app's external API, v1-3: plain JSON, no OCS envelope.
const newsAPI = "/index.php/apps/news/api/v1-3"

// NewsAPI is the News app (checked against News 25.3.1). Get one with Client.News.
type NewsAPI struct{ rest appREST }

// News returns the News API of this client's server.
func (c *Client) News() *NewsAPI { return &NewsAPI{rest: newAppREST(c, "News", newsAPI)} }

// NewsFolder is a folder of feeds.
type NewsFolder struct {
	ID     int    `json:"id"`
	Name   string `json:"name"`
	Opened bool   `json:"opened"`
}

// NewsFeed is a subscribed feed. UnreadCount is null in the answer to a
// create and a number in the list; FolderID is null for the root.
type NewsFeed struct {
	ID               int     `json:"id"`
	URL              string  `json:"url"`
	Title            string  `json:"title"`
	FaviconLink      *string `json:"faviconLink"`
	Added            int64   `json:"added"`
	FolderID         *int    `json:"folderId"`
	UnreadCount      *int    `json:"unreadCount"`
	Ordering         int     `json:"ordering"`
	Link             string  `json:"link"`
	Pinned           bool    `json:"pinned"`
	UpdateErrorCount int     `json:"updateErrorCount"`
	LastUpdateError  *string `json:"lastUpdateError"`
}

// NewsFeeds is the feed list with the counters News keeps beside it.
type NewsFeeds struct {
	StarredCount int        `json:"starredCount"`
	Feeds        []NewsFeed `json:"feeds"`
	// NewestItemID is the highest item id; 0 when there are no items.
	NewestItemID int `json:"newestItemId"`
}

// NewsItem is one article. Times are Unix seconds; Body is sanitized HTML.
type NewsItem struct {
	ID            int     `json:"id"`
	GUID          string  `json:"guid"`
	GUIDHash      string  `json:"guidHash"`
	URL           *string `json:"url"`
	Title         *string `json:"title"`
	Author        *string `json:"author"`
	PubDate       int64   `json:"pubDate"`
	UpdatedDate   *int64  `json:"updatedDate"`
	Body          string  `json:"body"`
	EnclosureMime *string `json:"enclosureMime"`
	EnclosureLink *string `json:"enclosureLink"`
	FeedID        int     `json:"feedId"`
	Unread        bool    `json:"unread"`
	Starred       bool    `json:"starred"`
	LastModified  int64   `json:"lastModified"`
	RTL           bool    `json:"rtl"`
	Fingerprint   string  `json:"fingerprint"`
}

// NewsItemSource is what a listing of items draws from (the API's "type").
type NewsItemSource int

// The item sources News knows.
const (
	NewsFeedItems    NewsItemSource = 0
	NewsFolderItems  NewsItemSource = 1
	NewsStarredItems NewsItemSource = 2
	NewsAllItems     NewsItemSource = 3
)

// NewsItemsQuery selects and pages items. Items come newest id first;
// the next page starts below the last id of this one (Before).
type NewsItemsQuery struct {
	Source NewsItemSource
	// ID is the feed or folder id for those sources.
	ID int
	// Limit is the page size; 0 or less returns everything.
	Limit int
	// Before continues a listing: only items with a smaller id.
	Before     int
	UnreadOnly bool
}

// call is appREST.call with News' 404 messages, which quote the SQL query
// that found nothing, shortened to what they mean.
func (n *NewsAPI) call(ctx context.Context, method, path string, query url.Values, body, out any) ([]byte, error) {
	raw, err := n.rest.call(ctx, method, path, query, body, out)
	var e *Error
	if errors.As(err, &e) && strings.Contains(e.Message, "when executing: query") {
		e.Message = "not found"
	}
	return raw, err
}

// Version returns the app's version, e.g. "25.3.1".
func (n *NewsAPI) Version(ctx context.Context) (string, error) {
	var out struct {
		Version string `json:"version"`
	}
	_, err := n.call(ctx, http.MethodGet, "/version", nil, nil, &out)
	return out.Version, err
}

// Folders lists the folders.
func (n *NewsAPI) Folders(ctx context.Context) ([]NewsFolder, error) {
	var out struct {
		Folders []NewsFolder `json:"folders"`
	}
	_, err := n.call(ctx, http.MethodGet, "/folders", nil, nil, &out)
	return out.Folders, err
}

// CreateFolder creates a folder. News does not check names: a second folder
// with a taken name is created too, so look before creating.
func (n *NewsAPI) CreateFolder(ctx context.Context, name string) (*NewsFolder, error) {
	var out struct {
		Folders []NewsFolder `json:"folders"`
	}
	if _, err := n.call(ctx, http.MethodPost, "/folders", nil, map[string]string{"name": name}, &out); err != nil {
		return nil, err
	}
	if len(out.Folders) == 0 {
		return nil, &Error{Method: http.MethodPost, Path: newsAPI + "/folders", Status: http.StatusOK, Message: "News created no folder"}
	}
	return &out.Folders[0], nil
}

// Feeds lists the subscribed feeds.
func (n *NewsAPI) Feeds(ctx context.Context) (*NewsFeeds, error) {
	var out NewsFeeds
	if _, err := n.call(ctx, http.MethodGet, "/feeds", nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// AddFeed subscribes to a feed URL; folderID 0 is the root. News fetches the
// feed during the request, so its items exist when this returns. A URL
// already subscribed is HTTP 409; one that is not a feed is HTTP 404.
func (n *NewsAPI) AddFeed(ctx context.Context, feedURL string, folderID int) (*NewsFeed, error) {
	var out struct {
		Feeds []NewsFeed `json:"feeds"`
	}
	body := map[string]any{"url": feedURL, "folderId": folderID}
	if _, err := n.call(ctx, http.MethodPost, "/feeds", nil, body, &out); err != nil {
		return nil, err
	}
	if len(out.Feeds) == 0 {
		return nil, &Error{Method: http.MethodPost, Path: newsAPI + "/feeds", Status: http.StatusOK, Message: "News added no feed"}
	}
	return &out.Feeds[0], nil
}

// DeleteFeed unsubscribes and drops the feed's items. Another user's feed
// is a 404 like a missing one.
func (n *NewsAPI) DeleteFeed(ctx context.Context, id int) error {
	_, err := n.call(ctx, http.MethodDelete, "/feeds/"+strconv.Itoa(id), nil, nil, nil)
	return err
}

// Items lists items newest id first.
func (n *NewsAPI) Items(ctx context.Context, q NewsItemsQuery) ([]NewsItem, error) {
	v := url.Values{}
	batch := q.Limit
	if batch <= 0 {
		batch = -1
	}
	v.Set("batchSize", strconv.Itoa(batch))
	v.Set("offset", strconv.Itoa(max(q.Before, 0)))
	v.Set("type", strconv.Itoa(int(q.Source)))
	v.Set("id", strconv.Itoa(q.ID))
	v.Set("getRead", strconv.FormatBool(!q.UnreadOnly))
	var out struct {
		Items []NewsItem `json:"items"`
	}
	_, err := n.call(ctx, http.MethodGet, "/items", v, nil, &out)
	return out.Items, err
}

// MarkItemsRead marks items read; unknown ids are ignored by News.
func (n *NewsAPI) MarkItemsRead(ctx context.Context, ids []int) error {
	_, err := n.call(ctx, http.MethodPost, "/items/read/multiple", nil, map[string][]int{"itemIds": ids}, nil)
	return err
}

// MarkFeedRead marks the feed's items up to newestItemID read, so items
// that arrive meanwhile stay unread.
func (n *NewsAPI) MarkFeedRead(ctx context.Context, feedID, newestItemID int) error {
	_, err := n.call(ctx, http.MethodPost, "/feeds/"+strconv.Itoa(feedID)+"/read", nil, map[string]int{"newestItemId": newestItemID}, nil)
	return err
}

// SetStarred stars or unstars an item; an unknown id is a 404.
func (n *NewsAPI) SetStarred(ctx context.Context, itemID int, starred bool) error {
	verb := "/unstar"
	if starred {
		verb = "/star"
	}
	_, err := n.call(ctx, http.MethodPost, "/items/"+strconv.Itoa(itemID)+verb, nil, nil, nil)
	return err
}
