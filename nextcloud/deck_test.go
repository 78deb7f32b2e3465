package nextcloud_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// dtClient starts the fake and returns a client signed in as user.
func dtClient(t *testing.T, fake *ncfake.Server, user, password string) *nextcloud.Client {
	t.Helper()
	ts := fake.Start()
	t.Cleanup(ts.Close)
	c, err := nextcloud.New(nextcloud.Options{BaseURL: ts.URL, Credentials: nextcloud.BasicAuth{User: user, Password: password}, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func dtStr(s string) *string { return &s }
func dtBool(b bool) *bool    { return &b }

func TestDeckBoardsLifecycle(t *testing.T) {
	ctx := context.Background()
	fake := ncfake.New(ncfake.Options{})
	deck := dtClient(t, fake, "admin", "admin-app-password").Deck()

	b, err := deck.CreateBoard(ctx, "Plans", "0082c9")
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Labels) != 4 || b.Owner.UID != "admin" {
		t.Errorf("new board: %+v", b)
	}
	got, notModified, err := deck.Board(ctx, b.ID, "")
	if err != nil || notModified || got.Title != "Plans" || got.ETag == "" {
		t.Fatalf("get board: %+v %v %v", got, notModified, err)
	}
	if _, notModified, err = deck.Board(ctx, b.ID, got.ETag); err != nil || !notModified {
		t.Errorf("If-None-Match with the current etag: notModified=%v err=%v", notModified, err)
	}

	// Archiving alone must keep the title and colour; Deck's PUT wants all three.
	upd, err := deck.UpdateBoard(ctx, b.ID, nextcloud.DeckBoardPatch{Archived: dtBool(true)})
	if err != nil || !upd.Archived || upd.Title != "Plans" || upd.Color != "0082c9" {
		t.Fatalf("archive: %+v %v", upd, err)
	}
	// Renaming must not un-archive (Deck defaults archived to false).
	upd, err = deck.UpdateBoard(ctx, b.ID, nextcloud.DeckBoardPatch{Title: dtStr("Plans 2")})
	if err != nil || !upd.Archived || upd.Title != "Plans 2" {
		t.Fatalf("rename: %+v %v", upd, err)
	}
	if _, notModified, _ = deck.Board(ctx, b.ID, got.ETag); notModified {
		t.Error("an old etag must not give 304 after a change")
	}

	if _, err := deck.DeleteBoard(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	_, _, err = deck.Board(ctx, b.ID, "")
	if !nextcloud.DeckPermissionDenied(err) {
		t.Errorf("deleted board: want Deck's 403 Permission denied, got %v", err)
	}
	boards, err := deck.Boards(ctx, nextcloud.DeckBoardsOptions{})
	if err != nil || len(boards) != 1 || boards[0].DeletedAt == 0 {
		t.Errorf("a deleted board stays listed with deletedAt: %+v %v", boards, err)
	}
}

func TestDeckBoardsModifiedSince(t *testing.T) {
	ctx := context.Background()
	fake := ncfake.New(ncfake.Options{})
	deck := dtClient(t, fake, "admin", "admin-app-password").Deck()
	old := fake.SeedDeckBoard("admin", "Old", "")
	_ = old
	time.Sleep(10 * time.Millisecond)
	boards, err := deck.Boards(ctx, nextcloud.DeckBoardsOptions{})
	if err != nil || len(boards) != 1 {
		t.Fatal(boards, err)
	}
	newer := fake.SeedDeckBoard("admin", "New", "")
	since := time.Unix(boards[0].LastModified+1, 0)

	// The fake answers If-Modified-Since with HTTP 500 like Deck 1.13 on NC 29:
	// the client falls back to the full list, filtered.
	before := len(fake.Requests())
	got, err := deck.Boards(ctx, nextcloud.DeckBoardsOptions{ModifiedSince: since})
	if err != nil || len(got) != 1 || got[0].ID != newer {
		t.Fatalf("fallback filter: %+v %v", got, err)
	}
	reqs := fake.Requests()[before:]
	if len(reqs) != 2 || reqs[0].Header.Get("If-Modified-Since") == "" || reqs[1].Header.Get("If-Modified-Since") != "" {
		t.Errorf("want one request with If-Modified-Since, then one without; got %d requests", len(reqs))
	}

	fake.DeckIfModifiedSinceWorks(true)
	before = len(fake.Requests())
	got, err = deck.Boards(ctx, nextcloud.DeckBoardsOptions{ModifiedSince: since})
	if err != nil || len(got) != 1 || got[0].ID != newer {
		t.Fatalf("server-side filter: %+v %v", got, err)
	}
	if n := len(fake.Requests()) - before; n != 1 {
		t.Errorf("a working If-Modified-Since needs one request, took %d", n)
	}
}

func TestDeckCards(t *testing.T) {
	ctx := context.Background()
	fake := ncfake.New(ncfake.Options{})
	deck := dtClient(t, fake, "admin", "admin-app-password").Deck()
	board := fake.SeedDeckBoard("admin", "Work", "", ncfake.DeckSeedStack{Title: "To do"}, ncfake.DeckSeedStack{Title: "Done"})
	stacks, err := deck.Stacks(ctx, board, nextcloud.DeckStacksOptions{})
	if err != nil || len(stacks) != 2 {
		t.Fatal(stacks, err)
	}
	todo, done := stacks[0].ID, stacks[1].ID

	due, err := nextcloud.DeckDueDate("2026-12-24")
	if err != nil {
		t.Fatal(err)
	}
	c, err := deck.CreateCard(ctx, board, todo, nextcloud.DeckCardInput{Title: "Write", Description: "draft", DueDate: due})
	if err != nil || c.Owner.UID != "admin" || c.DueDate != "2026-12-24T12:00:00+00:00" {
		t.Fatalf("create: %+v %v", c, err)
	}
	c, err = deck.Card(ctx, board, todo, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	etag := c.ETag

	// Changing only the title keeps description and due date (Deck's PUT clears them).
	upd, err := deck.UpdateCard(ctx, board, todo, c.ID, nextcloud.DeckCardPatch{Title: dtStr("Write more"), IfMatch: etag})
	if err != nil || upd.Title != "Write more" || upd.Description != "draft" || upd.DueDate != due {
		t.Fatalf("update title: %+v %v", upd, err)
	}
	// The old etag is now stale.
	_, err = deck.UpdateCard(ctx, board, todo, c.ID, nextcloud.DeckCardPatch{Title: dtStr("x"), IfMatch: etag})
	if !errors.Is(err, nextcloud.ErrPreconditionFailed) {
		t.Errorf("stale etag: want 412, got %v", err)
	}
	// Clearing the due date, marking done.
	upd, err = deck.UpdateCard(ctx, board, todo, c.ID, nextcloud.DeckCardPatch{DueDate: dtStr(""), Done: dtBool(true)})
	if err != nil || upd.DueDate != "" || upd.Done == "" || upd.Description != "draft" {
		t.Fatalf("clear due, done: %+v %v", upd, err)
	}

	// Move to the other stack, then update through the old stack id: the
	// update must not move the card back.
	cards, err := deck.MoveCard(ctx, board, todo, c.ID, done, 0)
	if err != nil || len(cards) != 1 || cards[0].StackID != done {
		t.Fatalf("move: %+v %v", cards, err)
	}
	upd, err = deck.UpdateCard(ctx, board, todo, c.ID, nextcloud.DeckCardPatch{Archived: dtBool(true)})
	if err != nil || upd.StackID != done || !upd.Archived {
		t.Fatalf("archive after move: %+v %v", upd, err)
	}
	archived, err := deck.Stacks(ctx, board, nextcloud.DeckStacksOptions{Archived: true})
	if err != nil || len(archived) != 2 || len(archived[1].Cards) != 1 {
		t.Errorf("archived listing: %+v %v", archived, err)
	}

	// Labels and users.
	l, err := deck.CreateLabel(ctx, board, "urgent", "ff0000")
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := deck.AssignLabel(ctx, board, done, c.ID, l.ID); err != nil {
			t.Fatalf("assign label (twice is harmless): %v", err)
		}
	}
	if _, err := deck.AssignUser(ctx, board, done, c.ID, "alice"); nextcloud.StatusOf(err) != http.StatusBadRequest {
		t.Errorf("alice is not on the board: want 400, got %v", err)
	}
	fake.ShareDeckBoard(board, "alice", true)
	if _, err := deck.AssignUser(ctx, board, done, c.ID, "alice"); err != nil {
		t.Fatal(err)
	}
	got, err := deck.Card(ctx, board, done, c.ID)
	if err != nil || !got.HasLabel(l.ID) || !got.AssignedTo("alice") {
		t.Fatalf("card after assignments: %+v %v", got, err)
	}

	// Comments are OCS.
	first, err := deck.CreateComment(ctx, c.ID, "hello", 0)
	if err != nil {
		t.Fatal(err)
	}
	reply, err := deck.CreateComment(ctx, c.ID, "answer", first.ID)
	if err != nil || reply.ReplyTo == nil || reply.ReplyTo.ID != first.ID {
		t.Fatalf("reply: %+v %v", reply, err)
	}
	if _, err := deck.UpdateComment(ctx, c.ID, first.ID, "hello!"); err != nil {
		t.Fatal(err)
	}
	list, err := deck.Comments(ctx, c.ID, 10, 0)
	if err != nil || len(list) != 2 || list[0].ID != reply.ID || list[1].Message != "hello!" {
		t.Fatalf("comments: %+v %v", list, err)
	}
	if err := deck.DeleteComment(ctx, c.ID, first.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := deck.Comments(ctx, 999999, 0, 0); !nextcloud.DeckPermissionDenied(err) {
		t.Errorf("comments of an unknown card: %v", err)
	}

	if _, err := deck.DeleteCard(ctx, board, done, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := deck.Card(ctx, board, done, c.ID); nextcloud.StatusOf(err) != http.StatusForbidden || !strings.Contains(err.Error(), "Card is deleted") {
		t.Errorf("deleted card: %v", err)
	}
}

func TestDeckArchivedBoardAndMissingApp(t *testing.T) {
	ctx := context.Background()
	fake := ncfake.New(ncfake.Options{})
	deck := dtClient(t, fake, "admin", "admin-app-password").Deck()
	board := fake.SeedDeckBoard("admin", "Old", "", ncfake.DeckSeedStack{Title: "S"})
	stacks, _ := deck.Stacks(ctx, board, nextcloud.DeckStacksOptions{})
	if _, err := deck.UpdateBoard(ctx, board, nextcloud.DeckBoardPatch{Archived: dtBool(true)}); err != nil {
		t.Fatal(err)
	}
	_, err := deck.CreateCard(ctx, board, stacks[0].ID, nextcloud.DeckCardInput{Title: "x"})
	if !errors.Is(err, nextcloud.ErrDeckBoardArchived) {
		t.Errorf("card on archived board: want ErrDeckBoardArchived, got %v", err)
	}

	noDeck := dtClient(t, ncfake.New(ncfake.Options{Apps: []string{"notes"}}), "admin", "admin-app-password").Deck()
	if _, err := noDeck.Boards(ctx, nextcloud.DeckBoardsOptions{}); !errors.Is(err, nextcloud.ErrAppMissing) {
		t.Errorf("no Deck app: want ErrAppMissing, got %v", err)
	}

	alice := dtClient(t, fake, "alice", "alice-app-password").Deck()
	if _, _, err := alice.Board(ctx, board, ""); !nextcloud.DeckPermissionDenied(err) {
		t.Errorf("alice without share: %v", err)
	}
}

func TestDeckDueDateAndColor(t *testing.T) {
	for in, want := range map[string]string{
		"2026-12-24T12:00:00+01:00": "2026-12-24T12:00:00+01:00",
		"2026-12-24T11:00:00Z":      "2026-12-24T11:00:00+00:00",
		"2026-12-24 17:30":          "2026-12-24T17:30:00+00:00",
		"2026-12-24":                "2026-12-24T12:00:00+00:00",
	} {
		if got, err := nextcloud.DeckDueDate(in); err != nil || got != want {
			t.Errorf("DeckDueDate(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"tomorrow", "24.12.2026", ""} {
		if _, err := nextcloud.DeckDueDate(bad); err == nil {
			t.Errorf("DeckDueDate(%q) accepted", bad)
		}
	}
	if c, err := nextcloud.DeckColor("#00FF00"); err != nil || c != "00ff00" {
		t.Errorf("DeckColor(#00FF00) = %q, %v", c, err)
	}
	if _, err := nextcloud.DeckColor("not-a-color"); err == nil {
		t.Error("DeckColor accepted not-a-color")
	}
}
