package ncfake

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// shareeKindsOrder are the typed lists of a sharees answer (sharing/24).
var shareeKindsOrder = []string{"users", "groups", "remotes", "remote_groups", "emails", "circles", "rooms"}

func emptyShareeLists() map[string]any {
	m := map[string]any{}
	for _, k := range shareeKindsOrder {
		m[k] = []any{}
	}
	return m
}

// sharees searches users, groups, emails and federated ids. The answer
// always carries a rel="next" Link, even with no match (sharing/26).
func (a *sharingApp) sharees(w http.ResponseWriter, r *http.Request, u *User) {
	q := r.URL.Query()
	term := strings.ToLower(strings.TrimSpace(q.Get("search")))
	perPage, _ := strconv.Atoi(q.Get("perPage"))
	if perPage <= 0 {
		perPage = 25
	}
	page, _ := strconv.Atoi(q.Get("page"))
	if page <= 0 {
		page = 1
	}
	types := map[int]bool{}
	for k, vs := range q {
		if k == "shareType[]" || strings.HasPrefix(k, "shareType[") {
			for _, v := range vs {
				if n, err := strconv.Atoi(v); err == nil {
					types[n] = true
				}
			}
		}
	}
	if len(types) == 0 {
		types = map[int]bool{0: true, 1: true, 4: true, 6: true}
	}
	exact, fuzzy := emptyShareeLists(), emptyShareeLists()
	var users, exactUsers, groups, exactGroups, emails, remotes []any
	a.s.mu.Lock()
	ids := make([]string, 0, len(a.s.users))
	for id := range a.s.users {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	groupSet := map[string]bool{}
	for _, id := range ids {
		x := a.s.users[id]
		for _, g := range x.Groups {
			groupSet[g] = true
		}
		if x.ID == u.ID || term == "" {
			continue
		}
		entry := map[string]any{
			"label":                      x.DisplayName,
			"subline":                    "",
			"icon":                       "icon-user",
			"value":                      map[string]any{"shareType": 0, "shareWith": x.ID},
			"shareWithDisplayNameUnique": x.ID,
			"status":                     []any{},
		}
		switch {
		case strings.ToLower(x.ID) == term || strings.ToLower(x.DisplayName) == term || (x.Email != "" && strings.ToLower(x.Email) == term):
			exactUsers = append(exactUsers, entry)
		case strings.Contains(strings.ToLower(x.ID), term) || strings.Contains(strings.ToLower(x.DisplayName), term):
			users = append(users, entry)
		}
	}
	a.s.mu.Unlock()
	gnames := make([]string, 0, len(groupSet))
	for g := range groupSet {
		gnames = append(gnames, g)
	}
	sort.Strings(gnames)
	for _, g := range gnames {
		entry := map[string]any{"label": g, "value": map[string]any{"shareType": 1, "shareWith": g}}
		switch {
		case term == "":
		case strings.ToLower(g) == term:
			exactGroups = append(exactGroups, entry)
		case strings.Contains(strings.ToLower(g), term):
			groups = append(groups, entry)
		}
	}
	if at := strings.LastIndex(term, "@"); at > 0 && at < len(term)-1 {
		emails = append(emails, map[string]any{"label": term, "uuid": term, "name": "", "type": "", "shareWithDisplayNameUnique": term,
			"value": map[string]any{"shareType": 4, "shareWith": term}})
		remotes = append(remotes, map[string]any{"label": term, "uuid": term, "name": term, "type": "",
			"value": map[string]any{"shareType": 6, "shareWith": term, "server": term[at+1:]}})
	}
	put := func(m map[string]any, kind string, typ int, list []any) {
		if !types[typ] || len(list) == 0 {
			return
		}
		start := (page - 1) * perPage
		if start >= len(list) {
			return
		}
		end := min(start+perPage, len(list))
		m[kind] = list[start:end]
	}
	put(exact, "users", 0, exactUsers)
	put(exact, "groups", 1, exactGroups)
	put(fuzzy, "users", 0, users)
	put(fuzzy, "groups", 1, groups)
	put(fuzzy, "emails", 4, emails)
	put(fuzzy, "remotes", 6, remotes)
	fuzzy["exact"] = exact
	fuzzy["lookup"] = []any{}
	fuzzy["lookupEnabled"] = true

	next := url.Values{"search": {q.Get("search")}, "itemType": {q.Get("itemType")}}
	i := 0
	for _, t := range []int{0, 1, 4, 6} {
		if types[t] {
			next.Set("shareType["+strconv.Itoa(i)+"]", strconv.Itoa(t))
			i++
		}
	}
	next.Set("perPage", strconv.Itoa(perPage))
	next.Set("page", strconv.Itoa(page+1))
	w.Header().Set("Link", "<http://"+r.Host+r.URL.Path+"?"+next.Encode()+`>; rel="next"`)
	writeOCS(w, r, fuzzy)
}

// recommended lists the people this user shared with before (sharing/27).
func (a *sharingApp) recommended(w http.ResponseWriter, r *http.Request, u *User) {
	a.mu.Lock()
	counts := map[string]int{}
	names := map[string]string{}
	for _, sh := range a.shares {
		if sh.Owner == u.ID && sh.Type == 0 {
			counts[sh.ShareWith]++
			names[sh.ShareWith] = sh.ShareWithName
		}
	}
	a.mu.Unlock()
	ids := make([]string, 0, len(counts))
	for id := range counts {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	users := []any{}
	for _, id := range ids {
		users = append(users, map[string]any{"count": counts[id], "label": names[id], "value": map[string]any{"shareType": 0, "shareWith": id}})
	}
	exact := map[string]any{"users": users, "groups": []any{}, "remotes": []any{}, "remote_groups": []any{}, "emails": []any{}}
	writeOCS(w, r, map[string]any{"exact": exact, "users": []any{}, "groups": []any{}, "remotes": []any{}, "remote_groups": []any{}, "emails": []any{}})
}
