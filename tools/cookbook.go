package tools

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// cookbookToolset: the Cookbook app. An imported recipe was written by
// someone else: it keeps its source url and author.
func cookbookToolset(d *Deps) *Toolset {
	return &Toolset{
		Name:        "cookbook",
		Description: "Nextcloud Cookbook: recipes.",
		Available:   hasApp("cookbook"),
		Tools: []Tool{
			cookbookListTool(d), cookbookGetTool(d), cookbookCreateTool(d),
			cookbookUpdateTool(d), cookbookDeleteTool(d), cookbookImportTool(d),
		},
	}
}

type cookbookStubOut struct {
	ID       int      `json:"id"`
	Name     string   `json:"name"`
	Category string   `json:"category,omitempty"`
	Keywords []string `json:"keywords,omitempty"`
}

type cookbookRecipeOut struct {
	ID           int      `json:"id"`
	Name         string   `json:"name"`
	Description  string   `json:"description,omitempty"`
	Category     string   `json:"category,omitempty"`
	Keywords     []string `json:"keywords,omitempty"`
	Yield        int      `json:"yield,omitempty" jsonschema:"servings"`
	PrepMinutes  int      `json:"prep_minutes,omitempty"`
	CookMinutes  int      `json:"cook_minutes,omitempty"`
	TotalMinutes int      `json:"total_minutes,omitempty"`
	Ingredients  []string `json:"ingredients"`
	Steps        []string `json:"steps"`
	URL          string   `json:"url,omitempty" jsonschema:"source web page"`
	Author       string   `json:"author,omitempty"`
	Modified     string   `json:"modified,omitempty"`
}

func cookbookKeywords(s string) []string {
	var out []string
	for _, k := range strings.Split(s, ",") {
		if k = strings.TrimSpace(k); k != "" {
			out = append(out, k)
		}
	}
	return out
}

var cookbookDuration = regexp.MustCompile(`^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$`)

// cookbookMinutes reads a PT#H#M#S duration as whole minutes; 0 if unreadable.
func cookbookMinutes(d string) int {
	m := cookbookDuration.FindStringSubmatch(strings.TrimSpace(d))
	if m == nil {
		return 0
	}
	h, _ := strconv.Atoi(m[1])
	mins, _ := strconv.Atoi(m[2])
	return h*60 + mins
}

func cookbookDurationOf(minutes *int) *string {
	if minutes == nil {
		return nil
	}
	s := ""
	if *minutes > 0 {
		s = fmt.Sprintf("PT%dH%dM0S", *minutes/60, *minutes%60)
	}
	return &s
}

func cookbookRecipe(r *nextcloud.Recipe) cookbookRecipeOut {
	id, _ := strconv.Atoi(r.ID)
	out := cookbookRecipeOut{ID: id, Name: r.Name, Description: r.Description, Category: r.Category, Keywords: cookbookKeywords(r.Keywords),
		Yield: r.YieldCount(), PrepMinutes: cookbookMinutes(r.PrepTime), CookMinutes: cookbookMinutes(r.CookTime),
		TotalMinutes: cookbookMinutes(r.TotalTime), Ingredients: r.Ingredients, Steps: []string(r.Instructions), URL: r.URL,
		Author: r.AuthorName(), Modified: r.DateModified}
	if out.Ingredients == nil {
		out.Ingredients = []string{}
	}
	if out.Steps == nil {
		out.Steps = []string{}
	}
	return out
}

type cookbookListIn struct {
	Query    string `json:"query,omitempty" jsonschema:"words in the name, keywords or category"`
	Category string `json:"category,omitempty"`
	Keyword  string `json:"keyword,omitempty"`
}

type cookbookListOut struct {
	Recipes []cookbookStubOut `json:"recipes" jsonschema:"by name, at most 200"`
	Total   int               `json:"total"`
}

// cookbookListMax bounds a listing: Cookbook has no paging.
const cookbookListMax = 200

func cookbookListTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_cookbook_list_recipes",
		Title:       "List recipes",
		Description: "List or search the user's Cookbook recipes by words, category or keyword.",
		Hints:       readHints,
	}, func(ctx context.Context, call *Call, in cookbookListIn) (cookbookListOut, error) {
		stubs, err := call.Client.Cookbook().Recipes(ctx, nextcloud.RecipeListOptions{
			Query: strings.TrimSpace(in.Query), Category: strings.TrimSpace(in.Category), Keyword: strings.TrimSpace(in.Keyword)})
		if err != nil {
			return cookbookListOut{}, about(err, "the recipes")
		}
		out := cookbookListOut{Recipes: []cookbookStubOut{}, Total: len(stubs)}
		for _, s := range stubs[:min(len(stubs), cookbookListMax)] {
			out.Recipes = append(out.Recipes, cookbookStubOut{ID: s.RecipeID, Name: s.Name, Category: s.Category, Keywords: cookbookKeywords(s.Keywords)})
		}
		return out, nil
	})
}

