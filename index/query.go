package index

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// BM25 column weights (title, body, meta): a word in a title or file name
// counts ten times one in the body; folder, category, calendar and board
// names sit between. Chosen on the labelled query set (docs/search.md).
// They are stored in each index as FTS5's rank function: changing them
// needs a schemaVersion bump so existing indexes are rebuilt.
const (
	weightTitle = 10.0
	weightBody  = 1.0
	weightMeta  = 3.0
)

// Query is a search.
type Query struct {
	// Text is plain words (all must match; when too few documents have all,
	// documents with some follow) or FTS5 syntax: "a phrase", prefix*, OR,
	// NOT, NEAR(a b), title:word.
	Text string
	// Apps keeps only these apps (see Apps); empty is all.
	Apps []string
	// PathPrefix keeps only files at or below this folder.
	PathPrefix    string
	ModifiedAfter time.Time
	// Limit is the number of hits, default 10.
	Limit int

	// mode picks the tokenizers (benchmarks compare them); zero is the default.
	mode searchMode
}

type searchMode int

const (
	modeWordsThenTrigram searchMode = iota // unicode61, then trigram for what words miss
	modeWordsOnly
	modeTrigramOnly
)

// Hit is one found document.
type Hit struct {
	App   string
	Title string
	// Key is the path for files, otherwise the app's id of the object.
	Key      string
	Modified time.Time
	// Snippet is a short excerpt with the matched terms in **bold**.
	Snippet string
	Open    OpenRef
	// Author wrote the text when it may be someone else: a file's owner
	// (user id) or an event's organiser (mailto: address); empty when the
	// app has no author (the user's own notes, contacts, cards).
	Author string
	// Substring is true when the hit matched only inside a word (trigram).
	Substring bool
}

// SyntaxError is a query FTS5 cannot parse.
type SyntaxError struct {
	Query   string
	Reason  string
	Example string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("the query %q is not valid search syntax (%s): try %s, or use plain words, \"an exact phrase\", prefix*, OR and NOT", e.Query, e.Reason, e.Example)
}

// Search finds documents. A malformed query is a *SyntaxError.
func (ix *Index) Search(ctx context.Context, q Query) ([]Hit, error) {
	db, err := ix.handle(ctx)
	if err != nil {
		return nil, err
	}
	text := strings.TrimSpace(q.Text)
	if text == "" {
		return nil, errors.New("the query is empty: give a word or two to search for")
	}
	if q.Limit <= 0 {
		q.Limit = 10
	}
	filter, args := q.filterSQL()
	var hits []Hit
	seen := map[int64]bool{}
	add := func(hs []Hit, ids []int64) {
		for i, h := range hs {
			if len(hits) >= q.Limit {
				return
			}
			if !seen[ids[i]] {
				seen[ids[i]] = true
				hits = append(hits, h)
			}
		}
	}
	tokens, advanced := plainTokens(text)
	if advanced {
		hs, ids, err := ix.matchWords(ctx, db, text, filter, args, q.Limit)
		if err != nil {
			if isFTSSyntax(err) {
				return nil, &SyntaxError{Query: text, Reason: ftsReason(err), Example: correctedExample(text)}
			}
			return nil, ix.readError(ctx, err)
		}
		add(hs, ids)
		return hits, nil
	}
	if len(tokens) == 0 {
		return nil, &SyntaxError{Query: text, Reason: "it has no words", Example: `"budget 2026"`}
	}
	if q.mode != modeTrigramOnly {
		hs, ids, err := ix.matchWords(ctx, db, quoteAll(tokens, " "), filter, args, q.Limit)
		if err != nil {
			return nil, ix.readError(ctx, err)
		}
		add(hs, ids)
		if len(hits) < q.Limit && len(tokens) > 1 {
			hs, ids, err := ix.matchWords(ctx, db, quoteAll(tokens, " OR "), filter, args, q.Limit)
			if err != nil {
				return nil, ix.readError(ctx, err)
			}
			add(hs, ids)
		}
	}
	if len(hits) < q.Limit && q.mode != modeWordsOnly && (len(tokens) == 1 || q.mode == modeTrigramOnly || slices.ContainsFunc(tokens, hasCJK)) {
		var long []string
		for _, t := range tokens {
			if substringWorthy(t) {
				long = append(long, t)
			}
		}
		if len(long) > 0 {
			hs, ids, err := ix.matchTrigram(ctx, db, long, filter, args, q.Limit+len(hits))
			if err != nil {
				return nil, ix.readError(ctx, err)
			}
			add(hs, ids)
		}
	}
	return hits, nil
}

