package tools

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// notesToolset is the Notes app.
func notesToolset(d *Deps) *Toolset {
	return &Toolset{
		Name:        "notes",
		Description: "Nextcloud Notes: list, read, search, create, update and delete notes.",
		Available:   hasApp("notes"),
		Tools: []Tool{
			notesListTool(d),
			notesGetTool(d),
			notesSearchTool(d),
			notesCreateTool(d),
			notesUpdateTool(d),
			notesAppendTool(d),
			notesDeleteTool(d),
		},
		Templates: []server.ServerResourceTemplate{notesResourceTemplate(d)},
	}
}

// notesPageSize is the chunk size for walking the listing: big enough to
// need few requests, small enough that one answer stays modest.
const notesPageSize = 100

// NoteSummary is a note without its content.
type NoteSummary struct {
	ID       int    `json:"id" jsonschema_description:"Note id, for the other note tools."`
	Title    string `json:"title" jsonschema_description:"Note title."`
	Category string `json:"category,omitempty" jsonschema_description:"Category (folder) of the note."`
	// Modified is RFC 3339 in UTC.
	Modified string `json:"modified" jsonschema_description:"When it was last changed (RFC 3339, UTC)."`
	ETag     string `json:"etag" jsonschema_description:"Pass back to update or delete so a concurrent change is refused instead of overwritten."`
	Favorite bool   `json:"favorite,omitempty" jsonschema_description:"True when starred."`
}

// NoteFull is a note with its content.
type NoteFull struct {
	NoteSummary
	ReadOnly bool   `json:"readonly,omitempty" jsonschema_description:"True when this account may not change the note."`
	Content  string `json:"content" jsonschema_description:"The note's Markdown text."`
	// Path is the note's file, for the files tools (versions, sharing).
	Path string `json:"path,omitempty" jsonschema_description:"The note's file, for the files tools."`
}

func summarize(n *nextcloud.Note) NoteSummary {
	return NoteSummary{ID: n.ID, Title: n.Title, Category: n.Category, Modified: unixRFC3339(n.Modified), ETag: n.ETag, Favorite: n.Favorite}
}

func unixRFC3339(sec int64) string {
	if sec == 0 {
		return ""
	}
	return time.Unix(sec, 0).UTC().Format(time.RFC3339)
}

// --- list ---

// NotesListInput are the arguments of nc_notes_list_notes.
type NotesListInput struct {
	Category string `json:"category,omitempty" jsonschema:"exactly this category"`
	Limit    int    `json:"limit,omitempty" jsonschema:"default 50, max 500"`
}

// Validate implements the input check.
func (in *NotesListInput) Validate() error {
	if in.Limit < 0 || in.Limit > 500 {
		return inputErrorf("limit must be between 1 and 500, got %d", in.Limit)
	}
	return nil
}

// NotesListOutput is the result of nc_notes_list_notes.
type NotesListOutput struct {
	Notes []NoteSummary `json:"notes" jsonschema_description:"Notes, without their content (read one with nc_notes_get_note)."`
	// Total is how many notes matched before the limit.
	Total     int  `json:"total" jsonschema_description:"How many matched in all, before the limit."`
	Truncated bool `json:"truncated,omitempty" jsonschema_description:"True when more matched than are listed; narrow the query or raise the limit."`
}

func notesListTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:  "nc_notes_list_notes",
		Title: "List notes",
		Description: "List notes newest first without content: " +
			"id, title, category, modified, etag.",
		Hints: readHints,
	}, func(ctx context.Context, call *Call, in NotesListInput) (NotesListOutput, error) {
		o := nextcloud.NotesListOptions{MetadataOnly: true, ChunkSize: notesPageSize}
		what := "the notes"
		if in.Category != "" {
			o.Category = &in.Category
			what = fmt.Sprintf("the notes in category %q", in.Category)
		}
		notes, err := call.Client.ListNotes(ctx, o)
		if err != nil {
			return NotesListOutput{}, about(err, "%s", what)
		}
		sortNewestFirst(notes)
		limit := cmpOr(in.Limit, 50)
		out := NotesListOutput{Notes: []NoteSummary{}, Total: len(notes)}
		for i := range notes {
			if len(out.Notes) == limit {
				out.Truncated = true
				break
			}
			out.Notes = append(out.Notes, summarize(&notes[i]))
		}
		return out, nil
	})
}