type cookbookIDIn struct {
	RecipeID int `json:"recipe_id"`
}

func (in *cookbookIDIn) Validate() error { return dtPositiveID("recipe_id", in.RecipeID) }

func cookbookGetTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_cookbook_get_recipe",
		Title:       "Read a recipe",
		Description: "Read a Cookbook recipe: ingredients, steps, times, servings, category and keywords.",
		Hints:       readHints,
	}, func(ctx context.Context, call *Call, in cookbookIDIn) (cookbookRecipeOut, error) {
		r, err := call.Client.Cookbook().Recipe(ctx, in.RecipeID)
		if err != nil {
			return cookbookRecipeOut{}, about(err, "recipe %d", in.RecipeID)
		}
		return cookbookRecipe(r), nil
	})
}

// cookbookFields are the recipe fields a model writes.
type cookbookFields struct {
	Description  *string  `json:"description,omitempty"`
	Ingredients  []string `json:"ingredients,omitempty" jsonschema:"with amounts"`
	Steps        []string `json:"steps,omitempty"`
	PrepMinutes  *int     `json:"prep_minutes,omitempty"`
	CookMinutes  *int     `json:"cook_minutes,omitempty"`
	TotalMinutes *int     `json:"total_minutes,omitempty"`
	Yield        *int     `json:"yield,omitempty" jsonschema:"servings"`
	Category     *string  `json:"category,omitempty"`
	Keywords     []string `json:"keywords,omitempty"`
	URL          *string  `json:"url,omitempty" jsonschema:"source web page"`
}

func (f *cookbookFields) validate() error {
	for name, v := range map[string]*int{"prep_minutes": f.PrepMinutes, "cook_minutes": f.CookMinutes, "total_minutes": f.TotalMinutes, "yield": f.Yield} {
		if v != nil && *v < 0 {
			return inputErrorf("%s must not be negative", name)
		}
	}
	for _, k := range f.Keywords {
		if strings.Contains(k, ",") {
			return inputErrorf("keyword %q holds a comma: give each keyword as its own list item", k)
		}
	}
	if f.URL != nil && *f.URL != "" {
		return checkWebURL("url", *f.URL)
	}
	return nil
}

func (f *cookbookFields) input(name *string) nextcloud.RecipeInput {
	return nextcloud.RecipeInput{Name: name, Description: f.Description, Category: f.Category, Keywords: f.Keywords, Yield: f.Yield,
		PrepTime: cookbookDurationOf(f.PrepMinutes), CookTime: cookbookDurationOf(f.CookMinutes), TotalTime: cookbookDurationOf(f.TotalMinutes),
		Ingredients: f.Ingredients, Instructions: f.Steps, URL: f.URL}
}

type cookbookCreateIn struct {
	Name string `json:"name"`
	cookbookFields
}

func (in *cookbookCreateIn) Validate() error {
	if err := dtNonBlank("name", in.Name); err != nil {
		return err
	}
	return in.validate()
}

// cookbookNameTaken explains a 409: the name is the recipe's folder name.
func cookbookNameTaken(ctx context.Context, api *nextcloud.CookbookAPI, name string) error {
	if stubs, err := api.Recipes(ctx, nextcloud.RecipeListOptions{}); err == nil {
		for _, s := range stubs {
			if strings.EqualFold(s.Name, name) {
				return inputErrorf("A recipe named %q already exists (recipe %d); nothing was saved: pick another name, or change that one with nc_cookbook_update_recipe", s.Name, s.RecipeID)
			}
		}
	}
	return inputErrorf("A recipe named %q already exists; nothing was saved: pick another name", name)
}

func cookbookCreateTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_cookbook_create_recipe",
		Title:       "Create a recipe",
		Description: "Create a Cookbook recipe with ingredients, steps, times, servings, category and keywords.",
		Hints:       createHints,
	}, func(ctx context.Context, call *Call, in cookbookCreateIn) (cookbookRecipeOut, error) {
		api := call.Client.Cookbook()
		name := strings.TrimSpace(in.Name)
		id, err := api.CreateRecipe(ctx, in.input(&name))
		if errors.Is(err, nextcloud.ErrConflict) {
			return cookbookRecipeOut{}, cookbookNameTaken(ctx, api, name)
		}
		if err != nil {
			return cookbookRecipeOut{}, about(err, "new recipe %q", name)
		}
		r, err := api.Recipe(ctx, id)
		if err != nil {
			return cookbookRecipeOut{}, about(err, "new recipe %d", id)
		}
		return cookbookRecipe(r), nil
	})
}

type cookbookUpdateIn struct {
	RecipeID int     `json:"recipe_id"`
	Name     *string `json:"name,omitempty"`
	cookbookFields
}

func (in *cookbookUpdateIn) Validate() error {
	if err := dtPositiveID("recipe_id", in.RecipeID); err != nil {
		return err
	}
	if in.Name != nil {
		if err := dtNonBlank("name", *in.Name); err != nil {
			return err
		}
	}
	return in.validate()
}

func cookbookUpdateTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_cookbook_update_recipe",
		Title:       "Change a recipe",
		Description: "Change the given fields of a Cookbook recipe; others stay. A list given (ingredients, steps, keywords) replaces the old one.",
		Hints:       updateHints,
	}, func(ctx context.Context, call *Call, in cookbookUpdateIn) (cookbookRecipeOut, error) {
		api := call.Client.Cookbook()
		var name *string
		if in.Name != nil {
			n := strings.TrimSpace(*in.Name)
			name = &n
		}
		r, err := api.UpdateRecipe(ctx, in.RecipeID, in.input(name))
		if errors.Is(err, nextcloud.ErrConflict) && name != nil {
			return cookbookRecipeOut{}, cookbookNameTaken(ctx, api, *name)
		}
		if err != nil {
			return cookbookRecipeOut{}, about(err, "recipe %d", in.RecipeID)
		}
		return cookbookRecipe(r), nil
	})
}

type cookbookDeleteOut struct {
	Deleted int    `json:"deleted"`
	Name    string `json:"name"`
}

func cookbookDeleteTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_cookbook_delete_recipe",
		Title:       "Delete a recipe",
		Description: "Delete a Cookbook recipe and its folder of files.",
		Hints:       deleteHints,
	}, func(ctx context.Context, call *Call, in cookbookIDIn) (cookbookDeleteOut, error) {
		api := call.Client.Cookbook()
		// Cookbook says "deleted successfully" for any id, so look first.
		r, err := api.Recipe(ctx, in.RecipeID)
		if err != nil {
			return cookbookDeleteOut{}, about(err, "recipe %d", in.RecipeID)
		}
		if err := api.DeleteRecipe(ctx, in.RecipeID); err != nil {
			return cookbookDeleteOut{}, about(err, "recipe %d", in.RecipeID)
		}
		return cookbookDeleteOut{Deleted: in.RecipeID, Name: r.Name}, nil
	})
}

type cookbookImportIn struct {
	URL string `json:"url"`
}

func (in *cookbookImportIn) Validate() error { return checkWebURL("url", in.URL) }

func cookbookImportTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_cookbook_import_recipe",
		Title:       "Import a recipe from the web",
		Description: "Import a recipe from a web page with schema.org recipe data (most recipe sites); Cookbook fetches it.",
		Hints:       Hints{OpenWorld: true},
	}, func(ctx context.Context, call *Call, in cookbookImportIn) (cookbookRecipeOut, error) {
		api := call.Client.Cookbook()
		r, err := api.ImportRecipe(ctx, in.URL)
		said := serverSaid(err)
		switch {
		case errors.Is(err, nextcloud.ErrConflict):
			return cookbookRecipeOut{}, inputErrorf("The recipe at %s has a name a recipe already uses; nothing was imported: find it with nc_cookbook_list_recipes", in.URL)
		case nextcloud.StatusOf(err) == 400 && strings.Contains(said, "not allowed"):
			return cookbookRecipeOut{}, inputErrorf("Cookbook refuses %s (server said: %s): it does not fetch from IP addresses or localhost; use the site's host name", in.URL, said)
		case nextcloud.StatusOf(err) == 400:
			return cookbookRecipeOut{}, inputErrorf("Cookbook could not import %s (server said: %s): the page has no schema.org recipe it can read; create the recipe with nc_cookbook_create_recipe instead", in.URL, said)
		case err != nil:
			return cookbookRecipeOut{}, about(err, "the import of %s", in.URL)
		}
		return cookbookRecipe(r), nil
	})
}
