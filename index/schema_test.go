package index

import (
	"context"
	"strings"
	"testing"
)

// An index written by an older release (another schema version) is a
// cache: it is rebuilt empty with a notice, never read with the wrong
// columns, and the next sync fills it again.
func TestOlderSchemaIsRebuilt(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := context.Background()
	e.putFile("/Docs/a.txt", "aardvark")
	e.ix.AddFolder("Docs")
	e.sync(SourceFiles)
	db, err := e.ix.handle(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, "PRAGMA user_version = 1"); err != nil {
		t.Fatal(err)
	}
	if err := e.ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix, err := Open(ctx, e.dir, Options{Extractor: testExtractor(t)})
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	t.Cleanup(func() { ix.Close() })
	if n := ix.Notice(); !strings.Contains(n, "schema version 1") || !strings.Contains(n, "rebuilt empty") {
		t.Errorf("notice %q", n)
	}
	e.ix = ix
	if c := e.count(SourceFiles); c != 0 {
		t.Errorf("%d documents kept from the old index", c)
	}
	e.ix.AddFolder("Docs")
	e.sync(SourceFiles)
	if hits := e.search(Query{Text: "aardvark"}); len(hits) != 1 || hits[0].Author != "admin" {
		t.Errorf("after the rebuild: %+v", hits)
	}
}
