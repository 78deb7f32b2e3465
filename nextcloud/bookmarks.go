package nextcloud

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// bookmarksAPI is the Bookmarks app's REST root (plain JSON in a
// {"status": …} envelope).
const bookmarksAPI = "/index.php/apps/bookmarks/public/rest/v2"

// BookmarksRootFolder is the id of the root folder.
const BookmarksRootFolder = -1

// BookmarksAPI is the Bookmarks app (checked against Bookmarks 14.2.7).
// Folder ids and bookmark ids are separate sequences and can be equal; a
// bookmark can be in several folders at once.
type BookmarksAPI struct{ rest appREST }

// Bookmarks returns the Bookmarks API of this client's server.
func (c *Client) Bookmarks() *BookmarksAPI {
	return &BookmarksAPI{rest: newAppREST(c, "Bookmarks", bookmarksAPI)}
}

// Bookmark is one bookmark; times are Unix seconds.
type Bookmark struct {
	ID           int    `json:"id"`
	URL          string `json:"url"`
	Title        string `json:"title"`
	Description  string `json:"description"`
	Added        int64  `json:"added"`
	LastModified int64  `json:"lastmodified"`
	ClickCount   int    `json:"clickcount"`
	// Available is null in the answer that created the bookmark and set
	// once the app has looked at it, as in the answer of a merge.
	Available *bool    `json:"available"`
	UserID    string   `json:"userId"`
	Folders   []int    `json:"folders"`
	Tags      []string `json:"tags"`
}

// BookmarkFolder is a folder with its subfolders.
type BookmarkFolder struct {
	ID       int              `json:"id"`
	Title    string           `json:"title"`
	Parent   int              `json:"parent_folder"`
	UserID   string           `json:"userId"`
	Children []BookmarkFolder `json:"children"`
}

// BookmarkQuery filters and pages the list. Words match title, description,
// URL, tags and page text as case-insensitive substrings; every word and
// every tag must match.
type BookmarkQuery struct {
	Words []string
	Tags  []string
	// Folder limits the list to one folder when not nil.
	Folder *int
	// Page is 0-based; Limit defaults to 10 on the server.
	Page, Limit int
}

type bookmarksAnswer[T any] struct {
	Status string `json:"status"`
	Item   T      `json:"item"`
	Data   T      `json:"data"`
}

// Search lists bookmarks, most recently changed first. The last page is
// simply short: there is no total.
func (b *BookmarksAPI) Search(ctx context.Context, q BookmarkQuery) ([]Bookmark, error) {
	v := url.Values{}
	for _, w := range q.Words {
		v.Add("search[]", w)
	}
	for _, t := range q.Tags {
		v.Add("tags[]", t)
	}
	if len(q.Words)+len(q.Tags) > 0 {
		v.Set("conjunction", "and")
	}
	if q.Folder != nil {
		v.Set("folder", strconv.Itoa(*q.Folder))
	}
	v.Set("page", strconv.Itoa(max(q.Page, 0)))
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	var out bookmarksAnswer[[]Bookmark]
	_, err := b.rest.call(ctx, http.MethodGet, "/bookmark", v, nil, &out)
	return out.Data, err
}

// Bookmark reads one; another user's is a 404 like a missing one.
func (b *BookmarksAPI) Bookmark(ctx context.Context, id int) (*Bookmark, error) {
	var out bookmarksAnswer[*Bookmark]
	if _, err := b.rest.call(ctx, http.MethodGet, "/bookmark/"+strconv.Itoa(id), nil, nil, &out); err != nil {
		return nil, err
	}
	return out.Item, nil
}

// FindURL returns the user's bookmark of this URL, or nil. URLs that differ
// only in the case of scheme and host or in a trailing slash are the same.
func (b *BookmarksAPI) FindURL(ctx context.Context, u string) (*Bookmark, error) {
	const pageSize = 100
	word := strings.TrimSuffix(u, "/")
	for page := 0; page < 50; page++ {
		list, err := b.Search(ctx, BookmarkQuery{Words: []string{word}, Page: page, Limit: pageSize})
		if err != nil {
			return nil, err
		}
		for i := range list {
			if SameBookmarkURL(list[i].URL, u) {
				return &list[i], nil
			}
		}
		if len(list) < pageSize {
			return nil, nil
		}
	}
	return nil, nil
}

