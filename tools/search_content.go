package tools

import (
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/index"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// indexToolset: full-text search over the local index (index/). Offered
// only when the index is on (Deps.Index set; --no-index leaves it nil).
func indexToolset(d *Deps) *Toolset {
	return &Toolset{
		Name:        "index",
		Description: "Full-text search of file contents, notes, events, tasks, contacts and Deck cards through a local index.",
		Available: func(context.Context, *nextcloud.Client, *nextcloud.Capabilities) bool {
			return d.Index != nil
		},
		Tools: []Tool{searchContentTool(d), indexStatusTool(d)},
	}
}

// SearchContentInput are the arguments of nc_search_content.
type SearchContentInput struct {
	Query         string   `json:"query" jsonschema:"words to find; \"a phrase\", prefix*, OR, NOT work"`
	Apps          []string `json:"apps,omitempty" jsonschema:"files, notes, calendar, tasks, contacts, deck; default all"`
	PathPrefix    string   `json:"path_prefix,omitempty" jsonschema:"only files in this folder (indexed on first use)"`
	ModifiedAfter string   `json:"modified_after,omitempty" jsonschema:"only changed since"`
	Limit         int      `json:"limit,omitempty" jsonschema:"default 10, max 50"`
}

// Validate implements the input check.
func (in *SearchContentInput) Validate() error {
	if strings.TrimSpace(in.Query) == "" {
		return inputErrorf(`query is required, e.g. "penalty clause"`)
	}
	if in.Limit < 0 || in.Limit > 50 {
		return inputErrorf("limit must be between 1 and 50")
	}
	if err := index.CheckApps(in.Apps); err != nil {
		return &InputError{Msg: err.Error()}
	}
	if in.PathPrefix != "" {
		if _, err := index.CleanFolder(in.PathPrefix); err != nil {
			return &InputError{Msg: err.Error()}
		}
	}
	if _, err := parseModifiedAfter(in.ModifiedAfter); err != nil {
		return err
	}
	return nil
}

func parseModifiedAfter(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, inputErrorf("modified_after %q is not a date: use 2026-01-31 or 2026-01-31T09:00:00Z", s)
}

// ContentHit is one document found.
type ContentHit struct {
	App   string `json:"app"`
	Title string `json:"title"`
	// Path is set for files, ID for everything else.
	Path     string         `json:"path,omitempty"`
	ID       string         `json:"id,omitempty"`
	Modified string         `json:"modified,omitempty"`
	Snippet  string         `json:"snippet,omitempty" jsonschema_description:"Excerpt; matched terms in **bold**."`
	OpenWith string         `json:"open_with,omitempty" jsonschema_description:"Tool that opens it, called with open_args."`
	OpenArgs map[string]any `json:"open_args,omitempty"`
	URL      string         `json:"url,omitempty"`
	// Author is set when the text may be someone else's: the owner of a
	// file shared with the user, the organiser of an event.
	Author string `json:"author,omitempty" jsonschema_description:"Owner (user id) of a shared file, or an event's organiser."`
}

// SearchContentOutput is the result of nc_search_content.
type SearchContentOutput struct {
	Hits []ContentHit `json:"hits"`
	// IndexFreshAsOf: changes made before it are in the index.
	IndexFreshAsOf string   `json:"index_fresh_as_of,omitempty" jsonschema_description:"Changes made before this time are searched."`
	SourcesPending []string `json:"sources_pending" jsonschema_description:"Sources still being updated; their newest changes may be missing."`
	Incomplete     bool     `json:"incomplete" jsonschema_description:"True when results may be missing."`
	// Via is index, or unified_search when the index could not be used.
	Via  string `json:"via"`
	Note string `json:"note,omitempty"`
}

func searchContentTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:  "nc_search_content",
		Title: "Search inside content",
		Description: "Full-text search inside files, notes, events, tasks, contacts and Deck cards via a local " +
			"index kept fresh. Finds words in document text, which nc_search_unified cannot.",
		Hints: readHints,
	}, func(ctx context.Context, call *Call, in SearchContentInput) (SearchContentOutput, error) {
		after, _ := parseModifiedAfter(in.ModifiedAfter)
		q := index.Query{Text: in.Query, Apps: in.Apps, PathPrefix: in.PathPrefix, ModifiedAfter: after, Limit: in.Limit}
		ans, err := d.Index.Search(ctx, call.Client, q)
		var se *index.SyntaxError
		var fe *index.FolderError
		switch {
		case errors.As(err, &se):
			return SearchContentOutput{}, &InputError{Msg: se.Error()}
		case errors.As(err, &fe):
			return SearchContentOutput{}, &InputError{Msg: fe.Error()}
		case errors.Is(err, index.ErrUnwritable):
			return unifiedFallback(ctx, call, in, err)
		case err != nil:
			return SearchContentOutput{}, about(err, "the content index")
		}
		if ans.Empty && len(ans.Hits) == 0 && len(ans.Pending) == 0 {
			return SearchContentOutput{}, &InputError{Msg: nothingIndexed(ans.Folders)}
		}
		out := SearchContentOutput{Hits: []ContentHit{}, SourcesPending: ans.Pending, Incomplete: ans.Incomplete, Via: "index", Note: strings.Join(ans.Notes, " ")}
		if out.SourcesPending == nil {
			out.SourcesPending = []string{}
		}
		if !ans.FreshAsOf.IsZero() {
			out.IndexFreshAsOf = ans.FreshAsOf.UTC().Format(time.RFC3339)
		}
		me, _ := call.Client.UserID(ctx)
		for _, h := range ans.Hits {
			out.Hits = append(out.Hits, contentHit(h, me))
		}
		if len(out.Hits) == 0 && ans.Empty {
			out.Note = strings.TrimSpace(out.Note + " The index is still empty while its first update runs: call again in a moment.")
		}
		return out, nil
	})
}

