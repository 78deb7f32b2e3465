package tools

import (
	"context"
	"errors"
	"strings"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// bookmarksToolset: the Bookmarks app. A bookmark someone else owns (in a
// shared folder) names its owner.
func bookmarksToolset(d *Deps) *Toolset {
	return &Toolset{
		Name:        "bookmarks",
		Description: "Nextcloud Bookmarks: bookmarks, tags and folders.",
		Available:   bookmarksAvailable,
		Tools: []Tool{
			bookmarksSearchTool(d), bookmarksCreateTool(d), bookmarksUpdateTool(d),
			bookmarksDeleteTool(d), bookmarksListFoldersTool(d), bookmarksCreateFolderTool(d),
		},
	}
}

// bookmarksAvailable asks the app: Bookmarks announces no capability.
func bookmarksAvailable(ctx context.Context, c *nextcloud.Client, _ *nextcloud.Capabilities) bool {
	_, err := c.Bookmarks().Search(ctx, nextcloud.BookmarkQuery{Limit: 1})
	return err == nil
}

type bookmarkOut struct {
	ID          int      `json:"id"`
	URL         string   `json:"url"`
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	Tags        []string `json:"tags,omitempty"`
	Folders     []int    `json:"folder_ids,omitempty" jsonschema:"-1 is the root"`
	Owner       string   `json:"owner,omitempty" jsonschema:"set when another user owns it"`
	Modified    string   `json:"modified,omitempty"`
}

func bookmarkResult(b *nextcloud.Bookmark, login string) bookmarkOut {
	out := bookmarkOut{ID: b.ID, URL: b.URL, Title: b.Title, Description: b.Description, Tags: b.Tags, Folders: b.Folders, Modified: unixTime(b.LastModified)}
	if login != "" && b.UserID != "" && b.UserID != login {
		out.Owner = b.UserID
	}
	return out
}

type bookmarksSearchIn struct {
	Query    string   `json:"query,omitempty" jsonschema:"words to find in title, description, URL or tags"`
	Tags     []string `json:"tags,omitempty" jsonschema:"bookmarks having all these tags"`
	FolderID *int     `json:"folder_id,omitempty" jsonschema:"only this folder; -1 is the root"`
	Limit    int      `json:"limit,omitempty" jsonschema:"how many, default 20, at most 100"`
	Page     int      `json:"page,omitempty" jsonschema:"0-based page"`
}

func (in *bookmarksSearchIn) Validate() error {
	if in.Limit < 0 || in.Limit > 100 {
		return inputErrorf("limit must be between 1 and 100")
	}
	if in.Page < 0 {
		return inputErrorf("page starts at 0")
	}
	return nil
}

type bookmarksSearchOut struct {
	Bookmarks []bookmarkOut `json:"bookmarks"`
	NextPage  *int          `json:"next_page,omitempty" jsonschema:"page to ask for more"`
}

func bookmarksSearchTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_bookmarks_search",
		Title:       "Search bookmarks",
		Description: "List or search the user's bookmarks by words, tags or folder, most recently changed first.",
		Hints:       readHints,
	}, func(ctx context.Context, call *Call, in bookmarksSearchIn) (bookmarksSearchOut, error) {
		limit := in.Limit
		if limit == 0 {
			limit = 20
		}
		list, err := call.Client.Bookmarks().Search(ctx, nextcloud.BookmarkQuery{
			Words: strings.Fields(in.Query), Tags: in.Tags, Folder: in.FolderID, Page: in.Page, Limit: limit})
		if err != nil {
			return bookmarksSearchOut{}, about(err, "the bookmarks")
		}
		out := bookmarksSearchOut{Bookmarks: []bookmarkOut{}}
		for i := range list {
			out.Bookmarks = append(out.Bookmarks, bookmarkResult(&list[i], call.Client.Login()))
		}
		if len(list) == limit {
			next := in.Page + 1
			out.NextPage = &next
		}
		return out, nil
	})
}

type bookmarksCreateIn struct {
	URL         string   `json:"url"`
	Title       string   `json:"title,omitempty" jsonschema:"default: the URL"`
	Description string   `json:"description,omitempty"`
	Tags        []string `json:"tags,omitempty"`
	FolderID    *int     `json:"folder_id,omitempty" jsonschema:"default: the root (-1)"`
}

func (in *bookmarksCreateIn) Validate() error { return dtNonBlank("url", in.URL) }

