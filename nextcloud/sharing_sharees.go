package nextcloud

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
)

// Sharee is someone (or something) a file can be shared with.
type Sharee struct {
	Label     string
	Type      ShareType
	ShareWith string
	// Unique tells apart people with the same display name (often the email or user id).
	Unique string
	// Exact is true when the search term matched exactly.
	Exact bool
}

// ShareeQuery is a sharee search.
type ShareeQuery struct {
	Search string
	// ItemType is "file" or "folder"; default "file".
	ItemType string
	// Types limits the kinds searched; empty searches all the server offers.
	Types   []ShareType
	PerPage int
	Page    int
	// Lookup also asks the global lookup server (leaves this Nextcloud).
	Lookup bool
}

// ShareeResult is one page of sharees.
type ShareeResult struct {
	Sharees []Sharee
	// Full is true when some kind filled the whole page, so another page may hold more.
	Full bool
}

type shareeWire struct {
	Label  string `json:"label"`
	Unique string `json:"shareWithDisplayNameUnique"`
	Value  struct {
		ShareType ShareType `json:"shareType"`
		ShareWith string    `json:"shareWith"`
	} `json:"value"`
}

// shareeKinds are the typed lists of the sharees answer, in display order.
var shareeKinds = []string{"users", "groups", "emails", "remotes", "remote_groups", "circles", "rooms", "lookup"}

// SearchSharees finds users, groups, emails and federated ids to share with.
func (c *Client) SearchSharees(ctx context.Context, q ShareeQuery) (*ShareeResult, error) {
	v := url.Values{"search": {q.Search}}
	it := q.ItemType
	if it == "" {
		it = "file"
	}
	v.Set("itemType", it)
	for _, t := range q.Types {
		v.Add("shareType[]", strconv.Itoa(int(t)))
	}
	perPage := q.PerPage
	if perPage <= 0 {
		perPage = 25
	}
	v.Set("perPage", strconv.Itoa(perPage))
	if q.Page > 1 {
		v.Set("page", strconv.Itoa(q.Page))
	}
	v.Set("lookup", strconv.FormatBool(q.Lookup))
	var data map[string]json.RawMessage
	if err := c.OCS(ctx, http.MethodGet, "/apps/files_sharing/api/v1/sharees", v, nil, &data); err != nil {
		return nil, err
	}
	res := &ShareeResult{}
	var exact map[string]json.RawMessage
	if raw, ok := data["exact"]; ok {
		_ = json.Unmarshal(raw, &exact)
	}
	add := func(raw json.RawMessage, isExact bool) int {
		var list []shareeWire
		if json.Unmarshal(raw, &list) != nil {
			return 0
		}
		for _, w := range list {
			res.Sharees = append(res.Sharees, Sharee{Label: w.Label, Type: w.Value.ShareType, ShareWith: w.Value.ShareWith, Unique: w.Unique, Exact: isExact})
		}
		return len(list)
	}
	for _, k := range shareeKinds {
		add(exact[k], true)
	}
	for _, k := range shareeKinds {
		if add(data[k], false) >= perPage {
			res.Full = true
		}
	}
	return res, nil
}
