package nextcloud

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// notesAPI is the Notes app's REST root. Pretty URLs are not guaranteed, so it
// goes through index.php like every app route.
const notesAPI = "/index.php/apps/notes/api/v1"

// notesVersionsHeader is on every answer of the Notes app; a 404 without it
// comes from Nextcloud's router, which means the app is not there.
const notesVersionsHeader = "X-Notes-Api-Versions"

// Note is one note of the Notes app.
type Note struct {
	ID int `json:"id"`
	// ETag is the note's etag as the JSON field carries it (unquoted);
	// UpdateNote quotes it for If-Match.
	ETag     string `json:"etag"`
	Title    string `json:"title"`
	Category string `json:"category"`
	// Content is empty when the listing excluded it.
	Content string `json:"content"`
	// Modified is the last change in Unix seconds.
	Modified int64 `json:"modified"`
	Favorite bool  `json:"favorite"`
	ReadOnly bool  `json:"readonly"`
	// InternalPath is the note's file below the user's files
	// ("/Notes/Work/Plan.md"): a note is a file, and its id the file id.
	InternalPath string `json:"internalPath"`
}

// NotesListOptions select and page the note listing.
type NotesListOptions struct {
	// Category keeps only notes of exactly this category when not nil
	// ("" is the notes without a category).
	Category *string
	// MetadataOnly leaves the content out, which keeps big listings small.
	MetadataOnly bool
	// ChunkSize asks for pages of this many notes; 0 returns all at once.
	ChunkSize int
	// ChunkCursor continues a chunked listing (NotesPage.Cursor of the previous page).
	ChunkCursor string
	// PruneBefore returns only ids for notes not changed since this Unix time.
	PruneBefore int64
}

// NotesPage is one answer of the listing.
type NotesPage struct {
	// Notes are the full notes of this page.
	Notes []Note
	// StubIDs are notes the server named by id only: on the last page every
	// note not in it (so a syncing client can spot deletions), and the notes
	// that PruneBefore left out.
	StubIDs []int
	// Cursor continues the listing; empty on the last page.
	Cursor string
	// Pending is how many notes the following pages still hold.
	Pending int
}

// NoteInput is a new note. Every field is optional: the server names an
// untitled note "New note" and adds " (2)" to a title already taken in the category.
type NoteInput struct {
	Title    string `json:"title,omitempty"`
	Content  string `json:"content"`
	Category string `json:"category,omitempty"`
	Favorite bool   `json:"favorite,omitempty"`
	// Modified sets the modification time (Unix seconds) instead of now.
	Modified int64 `json:"modified,omitempty"`
}

// NoteChanges are the fields an update sets; nil fields stay as they are.
// A new title renames the note's file and a new category moves it.
type NoteChanges struct {
	Title    *string `json:"title,omitempty"`
	Content  *string `json:"content,omitempty"`
	Category *string `json:"category,omitempty"`
	Favorite *bool   `json:"favorite,omitempty"`
}

// NotesSettings are the user's Notes app settings.
type NotesSettings struct {
	NotesPath  string `json:"notesPath,omitempty"`
	FileSuffix string `json:"fileSuffix,omitempty"`
	NoteMode   string `json:"noteMode,omitempty"`
}

// listedNote is a listing entry: a full note, or a stub with only the id.
type listedNote struct {
	Note
	hasTitle bool
}

