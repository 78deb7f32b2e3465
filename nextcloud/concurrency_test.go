package nextcloud_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// One client is shared by every tool call of a session, and the assistant
// may fire calls in parallel. Run under -race, this catches shared state in
// the client (principal, capabilities, DAV homes) or the fake that is
// touched without its lock.
func TestClientIsSafeForConcurrentUse(t *testing.T) {
	ctx := context.Background()
	_, c := filesClient(t)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			steps := []func() error{
				func() error { _, err := c.Capabilities(ctx); return err },
				func() error {
					_, err := c.WriteFile(ctx, fmt.Sprintf("c%d.txt", i), []byte("x"), nextcloud.WriteOptions{CreateOnly: true})
					return err
				},
				func() error { _, _, err := c.ListDir(ctx, "/"); return err },
				func() error {
					_, err := c.CreateNote(ctx, nextcloud.NoteInput{Title: fmt.Sprintf("n%d", i), Content: "x"})
					return err
				},
				func() error { _, err := c.ListNotes(ctx, nextcloud.NotesListOptions{}); return err },
				func() error { _, err := c.Deck().CreateBoard(ctx, fmt.Sprintf("b%d", i), "0082c9"); return err },
				func() error { _, err := c.Deck().Boards(ctx, nextcloud.DeckBoardsOptions{}); return err },
				func() error { _, err := c.Calendars(ctx); return err },
				func() error { _, err := c.AddressBooks(ctx); return err },
				func() error { _, err := c.Conversations(ctx); return err },
			}
			for n, step := range steps {
				if err := step(); err != nil {
					errs <- fmt.Errorf("worker %d step %d: %w", i, n, err)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	notes, err := c.ListNotes(ctx, nextcloud.NotesListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) < 6 {
		t.Errorf("%d notes after 6 parallel creates", len(notes))
	}
}
