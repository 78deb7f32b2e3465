package nextcloud

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// cookbookAPI is the Cookbook app's REST root (plain JSON, no OCS envelope).
const cookbookAPI = "/index.php/apps/cookbook/api/v1"

// CookbookAPI is the Cookbook app (checked against Cookbook 0.11.5). Recipes
// are schema.org Recipe documents; their id is the file id of the recipe's
// folder under the user's Recipes folder. There is no ETag: a save replaces
// the whole recipe, so concurrent edits overwrite each other.
type CookbookAPI struct{ rest appREST }

// Cookbook returns the Cookbook API of this client's server.
func (c *Client) Cookbook() *CookbookAPI {
	return &CookbookAPI{rest: newAppREST(c, "Cookbook", cookbookAPI)}
}

// RecipeStub is a recipe as lists show it.
type RecipeStub struct {
	RecipeID int    `json:"recipe_id"`
	Name     string `json:"name"`
	// Keywords are comma-separated, sorted.
	Keywords     string `json:"keywords"`
	Category     string `json:"category"`
	DateCreated  string `json:"dateCreated"`
	DateModified string `json:"dateModified"`
}

// Recipe is a whole recipe. Raw keeps every field as the server sent it, so
// an update can send back what this type does not model (nutrition, tools,
// images, author): the server replaces the recipe with what it gets.
type Recipe struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Category    string `json:"recipeCategory"`
	// Keywords are comma-separated.
	Keywords string `json:"keywords"`
	// Yield is the servings, which the server stores as a number.
	Yield json.RawMessage `json:"recipeYield"`
	// Times are ISO 8601 durations, normalised to PT#H#M#S.
	PrepTime     string          `json:"prepTime"`
	CookTime     string          `json:"cookTime"`
	TotalTime    string          `json:"totalTime"`
	Ingredients  []string        `json:"recipeIngredient"`
	Instructions RecipeSteps     `json:"recipeInstructions"`
	URL          string          `json:"url"`
	Author       json.RawMessage `json:"author"`
	DateCreated  string          `json:"dateCreated"`
	DateModified string          `json:"dateModified"`

	Raw map[string]json.RawMessage `json:"-"`
}

// RecipeSteps are the instructions: strings once saved, though a document
// may hold HowToStep objects ({"text": …}) or one string.
type RecipeSteps []string

// UnmarshalJSON accepts a string, strings and HowToStep objects.
func (s *RecipeSteps) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		if one != "" {
			*s = RecipeSteps{one}
		}
		return nil
	}
	var many []json.RawMessage
	if err := json.Unmarshal(b, &many); err != nil {
		return nil // an unknown shape is not a reason to fail the whole recipe
	}
	for _, m := range many {
		var str string
		var step struct {
			Text string `json:"text"`
		}
		switch {
		case json.Unmarshal(m, &str) == nil:
			*s = append(*s, str)
		case json.Unmarshal(m, &step) == nil && step.Text != "":
			*s = append(*s, step.Text)
		}
	}
	return nil
}

// YieldCount is the servings as a number; 0 when unknown.
func (r *Recipe) YieldCount() int {
	var n float64
	if json.Unmarshal(r.Yield, &n) == nil {
		return int(n)
	}
	var s string
	if json.Unmarshal(r.Yield, &s) == nil {
		i, _ := strconv.Atoi(strings.Fields(s + " 0")[0])
		return i
	}
	return 0
}

// AuthorName is the recipe author's name (a Person object or a string).
func (r *Recipe) AuthorName() string {
	var s string
	if json.Unmarshal(r.Author, &s) == nil {
		return s
	}
	var p struct {
		Name string `json:"name"`
	}
	if json.Unmarshal(r.Author, &p) == nil {
		return p.Name
	}
	return ""
}

func decodeRecipe(raw []byte) (*Recipe, error) {
	var r Recipe
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("decode Cookbook recipe: %w", err)
	}
	if err := json.Unmarshal(raw, &r.Raw); err != nil {
		return nil, fmt.Errorf("decode Cookbook recipe: %w", err)
	}
	return &r, nil
}

// RecipeInput sets recipe fields; nil fields are left out on create and
// unchanged on update.
type RecipeInput struct {
	Name         *string
	Description  *string
	Category     *string
	Keywords     []string
	Yield        *int
	PrepTime     *string
	CookTime     *string
	TotalTime    *string
	Ingredients  []string
	Instructions []string
	URL          *string
}

// apply writes the set fields into doc.
func (in RecipeInput) apply(doc map[string]any) {
	set := func(k string, v *string) {
		if v != nil {
			doc[k] = *v
		}
	}
	set("name", in.Name)
	set("description", in.Description)
	set("recipeCategory", in.Category)
	set("prepTime", in.PrepTime)
	set("cookTime", in.CookTime)
	set("totalTime", in.TotalTime)
	set("url", in.URL)
	if in.Keywords != nil {
		doc["keywords"] = strings.Join(in.Keywords, ",")
	}
	if in.Yield != nil {
		doc["recipeYield"] = *in.Yield
	}
	if in.Ingredients != nil {
		doc["recipeIngredient"] = in.Ingredients
	}
	if in.Instructions != nil {
		doc["recipeInstructions"] = in.Instructions
	}
}

