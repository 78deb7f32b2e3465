package ncfake

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// cookbookTestPage is the recorded import page: a schema.org Recipe in
// JSON-LD, written loosely (short durations, "4 servings", HowToStep
// objects, spaces after commas) so the import has to normalise it.
const cookbookTestPage = `<!DOCTYPE html><html><head><title>Pancakes</title>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"Recipe","name":"Buttermilk Pancakes",
"description":"Fluffy pancakes for a weekend breakfast.","image":"http://vm:8099/recipes/pancakes.png",
"prepTime":"PT10M","cookTime":"PT20M","totalTime":"PT30M","recipeYield":"4 servings","recipeCategory":"Breakfast",
"keywords":"pancakes, breakfast, sweet","recipeIngredient":["250 g flour","2 eggs","300 ml buttermilk","1 tbsp sugar","1 tsp baking powder"],
"recipeInstructions":[{"@type":"HowToStep","text":"Whisk the dry ingredients."},{"@type":"HowToStep","text":"Add eggs and buttermilk, stir until just combined."},{"@type":"HowToStep","text":"Fry ladlefuls in a hot buttered pan, 2 minutes a side."}],
"nutrition":{"@type":"NutritionInformation","calories":"320 kcal"},"author":{"@type":"Person","name":"Chef Example"}}</script>
</head><body><h1>Buttermilk Pancakes</h1></body></html>`

// TestCookbookFidelity replays every cookbook/ recording in order against
// one fake and holds each answer to the recorded status, type, shape and,
// apart from times and image URLs, values.
func TestCookbookFidelity(t *testing.T) {
	names := dtRecordingNames(t, "cookbook")
	if len(names) != 25 {
		t.Fatalf("found %d cookbook recordings, want 25", len(names))
	}
	s := New(Options{})
	s.cookbook.next = 205
	s.PutWebPage("http://vm:8099/recipes/pancakes.html", "text/html", []byte(cookbookTestPage))
	s.PutWebPage("http://vm:8099/recipes/no-recipe.html", "text/html", []byte("<html><body><p>No recipe here.</p></body></html>"))
	for _, name := range names {
		rec := loadRecording(t, "cookbook", name)
		switch {
		case strings.HasPrefix(name, "08-"):
			// The recorded server used file ids 206-209 for the soup's files.
			s.cookbook.mu.Lock()
			s.cookbook.next = 210
			s.cookbook.mu.Unlock()
		case strings.HasPrefix(name, "23-"):
			// The fake keeps recipes in the app, not as folders in Files.
			t.Logf("%s: not replayed: the fake does not mirror recipes into the user's files", name)
			continue
		}
		got := dtAssertShape(t, s, rec, "ETag", "Content-Disposition", "Last-Modified")
		if rec.RespHeader.Get("Content-Type") != "application/json; charset=utf-8" {
			continue
		}
		if !sameJSONExcept(got.Body.Bytes(), rec.RespBody, "dateCreated", "dateModified", "imageUrl", "imagePlaceholderUrl", "file") {
			t.Errorf("%s: body\n %s\nrecorded\n %s", name, got.Body.String(), rec.RespBody)
		}
	}
}

// sameJSONExcept compares two JSON documents with the named keys removed
// at every depth.
func sameJSONExcept(a, b []byte, keys ...string) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(dropKeys(x, keys), dropKeys(y, keys))
}

func dropKeys(v any, keys []string) any {
	switch x := v.(type) {
	case map[string]any:
		for _, k := range keys {
			delete(x, k)
		}
		for k, e := range x {
			x[k] = dropKeys(e, keys)
		}
	case []any:
		for i, e := range x {
			x[i] = dropKeys(e, keys)
		}
	}
	return v
}
