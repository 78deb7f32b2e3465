package index

import (
	"context"
	"testing"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// TestTextFilesAreSearchableBeforeDocuments: a slow document (a PDF whose
// engine is still compiling, here a slow download) does not hold back the
// text files of the same sync: they are committed first, so a search made
// while the sync runs finds them.
func TestTextFilesAreSearchableBeforeDocuments(t *testing.T) {
	if testing.Short() {
		// Its bounds are wall-clock: under the race detector (scripts/race.sh
		// runs -short) PDFium in wazero runs 20-50x slower and they fail for
		// no fault of the code. The full suite runs it.
		t.Skip("timing test: the full go test run covers it; -short is the race run")
	}
	e := newEnv(t, Options{})
	e.putFile("/Docs/slow.pdf", string(ncfake.TextPDF("Annual report of the okapi sanctuary")))
	e.putFile("/Docs/notes.txt", "the wombat burrow needs a new gate")
	e.ix.AddFolder("/Docs")
	const slow = 3 * time.Second
	e.fake.AddFault(ncfake.Fault{Method: "GET", PathPrefix: "/remote.php/dav/files/admin/Docs/slow.pdf", Delay: slow})
	done := make(chan error, 1)
	start := time.Now()
	go func() {
		_, err := e.ix.Sync(context.Background(), e.c, SyncOptions{Sources: []string{SourceFiles}})
		done <- err
	}()
	for {
		hits, err := e.ix.Search(context.Background(), Query{Text: "wombat"})
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) == 1 {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("the text file became searchable only when the sync ended (%v, after %v)", err, time.Since(start))
		case <-time.After(20 * time.Millisecond):
		}
	}
	if waited := time.Since(start); waited >= slow {
		t.Fatalf("the text file took %v, as long as the slow document", waited)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if hits := e.search(Query{Text: "okapi"}); len(hits) != 1 {
		t.Fatalf("the document after the text: %v", keys(hits))
	}
}