// ListOptions of Recipes: Query searches names, keywords and categories;
// Category and Keyword filter exactly. Several are combined with "and".
type RecipeListOptions struct {
	Query, Category, Keyword string
}

// Recipes lists recipe stubs, sorted by name. Cookbook has no paging.
func (a *CookbookAPI) Recipes(ctx context.Context, o RecipeListOptions) ([]RecipeStub, error) {
	var out []RecipeStub
	var err error
	switch {
	case o.Query != "":
		_, err = a.rest.call(ctx, http.MethodGet, "/search/"+url.PathEscape(o.Query), nil, nil, &out)
	case o.Category != "":
		_, err = a.rest.call(ctx, http.MethodGet, "/category/"+url.PathEscape(o.Category), nil, nil, &out)
	case o.Keyword != "":
		// GET /tags/<keyword> answers [] on Cookbook 0.11.5; ?keywords= works.
		_, err = a.rest.call(ctx, http.MethodGet, "/recipes", url.Values{"keywords": {o.Keyword}}, nil, &out)
	default:
		_, err = a.rest.call(ctx, http.MethodGet, "/recipes", nil, nil, &out)
	}
	if err != nil {
		return nil, err
	}
	keep := out[:0]
	for _, r := range out {
		if o.Category != "" && !strings.EqualFold(r.Category, o.Category) {
			continue
		}
		if o.Keyword != "" && !hasKeyword(r.Keywords, o.Keyword) {
			continue
		}
		keep = append(keep, r)
	}
	sort.SliceStable(keep, func(i, j int) bool { return strings.ToLower(keep[i].Name) < strings.ToLower(keep[j].Name) })
	return keep, nil
}

func hasKeyword(list, kw string) bool {
	for _, k := range strings.Split(list, ",") {
		if strings.EqualFold(strings.TrimSpace(k), strings.TrimSpace(kw)) {
			return true
		}
	}
	return false
}

// Recipe reads one recipe. A missing one, or another user's, is a 404
// whose body is just the id.
func (a *CookbookAPI) Recipe(ctx context.Context, id int) (*Recipe, error) {
	raw, err := a.rest.call(ctx, http.MethodGet, "/recipes/"+strconv.Itoa(id), nil, nil, nil)
	if err != nil {
		return nil, quietNotFound(err)
	}
	return decodeRecipe(raw)
}

// quietNotFound drops Cookbook's 404 body, which only repeats the id.
func quietNotFound(err error) error {
	var e *Error
	if errors.As(err, &e) && e.Status == http.StatusNotFound {
		e.Message = ""
	}
	return err
}

// CreateRecipe stores a new recipe and returns its id. The name is required
// (HTTP 422) and must be unique (HTTP 409).
func (a *CookbookAPI) CreateRecipe(ctx context.Context, in RecipeInput) (int, error) {
	doc := map[string]any{}
	in.apply(doc)
	raw, err := a.rest.call(ctx, http.MethodPost, "/recipes", nil, doc, nil)
	if err != nil {
		return 0, err
	}
	return decodeRecipeID(raw)
}

// decodeRecipeID reads the bare integer a save answers.
func decodeRecipeID(raw []byte) (int, error) {
	var id int
	if err := json.Unmarshal(bytes.TrimSpace(raw), &id); err != nil {
		return 0, fmt.Errorf("Cookbook answered %q instead of a recipe id: %w", raw, err)
	}
	return id, nil
}

// UpdateRecipe changes the given fields. Cookbook replaces a recipe with
// the body of a PUT and finds it by the id inside the body, so this reads the
// whole recipe, applies in and sends all of it back.
func (a *CookbookAPI) UpdateRecipe(ctx context.Context, id int, in RecipeInput) (*Recipe, error) {
	cur, err := a.Recipe(ctx, id)
	if err != nil {
		return nil, err
	}
	doc := map[string]any{}
	for k, v := range cur.Raw {
		doc[k] = v
	}
	in.apply(doc)
	doc["id"] = cur.ID
	if _, err := a.rest.call(ctx, http.MethodPut, "/recipes/"+strconv.Itoa(id), nil, doc, nil); err != nil {
		return nil, err
	}
	return a.Recipe(ctx, id)
}

// DeleteRecipe deletes a recipe. Cookbook answers success even for an id
// that does not exist, so callers that must know read it first.
func (a *CookbookAPI) DeleteRecipe(ctx context.Context, id int) error {
	_, err := a.rest.call(ctx, http.MethodDelete, "/recipes/"+strconv.Itoa(id), nil, nil, nil)
	return err
}

// ImportRecipe makes Cookbook fetch a web page and store the schema.org
// Recipe in it. Hosts given as an IP address or localhost are refused (400),
// a page without a recipe is a 400, and a recipe name already taken a 409.
func (a *CookbookAPI) ImportRecipe(ctx context.Context, pageURL string) (*Recipe, error) {
	raw, err := a.rest.call(ctx, http.MethodPost, "/import", nil, map[string]string{"url": pageURL}, nil)
	if err != nil {
		return nil, err
	}
	return decodeRecipe(raw)
}
