package e2e

import (
	"slices"
	"testing"
)

// appsTools are the tool names issue 20 fixes for News, Cookbook, Bookmarks and Forms.
var appsTools = []string{
	"nc_news_list_feeds", "nc_news_add_feed", "nc_news_remove_feed", "nc_news_list_items", "nc_news_mark_read", "nc_news_set_starred",
	"nc_cookbook_list_recipes", "nc_cookbook_get_recipe", "nc_cookbook_create_recipe", "nc_cookbook_update_recipe",
	"nc_cookbook_delete_recipe", "nc_cookbook_import_recipe",
	"nc_bookmarks_search", "nc_bookmarks_create", "nc_bookmarks_update", "nc_bookmarks_delete", "nc_bookmarks_list_folders",
	"nc_bookmarks_create_folder",
	"nc_forms_list", "nc_forms_get", "nc_forms_list_submissions", "nc_forms_create",
}

// appsReport is what sdkclient/apps.mjs prints.
type appsReport struct {
	ToolNames []string  `json:"toolNames"`
	Calls     []sdkCall `json:"calls"`
}

// results are the structured results by tool; a failed call is an error.
func (r appsReport) results(t *testing.T) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, c := range r.Calls {
		if c.IsError || c.Structured == nil {
			t.Errorf("%s failed: %s", c.Name, c.Text)
		}
		out[c.Name] = c.Structured
	}
	return out
}

// TestAppsThroughOfficialSDK: the TypeScript SDK client sees every News,
// Cookbook, Bookmarks and Forms tool of `serve --demo` and makes one round
// trip per app: add a feed and read it, create and find a recipe and a
// bookmark, create a form and summarise responses.
func TestAppsThroughOfficialSDK(t *testing.T) {
	var summary appsReport
	runSDKScript(t, "apps.mjs", buildBinary(t), []string{"NEXTCLOUD_MCP_CONFIG_DIR=" + t.TempDir()}, &summary, "serve", "--demo")
	for _, name := range appsTools {
		if !slices.Contains(summary.ToolNames, name) {
			t.Errorf("serve --demo does not list %s", name)
		}
	}
	results := summary.results(t)
	count := func(tool, key string) int {
		list, _ := results[tool][key].([]any)
		return len(list)
	}
	if n := count("nc_news_list_items", "items"); n != 1 {
		t.Errorf("the added feed has %d articles, want 1", n)
	}
	if n := count("nc_news_list_feeds", "feeds"); n != 3 {
		t.Errorf("%d feeds after adding one to the demo's two", n)
	}
	if n := count("nc_cookbook_list_recipes", "recipes"); n != 1 {
		t.Errorf("search for the new recipe found %d", n)
	}
	if n := count("nc_bookmarks_search", "bookmarks"); n != 1 {
		t.Errorf("search for the new bookmark found %d", n)
	}
	if total, _ := results["nc_forms_list_submissions"]["total"].(float64); total != 2 {
		t.Errorf("demo form responses: %v", results["nc_forms_list_submissions"])
	}
	if q, _ := results["nc_forms_create"]["questions"].([]any); len(q) != 1 {
		t.Errorf("created form: %v", results["nc_forms_create"])
	}
}