func sortNewestFirst(notes []nextcloud.Note) {
	slices.SortStableFunc(notes, func(a, b nextcloud.Note) int {
		if a.Modified != b.Modified {
			return int(b.Modified - a.Modified)
		}
		return b.ID - a.ID
	})
}

func cmpOr(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// --- get ---

// NoteIDInput names one note.
type NoteIDInput struct {
	NoteID int `json:"note_id"`
}

// Validate implements the input check.
func (in *NoteIDInput) Validate() error {
	if in.NoteID <= 0 {
		return inputErrorf("note_id must be a positive note id, got %d: list the notes to find it", in.NoteID)
	}
	return nil
}

func notesGetTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_notes_get_note",
		Title:       "Read a note",
		Description: "Read one note's markdown with its etag.",
		Hints:       readHints,
	}, func(ctx context.Context, call *Call, in NoteIDInput) (NoteFull, error) {
		n, err := call.Client.GetNote(ctx, in.NoteID)
		if err != nil {
			return NoteFull{}, about(err, "note %d", in.NoteID)
		}
		return NoteFull{NoteSummary: summarize(n), ReadOnly: n.ReadOnly, Content: n.Content, Path: n.InternalPath}, nil
	})
}

// --- create ---

// NotesCreateInput are the arguments of nc_notes_create_note.
type NotesCreateInput struct {
	Title    string `json:"title"`
	Content  string `json:"content"`
	Category string `json:"category,omitempty" jsonschema:"folder, e.g. Work/Projects"`
}

// Validate implements the input check.
func (in *NotesCreateInput) Validate() error {
	if strings.TrimSpace(in.Title) == "" {
		return inputErrorf("title must not be empty: give the note a title")
	}
	return nil
}

func notesCreateTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_notes_create_note",
		Title:       "Create a note",
		Description: "Create a note; Nextcloud adds \" (2)\" to a title already taken.",
		Hints:       createHints,
	}, func(ctx context.Context, call *Call, in NotesCreateInput) (NoteSummary, error) {
		n, err := call.Client.CreateNote(ctx, nextcloud.NoteInput{Title: in.Title, Content: in.Content, Category: in.Category})
		if err != nil {
			return NoteSummary{}, about(err, "the new note %q", in.Title)
		}
		return summarize(n), nil
	})
}

// --- update ---

// NotesUpdateInput are the arguments of nc_notes_update_note.
type NotesUpdateInput struct {
	NoteID   int     `json:"note_id"`
	ETag     string  `json:"etag"`
	Title    *string `json:"title,omitempty"`
	Content  *string `json:"content,omitempty" jsonschema:"replaces the whole body"`
	Category *string `json:"category,omitempty" jsonschema:"moves the note"`
}

// Validate implements the input check.
func (in *NotesUpdateInput) Validate() error {
	if in.NoteID <= 0 {
		return inputErrorf("note_id must be a positive note id, got %d", in.NoteID)
	}
	if strings.Trim(in.ETag, `" `) == "" {
		return inputErrorf("etag is required: read the note with nc_notes_get_note and pass its etag, so no one else's change is overwritten")
	}
	if in.Title == nil && in.Content == nil && in.Category == nil {
		return inputErrorf("nothing to change: pass at least one of title, content or category")
	}
	if in.Title != nil && strings.TrimSpace(*in.Title) == "" {
		return inputErrorf("title must not be empty; leave it out to keep the current title")
	}
	return nil
}

func notesUpdateTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:  "nc_notes_update_note",
		Title: "Update a note",
		Description: "Change a note's title, content (replaced whole) or category. " +
			"To add at the end prefer nc_notes_append_content.",
		Hints: updateHints,
	}, func(ctx context.Context, call *Call, in NotesUpdateInput) (NoteSummary, error) {
		n, err := call.Client.UpdateNote(ctx, in.NoteID, in.ETag, nextcloud.NoteChanges{Title: in.Title, Content: in.Content, Category: in.Category})
		if err != nil {
			return NoteSummary{}, about(err, "note %d", in.NoteID)
		}
		return summarize(n), nil
	})
}

// --- append ---

// NotesAppendInput are the arguments of nc_notes_append_content.
type NotesAppendInput struct {
	NoteID  int    `json:"note_id"`
	Content string `json:"content" jsonschema:"markdown, added on a new line"`
}

// Validate implements the input check.
func (in *NotesAppendInput) Validate() error {
	if in.NoteID <= 0 {
		return inputErrorf("note_id must be a positive note id, got %d", in.NoteID)
	}
	if in.Content == "" {
		return inputErrorf("content is empty: pass the text to append")
	}
	return nil
}

