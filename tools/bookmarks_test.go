package tools

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

func TestBookmarksTools(t *testing.T) {
	h := newHarness(t, harnessOpts{})

	var reading, golang bookmarkFolderOut
	h.ok("nc_bookmarks_create_folder", map[string]any{"title": "Reading"}, &reading)
	h.ok("nc_bookmarks_create_folder", map[string]any{"title": "Go", "parent_id": reading.ID}, &golang)
	if reading.ParentID != -1 || golang.ParentID != reading.ID || golang.Path != "Reading/Go" {
		t.Fatalf("folders: %+v %+v", reading, golang)
	}
	dtContains(t, "unknown parent", h.fails("nc_bookmarks_create_folder", map[string]any{"title": "x", "parent_id": 999}), "no bookmark folder 999")
	var folders bookmarksFoldersOut
	h.ok("nc_bookmarks_list_folders", nil, &folders)
	if len(folders.Folders) != 2 || folders.Folders[1].Path != "Reading/Go" {
		t.Errorf("folder list: %+v", folders)
	}

	var created bookmarksCreateOut
	h.ok("nc_bookmarks_create", map[string]any{"url": "https://go.dev/blog/pipelines", "title": "Pipelines", "description": "worker pools",
		"tags": []any{"go", "concurrency"}, "folder_id": golang.ID}, dtFresh(&created))
	b := created.Bookmark
	if created.Existing || b.ID == 0 || b.Title != "Pipelines" || !slices.Equal(b.Tags, []string{"concurrency", "go"}) || !slices.Equal(b.Folders, []int{golang.ID}) || b.Owner != "" {
		t.Fatalf("created: %+v", created)
	}
	// The app would merge a second POST and overwrite the title; the tool reports the existing one.
	var again bookmarksCreateOut
	h.ok("nc_bookmarks_create", map[string]any{"url": "https://go.dev/blog/pipelines", "title": "Other title", "folder_id": reading.ID}, &again)
	if !again.Existing || again.Bookmark.ID != b.ID || again.Bookmark.Title != "Pipelines" || len(again.Bookmark.Folders) != 1 {
		t.Fatalf("existing URL: %+v", again)
	}
	var plain bookmarksCreateOut
	h.ok("nc_bookmarks_create", map[string]any{"url": "https://example.org/a"}, &plain)
	if plain.Bookmark.Title != "https://example.org/a" || !slices.Equal(plain.Bookmark.Folders, []int{-1}) {
		t.Errorf("url only: %+v", plain)
	}
	dtContains(t, "bad url", h.fails("nc_bookmarks_create", map[string]any{"url": "not a url"}), "Invalid URL", "full URL")
	for i := range 4 {
		h.ok("nc_bookmarks_create", map[string]any{"url": fmt.Sprintf("https://example.org/p%d", i), "tags": []any{"go"}}, nil)
	}

	var found bookmarksSearchOut
	h.ok("nc_bookmarks_search", map[string]any{"query": "worker POOLS"}, &found)
	if len(found.Bookmarks) != 1 || found.Bookmarks[0].ID != b.ID {
		t.Errorf("search words: %+v", found)
	}
	h.ok("nc_bookmarks_search", map[string]any{"tags": []any{"go", "concurrency"}}, dtFresh(&found))
	if len(found.Bookmarks) != 1 {
		t.Errorf("search tags (and): %+v", found)
	}
	h.ok("nc_bookmarks_search", map[string]any{"folder_id": golang.ID}, dtFresh(&found))
	if len(found.Bookmarks) != 1 {
		t.Errorf("search folder: %+v", found)
	}
	var ids []int
	for page := 0; ; {
		h.ok("nc_bookmarks_search", map[string]any{"limit": 2, "page": page}, dtFresh(&found))
		for _, x := range found.Bookmarks {
			ids = append(ids, x.ID)
		}
		if found.NextPage == nil {
			break
		}
		page = *found.NextPage
	}
	slices.Sort(ids)
	if len(slices.Compact(ids)) != 6 {
		t.Errorf("paging saw %v, want 6 distinct bookmarks", ids)
	}

	var upd bookmarkOut
	h.ok("nc_bookmarks_update", map[string]any{"bookmark_id": b.ID, "title": "Go pipelines"}, &upd)
	if upd.Title != "Go pipelines" || upd.Description != "worker pools" || len(upd.Tags) != 2 {
		t.Errorf("partial update keeps the rest: %+v", upd)
	}
	h.ok("nc_bookmarks_update", map[string]any{"bookmark_id": b.ID, "tags": []any{"golang"}, "folder_ids": []any{reading.ID, golang.ID}}, dtFresh(&upd))
	if !slices.Equal(upd.Tags, []string{"golang"}) || len(upd.Folders) != 2 {
		t.Errorf("tags and folders replaced: %+v", upd)
	}
	dtContains(t, "nothing to change", h.fails("nc_bookmarks_update", map[string]any{"bookmark_id": b.ID}), "nothing to change")
	dtContains(t, "update unknown", h.fails("nc_bookmarks_update", map[string]any{"bookmark_id": 9999, "title": "x"}), "Bookmark 9999 was not found (HTTP 404)")

	var del bookmarksDeleteOut
	h.ok("nc_bookmarks_delete", map[string]any{"bookmark_id": b.ID}, &del)
	if del.Deleted != b.ID {
		t.Errorf("delete: %+v", del)
	}
	dtContains(t, "delete twice", h.fails("nc_bookmarks_delete", map[string]any{"bookmark_id": b.ID}), fmt.Sprintf("Bookmark %d was not found", b.ID))
}

