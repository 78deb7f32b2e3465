package tools

import (
	"cmp"
	"context"
	"strings"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// SharingShareesInput are the arguments of nc_sharing_search_sharees.
type SharingShareesInput struct {
	Query string   `json:"query"`
	Types []string `json:"types,omitempty" jsonschema:"user, group, email, federated (default all)"`
	Limit int      `json:"limit,omitempty" jsonschema:"per kind, default 10, max 50"`
	Page  int      `json:"page,omitempty" jsonschema:"from 1"`
}

// Validate implements the input check.
func (in *SharingShareesInput) Validate() error {
	if strings.TrimSpace(in.Query) == "" {
		return inputErrorf("query is required, e.g. part of a name")
	}
	for _, t := range in.Types {
		if st, ok := shareTypeByName[t]; !ok || st == nextcloud.ShareLink {
			return inputErrorf("type %q: use user, group, email or federated", t)
		}
	}
	if in.Limit < 0 || in.Limit > 50 || in.Page < 0 {
		return inputErrorf("limit must be 1-50 and page 1 or more")
	}
	return nil
}

// Sharee is someone a file can be shared with.
type Sharee struct {
	ShareWith string `json:"share_with" jsonschema:"what to pass as share_with to nc_sharing_create"`
	Type      string `json:"type" jsonschema:"what to pass as type: user, group, email or federated"`
	Label     string `json:"label" jsonschema:"display name"`
	Unique    string `json:"unique,omitempty" jsonschema:"tells apart people with the same name (user id or email)"`
	Exact     bool   `json:"exact,omitempty" jsonschema:"the query matched exactly"`
}

// SharingShareesOutput is the result of nc_sharing_search_sharees.
type SharingShareesOutput struct {
	Sharees []Sharee `json:"sharees" jsonschema_description:"People, groups and others that match."`
	More    bool     `json:"more,omitempty" jsonschema:"a kind filled the page: ask for the next page for more"`
}

func sharingSearchShareesTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:  "nc_sharing_search_sharees",
		Title: "Find people to share with",
		Description: "Find users, groups, emails and federated ids to share " +
			"with, for share_with and type of nc_sharing_create.",
		Hints: readHints,
	}, func(ctx context.Context, call *Call, in SharingShareesInput) (SharingShareesOutput, error) {
		q := nextcloud.ShareeQuery{Search: in.Query, PerPage: cmp.Or(in.Limit, 10), Page: in.Page}
		for _, t := range in.Types {
			q.Types = append(q.Types, shareTypeByName[t])
		}
		res, err := call.Client.SearchSharees(ctx, q)
		if err != nil {
			return SharingShareesOutput{}, about(err, "the sharee search for %q", in.Query)
		}
		out := SharingShareesOutput{Sharees: []Sharee{}, More: res.Full}
		for _, s := range res.Sharees {
			out.Sharees = append(out.Sharees, Sharee{ShareWith: s.ShareWith, Type: s.Type.String(), Label: s.Label, Unique: s.Unique, Exact: s.Exact})
		}
		return out, nil
	})
}
