package tools

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// collectivesToolset: Nextcloud Collectives, team wikis of markdown pages.
// The app publishes no capability; its unified search provider tells that
// it is there.
func collectivesToolset(d *Deps) *Toolset {
	return &Toolset{
		Name:        "collectives",
		Description: "Nextcloud Collectives: team wikis of markdown pages.",
		Available:   hasSearchProvider("collectives"),
		Tools: []Tool{
			collectivesListTool(d), collectivesListPagesTool(d), collectivesReadPageTool(d),
			collectivesCreatePageTool(d), collectivesUpdatePageTool(d), collectivesSearchTool(d),
		},
	}
}

// collectivesPageCap is the largest page content returned or written.
const collectivesPageCap = 512 << 10

type collectiveOut struct {
	ID      int    `json:"id"`
	Name    string `json:"name"`
	Emoji   string `json:"emoji,omitempty"`
	CanEdit bool   `json:"can_edit"`
}

// collectivePageOut is a page. LastEditor is who wrote its current text.
type collectivePageOut struct {
	ID         int    `json:"id" jsonschema_description:"Page id."`
	Title      string `json:"title"`
	Path       string `json:"path" jsonschema_description:"Titles from the top, like Onboarding/First week."`
	ParentID   int    `json:"parent_id,omitempty"`
	LastEditor string `json:"last_editor" jsonschema_description:"User id of who last edited the page."`
	Modified   string `json:"modified,omitempty"`
	Size       int64  `json:"size"`
	Subpages   int    `json:"subpages,omitempty"`
}

// collectivePages indexes a collective's pages for path names.
type collectivePages struct {
	list []nextcloud.CollectivePage
	byID map[int]*nextcloud.CollectivePage
}

func newCollectivePages(list []nextcloud.CollectivePage) *collectivePages {
	p := &collectivePages{list: list, byID: map[int]*nextcloud.CollectivePage{}}
	for i := range list {
		p.byID[list[i].ID] = &p.list[i]
	}
	return p
}

// path is the page's titles from below the landing page down; the landing page is "".
func (p *collectivePages) path(pg *nextcloud.CollectivePage) string {
	var parts []string
	for q := pg; q != nil && q.ParentID != 0; q = p.byID[q.ParentID] {
		parts = append([]string{q.Title}, parts...)
	}
	return strings.Join(parts, "/")
}

func (p *collectivePages) out(pg *nextcloud.CollectivePage) collectivePageOut {
	title := pg.Title
	path := p.path(pg)
	if pg.ParentID == 0 {
		path = ""
	}
	return collectivePageOut{ID: pg.ID, Title: title, Path: path, ParentID: pg.ParentID, LastEditor: pg.LastUserID,
		Modified: unixRFC3339(pg.Timestamp), Size: pg.Size, Subpages: len(pg.SubpageOrder)}
}

// find resolves a page by id, path ("Onboarding/First week") or title;
// "" or "/" is the landing page.
func (p *collectivePages) find(spec string) (*nextcloud.CollectivePage, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" || spec == "/" {
		for i := range p.list {
			if p.list[i].ParentID == 0 {
				return &p.list[i], nil
			}
		}
	}
	if id, err := strconv.Atoi(spec); err == nil {
		if pg := p.byID[id]; pg != nil {
			return pg, nil
		}
	}
	clean := strings.Trim(spec, "/")
	var byTitle []*nextcloud.CollectivePage
	for i := range p.list {
		pg := &p.list[i]
		if strings.EqualFold(p.path(pg), clean) {
			return pg, nil
		}
		if strings.EqualFold(pg.Title, clean) {
			byTitle = append(byTitle, pg)
		}
	}
	switch len(byTitle) {
	case 0:
		return nil, inputErrorf("No page %q: see the pages with nc_collectives_list_pages", spec)
	case 1:
		return byTitle[0], nil
	}
	var paths []string
	for _, pg := range byTitle {
		paths = append(paths, fmt.Sprintf("%q (id %d)", p.path(pg), pg.ID))
	}
	return nil, inputErrorf("Several pages are titled %q: pass the path or id of one of %s", spec, strings.Join(paths, ", "))
}

