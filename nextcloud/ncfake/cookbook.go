package ncfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// cookbookApp serves the Cookbook 0.11.5 API shaped like
// shared/nextcloud-api/cookbook: recipes are schema.org JSON-LD documents,
// normalised on save, ids are numbers in the URL and strings in the body.
// Unlike the real app it does not mirror recipes into the user's Files.
type cookbookApp struct {
	s *Server

	mu      sync.Mutex
	next    int
	recipes map[int]*recipe
}

type recipe struct {
	id      int
	owner   string
	doc     map[string]any // stored JSON-LD, without printImage/imageUrl
	created time.Time
	changed time.Time
}

func newCookbookApp(s *Server) *cookbookApp {
	return &cookbookApp{s: s, next: 200, recipes: map[int]*recipe{}}
}

const cookbookBase = "/index.php/apps/cookbook/api"

func (a *cookbookApp) routes(mux *http.ServeMux) {
	h := func(pattern string, fn handlerFunc) {
		method, path, _ := strings.Cut(pattern, " ")
		mux.HandleFunc(method+" "+cookbookBase+path, a.s.appRESTHandler("cookbook", &a.mu, fn))
	}
	h("GET /version", func(w http.ResponseWriter, _ *http.Request, _ *User) {
		writeJSON(w, http.StatusOK, map[string]any{"cookbook_version": []int{0, 11, 5}, "api_version": map[string]int{"epoch": 0, "major": 1, "minor": 2}})
	})
	h("GET /v1/recipes", a.list)
	h("POST /v1/recipes", a.create)
	h("GET /v1/recipes/{id}", a.get)
	h("PUT /v1/recipes/{id}", a.update)
	h("DELETE /v1/recipes/{id}", a.remove)
	h("GET /v1/recipes/{id}/image", a.image)
	h("POST /v1/import", a.importURL)
	h("GET /v1/search/{term}", a.search)
	h("GET /v1/categories", a.categories)
	h("GET /v1/category/{name}", a.inCategory)
	h("PUT /v1/category/{name}", a.renameCategory)
	h("GET /v1/keywords", a.keywords)
	h("GET /v1/tags/{keyword}", func(w http.ResponseWriter, _ *http.Request, _ *User) {
		// Cookbook 0.11.5 answers [] for every keyword (cookbook/18).
		writeJSON(w, http.StatusOK, []any{})
	})
}

// cookbookFail is the {"msg","file","line"} error of the recipe service.
func cookbookFail(w http.ResponseWriter, status int, msg string, line int) {
	writeJSON(w, status, map[string]any{"msg": msg, "file": "/opt/nc/server/apps/cookbook/lib/Service/RecipeService.php", "line": line})
}

const cookbookNameTaken = "Another recipe with that name already exists"

func (a *cookbookApp) own(u *User, id int) *recipe {
	if r := a.recipes[id]; r != nil && r.owner == u.ID {
		return r
	}
	return nil
}

