package tools

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// searchToolset: Nextcloud's unified search, across every app that offers
// a provider. Part of every server since Nextcloud 20, so always available.
func searchToolset(d *Deps) *Toolset {
	return &Toolset{
		Name:        "search",
		Description: "Unified search across every app (files, notes, Deck, Talk, tables, comments...).",
		Tools:       []Tool{searchProvidersTool(d), searchUnifiedTool(d)},
	}
}

// SearchProviderInfo is one unified search provider.
type SearchProviderInfo struct {
	ID      string   `json:"id" jsonschema:"provider id, for the providers argument of nc_search_unified"`
	App     string   `json:"app" jsonschema:"app it belongs to"`
	Name    string   `json:"name" jsonschema:"what it searches"`
	Filters []string `json:"filters,omitempty" jsonschema:"filters the server knows for it besides the term"`
}

// SearchProvidersOutput is the result of nc_search_providers.
type SearchProvidersOutput struct {
	Providers []SearchProviderInfo `json:"providers" jsonschema_description:"Search providers the server offers, in its order."`
}

// SearchNoInput is the empty argument list.
type SearchNoInput struct{}

func searchProvidersTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_search_providers",
		Title:       "List search providers",
		Description: "List the unified search providers of this server, to narrow nc_search_unified.",
		Hints:       readHints,
	}, func(ctx context.Context, call *Call, _ SearchNoInput) (SearchProvidersOutput, error) {
		ps, err := call.Client.SearchProviders(ctx)
		if err != nil {
			return SearchProvidersOutput{}, about(err, "the search providers")
		}
		out := SearchProvidersOutput{Providers: []SearchProviderInfo{}}
		for _, p := range sortedProviders(ps) {
			info := SearchProviderInfo{ID: p.ID, App: p.AppID, Name: p.Name}
			for f := range p.Filters {
				if f != "term" {
					info.Filters = append(info.Filters, f)
				}
			}
			slices.Sort(info.Filters)
			out.Providers = append(out.Providers, info)
		}
		return out, nil
	})
}

func sortedProviders(ps []nextcloud.SearchProvider) []nextcloud.SearchProvider {
	slices.SortStableFunc(ps, func(a, b nextcloud.SearchProvider) int { return cmp.Compare(a.Order, b.Order) })
	return ps
}

// SearchUnifiedInput are the arguments of nc_search_unified.
type SearchUnifiedInput struct {
	Query     string   `json:"query"`
	Providers []string `json:"providers,omitempty" jsonschema:"e.g. [\"files\"]; default all"`
	Limit     int      `json:"limit,omitempty" jsonschema:"per provider, default 5, max 25"`
	Cursor    string   `json:"cursor,omitempty" jsonschema:"next_cursor; needs exactly one provider"`
	Timeout   float64  `json:"provider_timeout_seconds,omitempty" jsonschema:"per provider, default 10"`
}

// Validate implements the input check.
func (in *SearchUnifiedInput) Validate() error {
	if strings.TrimSpace(in.Query) == "" {
		return inputErrorf("query is required")
	}
	if in.Limit < 0 || in.Limit > 25 {
		return inputErrorf("limit must be between 1 and 25 results per provider")
	}
	if in.Cursor != "" && len(in.Providers) != 1 {
		return inputErrorf("cursor continues one provider: pass exactly that provider in providers")
	}
	if in.Timeout < 0 || in.Timeout > 60 {
		return inputErrorf("provider_timeout_seconds must be between 0.1 and 60")
	}
	return nil
}

// SearchHit is one result.
type SearchHit struct {
	Provider   string            `json:"provider" jsonschema:"provider id that found it"`
	App        string            `json:"app" jsonschema:"app it lives in"`
	Title      string            `json:"title" jsonschema_description:"What was found."`
	Subline    string            `json:"subline,omitempty" jsonschema:"extra line: folder, board, excerpt..."`
	URL        string            `json:"url,omitempty" jsonschema:"deep link that opens it in Nextcloud"`
	Attributes map[string]string `json:"attributes,omitempty" jsonschema:"provider details, e.g. files: fileId and path"`
}

// SearchProviderResult sums up one provider's part.
type SearchProviderResult struct {
	ID         string `json:"id" jsonschema_description:"Provider id, to pass in providers."`
	Name       string `json:"name" jsonschema_description:"Provider name shown in Nextcloud."`
	Count      int    `json:"count" jsonschema:"results it returned"`
	NextCursor string `json:"next_cursor,omitempty" jsonschema:"pass as cursor (with providers: [id]) for more"`
}

