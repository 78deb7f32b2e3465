package ncfake

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// searchApp serves unified search (/ocs/v2.php/search/providers) shaped as
// ocs/18-22. Hits come from an index tests and the demo fill with
// AddSearchEntry; providers follow the enabled apps.
type searchApp struct {
	s *Server

	mu    sync.Mutex
	index map[string][]SearchEntry // by provider id
}

// SearchEntry is one hit a provider of the fake can return.
type SearchEntry struct {
	Title   string
	Subline string
	// ResourceURL is the deep link; the files provider makes a relative one
	// absolute, as Nextcloud's does, while other providers send it as given.
	ResourceURL string
	Attributes  map[string]string
}

type searchProviderDef struct {
	id, app, name, icon string
	order               int
	filters             map[string]string
	// paginated providers page with an int offset cursor (files, ocs/19-20).
	paginated bool
}

var searchProviderDefs = []searchProviderDef{
	{id: "notes", app: "notes", name: "Notes", icon: "/custom_apps/notes/img/notes.svg", order: 4},
	{id: "files", app: "files", name: "Files", icon: "/apps/files/img/app.svg", order: 5, paginated: true,
		filters: map[string]string{"term": "string", "since": "datetime", "until": "datetime", "person": "person", "min-size": "int", "max-size": "int", "mime": "string", "type": "string", "path": "string", "is-favorite": "bool", "title-only": "bool"}},
	{id: "systemtags", app: "systemtags", name: "Tags", icon: "/apps/systemtags/img/app.svg", order: 6},
	{id: "comments", app: "comments", name: "Comments", icon: "/apps/comments/img/comments.svg", order: 10},
	{id: "search-deck-card-board", app: "deck", name: "Deck boards and cards", icon: "/custom_apps/deck/img/deck.svg", order: 10},
	{id: "search-deck-comment", app: "deck", name: "Card comments", icon: "/custom_apps/deck/img/deck.svg", order: 11},
	{id: "talk-conversations", app: "spreed", name: "Conversations", icon: "/custom_apps/spreed/img/app-dark.svg", order: 12},
	{id: "tables-search-tables", app: "tables", name: "Nextcloud tables", icon: "/custom_apps/tables/img/app.svg", order: 20},
	{id: "mail", app: "mail", name: "Mails", icon: "/custom_apps/mail/img/mail.svg", order: 20},
	{id: "collectives", app: "collectives", name: "Collectives", icon: "/custom_apps/collectives/img/collectives.svg", order: 10},
	{id: "collectives-pages", app: "collectives", name: "Collectives - Pages", icon: "/custom_apps/collectives/img/collectives.svg", order: 10},
	{id: "settings_apps", app: "settings", name: "Apps", icon: "/apps/settings/img/settings_apps.svg", order: 100},
	{id: "settings", app: "settings", name: "Settings", icon: "/apps/settings/img/settings.svg", order: 500},
}

func newSearchApp(s *Server) *searchApp { return &searchApp{s: s, index: map[string][]SearchEntry{}} }

func (a *searchApp) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /ocs/v2.php/search/providers", a.s.ocsHandler(a.providers))
	mux.HandleFunc("GET /ocs/v2.php/search/providers/{id}/search", a.s.ocsHandler(a.search))
}

// AddSearchEntry indexes a hit for a unified search provider (e.g. "files",
// "notes", "search-deck-card-board").
func (s *Server) AddSearchEntry(provider string, e SearchEntry) {
	a := s.search
	a.mu.Lock()
	defer a.mu.Unlock()
	a.index[provider] = append(a.index[provider], e)
}

// enabledProviders are the providers of the apps this server has; files,
// tags, comments and settings are part of every server.
func (a *searchApp) enabledProviders() []searchProviderDef {
	var out []searchProviderDef
	for _, p := range searchProviderDefs {
		switch p.app {
		case "files", "systemtags", "comments", "settings":
		default:
			if !a.s.HasApp(p.app) {
				continue
			}
		}
		out = append(out, p)
	}
	return out
}

func (a *searchApp) providers(w http.ResponseWriter, r *http.Request, _ *User) {
	data := []any{}
	for _, p := range a.enabledProviders() {
		filters := p.filters
		if filters == nil {
			filters = map[string]string{"term": "string"}
		}
		data = append(data, map[string]any{
			"id":          p.id,
			"appId":       p.app,
			"name":        p.name,
			"icon":        p.icon,
			"order":       p.order,
			"triggers":    []string{p.id},
			"filters":     filters,
			"inAppSearch": false,
		})
	}
	w.Header().Set("ETag", `"88449dbc6279f979add9cbe179a2c270"`)
	writeOCS(w, r, data)
}

func (a *searchApp) search(w http.ResponseWriter, r *http.Request, _ *User) {
	id := r.PathValue("id")
	var def *searchProviderDef
	for _, p := range a.enabledProviders() {
		if p.id == id {
			def = &p
			break
		}
	}
	if def == nil {
		// An unknown provider is an uncaught exception on the server (ocs/22).
		writeOCSError(w, r, http.StatusInternalServerError, http.StatusInternalServerError, "Internal Server Error\n")
		return
	}
	q := r.URL.Query()
	term := strings.ToLower(q.Get("term"))
	limit, err := strconv.Atoi(q.Get("limit"))
	if err != nil || limit <= 0 {
		limit = 5
	}
	offset, _ := strconv.Atoi(q.Get("cursor"))
	a.mu.Lock()
	var hits []SearchEntry
	for _, e := range a.index[id] {
		if term != "" && (strings.Contains(strings.ToLower(e.Title), term) || strings.Contains(strings.ToLower(e.Subline), term)) {
			hits = append(hits, e)
		}
	}
	a.mu.Unlock()
	if !def.paginated {
		offset = 0
	}
	if offset > len(hits) {
		offset = len(hits)
	}
	hits = hits[offset:min(offset+limit, len(hits))]
	entries := []any{}
	for _, e := range hits {
		link := e.ResourceURL
		if def.id == "files" && strings.HasPrefix(link, "/") {
			link = "http://" + r.Host + link
		}
		attrs := map[string]any{}
		for k, v := range e.Attributes {
			attrs[k] = v
		}
		entries = append(entries, map[string]any{
			"thumbnailUrl": "",
			"title":        e.Title,
			"subline":      e.Subline,
			"resourceUrl":  link,
			"icon":         def.icon,
			"rounded":      false,
			"attributes":   attrs,
		})
	}
	var cursor any
	if def.paginated {
		// The cursor is the next offset, counted in asked-for entries (ocs/19-20).
		cursor = offset + limit
	}
	writeOCS(w, r, map[string]any{"name": def.name, "isPaginated": def.paginated, "entries": entries, "cursor": cursor})
}