// NotesAppendOutput is the result of nc_notes_append_content.
type NotesAppendOutput struct {
	NoteSummary
	// Length is the note's content length in characters after the append.
	Length int `json:"length" jsonschema_description:"Length of the content in characters after the append."`
}

func notesAppendTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:  "nc_notes_append_content",
		Title: "Append to a note",
		Description: "Add text at the end of a note without replacing " +
			"it (safe against concurrent changes).",
		Hints: Hints{},
	}, func(ctx context.Context, call *Call, in NotesAppendInput) (NotesAppendOutput, error) {
		var lastErr error
		for attempt := 0; attempt < 2; attempt++ {
			cur, err := call.Client.GetNote(ctx, in.NoteID)
			if err != nil {
				return NotesAppendOutput{}, about(err, "note %d", in.NoteID)
			}
			content := appendText(cur.Content, in.Content)
			n, err := call.Client.UpdateNote(ctx, in.NoteID, cur.ETag, nextcloud.NoteChanges{Content: &content})
			if err == nil {
				return NotesAppendOutput{NoteSummary: summarize(n), Length: len([]rune(n.Content))}, nil
			}
			if !errors.Is(err, nextcloud.ErrPreconditionFailed) {
				return NotesAppendOutput{}, about(err, "note %d", in.NoteID)
			}
			lastErr = err
		}
		return NotesAppendOutput{}, about(lastErr, "note %d", in.NoteID)
	})
}

// appendText puts addition on its own line after existing.
func appendText(existing, addition string) string {
	if existing == "" || strings.HasSuffix(existing, "\n") {
		return existing + addition
	}
	return existing + "\n" + addition
}

// --- search ---

// NotesSearchInput are the arguments of nc_notes_search_notes.
type NotesSearchInput struct {
	Query string `json:"query"`
	Limit int    `json:"limit,omitempty" jsonschema:"default 10, max 50"`
}

// Validate implements the input check.
func (in *NotesSearchInput) Validate() error {
	if len(searchTerms(in.Query)) == 0 {
		return inputErrorf("query is empty: pass one or more words to search for")
	}
	if in.Limit < 0 || in.Limit > 50 {
		return inputErrorf("limit must be between 1 and 50, got %d", in.Limit)
	}
	return nil
}

// NoteHit is one search result.
type NoteHit struct {
	ID       int    `json:"id" jsonschema_description:"Note id."`
	Title    string `json:"title" jsonschema_description:"Note title."`
	Category string `json:"category,omitempty" jsonschema_description:"Category (folder) of the note."`
	// Snippet is a short piece of the content around the first match.
	Snippet string `json:"snippet" jsonschema_description:"Text around the first match."`
	Path    string `json:"path,omitempty" jsonschema_description:"The note's file."`
}

// NotesSearchOutput is the result of nc_notes_search_notes.
type NotesSearchOutput struct {
	Results []NoteHit `json:"results" jsonschema_description:"Matching notes, best first."`
	// Matches is how many notes matched before the limit.
	Matches int `json:"matches" jsonschema_description:"How many notes matched before the limit."`
}

func notesSearchTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:  "nc_notes_search_notes",
		Title: "Search notes",
		Description: "Find notes by words in title or content, " +
			"best first, with a snippet.",
		Hints: readHints,
	}, func(ctx context.Context, call *Call, in NotesSearchInput) (NotesSearchOutput, error) {
		terms := searchTerms(in.Query)
		var scored []scoredNote
		seen := 0
		err := call.Client.EachNotesPage(ctx, nextcloud.NotesListOptions{ChunkSize: notesPageSize}, func(p *nextcloud.NotesPage) (bool, error) {
			for _, n := range p.Notes {
				if s := scoreNote(n, terms); s.titleHits+s.contentHits > 0 {
					scored = append(scored, s)
				}
			}
			seen += len(p.Notes)
			call.Progress(ctx, float64(seen), float64(seen+p.Pending), "searching notes")
			return true, nil
		})
		if err != nil {
			return NotesSearchOutput{}, about(err, "the notes")
		}
		slices.SortStableFunc(scored, func(a, b scoredNote) int {
			if a.titleHits != b.titleHits {
				return b.titleHits - a.titleHits
			}
			if a.contentHits != b.contentHits {
				return b.contentHits - a.contentHits
			}
			return int(b.note.Modified - a.note.Modified)
		})
		out := NotesSearchOutput{Results: []NoteHit{}, Matches: len(scored)}
		for _, s := range scored[:min(len(scored), cmpOr(in.Limit, 10))] {
			out.Results = append(out.Results, NoteHit{ID: s.note.ID, Title: s.note.Title, Category: s.note.Category, Snippet: s.snippet, Path: s.note.InternalPath})
		}
		return out, nil
	})
}