func (a *cookbookApp) mine(u *User) []*recipe {
	var out []*recipe
	for _, r := range a.recipes {
		if r.owner == u.ID {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return strings.ToLower(str(out[i].doc["name"])) < strings.ToLower(str(out[j].doc["name"]))
	})
	return out
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// stub is a list entry: both ids, keywords sorted, dates without the colon
// in the offset (cookbook/12). Search and category lists add &t= to the image URL.
func (a *cookbookApp) stub(r *recipe, stamped bool) map[string]any {
	kws := splitKeywords(str(r.doc["keywords"]))
	sort.Strings(kws)
	img := fmt.Sprintf("/index.php/apps/cookbook/webapp/recipes/%d/image?size=thumb", r.id)
	if stamped {
		img += fmt.Sprintf("&t=%d", r.changed.Unix())
	}
	return map[string]any{"recipe_id": r.id, "name": r.doc["name"], "keywords": strings.Join(kws, ","), "category": str(r.doc["recipeCategory"]),
		"dateCreated": r.created.UTC().Format("2006-01-02T15:04:05-0700"), "dateModified": r.changed.UTC().Format("2006-01-02T15:04:05-0700"),
		"imageUrl": img, "imagePlaceholderUrl": fmt.Sprintf("/index.php/apps/cookbook/webapp/recipes/%d/image?size=thumb16", r.id), "id": strconv.Itoa(r.id)}
}

func splitKeywords(s string) []string {
	var out []string
	for _, k := range strings.Split(s, ",") {
		if k = strings.TrimSpace(k); k != "" {
			out = append(out, k)
		}
	}
	return out
}

func (a *cookbookApp) writeStubs(w http.ResponseWriter, rs []*recipe, stamped bool) {
	out := []any{}
	for _, r := range rs {
		out = append(out, a.stub(r, stamped))
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *cookbookApp) list(w http.ResponseWriter, r *http.Request, u *User) {
	want := splitKeywords(r.URL.Query().Get("keywords"))
	var out []*recipe
	for _, rc := range a.mine(u) {
		have := splitKeywords(str(rc.doc["keywords"]))
		ok := true
		for _, k := range want {
			if !containsFold(have, k) {
				ok = false
			}
		}
		if ok {
			out = append(out, rc)
		}
	}
	a.writeStubs(w, out, false)
}

func (a *cookbookApp) search(w http.ResponseWriter, r *http.Request, u *User) {
	term := strings.ToLower(r.PathValue("term"))
	var out []*recipe
	for _, rc := range a.mine(u) {
		hay := strings.ToLower(str(rc.doc["name"]) + "\n" + str(rc.doc["keywords"]) + "\n" + str(rc.doc["recipeCategory"]))
		if strings.Contains(hay, term) {
			out = append(out, rc)
		}
	}
	a.writeStubs(w, out, true)
}

func (a *cookbookApp) inCategory(w http.ResponseWriter, r *http.Request, u *User) {
	name := r.PathValue("name")
	var out []*recipe
	for _, rc := range a.mine(u) {
		c := str(rc.doc["recipeCategory"])
		if c == name || (name == "_" && c == "") {
			out = append(out, rc)
		}
	}
	a.writeStubs(w, out, true)
}

// counts answers [{name, recipe_count}] sorted by name.
func counts(m map[string]int) []any {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	out := []any{}
	for _, n := range names {
		out = append(out, map[string]any{"name": n, "recipe_count": m[n]})
	}
	return out
}

func (a *cookbookApp) categories(w http.ResponseWriter, _ *http.Request, u *User) {
	m, none := map[string]int{}, 0
	for _, rc := range a.mine(u) {
		if c := str(rc.doc["recipeCategory"]); c != "" {
			m[c]++
		} else {
			none++
		}
	}
	// Recipes without a category are counted under "*", listed last (cookbook/15).
	writeJSON(w, http.StatusOK, append(counts(m), map[string]any{"name": "*", "recipe_count": none}))
}

func (a *cookbookApp) keywords(w http.ResponseWriter, _ *http.Request, u *User) {
	m := map[string]int{}
	for _, rc := range a.mine(u) {
		for _, k := range splitKeywords(str(rc.doc["keywords"])) {
			m[k]++
		}
	}
	writeJSON(w, http.StatusOK, counts(m))
}

func (a *cookbookApp) renameCategory(w http.ResponseWriter, r *http.Request, u *User) {
	var in struct {
		Name string `json:"name"`
	}
	_ = json.NewDecoder(r.Body).Decode(&in)
	old := r.PathValue("name")
	for _, rc := range a.mine(u) {
		if str(rc.doc["recipeCategory"]) == old {
			rc.doc["recipeCategory"] = in.Name
			rc.changed = time.Now()
		}
	}
	writeJSON(w, http.StatusOK, in.Name)
}

// full is the recipe as GET answers it: the document plus printImage and imageUrl.
func (a *cookbookApp) full(rc *recipe) map[string]any {
	out := map[string]any{}
	for k, v := range rc.doc {
		out[k] = v
	}
	out["printImage"] = true
	out["imageUrl"] = fmt.Sprintf("/index.php/apps/cookbook/webapp/recipes/%d/image?size=full", rc.id)
	return out
}

func pathID(r *http.Request) (int, string) {
	raw := r.PathValue("id")
	id, _ := strconv.Atoi(raw)
	return id, raw
}

// notFound is Cookbook's 404: the body is only the requested id (cookbook/21).
func cookbookNotFound(w http.ResponseWriter, raw string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	_, _ = w.Write([]byte(raw))
}

func (a *cookbookApp) get(w http.ResponseWriter, r *http.Request, u *User) {
	id, raw := pathID(r)
	rc := a.own(u, id)
	if rc == nil {
		cookbookNotFound(w, raw)
		return
	}
	writeJSON(w, http.StatusOK, a.full(rc))
}

func (a *cookbookApp) image(w http.ResponseWriter, r *http.Request, u *User) {
	id, raw := pathID(r)
	rc := a.own(u, id)
	if rc == nil || str(rc.doc["image"]) == "" {
		cookbookNotFound(w, raw)
		return
	}
	name := r.URL.Query().Get("size")
	if name == "" {
		name = "full"
	}
	img := demoPNG()
	w.Header().Set("Last-Modified", rc.changed.UTC().Format(http.TimeFormat))
	w.Header().Set("ETag", fmt.Sprintf(`"%s"`, md5hex(fmt.Sprint(rc.id, rc.changed.UnixNano()))))
	w.Header().Set("Content-Type", "image/jpeg")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="%s.jpg"`, name))
	w.Header().Set("Content-Length", strconv.Itoa(len(img)))
	_, _ = w.Write(img)
}

// save stores doc as a new recipe (id 0) or over rc, after the checks and
// normalisation of RecipeService; it writes the error and returns nil on failure.
func (a *cookbookApp) save(w http.ResponseWriter, u *User, doc map[string]any, rc *recipe) *recipe {
	name := strings.TrimSpace(str(doc["name"]))
	if name == "" {
		cookbookFail(w, http.StatusUnprocessableEntity, "No recipe name was given. A unique name is required to store the recipe.", 207)
		return nil
	}
	for _, other := range a.mine(u) {
		if other != rc && strings.EqualFold(str(other.doc["name"]), name) {
			cookbookFail(w, http.StatusConflict, cookbookNameTaken, 248)
			return nil
		}
	}
	now := time.Now()
	if rc == nil {
		rc = &recipe{id: a.next, owner: u.ID, created: now}
		a.next++
		a.recipes[rc.id] = rc
	}
	rc.changed = now
	normalizeRecipe(doc)
	doc["name"] = name
	doc["id"] = strconv.Itoa(rc.id)
	doc["dateCreated"] = rc.created.UTC().Format("2006-01-02T15:04:05-07:00")
	doc["dateModified"] = rc.changed.UTC().Format("2006-01-02T15:04:05-07:00")
	delete(doc, "printImage")
	delete(doc, "imageUrl")
	rc.doc = doc
	return rc
}

func (a *cookbookApp) create(w http.ResponseWriter, r *http.Request, u *User) {
	var doc map[string]any
	if json.NewDecoder(r.Body).Decode(&doc) != nil || doc == nil {
		cookbookFail(w, http.StatusBadRequest, "The recipe is not valid JSON.", 0)
		return
	}
	if rc := a.save(w, u, doc, nil); rc != nil {
		writeJSON(w, http.StatusOK, rc.id)
	}
}

// update replaces the recipe named by the id in the body; the URL's id is
// ignored, and a body without id is a new recipe (cookbook/06, 07).
func (a *cookbookApp) update(w http.ResponseWriter, r *http.Request, u *User) {
	var doc map[string]any
	if json.NewDecoder(r.Body).Decode(&doc) != nil || doc == nil {
		cookbookFail(w, http.StatusBadRequest, "The recipe is not valid JSON.", 0)
		return
	}
	var rc *recipe
	if raw, ok := doc["id"]; ok {
		id, _ := strconv.Atoi(fmt.Sprint(raw))
		if rc = a.own(u, id); rc == nil {
			cookbookNotFound(w, fmt.Sprint(raw))
			return
		}
	}
	if rc = a.save(w, u, doc, rc); rc != nil {
		writeJSON(w, http.StatusOK, rc.id)
	}
}

// remove answers success whatever the id (cookbook/25).
func (a *cookbookApp) remove(w http.ResponseWriter, r *http.Request, u *User) {
	id, raw := pathID(r)
	if rc := a.own(u, id); rc != nil {
		delete(a.recipes, id)
	}
	writeJSON(w, http.StatusOK, "Recipe "+raw+" deleted successfully")
}

func (a *cookbookApp) importURL(w http.ResponseWriter, r *http.Request, u *User) {
	var in struct {
		URL string `json:"url"`
	}
	_ = json.NewDecoder(r.Body).Decode(&in)
	pu, err := url.Parse(in.URL)
	if err != nil || pu.Host == "" || (pu.Scheme != "http" && pu.Scheme != "https") {
		writeJSON(w, http.StatusBadRequest, "The provided URL is not valid.")
		return
	}
	if host := pu.Hostname(); host == "localhost" || isIPHost(host) {
		writeJSON(w, http.StatusBadRequest, "The provided URL is not allowed.")
		return
	}
	page, ok := a.s.web.fetch(in.URL)
	if !ok {
		// Not recorded: the fake cannot reach the page; same shape as the other import failures.
		writeJSON(w, http.StatusBadRequest, "Could not fetch the given URL.")
		return
	}
	doc := recipeFromHTML(page.body)
	if doc == nil {
		writeJSON(w, http.StatusBadRequest, "No parser found for the given import.")
		return
	}
	doc["url"] = in.URL
	if rc := a.save(w, u, doc, nil); rc != nil {
		writeJSON(w, http.StatusOK, rc.doc)
	}
}