// collectivesResolve finds a collective by id or name.
func collectivesResolve(ctx context.Context, api *nextcloud.CollectivesAPI, spec string) (nextcloud.Collective, error) {
	list, err := api.List(ctx)
	if err != nil {
		return nextcloud.Collective{}, collectivesErr(err, "the collective list")
	}
	spec = strings.TrimSpace(spec)
	id, numErr := strconv.Atoi(spec)
	var names []string
	for _, c := range list {
		if (numErr == nil && c.ID == id) || strings.EqualFold(c.Name, spec) {
			return c, nil
		}
		names = append(names, strconv.Quote(c.Name))
	}
	if len(names) == 0 {
		return nextcloud.Collective{}, inputErrorf("You are not a member of any collective")
	}
	return nextcloud.Collective{}, inputErrorf("No collective %q among yours: %s", spec, strings.Join(names, ", "))
}

func collectivesErr(err error, format string, a ...any) error {
	if errors.Is(err, nextcloud.ErrCollectiveNotFound) {
		return inputErrorf("%s: the collective does not exist or you are not a member (the app says \"Circle not found\" for both); see nc_collectives_list", capitalize(fmt.Sprintf(format, a...)))
	}
	return about(err, format, a...)
}

// collectivesPagesOf loads a collective's pages.
func collectivesPagesOf(ctx context.Context, api *nextcloud.CollectivesAPI, c nextcloud.Collective) (*collectivePages, error) {
	list, err := api.Pages(ctx, c.ID)
	if err != nil {
		return nil, collectivesErr(err, "the pages of collective %q", c.Name)
	}
	return newCollectivePages(list), nil
}

type collectivesListOut struct {
	Collectives []collectiveOut `json:"collectives"`
}

func collectivesListTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_collectives_list",
		Title:       "List collectives",
		Description: "List the collectives (team wikis) the user is a member of.",
		Hints:       readHints,
	}, func(ctx context.Context, call *Call, _ struct{}) (collectivesListOut, error) {
		list, err := call.Client.Collectives().List(ctx)
		if err != nil {
			return collectivesListOut{}, collectivesErr(err, "the collective list")
		}
		out := collectivesListOut{Collectives: []collectiveOut{}}
		for _, c := range list {
			out.Collectives = append(out.Collectives, collectiveOut{ID: c.ID, Name: c.Name, Emoji: c.Emoji, CanEdit: c.CanEdit})
		}
		return out, nil
	})
}

type collectivesIn struct {
	Collective string `json:"collective"`
}

func (in *collectivesIn) Validate() error {
	if strings.TrimSpace(in.Collective) == "" {
		return inputErrorf("collective is required: a name or id from nc_collectives_list")
	}
	return nil
}

type collectivesPagesOut struct {
	Collective collectiveOut       `json:"collective"`
	Pages      []collectivePageOut `json:"pages" jsonschema_description:"Every page, the landing page (path \"\") first."`
}

func collectivesListPagesTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_collectives_list_pages",
		Title:       "List collective pages",
		Description: "List every page of a collective with ids, paths and who last edited each.",
		Hints:       readHints,
	}, func(ctx context.Context, call *Call, in collectivesIn) (collectivesPagesOut, error) {
		api := call.Client.Collectives()
		c, err := collectivesResolve(ctx, api, in.Collective)
		if err != nil {
			return collectivesPagesOut{}, err
		}
		pages, err := collectivesPagesOf(ctx, api, c)
		if err != nil {
			return collectivesPagesOut{}, err
		}
		out := collectivesPagesOut{Collective: collectiveOut{ID: c.ID, Name: c.Name, Emoji: c.Emoji, CanEdit: c.CanEdit}, Pages: []collectivePageOut{}}
		for i := range pages.list {
			out.Pages = append(out.Pages, pages.out(&pages.list[i]))
		}
		return out, nil
	})
}