// nothingIndexed says how to start when the index holds nothing.
func nothingIndexed(folders []string) string {
	if len(folders) == 0 {
		return "Nothing is indexed yet: no folder is chosen and no notes, events, contacts or cards were found. " +
			"Index a folder with `nextcloud-mcp index add Documents`, or call nc_search_content again with path_prefix \"Documents\" to index that folder"
	}
	return fmt.Sprintf("Nothing is indexed yet although %s is chosen: run `nextcloud-mcp index` to update the index, or check nc_index_status for errors", strings.Join(folders, ", "))
}

// contentHit leaves out the author of the user's own files, which is every
// file but those shared with them.
func contentHit(h index.Hit, me string) ContentHit {
	c := ContentHit{App: h.App, Title: h.Title, Snippet: h.Snippet, OpenWith: h.Open.Tool, OpenArgs: h.Open.Args}
	if h.Author != "" && !strings.EqualFold(h.Author, me) {
		c.Author = h.Author
	}
	if !h.Modified.IsZero() {
		c.Modified = h.Modified.UTC().Format(time.RFC3339)
	}
	switch h.App {
	case index.AppFiles:
		c.Path = h.Key
	case index.AppCalendar:
		c.ID = fmt.Sprint(h.Open.Args["event_uid"])
	case index.AppContacts:
		c.ID = fmt.Sprint(h.Open.Args["uid"])
	case index.AppTasks:
		c.ID = strings.TrimSuffix(path.Base(h.Key), ".ics")
	default:
		c.ID = h.Key
	}
	return c
}