func searchTerms(q string) []string {
	var terms []string
	for _, f := range strings.Fields(lowerRunes(q)) {
		if !slices.Contains(terms, f) {
			terms = append(terms, f)
		}
	}
	return terms
}

type scoredNote struct {
	note        nextcloud.Note
	titleHits   int
	contentHits int
	snippet     string
}

func scoreNote(n nextcloud.Note, terms []string) scoredNote {
	s := scoredNote{note: n}
	title, content := lowerRunes(n.Title), lowerRunes(n.Content)
	first := -1
	firstLen := 0
	for _, t := range terms {
		s.titleHits += strings.Count(title, t)
		s.contentHits += strings.Count(content, t)
		if i := strings.Index(content, t); i >= 0 && (first < 0 || i < first) {
			first, firstLen = i, len(t)
		}
	}
	s.snippet = snippetAround(n.Content, content, first, firstLen)
	return s
}

// lowerRunes lower-cases rune by rune, so byte offsets in the result map to
// the same rune positions as in the original.
func lowerRunes(s string) string {
	return strings.Map(unicode.ToLower, s)
}

// snippetAround cuts a short window of original around the match at byte
// offset at of its lower-cased form (the start of the note when at < 0).
func snippetAround(original, lowered string, at, length int) string {
	const before, after = 40, 100
	runes := []rune(original)
	start := 0
	matchRunes := 0
	if at >= 0 {
		start = len([]rune(lowered[:at]))
		matchRunes = len([]rune(lowered[at : at+length]))
	}
	from := max(0, start-before)
	to := min(len(runes), start+matchRunes+after)
	if at < 0 {
		to = min(len(runes), before+after)
	}
	s := strings.Join(strings.Fields(string(runes[from:to])), " ")
	if from > 0 {
		s = "…" + s
	}
	if to < len(runes) {
		s += "…"
	}
	return s
}

// --- delete ---

// NotesDeleteOutput is the result of nc_notes_delete_note.
type NotesDeleteOutput struct {
	ID      int  `json:"id" jsonschema_description:"Id of the deleted note."`
	Deleted bool `json:"deleted" jsonschema_description:"True when it was deleted."`
}

func notesDeleteTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_notes_delete_note",
		Title:       "Delete a note",
		Description: "Delete a note (restorable from the trash bin when that app is on).",
		Hints:       deleteHints,
	}, func(ctx context.Context, call *Call, in NoteIDInput) (NotesDeleteOutput, error) {
		if err := call.Client.DeleteNote(ctx, in.NoteID); err != nil {
			return NotesDeleteOutput{}, about(err, "note %d", in.NoteID)
		}
		return NotesDeleteOutput{ID: in.NoteID, Deleted: true}, nil
	})
}

// --- resource ---

func notesResourceTemplate(d *Deps) server.ServerResourceTemplate {
	return server.ServerResourceTemplate{
		Template: mcp.NewResourceTemplate("nc://notes/{note_id}", "Nextcloud note",
			mcp.WithTemplateDescription("The markdown content of one note, by its numeric id."),
			mcp.WithTemplateMIMEType("text/markdown")),
		Handler: func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
			id, err := templateInt(req.Params.Arguments["note_id"])
			if err != nil {
				return nil, fmt.Errorf("%s is not a note URI: use nc://notes/<numeric id>", req.Params.URI)
			}
			c, err := d.Factory.Client(ctx)
			if err != nil {
				return nil, fmt.Errorf("%s", Explain(err))
			}
			n, err := c.GetNote(ctx, id)
			if err != nil {
				return nil, fmt.Errorf("%s", Explain(about(err, "note %d", id)))
			}
			return []mcp.ResourceContents{noteResource(ctx, d, c, req.Params.URI, n)}, nil
		},
	}
}

// templateInt reads a URI template variable, which mcp-go hands over as a
// string list.
func templateInt(v any) (int, error) {
	switch t := v.(type) {
	case []string:
		if len(t) == 1 {
			return strconv.Atoi(t[0])
		}
	case string:
		return strconv.Atoi(t)
	}
	return 0, fmt.Errorf("not a single value: %v", v)
}