type collectivesPageIn struct {
	Collective string `json:"collective"`
	Page       string `json:"page" jsonschema:"id, path or title"`
}

func (in *collectivesPageIn) Validate() error {
	if strings.TrimSpace(in.Collective) == "" {
		return inputErrorf("collective is required: a name or id from nc_collectives_list")
	}
	return nil
}

type collectivesPageContentOut struct {
	Collective string            `json:"collective"`
	Page       collectivePageOut `json:"page"`
	Content    string            `json:"content" jsonschema_description:"The page's markdown."`
	ETag       string            `json:"etag" jsonschema_description:"Pass to nc_collectives_update_page."`
}

// collectivesLocate resolves collective and page.
func collectivesLocate(ctx context.Context, api *nextcloud.CollectivesAPI, collective, page string) (nextcloud.Collective, *collectivePages, *nextcloud.CollectivePage, error) {
	c, err := collectivesResolve(ctx, api, collective)
	if err != nil {
		return c, nil, nil, err
	}
	pages, err := collectivesPagesOf(ctx, api, c)
	if err != nil {
		return c, nil, nil, err
	}
	pg, err := pages.find(page)
	return c, pages, pg, err
}

func collectivesReadPageTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_collectives_read_page",
		Title:       "Read a collective page",
		Description: "Read a page's markdown with its etag and who last edited it. An empty page means the landing page.",
		Hints:       readHints,
	}, func(ctx context.Context, call *Call, in collectivesPageIn) (collectivesPageContentOut, error) {
		api := call.Client.Collectives()
		c, pages, pg, err := collectivesLocate(ctx, api, in.Collective, in.Page)
		if err != nil {
			return collectivesPageContentOut{}, err
		}
		fp, err := pg.FilesPath()
		if err != nil {
			return collectivesPageContentOut{}, inputErrorf("%v", err)
		}
		fc, err := call.Client.ReadFile(ctx, fp, nextcloud.ReadOptions{MaxBytes: collectivesPageCap})
		if err != nil {
			return collectivesPageContentOut{}, about(err, "page %q", pg.Title)
		}
		defer fc.Body.Close()
		data, err := io.ReadAll(fc.Body)
		if errors.Is(err, nextcloud.ErrTooLarge) {
			return collectivesPageContentOut{}, inputErrorf("Page %q is larger than %d bytes: read its file %q with nc_webdav_read_file in windows", pg.Title, collectivesPageCap, fp)
		}
		if err != nil {
			return collectivesPageContentOut{}, about(err, "page %q", pg.Title)
		}
		if !utf8.Valid(data) {
			return collectivesPageContentOut{}, inputErrorf("Page %q is not UTF-8 text", pg.Title)
		}
		return collectivesPageContentOut{Collective: c.Name, Page: pages.out(pg), Content: string(data), ETag: nextcloud.ShortETag(fc.ETag)}, nil
	})
}

type collectivesCreatePageIn struct {
	Collective string `json:"collective"`
	Title      string `json:"title"`
	Parent     string `json:"parent,omitempty" jsonschema:"page id, path or title"`
	Content    string `json:"content,omitempty"`
}

func (in *collectivesCreatePageIn) Validate() error {
	if strings.TrimSpace(in.Collective) == "" {
		return inputErrorf("collective is required: a name or id from nc_collectives_list")
	}
	if strings.TrimSpace(in.Title) == "" {
		return inputErrorf("title is required")
	}
	if len(in.Content) > collectivesPageCap {
		return inputErrorf("content is more than %d bytes", collectivesPageCap)
	}
	return nil
}

type collectivesWrittenOut struct {
	Collective string            `json:"collective"`
	Page       collectivePageOut `json:"page"`
	ETag       string            `json:"etag" jsonschema_description:"The content's new etag."`
}

func collectivesCreatePageTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_collectives_create_page",
		Title:       "Create a collective page",
		Description: "Add a page to a collective, at the top or below a parent page. A title already taken is renamed, like \"Notes (2)\".",
		Hints:       createHints,
	}, func(ctx context.Context, call *Call, in collectivesCreatePageIn) (collectivesWrittenOut, error) {
		api := call.Client.Collectives()
		c, pages, parent, err := collectivesLocate(ctx, api, in.Collective, in.Parent)
		if err != nil {
			return collectivesWrittenOut{}, err
		}
		pg, err := api.CreatePage(ctx, c.ID, parent.ID, strings.TrimSpace(in.Title))
		if err != nil {
			return collectivesWrittenOut{}, collectivesErr(err, "new page %q in %q", in.Title, c.Name)
		}
		pages.list = append(pages.list, *pg)
		pages = newCollectivePages(pages.list)
		fp, err := pg.FilesPath()
		if err != nil {
			return collectivesWrittenOut{}, err
		}
		st, err := call.Client.Stat(ctx, fp)
		if err != nil {
			return collectivesWrittenOut{}, about(err, "the file of new page %q", pg.Title)
		}
		etag := st.ETag
		if in.Content != "" {
			if etag, pg, err = collectivesWrite(ctx, call.Client, api, c, pg, in.Content, st.ETag); err != nil {
				return collectivesWrittenOut{}, err
			}
		}
		return collectivesWrittenOut{Collective: c.Name, Page: pages.out(pg), ETag: nextcloud.ShortETag(etag)}, nil
	})
}

// collectivesWrite stores the content if the file still has etag, then
// records the user as the page's last editor (the app does not notice a
// WebDAV write by itself, collectives/14).
func collectivesWrite(ctx context.Context, c *nextcloud.Client, api *nextcloud.CollectivesAPI, col nextcloud.Collective, pg *nextcloud.CollectivePage, content, etag string) (string, *nextcloud.CollectivePage, error) {
	fp, err := pg.FilesPath()
	if err != nil {
		return "", nil, inputErrorf("%v", err)
	}
	wr, err := c.WriteFile(ctx, fp, []byte(content), nextcloud.WriteOptions{IfMatch: etag, ContentType: "text/markdown"})
	if err != nil {
		if errors.Is(err, nextcloud.ErrPreconditionFailed) {
			return "", nil, inputErrorf("Page %q changed since it was read: nothing was written; read it again with nc_collectives_read_page and merge with the new text", pg.Title)
		}
		return "", nil, about(err, "page %q", pg.Title)
	}
	touched, err := api.Touch(ctx, col.ID, pg.ID)
	if err != nil {
		return "", nil, collectivesErr(err, "page %q (its text was saved)", pg.Title)
	}
	return wr.ETag, touched, nil
}

type collectivesUpdatePageIn struct {
	Collective string `json:"collective"`
	Page       string `json:"page" jsonschema:"id, path or title"`
	Content    string `json:"content"`
	ETag       string `json:"etag,omitempty"`
}

func (in *collectivesUpdatePageIn) Validate() error {
	if strings.TrimSpace(in.Collective) == "" {
		return inputErrorf("collective is required: a name or id from nc_collectives_list")
	}
	if len(in.Content) > collectivesPageCap {
		return inputErrorf("content is more than %d bytes", collectivesPageCap)
	}
	return nil
}

func collectivesUpdatePageTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_collectives_update_page",
		Title:       "Update a collective page",
		Description: "Replace a page's markdown; pass the etag from nc_collectives_read_page.",
		Hints:       updateHints,
	}, func(ctx context.Context, call *Call, in collectivesUpdatePageIn) (collectivesWrittenOut, error) {
		api := call.Client.Collectives()
		c, pages, pg, err := collectivesLocate(ctx, api, in.Collective, in.Page)
		if err != nil {
			return collectivesWrittenOut{}, err
		}
		etag := strings.TrimSpace(in.ETag)
		if etag == "" {
			fp, err := pg.FilesPath()
			if err != nil {
				return collectivesWrittenOut{}, inputErrorf("%v", err)
			}
			st, err := call.Client.Stat(ctx, fp)
			if err != nil {
				return collectivesWrittenOut{}, about(err, "page %q", pg.Title)
			}
			// Without an etag only an empty page may be written: there is
			// nothing on it anyone could lose.
			if st.Size > 0 {
				return collectivesWrittenOut{}, inputErrorf("Page %q has text (last edited by %s): read it with nc_collectives_read_page and pass its etag, so no one's change is overwritten", pg.Title, pg.LastUserID)
			}
			etag = st.ETag
		}
		newTag, touched, err := collectivesWrite(ctx, call.Client, api, c, pg, in.Content, etag)
		if err != nil {
			return collectivesWrittenOut{}, err
		}
		return collectivesWrittenOut{Collective: c.Name, Page: pages.out(touched), ETag: nextcloud.ShortETag(newTag)}, nil
	})
}

type collectivesSearchIn struct {
	Query      string `json:"query"`
	Collective string `json:"collective,omitempty"`
}

func (in *collectivesSearchIn) Validate() error {
	if strings.TrimSpace(in.Query) == "" {
		return inputErrorf("query is required")
	}
	return nil
}

type collectivesHit struct {
	Collective string            `json:"collective"`
	Page       collectivePageOut `json:"page"`
	// Match says where the words were found: title, content or both.
	Match string `json:"match" jsonschema_description:"title, content, or title+content."`
}

type collectivesSearchOut struct {
	Hits []collectivesHit `json:"hits"`
}

func collectivesSearchTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_collectives_search",
		Title:       "Search collective pages",
		Description: "Find collective pages by title and by text. Text search uses the app's index, which may lag recent edits.",
		Hints:       readHints,
	}, func(ctx context.Context, call *Call, in collectivesSearchIn) (collectivesSearchOut, error) {
		api := call.Client.Collectives()
		var cols []nextcloud.Collective
		if strings.TrimSpace(in.Collective) != "" {
			c, err := collectivesResolve(ctx, api, in.Collective)
			if err != nil {
				return collectivesSearchOut{}, err
			}
			cols = []nextcloud.Collective{c}
		} else {
			list, err := api.List(ctx)
			if err != nil {
				return collectivesSearchOut{}, collectivesErr(err, "the collective list")
			}
			cols = list
		}
		words := strings.Fields(strings.ToLower(in.Query))
		out := collectivesSearchOut{Hits: []collectivesHit{}}
		for i, c := range cols {
			call.Progress(ctx, float64(i), float64(len(cols)), "searching "+c.Name)
			pages, err := collectivesPagesOf(ctx, api, c)
			if err != nil {
				return collectivesSearchOut{}, err
			}
			found, err := api.Search(ctx, c.ID, in.Query)
			if err != nil {
				return collectivesSearchOut{}, collectivesErr(err, "the search in %q", c.Name)
			}
			inText := map[int]bool{}
			for _, f := range found {
				inText[f.ID] = true
			}
			for j := range pages.list {
				pg := &pages.list[j]
				title := strings.ToLower(pages.path(pg))
				inTitle := len(words) > 0
				for _, w := range words {
					inTitle = inTitle && strings.Contains(title, w)
				}
				match := ""
				switch {
				case inTitle && inText[pg.ID]:
					match = "title+content"
				case inTitle:
					match = "title"
				case inText[pg.ID]:
					match = "content"
				default:
					continue
				}
				out.Hits = append(out.Hits, collectivesHit{Collective: c.Name, Page: pages.out(pg), Match: match})
			}
		}
		return out, nil
	})
}