type bookmarksCreateOut struct {
	Bookmark bookmarkOut `json:"bookmark"`
	// Existing is true when the URL was bookmarked already.
	Existing bool   `json:"existing,omitempty" jsonschema:"true: the URL was bookmarked already; this is that bookmark"`
	Note     string `json:"note,omitempty"`
}

func bookmarksCreateTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_bookmarks_create",
		Title:       "Add a bookmark",
		Description: "Bookmark a URL with title, description, tags and folder. A URL already bookmarked is returned as existing and left unchanged.",
		Hints:       createHints,
	}, func(ctx context.Context, call *Call, in bookmarksCreateIn) (bookmarksCreateOut, error) {
		api := call.Client.Bookmarks()
		u := strings.TrimSpace(in.URL)
		// Bookmarks would merge a second POST of the URL into the bookmark
		// that has it, overwriting its title: look first.
		have, err := api.FindURL(ctx, u)
		if err != nil {
			return bookmarksCreateOut{}, about(err, "the bookmarks")
		}
		if have != nil {
			return bookmarksCreateOut{Bookmark: bookmarkResult(have, call.Client.Login()), Existing: true}, nil
		}
		bi := nextcloud.BookmarkInput{URL: &u, Tags: in.Tags}
		if in.Title != "" {
			bi.Title = &in.Title
		}
		if in.Description != "" {
			bi.Description = &in.Description
		}
		if in.FolderID != nil {
			bi.Folders = []int{*in.FolderID}
		}
		b, err := api.CreateBookmark(ctx, bi)
		if err != nil {
			return bookmarksCreateOut{}, bookmarksErr(err, "the new bookmark of %s", u)
		}
		// A new bookmark comes back with available null; a set one means the
		// app merged into a bookmark the search above did not find.
		out := bookmarksCreateOut{Bookmark: bookmarkResult(b, call.Client.Login())}
		if b.Available != nil {
			out.Existing = true
			out.Note = "Bookmarks merged this into its existing bookmark of the address: the title given replaced the old one and the folder was added."
		}
		return out, nil
	})
}

// bookmarksErr turns the app's 400s (a URL it refuses) into input errors.
func bookmarksErr(err error, format string, a ...any) error {
	if nextcloud.StatusOf(err) == 400 {
		return inputErrorf("Bookmarks refused it (server said: %s): give a full URL such as https://example.org/page", serverSaid(err))
	}
	return about(err, format, a...)
}

type bookmarksUpdateIn struct {
	BookmarkID  int      `json:"bookmark_id"`
	URL         *string  `json:"url,omitempty"`
	Title       *string  `json:"title,omitempty"`
	Description *string  `json:"description,omitempty"`
	Tags        []string `json:"tags,omitempty" jsonschema:"replaces all tags"`
	FolderIDs   []int    `json:"folder_ids,omitempty" jsonschema:"replaces the folders it is in"`
}

func (in *bookmarksUpdateIn) Validate() error {
	if err := dtPositiveID("bookmark_id", in.BookmarkID); err != nil {
		return err
	}
	if in.URL == nil && in.Title == nil && in.Description == nil && in.Tags == nil && in.FolderIDs == nil {
		return inputErrorf("nothing to change: give at least one of url, title, description, tags or folder_ids")
	}
	return nil
}

func bookmarksUpdateTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_bookmarks_update",
		Title:       "Change a bookmark",
		Description: "Change a bookmark's URL, title, description, tags or folders; fields left out stay as they are.",
		Hints:       updateHints,
	}, func(ctx context.Context, call *Call, in bookmarksUpdateIn) (bookmarkOut, error) {
		b, err := call.Client.Bookmarks().UpdateBookmark(ctx, in.BookmarkID, nextcloud.BookmarkInput{
			URL: in.URL, Title: in.Title, Description: in.Description, Tags: in.Tags, Folders: in.FolderIDs})
		if err != nil {
			return bookmarkOut{}, bookmarksErr(err, "bookmark %d", in.BookmarkID)
		}
		return bookmarkResult(b, call.Client.Login()), nil
	})
}

type bookmarksIDIn struct {
	BookmarkID int `json:"bookmark_id"`
}

func (in *bookmarksIDIn) Validate() error { return dtPositiveID("bookmark_id", in.BookmarkID) }

type bookmarksDeleteOut struct {
	Deleted int    `json:"deleted"`
	URL     string `json:"url"`
}

func bookmarksDeleteTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_bookmarks_delete",
		Title:       "Delete a bookmark",
		Description: "Delete a bookmark from every folder it is in.",
		Hints:       deleteHints,
	}, func(ctx context.Context, call *Call, in bookmarksIDIn) (bookmarksDeleteOut, error) {
		api := call.Client.Bookmarks()
		// Bookmarks answers success for ids it does not delete: read before and after.
		b, err := api.Bookmark(ctx, in.BookmarkID)
		if err != nil {
			return bookmarksDeleteOut{}, about(err, "bookmark %d", in.BookmarkID)
		}
		err = api.DeleteBookmark(ctx, in.BookmarkID)
		if errors.Is(err, nextcloud.ErrNotDeleted) {
			return bookmarksDeleteOut{}, inputErrorf("Bookmarks said bookmark %d was deleted but it is still there (owner %s): only its owner can delete it, so ask them", in.BookmarkID, b.UserID)
		}
		if err != nil {
			return bookmarksDeleteOut{}, about(err, "bookmark %d", in.BookmarkID)
		}
		return bookmarksDeleteOut{Deleted: b.ID, URL: b.URL}, nil
	})
}

type bookmarkFolderOut struct {
	ID       int    `json:"id"`
	Title    string `json:"title"`
	ParentID int    `json:"parent_id"`
	Path     string `json:"path" jsonschema:"titles from the root, joined by /"`
}

type bookmarksFoldersOut struct {
	Folders []bookmarkFolderOut `json:"folders" jsonschema:"every folder; the root (-1) is implied"`
}

func bookmarksListFoldersTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_bookmarks_list_folders",
		Title:       "List bookmark folders",
		Description: "List every bookmark folder with its id, parent and path.",
		Hints:       readHints,
	}, func(ctx context.Context, call *Call, _ struct{}) (bookmarksFoldersOut, error) {
		tree, err := call.Client.Bookmarks().Folders(ctx)
		if err != nil {
			return bookmarksFoldersOut{}, about(err, "the bookmark folders")
		}
		return bookmarksFoldersOut{Folders: flattenBookmarkFolders(tree)}, nil
	})
}

// flattenBookmarkFolders lists a folder tree depth first, with paths.
func flattenBookmarkFolders(tree []nextcloud.BookmarkFolder) []bookmarkFolderOut {
	out := []bookmarkFolderOut{}
	var walk func(fs []nextcloud.BookmarkFolder, prefix string)
	walk = func(fs []nextcloud.BookmarkFolder, prefix string) {
		for _, f := range fs {
			p := prefix + f.Title
			out = append(out, bookmarkFolderOut{ID: f.ID, Title: f.Title, ParentID: f.Parent, Path: p})
			walk(f.Children, p+"/")
		}
	}
	walk(tree, "")
	return out
}

type bookmarksCreateFolderIn struct {
	Title    string `json:"title"`
	ParentID *int   `json:"parent_id,omitempty" jsonschema:"default: the root (-1)"`
}

func (in *bookmarksCreateFolderIn) Validate() error { return dtNonBlank("title", in.Title) }

func bookmarksCreateFolderTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_bookmarks_create_folder",
		Title:       "Create a bookmark folder",
		Description: "Create a bookmark folder, at the top or inside another folder.",
		Hints:       createHints,
	}, func(ctx context.Context, call *Call, in bookmarksCreateFolderIn) (bookmarkFolderOut, error) {
		parent := nextcloud.BookmarksRootFolder
		if in.ParentID != nil {
			parent = *in.ParentID
		}
		f, err := call.Client.Bookmarks().CreateFolder(ctx, strings.TrimSpace(in.Title), parent)
		if errors.Is(err, nextcloud.ErrNotFound) && parent != nextcloud.BookmarksRootFolder {
			return bookmarkFolderOut{}, inputErrorf("There is no bookmark folder %d to create it in: see nc_bookmarks_list_folders for the ids", parent)
		}
		if err != nil {
			return bookmarkFolderOut{}, about(err, "new bookmark folder %q", in.Title)
		}
		out := bookmarkFolderOut{ID: f.ID, Title: f.Title, ParentID: f.Parent, Path: f.Title}
		if tree, err := call.Client.Bookmarks().Folders(ctx); err == nil {
			for _, have := range flattenBookmarkFolders(tree) {
				if have.ID == f.ID {
					out.Path = have.Path
				}
			}
		}
		return out, nil
	})
}
