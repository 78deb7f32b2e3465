package index

import (
	"context"
	"database/sql"
	"fmt"
)

// weights are the BM25 column weights (title, body, meta) as FTS5's rank
// function, so ORDER BY rank lets FTS5 hand rows over best first and a
// LIMIT stops the work (snippets are made for the returned rows only).
var weights = fmt.Sprintf("%g, %g, %g", weightTitle, weightBody, weightMeta)

// schemaVersion is PRAGMA user_version of a current index. The index is a
// cache: a file of another version is rebuilt, never migrated.
const schemaVersion = 2

// schema creates an index. Two FTS5 tables hold the same text: fts_words
// (unicode61, diacritics folded, the default and the one that ranks and
// gives snippets) and fts_tri (trigram, contentless, for substrings and CJK;
// see docs/search.md for the measurement behind this). Deleting a docs row
// deletes its text from both through the trigger, so no path can leave
// text behind.
func schema(trigramBody TrigramBody) string {
	triBody := trigramBody.String()
	return `
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
INSERT INTO meta(key, value) VALUES ('trigram_body', '` + triBody + `');
CREATE TABLE lease(id INTEGER PRIMARY KEY CHECK (id = 1), owner TEXT NOT NULL DEFAULT '', expires INTEGER NOT NULL DEFAULT 0);
INSERT INTO lease(id) VALUES (1);
CREATE TABLE sources(
  name TEXT PRIMARY KEY,
  state TEXT NOT NULL DEFAULT '',
  synced_at INTEGER NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE TABLE docs(
  id INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  app TEXT NOT NULL,
  key TEXT NOT NULL,
  parent TEXT NOT NULL DEFAULT '',
  title TEXT NOT NULL DEFAULT '',
  modified INTEGER NOT NULL DEFAULT 0,
  etag TEXT NOT NULL DEFAULT '',
  fileid INTEGER NOT NULL DEFAULT 0,
  bytes INTEGER NOT NULL DEFAULT 0,
  open TEXT NOT NULL DEFAULT '',
  author TEXT NOT NULL DEFAULT '',
  UNIQUE(source, key)
);
CREATE INDEX docs_parent ON docs(source, parent);
CREATE INDEX docs_fileid ON docs(fileid) WHERE fileid != 0;
CREATE TABLE folders(path TEXT PRIMARY KEY, etag TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE skipped(
  source TEXT NOT NULL,
  key TEXT NOT NULL,
  parent TEXT NOT NULL DEFAULT '',
  etag TEXT NOT NULL DEFAULT '',
  fileid INTEGER NOT NULL DEFAULT 0,
  size INTEGER NOT NULL DEFAULT 0,
  kind TEXT NOT NULL,
  reason TEXT NOT NULL,
  PRIMARY KEY(source, key)
) WITHOUT ROWID;
CREATE INDEX skipped_parent ON skipped(source, parent);
CREATE VIRTUAL TABLE fts_words USING fts5(title, body, meta, tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO fts_words(fts_words, rank) VALUES ('rank', 'bm25(` + weights + `)');
CREATE VIRTUAL TABLE fts_tri USING fts5(title, body, meta, content = '', contentless_delete = 1, tokenize = 'trigram remove_diacritics 1');
INSERT INTO fts_tri(fts_tri, rank) VALUES ('rank', 'bm25(` + weights + `)');
CREATE TRIGGER docs_delete AFTER DELETE ON docs BEGIN
  DELETE FROM fts_words WHERE rowid = old.id;
  DELETE FROM fts_tri WHERE rowid = old.id;
END;
PRAGMA user_version = ` + fmt.Sprint(schemaVersion) + `;
`
}

// migrate creates the schema in an empty file and refuses any other
// version (the caller then rebuilds). Reading user_version is also the
// first real read, so a file that is not a database fails here.
func migrate(ctx context.Context, db *sql.DB, o Options) error {
	var v int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("read the index version: %w", err)
	}
	if v == schemaVersion {
		var n int
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM lease").Scan(&n); err != nil {
			return fmt.Errorf("%w: %w", errSchema, err)
		}
		return nil
	}
	if v != 0 {
		return fmt.Errorf("%w: schema version %d, this nextcloud-mcp uses %d", errSchema, v, schemaVersion)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("create the index: %w", err)
	}
	defer tx.Rollback()
	// Another process may have created it while this one waited for the lock.
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("read the index version: %w", err)
	}
	if v == schemaVersion {
		return nil
	}
	var tables int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&tables); err != nil {
		return fmt.Errorf("read the index schema: %w", err)
	}
	if v != 0 || tables != 0 {
		return fmt.Errorf("%w: the file holds other tables", errSchema)
	}
	if _, err := tx.ExecContext(ctx, schema(o.TrigramBody)); err != nil {
		return fmt.Errorf("create the index: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("create the index: %w", err)
	}
	return nil
}