func TestBookmarksDeleteOfAnotherUsersBookmarkIsNotReportedAsDone(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	admin := newHarness(t, harnessOpts{fake: fake})
	var c bookmarksCreateOut
	admin.ok("nc_bookmarks_create", map[string]any{"url": "https://example.org/mine"}, &c)
	alice := newHarness(t, harnessOpts{fake: fake, user: "alice", password: "alice-app-password"})
	// The app answers success to alice's DELETE; the tool must not.
	msg := alice.fails("nc_bookmarks_delete", map[string]any{"bookmark_id": c.Bookmark.ID})
	if !strings.Contains(msg, "was not found") {
		t.Errorf("alice: %s", msg)
	}
	var found bookmarksSearchOut
	admin.ok("nc_bookmarks_search", nil, &found)
	if len(found.Bookmarks) != 1 {
		t.Errorf("admin's bookmark must survive: %+v", found)
	}
}

func TestBookmarksDeleteThatDidNotDeleteIsAnError(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	h := newHarness(t, harnessOpts{fake: fake})
	var c bookmarksCreateOut
	h.ok("nc_bookmarks_create", map[string]any{"url": "https://example.org/shared"}, &c)
	// A bookmark the user can read but not delete (a shared folder): the
	// app answers success and keeps it, as it did for alice in the recordings.
	fake.AddFault(ncfake.Fault{Method: "DELETE", PathPrefix: "/index.php/apps/bookmarks/", Status: 200,
		Body: `{"status":"success"}`, Header: map[string][]string{"Content-Type": {"application/json"}}})
	dtContains(t, "kept", h.fails("nc_bookmarks_delete", map[string]any{"bookmark_id": c.Bookmark.ID}),
		"said bookmark", "still there", "only its owner can delete it")
}

func TestBookmarksCreateRecognisesTheSameAddress(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	h := newHarness(t, harnessOpts{fake: fake})
	var first, again bookmarksCreateOut
	h.ok("nc_bookmarks_create", map[string]any{"url": "https://Example.org/a", "title": "A"}, &first)
	h.ok("nc_bookmarks_create", map[string]any{"url": "https://example.org/a/", "title": "B"}, &again)
	if !again.Existing || again.Bookmark.ID != first.Bookmark.ID || again.Bookmark.Title != "A" {
		t.Errorf("host case and trailing slash: %+v", again)
	}
	// Should the lookup miss, the app's merge still shows in its answer.
	fake.AddFault(ncfake.Fault{Method: "GET", PathPrefix: "/index.php/apps/bookmarks/public/rest/v2/bookmark", Times: 1, Status: 200,
		Body: `{"data":[],"status":"success"}`, Header: map[string][]string{"Content-Type": {"application/json"}}})
	var merged bookmarksCreateOut
	h.ok("nc_bookmarks_create", map[string]any{"url": "https://Example.org/a", "title": "C"}, &merged)
	if !merged.Existing || merged.Note == "" || merged.Bookmark.ID != first.Bookmark.ID {
		t.Errorf("a merge is reported: %+v", merged)
	}
}