// readError turns a damaged file into a rebuild and says so.
func (ix *Index) readError(ctx context.Context, err error) error {
	if isCorrupt(err) {
		if rerr := ix.rebuild(ctx, err); rerr != nil {
			return fmt.Errorf("the search index %s is damaged and could not be rebuilt: %w", ix.path, rerr)
		}
		return fmt.Errorf("the search index %s was damaged and has been rebuilt empty (%w); it fills again with the next sync", ix.path, err)
	}
	return fmt.Errorf("search the index %s: %w", ix.path, err)
}

func (q Query) filterSQL() (string, []any) {
	var b strings.Builder
	var args []any
	apps := q.Apps
	if q.PathPrefix != "" && len(apps) == 0 {
		apps = []string{AppFiles}
	}
	if len(apps) > 0 {
		b.WriteString(" AND d.app IN (" + strings.TrimSuffix(strings.Repeat("?,", len(apps)), ",") + ")")
		for _, a := range apps {
			args = append(args, a)
		}
	}
	if q.PathPrefix != "" {
		p, err := CleanFolder(q.PathPrefix)
		if err == nil && p != "/" {
			b.WriteString(" AND (d.app != 'files' OR d.key = ? OR substr(d.key, 1, ?) = ?)")
			args = append(args, p, len(p)+1, p+"/")
		}
	}
	if !q.ModifiedAfter.IsZero() {
		b.WriteString(" AND d.modified >= ?")
		args = append(args, q.ModifiedAfter.Unix())
	}
	return b.String(), args
}

// matchWords ranks with FTS5's rank (BM25 with the column weights, set
// in the schema): FTS5 returns rows best first, so the LIMIT ends the scan
// and snippets are made only for the rows returned.
func (ix *Index) matchWords(ctx context.Context, db *sql.DB, match, filter string, args []any, limit int) ([]Hit, []int64, error) {
	query := `SELECT d.id, d.app, d.key, d.title, d.modified, d.open, d.author,
  snippet(fts_words, -1, '**', '**', '…', 14)
FROM fts_words CROSS JOIN docs d ON d.id = fts_words.rowid
WHERE fts_words MATCH ?` + filter + `
ORDER BY rank LIMIT ?`
	all := append(append([]any{match}, args...), limit)
	return scanHits(ctx, db, query, all, false)
}

func (ix *Index) matchTrigram(ctx context.Context, db *sql.DB, tokens []string, filter string, args []any, limit int) ([]Hit, []int64, error) {
	query := `SELECT d.id, d.app, d.key, d.title, d.modified, d.open, d.author, ''
FROM fts_tri CROSS JOIN docs d ON d.id = fts_tri.rowid
WHERE fts_tri MATCH ?` + filter + `
ORDER BY rank LIMIT ?`
	all := append(append([]any{quoteAll(tokens, " ")}, args...), limit)
	hits, ids, err := scanHits(ctx, db, query, all, true)
	if err != nil {
		return nil, nil, err
	}
	for i := range hits {
		var title, body string
		if err := db.QueryRowContext(ctx, "SELECT title, body FROM fts_words WHERE rowid = ?", ids[i]).Scan(&title, &body); err == nil {
			hits[i].Snippet = substringSnippet(body, title, tokens)
		}
	}
	return hits, ids, nil
}