func (n *listedNote) UnmarshalJSON(b []byte) error {
	if err := json.Unmarshal(b, &n.Note); err != nil {
		return err
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(b, &keys); err != nil {
		return err
	}
	_, n.hasTitle = keys["title"]
	return nil
}

// ListNotesPage fetches one page of the listing.
func (c *Client) ListNotesPage(ctx context.Context, o NotesListOptions) (*NotesPage, error) {
	q := url.Values{}
	if o.Category != nil {
		q.Set("category", *o.Category)
	}
	if o.MetadataOnly {
		q.Set("exclude", "content")
	}
	if o.ChunkSize > 0 {
		q.Set("chunkSize", strconv.Itoa(o.ChunkSize))
		if o.ChunkCursor != "" {
			q.Set("chunkCursor", o.ChunkCursor)
		}
	}
	if o.PruneBefore > 0 {
		q.Set("pruneBefore", strconv.FormatInt(o.PruneBefore, 10))
	}
	resp, body, err := c.notesCall(ctx, http.MethodGet, "/notes", q, nil, nil)
	if err != nil {
		return nil, err
	}
	var entries []listedNote
	if err := json.Unmarshal(body, &entries); err != nil {
		return nil, fmt.Errorf("GET %s/notes: decode listing: %w", notesAPI, err)
	}
	page := &NotesPage{Cursor: resp.Header.Get("X-Notes-Chunk-Cursor")}
	if p := resp.Header.Get("X-Notes-Chunk-Pending"); p != "" {
		page.Pending, _ = strconv.Atoi(p)
	}
	for _, e := range entries {
		if e.hasTitle {
			page.Notes = append(page.Notes, e.Note)
		} else {
			page.StubIDs = append(page.StubIDs, e.ID)
		}
	}
	return page, nil
}

// EachNotesPage walks a chunked listing page by page until fn returns false,
// an error, or the last page. ChunkSize defaults to 100.
func (c *Client) EachNotesPage(ctx context.Context, o NotesListOptions, fn func(*NotesPage) (bool, error)) error {
	if o.ChunkSize <= 0 {
		o.ChunkSize = 100
	}
	seen := map[string]bool{}
	for {
		page, err := c.ListNotesPage(ctx, o)
		if err != nil {
			return err
		}
		more, err := fn(page)
		if err != nil || !more || page.Cursor == "" {
			return err
		}
		// A cursor that does not advance would loop forever; the server
		// restarts at page 1 for a cursor it cannot parse.
		if seen[page.Cursor] {
			return fmt.Errorf("GET %s/notes: the server repeated chunk cursor %q", notesAPI, page.Cursor)
		}
		seen[page.Cursor] = true
		o.ChunkCursor = page.Cursor
	}
}

// ListNotes returns every note, fetched in chunks.
func (c *Client) ListNotes(ctx context.Context, o NotesListOptions) ([]Note, error) {
	var all []Note
	err := c.EachNotesPage(ctx, o, func(p *NotesPage) (bool, error) {
		all = append(all, p.Notes...)
		return true, nil
	})
	return all, err
}

// GetNote returns one note with its content.
func (c *Client) GetNote(ctx context.Context, id int) (*Note, error) {
	_, body, err := c.notesCall(ctx, http.MethodGet, "/notes/"+strconv.Itoa(id), nil, nil, nil)
	if err != nil {
		return nil, err
	}
	return decodeNote(http.MethodGet, id, body)
}

// CreateNote creates a note. The answer's title can differ from the input's
// when the title was taken.
func (c *Client) CreateNote(ctx context.Context, in NoteInput) (*Note, error) {
	_, body, err := c.notesCall(ctx, http.MethodPost, "/notes", nil, nil, in)
	if err != nil {
		return nil, err
	}
	return decodeNote(http.MethodPost, 0, body)
}

// UpdateNote changes a note. With an etag the update only happens if the
// note still has it; otherwise it fails with an *Error that matches
// ErrPreconditionFailed and carries the note's current etag. An empty etag
// updates unconditionally.
func (c *Client) UpdateNote(ctx context.Context, id int, etag string, ch NoteChanges) (*Note, error) {
	h := http.Header{}
	if etag != "" {
		// Notes compares If-Match with the quoted etag; the bare value always fails.
		h.Set("If-Match", QuoteETag(etag))
	}
	_, body, err := c.notesCall(ctx, http.MethodPut, "/notes/"+strconv.Itoa(id), nil, h, ch)
	if err != nil {
		return nil, err
	}
	return decodeNote(http.MethodPut, id, body)
}

// DeleteNote deletes a note.
func (c *Client) DeleteNote(ctx context.Context, id int) error {
	_, _, err := c.notesCall(ctx, http.MethodDelete, "/notes/"+strconv.Itoa(id), nil, nil, nil)
	return err
}

// NotesSettings returns the user's Notes settings.
func (c *Client) NotesSettings(ctx context.Context) (*NotesSettings, error) {
	_, body, err := c.notesCall(ctx, http.MethodGet, "/settings", nil, nil, nil)
	if err != nil {
		return nil, err
	}
	var s NotesSettings
	if err := json.Unmarshal(body, &s); err != nil {
		return nil, fmt.Errorf("GET %s/settings: decode: %w", notesAPI, err)
	}
	return &s, nil
}

// UpdateNotesSettings changes the non-empty fields and returns the result.
func (c *Client) UpdateNotesSettings(ctx context.Context, s NotesSettings) (*NotesSettings, error) {
	_, body, err := c.notesCall(ctx, http.MethodPut, "/settings", nil, nil, s)
	if err != nil {
		return nil, err
	}
	var out NotesSettings
	if err := json.Unmarshal(body, &out); err != nil {
		return nil, fmt.Errorf("PUT %s/settings: decode: %w", notesAPI, err)
	}
	return &out, nil
}

func decodeNote(method string, id int, body []byte) (*Note, error) {
	var n Note
	if err := json.Unmarshal(body, &n); err != nil {
		return nil, fmt.Errorf("%s note %d: decode: %w", method, id, err)
	}
	return &n, nil
}

// notesCall sends one Notes request. It takes 404 and 412 itself because
// their bodies matter: a 404 without the Notes header means the app is
// missing, and a 412 body is the current note, whose etag the caller needs.
func (c *Client) notesCall(ctx context.Context, method, path string, q url.Values, h http.Header, in any) (*http.Response, []byte, error) {
	if h == nil {
		h = http.Header{}
	}
	h.Set("Accept", "application/json")
	r := &Request{
		Method: method, Path: notesAPI + path, Query: q, Header: h, API: APIApp,
		OK: []int{http.StatusOK, http.StatusNotFound, http.StatusPreconditionFailed},
	}
	if in != nil {
		if err := r.setJSON(in); err != nil {
			return nil, nil, err
		}
	}
	resp, body, err := c.Call(ctx, r)
	if err != nil {
		return nil, nil, err
	}
	switch resp.StatusCode {
	case http.StatusNotFound:
		e := &Error{Method: method, Path: r.Path, Status: http.StatusNotFound}
		if resp.Header.Get(notesVersionsHeader) == "" {
			return nil, nil, fmt.Errorf("the Notes app is not installed or enabled on %s: %w (%w)", c.base.Host, ErrAppMissing, e)
		}
		var nf struct {
			ErrorType string `json:"errorType"`
		}
		if json.Unmarshal(bytes.TrimSpace(body), &nf) == nil {
			e.Exception = nf.ErrorType
		}
		return nil, nil, e
	case http.StatusPreconditionFailed:
		e := &Error{Method: method, Path: r.Path, Status: http.StatusPreconditionFailed}
		var current Note
		if json.Unmarshal(body, &current) == nil {
			e.ETag = current.ETag
		}
		return nil, nil, e
	}
	return resp, body, nil
}
