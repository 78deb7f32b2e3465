package index

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"
	"unicode"
	"unicode/utf8"
)

// Apps a document can belong to; the apps filter of a search uses these.
const (
	AppFiles    = "files"
	AppNotes    = "notes"
	AppCalendar = "calendar"
	AppTasks    = "tasks"
	AppContacts = "contacts"
	AppDeck     = "deck"
)

// Apps lists every app, in the order status shows them.
func Apps() []string {
	return []string{AppFiles, AppNotes, AppCalendar, AppTasks, AppContacts, AppDeck}
}

// OpenRef names the tool (and its arguments) that opens a hit.
type OpenRef struct {
	Tool string         `json:"tool"`
	Args map[string]any `json:"args"`
}

// doc is one indexed object as a source hands it over.
type doc struct {
	Source string
	App    string
	// Key is unique within the source: a file path, a note id, an object href, a card id.
	Key string
	// Parent groups documents for deletion: a folder, a collection href, a board id.
	Parent string
	// Title is shown; TitleText is what is indexed as the title (the
	// title plus, for a file, the document's own title).
	Title     string
	TitleText string
	Body      string
	// Meta is indexed with middle weight: folder, category, calendar, board.
	Meta     string
	Modified time.Time
	ETag     string
	FileID   int64
	Open     OpenRef
	// Author wrote the text, when someone other than the user may have: a
	// file's owner (user id), an event's organiser (mailto: address).
	Author string
}

// clip cuts s to at most n bytes on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// putDoc inserts or replaces a document and its text.
func (ix *Index) putDoc(ctx context.Context, tx *sql.Tx, d doc) error {
	d.Body = clip(d.Body, ix.opts.MaxTextBytes)
	titleText := d.TitleText
	if titleText == "" {
		titleText = d.Title
	}
	open, err := json.Marshal(d.Open)
	if err != nil {
		return err
	}
	var mod int64
	if !d.Modified.IsZero() {
		mod = d.Modified.Unix()
	}
	var id int64
	err = tx.QueryRowContext(ctx, "SELECT id FROM docs WHERE source = ? AND key = ?", d.Source, d.Key).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		res, err := tx.ExecContext(ctx, `INSERT INTO docs(source, app, key, parent, title, modified, etag, fileid, bytes, open, author) VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
			d.Source, d.App, d.Key, d.Parent, d.Title, mod, d.ETag, d.FileID, len(d.Body), string(open), d.Author)
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
	case err != nil:
		return err
	default:
		if _, err := tx.ExecContext(ctx, `UPDATE docs SET app = ?, parent = ?, title = ?, modified = ?, etag = ?, fileid = ?, bytes = ?, open = ?, author = ? WHERE id = ?`,
			d.App, d.Parent, d.Title, mod, d.ETag, d.FileID, len(d.Body), string(open), d.Author, id); err != nil {
			return err
		}
		if err := deleteText(ctx, tx, id); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO fts_words(rowid, title, body, meta) VALUES (?,?,?,?)", id, titleText, d.Body, d.Meta); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, "INSERT INTO fts_tri(rowid, title, body, meta) VALUES (?,?,?,?)", id, titleText, ix.trigramText(d.Body), d.Meta)
	return err
}

func deleteText(ctx context.Context, tx *sql.Tx, id int64) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM fts_words WHERE rowid = ?", id); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, "DELETE FROM fts_tri WHERE rowid = ?", id)
	return err
}

// deleteDoc removes one document (the trigger removes its text).
func deleteDoc(ctx context.Context, tx *sql.Tx, source, key string) error {
	_, err := tx.ExecContext(ctx, "DELETE FROM docs WHERE source = ? AND key = ?", source, key)
	return err
}

// storedDoc is what the sync compares against the server.
type storedDoc struct {
	ID     int64
	Key    string
	Parent string
	ETag   string
	FileID int64
}

// docsOf returns the stored documents of a source keyed by key, optionally
// only those with one parent.
func (ix *Index) docsOf(ctx context.Context, source string, parent *string) (map[string]storedDoc, error) {
	db, err := ix.handle(ctx)
	if err != nil {
		return nil, err
	}
	q := "SELECT id, key, parent, etag, fileid FROM docs WHERE source = ?"
	args := []any{source}
	if parent != nil {
		q += " AND parent = ?"
		args = append(args, *parent)
	}
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]storedDoc{}
	for rows.Next() {
		var d storedDoc
		if err := rows.Scan(&d.ID, &d.Key, &d.Parent, &d.ETag, &d.FileID); err != nil {
			return nil, err
		}
		out[d.Key] = d
	}
	return out, rows.Err()
}

// sourceState reads a source's saved cursor into v (left alone when none).
func (ix *Index) sourceState(ctx context.Context, source string, v any) error {
	db, err := ix.handle(ctx)
	if err != nil {
		return err
	}
	var s string
	err = db.QueryRowContext(ctx, "SELECT state FROM sources WHERE name = ?", source).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) || s == "" {
		return nil
	}
	if err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(s), v); err != nil {
		ix.opts.Logger.Warn("discarding unreadable sync state", "source", source, "err", err)
	}
	return nil
}

// saveState stores a source's cursor inside tx, so it commits together with
// the documents it covers.
func saveState(ctx context.Context, tx *sql.Tx, source string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO sources(name, state) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET state = excluded.state`, source, string(b))
	return err
}

// mustJSON encodes a value that always encodes (maps of plain values).
func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// hasCJK reports Han, Hiragana, Katakana or Hangul text: scripts written
// without spaces, which unicode61 cannot split into words.
func hasCJK(s string) bool {
	for _, r := range s {
		if isCJK(r) {
			return true
		}
	}
	return false
}

func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}