// SameBookmarkURL compares URLs as a person would: scheme and host in any
// case, with or without a trailing slash.
func SameBookmarkURL(a, b string) bool {
	pa, errA := url.Parse(strings.TrimSpace(a))
	pb, errB := url.Parse(strings.TrimSpace(b))
	if errA != nil || errB != nil {
		return a == b
	}
	return strings.EqualFold(pa.Scheme, pb.Scheme) && strings.EqualFold(pa.Host, pb.Host) &&
		strings.TrimSuffix(pa.EscapedPath(), "/") == strings.TrimSuffix(pb.EscapedPath(), "/") &&
		pa.RawQuery == pb.RawQuery && pa.Fragment == pb.Fragment
}

// BookmarkInput is a new bookmark or, for an update, the fields to change
// (nil and empty fields stay as they are).
type BookmarkInput struct {
	URL         *string
	Title       *string
	Description *string
	Tags        []string
	Folders     []int
}

func (in BookmarkInput) body() map[string]any {
	m := map[string]any{}
	if in.URL != nil {
		m["url"] = *in.URL
	}
	if in.Title != nil {
		m["title"] = *in.Title
	}
	if in.Description != nil {
		m["description"] = *in.Description
	}
	if in.Tags != nil {
		m["tags"] = in.Tags
	}
	if in.Folders != nil {
		m["folders"] = in.Folders
	}
	return m
}

// CreateBookmark adds a bookmark. Beware: for a URL the user already has,
// Bookmarks does not fail but merges into that bookmark (new title, more
// folders); check with FindURL first. Without a title the URL is the title.
func (b *BookmarksAPI) CreateBookmark(ctx context.Context, in BookmarkInput) (*Bookmark, error) {
	var out bookmarksAnswer[*Bookmark]
	if _, err := b.rest.call(ctx, http.MethodPost, "/bookmark", nil, in.body(), &out); err != nil {
		return nil, err
	}
	return out.Item, nil
}

// UpdateBookmark changes the given fields (PUT is partial).
func (b *BookmarksAPI) UpdateBookmark(ctx context.Context, id int, in BookmarkInput) (*Bookmark, error) {
	var out bookmarksAnswer[*Bookmark]
	if _, err := b.rest.call(ctx, http.MethodPut, "/bookmark/"+strconv.Itoa(id), nil, in.body(), &out); err != nil {
		return nil, err
	}
	return out.Item, nil
}

// ErrNotDeleted is a delete Bookmarks answered with success while the
// bookmark is still there (another user's bookmark, as in the recordings).
var ErrNotDeleted = errors.New("Bookmarks said success but the bookmark is still there")

// DeleteBookmark deletes a bookmark. Bookmarks answers success also for
// ids it did not delete, so this checks afterwards and returns ErrNotDeleted
// when the bookmark is still readable.
func (b *BookmarksAPI) DeleteBookmark(ctx context.Context, id int) error {
	if _, err := b.rest.call(ctx, http.MethodDelete, "/bookmark/"+strconv.Itoa(id), nil, nil, nil); err != nil {
		return err
	}
	_, err := b.Bookmark(ctx, id)
	switch {
	case errors.Is(err, ErrNotFound):
		return nil
	case err != nil:
		return err
	}
	return ErrNotDeleted
}

// Folders returns the folder tree below the root.
func (b *BookmarksAPI) Folders(ctx context.Context) ([]BookmarkFolder, error) {
	var out bookmarksAnswer[[]BookmarkFolder]
	_, err := b.rest.call(ctx, http.MethodGet, "/folder", nil, nil, &out)
	return out.Data, err
}

// CreateFolder creates a folder in parent (BookmarksRootFolder for the top).
func (b *BookmarksAPI) CreateFolder(ctx context.Context, title string, parent int) (*BookmarkFolder, error) {
	var out bookmarksAnswer[*BookmarkFolder]
	body := map[string]any{"title": title, "parent_folder": parent}
	if _, err := b.rest.call(ctx, http.MethodPost, "/folder", nil, body, &out); err != nil {
		return nil, err
	}
	return out.Item, nil
}
