package tools

import (
	"slices"
	"strings"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

const cookbookTestPage = `<html><head><script type="application/ld+json">
{"@context":"https://schema.org","@graph":[{"@type":"WebPage","name":"x"},{"@type":"Recipe","name":"Buttermilk Pancakes",
"recipeYield":"4 servings","prepTime":"PT10M","cookTime":"PT1H5M","recipeCategory":"Breakfast","keywords":"pancakes, sweet",
"recipeIngredient":["250 g flour","2 eggs"],"recipeInstructions":[{"@type":"HowToStep","text":"Whisk."},{"@type":"HowToStep","text":"Fry."}],
"author":{"@type":"Person","name":"Chef Example"}}]}</script></head><body></body></html>`

func TestCookbookTools(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	fake.PutWebPage("https://recipes.example.org/pancakes", "text/html", []byte(cookbookTestPage))
	fake.PutWebPage("https://recipes.example.org/about", "text/html", []byte("<html><body>About us</body></html>"))
	h := newHarness(t, harnessOpts{fake: fake})

	var soup cookbookRecipeOut
	h.ok("nc_cookbook_create_recipe", map[string]any{
		"name": "Tomato Soup", "description": "Quick.", "ingredients": []any{"1 kg tomatoes", "1 onion"},
		"steps": []any{"Chop.", "Simmer 20 minutes.", "Blend."}, "prep_minutes": 10, "cook_minutes": 85, "yield": 4,
		"category": "Soups", "keywords": []any{"soup", "vegetarian"},
	}, dtFresh(&soup))
	if soup.ID == 0 || soup.Name != "Tomato Soup" || soup.PrepMinutes != 10 || soup.CookMinutes != 85 || soup.Yield != 4 ||
		len(soup.Steps) != 3 || !slices.Equal(soup.Keywords, []string{"soup", "vegetarian"}) || soup.Category != "Soups" {
		t.Fatalf("created: %+v", soup)
	}
	dtContains(t, "duplicate name", h.fails("nc_cookbook_create_recipe", map[string]any{"name": "tomato soup"}),
		`A recipe named "Tomato Soup" already exists`, "nothing was saved")
	dtContains(t, "blank name", h.fails("nc_cookbook_create_recipe", map[string]any{"name": "  "}), "name must not be empty")
	dtContains(t, "comma keyword", h.fails("nc_cookbook_create_recipe", map[string]any{"name": "x", "keywords": []any{"a,b"}}), "own list item")

	var imported cookbookRecipeOut
	h.ok("nc_cookbook_import_recipe", map[string]any{"url": "https://recipes.example.org/pancakes"}, dtFresh(&imported))
	if imported.Name != "Buttermilk Pancakes" || imported.Author != "Chef Example" || imported.URL != "https://recipes.example.org/pancakes" ||
		imported.Yield != 4 || imported.CookMinutes != 65 || !slices.Equal(imported.Steps, []string{"Whisk.", "Fry."}) {
		t.Fatalf("imported: %+v", imported)
	}
	dtContains(t, "import twice", h.fails("nc_cookbook_import_recipe", map[string]any{"url": "https://recipes.example.org/pancakes"}), "already uses")
	dtContains(t, "import from IP", h.fails("nc_cookbook_import_recipe", map[string]any{"url": "http://127.0.0.1:8099/x"}),
		"The provided URL is not allowed", "host name")
	dtContains(t, "no recipe", h.fails("nc_cookbook_import_recipe", map[string]any{"url": "https://recipes.example.org/about"}),
		"No parser found", "nc_cookbook_create_recipe")

	var list cookbookListOut
	h.ok("nc_cookbook_list_recipes", nil, &list)
	if len(list.Recipes) != 2 || list.Recipes[0].Name != "Buttermilk Pancakes" {
		t.Fatalf("list: %+v", list)
	}
	for _, c := range []struct {
		args map[string]any
		want []string
	}{
		{map[string]any{"query": "soup"}, []string{"Tomato Soup"}},
		{map[string]any{"query": "BREAKFAST"}, []string{"Buttermilk Pancakes"}},
		{map[string]any{"category": "Soups"}, []string{"Tomato Soup"}},
		{map[string]any{"keyword": "sweet"}, []string{"Buttermilk Pancakes"}},
		{map[string]any{"query": "soup", "keyword": "sweet"}, nil},
		{map[string]any{"category": "Soups", "keyword": "vegetarian"}, []string{"Tomato Soup"}},
	} {
		h.ok("nc_cookbook_list_recipes", c.args, dtFresh(&list))
		var names []string
		for _, r := range list.Recipes {
			names = append(names, r.Name)
		}
		if !slices.Equal(names, c.want) {
			t.Errorf("list %v: %v, want %v", c.args, names, c.want)
		}
	}

	var upd cookbookRecipeOut
	h.ok("nc_cookbook_update_recipe", map[string]any{"recipe_id": soup.ID, "ingredients": []any{"1 kg tomatoes", "1 onion", "basil"}, "total_minutes": 95}, dtFresh(&upd))
	if len(upd.Ingredients) != 3 || upd.TotalMinutes != 95 || upd.Description != "Quick." || len(upd.Steps) != 3 || upd.Yield != 4 || upd.Category != "Soups" {
		t.Fatalf("a partial update keeps the other fields: %+v", upd)
	}
	dtContains(t, "rename onto another", h.fails("nc_cookbook_update_recipe", map[string]any{"recipe_id": soup.ID, "name": "Buttermilk Pancakes"}),
		"already exists", "nothing was saved")
	dtContains(t, "update unknown", h.fails("nc_cookbook_update_recipe", map[string]any{"recipe_id": 999999, "yield": 2}), "Recipe 999999 was not found (HTTP 404)")

	var got cookbookRecipeOut
	h.ok("nc_cookbook_get_recipe", map[string]any{"recipe_id": imported.ID}, &got)
	if got.Author != "Chef Example" || got.URL == "" {
		t.Errorf("get keeps the source: %+v", got)
	}
	msg := h.fails("nc_cookbook_get_recipe", map[string]any{"recipe_id": 999999})
	dtContains(t, "get unknown", msg, "Recipe 999999 was not found (HTTP 404)")
	if strings.Contains(msg, "server said") {
		t.Errorf("the id echoed as body is noise: %s", msg)
	}

	var del cookbookDeleteOut
	h.ok("nc_cookbook_delete_recipe", map[string]any{"recipe_id": soup.ID}, &del)
	if del.Name != "Tomato Soup" {
		t.Errorf("delete: %+v", del)
	}
	// Cookbook itself says "deleted successfully" for any id; the tool does not.
	dtContains(t, "delete again", h.fails("nc_cookbook_delete_recipe", map[string]any{"recipe_id": soup.ID}), "was not found (HTTP 404)")
	h.ok("nc_cookbook_list_recipes", nil, dtFresh(&list))
	if len(list.Recipes) != 1 {
		t.Errorf("after delete: %+v", list)
	}
}

func TestCookbookOtherUsersRecipesAreInvisible(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	admin := newHarness(t, harnessOpts{fake: fake})
	var r cookbookRecipeOut
	admin.ok("nc_cookbook_create_recipe", map[string]any{"name": "Secret stew"}, &r)
	alice := newHarness(t, harnessOpts{fake: fake, user: "alice", password: "alice-app-password"})
	alice.fails("nc_cookbook_get_recipe", map[string]any{"recipe_id": r.ID})
	alice.fails("nc_cookbook_delete_recipe", map[string]any{"recipe_id": r.ID})
	admin.ok("nc_cookbook_get_recipe", map[string]any{"recipe_id": r.ID}, &r)
}