// unifiedFallback answers from Nextcloud's unified search when the local
// index cannot be used (full disk, read-only cache directory), and says so.
func unifiedFallback(ctx context.Context, call *Call, in SearchContentInput, cause error) (SearchContentOutput, error) {
	out := SearchContentOutput{Hits: []ContentHit{}, SourcesPending: []string{}, Incomplete: true, Via: "unified_search",
		Note: fmt.Sprintf("The local index cannot be used (%v), so these results come from Nextcloud's unified search, which matches titles and a few fields rather than full text.", cause)}
	providers := in.Apps
	if len(providers) == 0 {
		ps, err := call.Client.SearchProviders(ctx)
		if err != nil {
			return out, about(err, "the search providers")
		}
		for _, p := range ps {
			if slices.Contains(index.Apps(), p.ID) {
				providers = append(providers, p.ID)
			}
		}
	}
	limit := in.Limit
	if limit <= 0 {
		limit = 10
	}
	for _, oc := range call.Client.SearchMany(ctx, providers, nextcloud.SearchQuery{Term: in.Query, Limit: min(limit, 25)}, nextcloud.SearchManyOptions{}) {
		if oc.Err != nil {
			continue
		}
		for _, e := range oc.Result.Entries {
			if len(out.Hits) >= limit {
				break
			}
			h := ContentHit{App: oc.Provider, Title: e.Title, Snippet: e.Subline, URL: call.Client.AbsoluteURL(e.ResourceURL)}
			if p := e.Attributes["path"]; p != "" && oc.Provider == "files" {
				h.Path = p
				h.OpenWith, h.OpenArgs = "nc_webdav_read_file", map[string]any{"path": strings.TrimPrefix(p, "/")}
			}
			out.Hits = append(out.Hits, h)
		}
	}
	return out, nil
}

// IndexSourceInfo is one source of the index.
type IndexSourceInfo struct {
	Name      string `json:"name"`
	Documents int    `json:"documents"`
	SyncedAt  string `json:"synced_at,omitempty" jsonschema_description:"Changes before this time are indexed."`
	Error     string `json:"error,omitempty"`
}

// IndexSkipInfo counts files left out of the index for one reason.
type IndexSkipInfo struct {
	Kind     string   `json:"kind" jsonschema_description:"too_large, no_text or failed."`
	Count    int      `json:"count"`
	Examples []string `json:"examples,omitempty"`
}

// IndexStatusOutput is the result of nc_index_status.
type IndexStatusOutput struct {
	Path      string            `json:"path"`
	SizeBytes int64             `json:"size_bytes"`
	Folders   []string          `json:"folders" jsonschema_description:"Folders whose files are indexed."`
	Documents map[string]int    `json:"documents" jsonschema_description:"Documents per app."`
	Sources   []IndexSourceInfo `json:"sources"`
	Skipped   []IndexSkipInfo   `json:"skipped"`
	Syncing   bool              `json:"syncing"`
	Progress  string            `json:"progress,omitempty"`
	Note      string            `json:"note,omitempty"`
}

func indexStatusTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_index_status",
		Title:       "Show the search index",
		Description: "Show what the local content index holds: documents per app, folders, last update per source, skipped files.",
		Hints:       readHints,
	}, func(ctx context.Context, call *Call, _ SearchNoInput) (IndexStatusOutput, error) {
		st, err := d.Index.Status(ctx, call.Client)
		if err != nil {
			return IndexStatusOutput{}, about(err, "the content index")
		}
		out := IndexStatusOutput{Path: st.Path, SizeBytes: st.SizeBytes, Folders: st.Folders, Documents: st.Apps,
			Sources: []IndexSourceInfo{}, Skipped: []IndexSkipInfo{}, Syncing: st.Syncing || st.Status.Syncing != "", Note: strings.Join(st.Notes, " ")}
		if out.Folders == nil {
			out.Folders = []string{}
		}
		for _, s := range st.Sources {
			info := IndexSourceInfo{Name: s.Name, Documents: s.Docs, Error: s.Error}
			if !s.SyncedAt.IsZero() {
				info.SyncedAt = s.SyncedAt.UTC().Format(time.RFC3339)
			}
			out.Sources = append(out.Sources, info)
		}
		for _, g := range st.Skipped {
			info := IndexSkipInfo{Kind: g.Kind, Count: g.Count}
			for _, ex := range g.Examples {
				info.Examples = append(info.Examples, ex.Path+": "+ex.Reason)
			}
			out.Skipped = append(out.Skipped, info)
		}
		if st.Syncing && st.Progress.Total > 0 {
			out.Progress = st.Progress.Source + " " + strconv.Itoa(st.Progress.Done) + "/" + strconv.Itoa(st.Progress.Total)
		}
		if len(out.Folders) == 0 {
			out.Note = strings.TrimSpace(out.Note + " No folder is chosen: files are indexed after `nextcloud-mcp index add Documents`.")
		}
		return out, nil
	})
}
