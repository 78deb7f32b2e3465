package nextcloud_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

func appsClient(t *testing.T, fake *ncfake.Server) *nextcloud.Client {
	t.Helper()
	ts := fake.Start()
	t.Cleanup(ts.Close)
	c, err := nextcloud.New(nextcloud.Options{BaseURL: ts.URL, Credentials: nextcloud.BasicAuth{User: "admin", Password: "admin-app-password"}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The app REST clients read each app's own error shapes into Error.Message.
func TestAppRESTErrorMessages(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	c := appsClient(t, fake)
	ctx := context.Background()
	message := func(err error) string {
		var e *nextcloud.Error
		if !errors.As(err, &e) {
			t.Fatalf("want *nextcloud.Error, got %T %v", err, err)
		}
		return e.Message
	}

	// News: {"message"}, its SQL shortened.
	_, err := c.News().AddFeed(ctx, "https://nowhere.example/feed", 0)
	if m := message(err); m != "No parser can handle this stream" || nextcloud.StatusOf(err) != 404 {
		t.Errorf("news: %v", err)
	}
	err = c.News().SetStarred(ctx, 4242, true)
	if m := message(err); m != "not found" {
		t.Errorf("news SQL message: %q", m)
	}
	// Cookbook: {"msg","file","line"} and a bare JSON string.
	name := "Soup"
	if _, err := c.Cookbook().CreateRecipe(ctx, nextcloud.RecipeInput{Name: &name}); err != nil {
		t.Fatal(err)
	}
	_, err = c.Cookbook().CreateRecipe(ctx, nextcloud.RecipeInput{Name: &name})
	if m := message(err); m != "Another recipe with that name already exists" || !errors.Is(err, nextcloud.ErrConflict) {
		t.Errorf("cookbook msg: %v", err)
	}
	_, err = c.Cookbook().ImportRecipe(ctx, "http://localhost/x")
	if m := message(err); m != "The provided URL is not allowed." {
		t.Errorf("cookbook bare string: %v", err)
	}
	// Bookmarks: {"status":"error","data":[…]}.
	bad := "not a url"
	_, err = c.Bookmarks().CreateBookmark(ctx, nextcloud.BookmarkInput{URL: &bad})
	if m := message(err); m != "Invalid URL" {
		t.Errorf("bookmarks: %v", err)
	}
}

// A route of an app that is not enabled is Nextcloud's HTML 404 page, which
// the clients report as ErrAppMissing rather than "not found".
func TestAppRESTMissingApp(t *testing.T) {
	apps := slices.DeleteFunc(ncfake.AllApps(), func(a string) bool { return a == "news" || a == "cookbook" || a == "bookmarks" })
	c := appsClient(t, ncfake.New(ncfake.Options{Apps: apps}))
	ctx := context.Background()
	if _, err := c.News().Version(ctx); !errors.Is(err, nextcloud.ErrAppMissing) {
		t.Errorf("news: %v", err)
	}
	if _, err := c.Cookbook().Recipe(ctx, 1); !errors.Is(err, nextcloud.ErrAppMissing) {
		t.Errorf("cookbook: %v", err)
	}
	if _, err := c.Bookmarks().Search(ctx, nextcloud.BookmarkQuery{}); !errors.Is(err, nextcloud.ErrAppMissing) {
		t.Errorf("bookmarks: %v", err)
	}
}

// Cookbook's update must carry the whole recipe: fields this client does not
// model (nutrition, tools) survive a change of one field.
func TestCookbookUpdateKeepsUnmodelledFields(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	c := appsClient(t, fake)
	ctx := context.Background()
	id := fake.AddRecipe("admin", map[string]any{"name": "Stew", "tool": []any{"pot"}, "nutrition": map[string]any{"calories": "300 kcal"}})
	desc := "Slow."
	if _, err := c.Cookbook().UpdateRecipe(ctx, id, nextcloud.RecipeInput{Description: &desc}); err != nil {
		t.Fatal(err)
	}
	r, err := c.Cookbook().Recipe(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if r.Description != "Slow." || string(r.Raw["tool"]) != `["pot"]` || len(r.Raw["nutrition"]) == 0 {
		t.Errorf("after update: %+v %s %s", r, r.Raw["tool"], r.Raw["nutrition"])
	}
}