func scanHits(ctx context.Context, db *sql.DB, query string, args []any, substring bool) ([]Hit, []int64, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var hits []Hit
	var ids []int64
	for rows.Next() {
		var h Hit
		var id, mod int64
		var open string
		if err := rows.Scan(&id, &h.App, &h.Key, &h.Title, &mod, &open, &h.Author, &h.Snippet); err != nil {
			return nil, nil, err
		}
		if mod > 0 {
			h.Modified = time.Unix(mod, 0).UTC()
		}
		_ = json.Unmarshal([]byte(open), &h.Open)
		h.Snippet = tidySnippet(h.Snippet)
		h.Substring = substring
		hits = append(hits, h)
		ids = append(ids, id)
	}
	return hits, ids, rows.Err()
}

// plainTokens splits a query into words. advanced is true when the text
// uses FTS5 syntax, which is then passed through as written.
func plainTokens(text string) (tokens []string, advanced bool) {
	if strings.ContainsAny(text, "\"*():^{}") {
		return nil, true
	}
	for _, f := range strings.Fields(text) {
		switch f {
		case "AND", "OR", "NOT", "NEAR":
			return nil, true
		}
		t := strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
		if t != "" {
			tokens = append(tokens, t)
		}
	}
	return tokens, false
}

// quoteAll makes each token an FTS5 string, so punctuation inside a word
// ("e-mail", "v1.2") is a phrase rather than syntax.
func quoteAll(tokens []string, sep string) string {
	q := make([]string, len(tokens))
	for i, t := range tokens {
		q[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"`
	}
	return strings.Join(q, sep)
}

func isFTSSyntax(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "fts5: syntax error") || strings.Contains(msg, "unterminated string") ||
		strings.Contains(msg, "no such column") || strings.Contains(msg, "fts5:")
}

func ftsReason(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "fts5: "); i >= 0 {
		return msg[i+len("fts5: "):]
	}
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		return msg[i+2:]
	}
	return msg
}

// correctedExample keeps the query's words and drops the syntax around
// them: what the user most likely meant.
func correctedExample(text string) string {
	var words []string
	for _, f := range strings.FieldsFunc(text, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune("\"*():^{}", r)
	}) {
		switch f {
		case "AND", "OR", "NOT", "NEAR":
			continue
		}
		words = append(words, f)
	}
	if len(words) == 0 {
		return `"budget 2026"`
	}
	return `"` + strings.Join(words, " ") + `"`
}

// tidySnippet puts a snippet on one line.
func tidySnippet(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// substringSnippet cuts a window around the first place a token occurs
// inside a word, for trigram hits, which FTS5 cannot excerpt.
func substringSnippet(body, title string, tokens []string) string {
	for _, src := range []string{body, title} {
		lower := strings.ToLower(src)
		for _, t := range tokens {
			i := strings.Index(lower, strings.ToLower(t))
			if i < 0 || len(lower) != len(src) {
				continue
			}
			start := max(0, i-60)
			for start > 0 && !utf8.RuneStart(src[start]) {
				start--
			}
			end := min(len(src), i+len(t)+60)
			for end < len(src) && !utf8.RuneStart(src[end]) {
				end++
			}
			s := src[start:i] + "**" + src[i:i+len(t)] + "**" + src[i+len(t):end]
			if start > 0 {
				s = "…" + s
			}
			if end < len(src) {
				s += "…"
			}
			return tidySnippet(s)
		}
	}
	return tidySnippet(clip(body, 160))
}

// substringWorthy: trigrams need three characters; a Latin fragment of
// three matches nearly everything (and costs a scan of it), so it takes
// four there, while three CJK characters already make a word.
func substringWorthy(t string) bool {
	n := utf8.RuneCountInString(t)
	return n >= 4 || (n == 3 && hasCJK(t))
}

// validApp reports whether a is an app name the index knows.
func validApp(a string) bool { return slices.Contains(Apps(), a) }

// CheckApps refuses unknown app names with the list of known ones.
func CheckApps(apps []string) error {
	for _, a := range apps {
		if !validApp(a) {
			return fmt.Errorf("unknown app %q: choose from %s", a, strings.Join(Apps(), ", "))
		}
	}
	return nil
}