// SearchDegraded is a provider that failed or ran out of time.
type SearchDegraded struct {
	Provider string `json:"provider" jsonschema_description:"Provider id."`
	Reason   string `json:"reason" jsonschema_description:"Why its results are missing."`
	TimedOut bool   `json:"timed_out,omitempty" jsonschema_description:"True when it was slower than provider_timeout_seconds."`
}

// SearchUnifiedOutput is the result of nc_search_unified.
type SearchUnifiedOutput struct {
	Results   []SearchHit            `json:"results" jsonschema:"merged, grouped by provider in the server's order"`
	Providers []SearchProviderResult `json:"providers" jsonschema:"providers that answered"`
	Degraded  []SearchDegraded       `json:"degraded" jsonschema:"providers that failed or timed out; the others' results are still complete"`
}

func searchUnifiedTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:  "nc_search_unified",
		Title: "Search everywhere",
		Description: "Search all of Nextcloud at once (files, notes, Deck, Talk, tables, comments...). " +
			"Hits come with app and link; slow or failing providers are listed in degraded.",
		Hints: readHints,
	}, func(ctx context.Context, call *Call, in SearchUnifiedInput) (SearchUnifiedOutput, error) {
		out := SearchUnifiedOutput{Results: []SearchHit{}, Providers: []SearchProviderResult{}, Degraded: []SearchDegraded{}}
		all, err := call.Client.SearchProviders(ctx)
		if err != nil {
			return out, about(err, "the search providers")
		}
		known := map[string]nextcloud.SearchProvider{}
		var ids []string
		for _, p := range sortedProviders(all) {
			known[p.ID] = p
			if len(in.Providers) == 0 {
				ids = append(ids, p.ID)
			}
		}
		for _, id := range in.Providers {
			if _, ok := known[id]; !ok {
				// Nextcloud answers 500 for an unknown provider; say what is wrong instead.
				out.Degraded = append(out.Degraded, SearchDegraded{Provider: id, Reason: "no such provider on this server; see nc_search_providers"})
				continue
			}
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
		if len(ids) == 0 {
			return out, inputErrorf("none of the providers %s exist here: list them with nc_search_providers", strings.Join(in.Providers, ", "))
		}
		timeout := 10 * time.Second
		if in.Timeout > 0 {
			timeout = time.Duration(max(in.Timeout, 0.1) * float64(time.Second))
		}
		q := nextcloud.SearchQuery{Term: in.Query, Limit: cmp.Or(in.Limit, 5), Cursor: nextcloud.SearchCursor(in.Cursor)}
		outcomes := call.Client.SearchMany(ctx, ids, q, nextcloud.SearchManyOptions{Timeout: timeout, Done: func(finished, total int) {
			call.Progress(ctx, float64(finished), float64(total), "search providers answered")
		}})
		for _, oc := range outcomes {
			p := known[oc.Provider]
			if oc.Err != nil {
				if ctx.Err() != nil {
					return out, about(ctx.Err(), "the search")
				}
				out.Degraded = append(out.Degraded, searchDegraded(oc, timeout))
				continue
			}
			res := SearchProviderResult{ID: p.ID, Name: p.Name, Count: len(oc.Result.Entries)}
			if oc.Result.IsPaginated && len(oc.Result.Entries) > 0 {
				res.NextCursor = string(oc.Result.Cursor)
			}
			out.Providers = append(out.Providers, res)
			for _, e := range oc.Result.Entries {
				out.Results = append(out.Results, SearchHit{
					Provider: p.ID, App: p.AppID, Title: e.Title, Subline: e.Subline,
					URL: call.Client.AbsoluteURL(e.ResourceURL), Attributes: e.Attributes,
				})
			}
		}
		if len(out.Providers) == 0 {
			reasons := make([]string, 0, len(out.Degraded))
			for _, dg := range out.Degraded {
				reasons = append(reasons, dg.Provider+": "+dg.Reason)
			}
			return out, fmt.Errorf("every search provider failed (%s)", strings.Join(reasons, "; "))
		}
		return out, nil
	})
}

func searchDegraded(oc nextcloud.SearchOutcome, timeout time.Duration) SearchDegraded {
	if oc.TimedOut {
		return SearchDegraded{Provider: oc.Provider, TimedOut: true, Reason: fmt.Sprintf("no answer within %s", timeout)}
	}
	var ne *nextcloud.Error
	if errors.As(oc.Err, &ne) {
		reason := fmt.Sprintf("HTTP %d", ne.Status)
		if m := strings.TrimSpace(ne.Message); m != "" {
			reason += ": " + m
		}
		return SearchDegraded{Provider: oc.Provider, Reason: reason}
	}
	return SearchDegraded{Provider: oc.Provider, Reason: oc.Err.Error()}
}
