package tools

import (
	"slices"
	"strings"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// mustContain fails the test unless s holds every part.
func dtContains(t *testing.T, what, s string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(s, p) {
			t.Errorf("%s: %q does not contain %q", what, s, p)
		}
	}
}

// dtFresh zeroes *p before a result is decoded into it: omitted (empty)
// fields would otherwise keep the previous call's values.
func dtFresh[T any](p *T) *T {
	var zero T
	*p = zero
	return p
}

func TestDeckToolsBoardsAndStacks(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	var board deckBoardDetail
	h.ok("nc_deck_create_board", map[string]any{"title": "Launch", "color": "#FF0000"}, dtFresh(&board))
	if board.ID == 0 || board.Color != "ff0000" || len(board.Labels) != 4 || board.Owner != "admin" {
		t.Fatalf("created board: %+v", board)
	}
	dtContains(t, "bad colour", h.fails("nc_deck_create_board", map[string]any{"title": "x", "color": "red"}), "six hex digits")
	dtContains(t, "blank title", h.fails("nc_deck_create_board", map[string]any{"title": " "}), "title must not be empty")

	var todo, done deckStackBrief
	h.ok("nc_deck_create_stack", map[string]any{"board_id": board.ID, "title": "To do"}, dtFresh(&todo))
	h.ok("nc_deck_create_stack", map[string]any{"board_id": board.ID, "title": "Done"}, dtFresh(&done))
	if todo.Order != 0 || done.Order != 1 {
		t.Errorf("stacks are appended in order: %+v %+v", todo, done)
	}
	var renamed deckStackBrief
	h.ok("nc_deck_update_stack", map[string]any{"board_id": board.ID, "stack_id": done.ID, "title": "Finished"}, dtFresh(&renamed))
	if renamed.Title != "Finished" || renamed.Order != 1 {
		t.Errorf("rename keeps the order: %+v", renamed)
	}

	var got deckBoardDetail
	h.ok("nc_deck_get_board", map[string]any{"board_id": board.ID}, dtFresh(&got))
	if len(got.Stacks) != 2 || got.Stacks[1].Title != "Finished" || !slices.Equal(got.Members, []string{"admin"}) {
		t.Fatalf("board details: %+v", got)
	}
	var same deckBoardDetail
	h.ok("nc_deck_get_board", map[string]any{"board_id": board.ID, "etag": got.ETag}, dtFresh(&same))
	if !same.NotModified {
		t.Errorf("unchanged board with its etag: %+v", same)
	}

	var list deckListBoardsOut
	h.ok("nc_deck_list_boards", nil, dtFresh(&list))
	if len(list.Boards) != 1 || list.Boards[0].ID != board.ID || !list.Boards[0].CanEdit {
		t.Fatalf("list: %+v", list)
	}

	// Archived boards refuse new cards; the error says how to fix it.
	h.ok("nc_deck_update_board", map[string]any{"board_id": board.ID, "archived": true}, dtFresh(&got))
	if !got.Archived || got.Title != "Launch" {
		t.Fatalf("archive board: %+v", got)
	}
	dtContains(t, "card on archived board", h.fails("nc_deck_create_card", map[string]any{"board_id": board.ID, "stack_id": todo.ID, "title": "x"}),
		"archived board", "archived=false")
	h.ok("nc_deck_list_boards", nil, dtFresh(&list))
	if len(list.Boards) != 0 {
		t.Errorf("archived boards are hidden by default: %+v", list)
	}
	h.ok("nc_deck_list_boards", map[string]any{"include_archived": true}, dtFresh(&list))
	if len(list.Boards) != 1 {
		t.Errorf("include_archived: %+v", list)
	}
	h.ok("nc_deck_update_board", map[string]any{"board_id": board.ID, "archived": false, "title": "Launch 2"}, dtFresh(&got))
	dtContains(t, "empty update", h.fails("nc_deck_update_board", map[string]any{"board_id": board.ID}), "nothing to change")

	var del deckDeleted
	h.ok("nc_deck_delete_stack", map[string]any{"board_id": board.ID, "stack_id": done.ID}, dtFresh(&del))
	if !del.Deleted || del.ID != done.ID {
		t.Errorf("delete stack: %+v", del)
	}
	h.ok("nc_deck_delete_board", map[string]any{"board_id": board.ID}, dtFresh(&del))
	if !del.Deleted || del.Note == "" {
		t.Errorf("delete board: %+v", del)
	}
	h.ok("nc_deck_list_boards", nil, dtFresh(&list))
	if len(list.Boards) != 0 {
		t.Errorf("deleted boards are hidden: %+v", list)
	}
	h.ok("nc_deck_list_boards", map[string]any{"include_deleted": true}, dtFresh(&list))
	if len(list.Boards) != 1 || !list.Boards[0].Deleted {
		t.Errorf("include_deleted: %+v", list)
	}
	dtContains(t, "deleted board", h.fails("nc_deck_get_board", map[string]any{"board_id": board.ID}),
		"does not exist, was deleted, or is not shared with you", "HTTP 403")
}

func TestDeckToolsCards(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	boardID := h.fake.SeedDeckBoard("admin", "Work", "", ncfake.DeckSeedStack{Title: "To do", Cards: []ncfake.DeckSeedCard{{Title: "first"}}}, ncfake.DeckSeedStack{Title: "Done"})
	var stacks deckListStacksOut
	h.ok("nc_deck_list_stacks", map[string]any{"board_id": boardID}, dtFresh(&stacks))
	if len(stacks.Stacks) != 2 || len(stacks.Stacks[0].Cards) != 1 {
		t.Fatalf("stacks: %+v", stacks)
	}
	todo, done := stacks.Stacks[0].ID, stacks.Stacks[1].ID

	var card deckCardOut
	h.ok("nc_deck_create_card", map[string]any{"board_id": boardID, "stack_id": todo, "title": "Ship", "description": "**now**", "due_date": "2020-01-02"}, dtFresh(&card))
	if card.DueDate != "2020-01-02T12:00:00+00:00" || !card.Overdue || card.Description != "**now**" {
		t.Fatalf("created card: %+v", card)
	}
	dtContains(t, "bad due date", h.fails("nc_deck_create_card", map[string]any{"board_id": boardID, "stack_id": todo, "title": "x", "due_date": "soon"}), "is not a date")
	ref := map[string]any{"board_id": boardID, "stack_id": todo, "card_id": card.ID}
	with := func(extra map[string]any) map[string]any {
		m := map[string]any{}
		for k, v := range ref {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}

	var got deckCardOut
	h.ok("nc_deck_get_card", ref, dtFresh(&got))
	var upd deckCardOut
	h.ok("nc_deck_update_card", with(map[string]any{"title": "Ship it", "etag": got.ETag}), dtFresh(&upd))
	if upd.Title != "Ship it" || upd.Description != "**now**" || upd.DueDate != card.DueDate {
		t.Fatalf("title change keeps the rest: %+v", upd)
	}
	dtContains(t, "stale etag", h.fails("nc_deck_update_card", with(map[string]any{"title": "x", "etag": got.ETag})), "HTTP 412", "re-read")
	h.ok("nc_deck_update_card", with(map[string]any{"done": true, "due_date": ""}), dtFresh(&upd))
	if !upd.Done || upd.DueDate != "" || upd.Overdue {
		t.Errorf("done and due cleared: %+v", upd)
	}
	dtContains(t, "nothing to change", h.fails("nc_deck_update_card", ref), "nothing to change")

	// Labels.
	var label deckLabelOut
	h.ok("nc_deck_create_label", map[string]any{"board_id": boardID, "title": "urgent", "color": "FF0000"}, dtFresh(&label))
	h.ok("nc_deck_update_label", map[string]any{"board_id": boardID, "label_id": label.ID, "title": "very urgent"}, dtFresh(&label))
	if label.Title != "very urgent" || label.Color != "ff0000" {
		t.Errorf("label rename keeps the colour: %+v", label)
	}
	var as deckAssignOut
	h.ok("nc_deck_assign_label", with(map[string]any{"label_id": label.ID}), dtFresh(&as))
	if !as.Changed || len(as.Labels) != 1 || as.Labels[0].Title != "very urgent" {
		t.Errorf("assign label: %+v", as)
	}
	h.ok("nc_deck_assign_label", with(map[string]any{"label_id": label.ID}), dtFresh(&as))
	if as.Changed {
		t.Error("assigning a label twice reports no change")
	}
	h.ok("nc_deck_remove_label", with(map[string]any{"label_id": label.ID}), dtFresh(&as))
	if !as.Changed || len(as.Labels) != 0 {
		t.Errorf("remove label: %+v", as)
	}
	var del deckDeleted
	h.ok("nc_deck_delete_label", map[string]any{"board_id": boardID, "label_id": label.ID}, dtFresh(&del))

	// Users.
	h.ok("nc_deck_assign_user", with(map[string]any{"user_id": "admin"}), dtFresh(&as))
	if !as.Changed || !slices.Equal(as.Assignees, []string{"admin"}) {
		t.Errorf("assign user: %+v", as)
	}
	h.ok("nc_deck_assign_user", with(map[string]any{"user_id": "admin"}), dtFresh(&as))
	if as.Changed {
		t.Error("assigning twice reports no change")
	}
	dtContains(t, "not a member", h.fails("nc_deck_assign_user", with(map[string]any{"user_id": "alice"})), "not a member of the board", "share the board")
	h.ok("nc_deck_unassign_user", with(map[string]any{"user_id": "admin"}), dtFresh(&as))
	if !as.Changed || len(as.Assignees) != 0 {
		t.Errorf("unassign: %+v", as)
	}
	h.ok("nc_deck_unassign_user", with(map[string]any{"user_id": "admin"}), dtFresh(&as))
	if as.Changed {
		t.Error("unassigning twice reports no change")
	}

	// Move to the other stack, on top of nothing; then within the stack.
	var moved deckMoveCardOut
	h.ok("nc_deck_move_card", with(map[string]any{"to_stack_id": done}), dtFresh(&moved))
	if moved.Card.StackID != done || len(moved.Stack) != 1 || moved.Stack[0].ID != card.ID {
		t.Fatalf("move: %+v", moved)
	}
	// The old stack id still works: the tools follow the card to its stack.
	var arch deckCardOut
	h.ok("nc_deck_archive_card", ref, dtFresh(&arch))
	if !arch.Archived || arch.StackID != done {
		t.Errorf("archive after move must not move it back: %+v", arch)
	}
	h.ok("nc_deck_list_stacks", map[string]any{"board_id": boardID, "archived": true}, dtFresh(&stacks))
	if len(stacks.Stacks[1].Cards) != 1 || stacks.Stacks[1].Cards[0].ID != card.ID {
		t.Errorf("archived listing: %+v", stacks)
	}
	h.ok("nc_deck_unarchive_card", ref, dtFresh(&arch))
	if arch.Archived {
		t.Errorf("unarchive: %+v", arch)
	}
	var within deckMoveCardOut
	h.ok("nc_deck_list_stacks", map[string]any{"board_id": boardID}, dtFresh(&stacks))
	firstID := stacks.Stacks[0].Cards[0].ID
	h.ok("nc_deck_move_card", map[string]any{"board_id": boardID, "stack_id": todo, "card_id": firstID, "to_stack_id": done, "position": 1}, dtFresh(&within))
	if len(within.Stack) != 2 || within.Stack[0].ID != card.ID || within.Stack[1].ID != firstID {
		t.Errorf("move to position 1: %+v", within.Stack)
	}

	// modified_since keeps only recently changed cards.
	h.ok("nc_deck_list_stacks", map[string]any{"board_id": boardID, "modified_since": "2999-01-01"}, dtFresh(&stacks))
	if len(stacks.Stacks) != 2 || len(stacks.Stacks[0].Cards)+len(stacks.Stacks[1].Cards) != 0 {
		t.Errorf("modified_since in the future: %+v", stacks)
	}
	dtContains(t, "bad since", h.fails("nc_deck_list_stacks", map[string]any{"board_id": boardID, "modified_since": "yesterday"}), "modified_since")

	h.ok("nc_deck_delete_card", ref, dtFresh(&del))
	dtContains(t, "deleted card", h.fails("nc_deck_get_card", ref), "was deleted")
}

func TestDeckToolsCommentsAndOverview(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	boardID := h.fake.SeedDeckBoard("admin", "Home", "", ncfake.DeckSeedStack{Title: "Open", Cards: []ncfake.DeckSeedCard{
		{Title: "Paint", Labels: []string{"Later"}, Assignees: []string{"alice"}, DueDate: "2020-01-01T00:00:00+00:00", Description: strings.Repeat("x", 300)},
		{Title: "Old", Archived: true},
	}}, ncfake.DeckSeedStack{Title: "Closed", Cards: []ncfake.DeckSeedCard{{Title: "Shop", Done: true}}})
	var ov deckOverviewOut
	h.ok("nc_deck_board_overview", map[string]any{"board_id": boardID, "include_descriptions": true}, dtFresh(&ov))
	if ov.Board.Title != "Home" || len(ov.Stacks) != 2 || !slices.Contains(ov.Members, "alice") {
		t.Fatalf("overview: %+v", ov)
	}
	paint := ov.Stacks[0].Cards[0]
	if paint.Title != "Paint" || !paint.Overdue || !slices.Equal(paint.Labels, []string{"Later"}) || !slices.Equal(paint.Assignees, []string{"alice"}) || len([]rune(paint.Description)) != 201 {
		t.Errorf("overview card: %+v", paint)
	}
	if ov.Totals.Cards != 2 || ov.Totals.Done != 1 || ov.Totals.Overdue != 1 {
		t.Errorf("totals: %+v", ov.Totals)
	}
	h.ok("nc_deck_board_overview", map[string]any{"board_id": boardID, "include_archived": true}, dtFresh(&ov))
	if ov.Totals.Cards != 3 || ov.Totals.Archived != 1 || ov.Stacks[0].Cards[0].Description != "" {
		t.Errorf("with archived: %+v", ov.Totals)
	}
	cardID := ov.Stacks[0].Cards[0].ID

	var c1, c2 deckCommentOut
	h.ok("nc_deck_create_comment", map[string]any{"card_id": cardID, "message": "Which colour?"}, dtFresh(&c1))
	h.ok("nc_deck_create_comment", map[string]any{"card_id": cardID, "message": "Blue", "reply_to": c1.ID}, dtFresh(&c2))
	if c2.ReplyTo != c1.ID || c1.Author != "admin" {
		t.Errorf("comments: %+v %+v", c1, c2)
	}
	dtContains(t, "empty comment", h.fails("nc_deck_create_comment", map[string]any{"card_id": cardID, "message": ""}), "message must not be empty")
	var edited deckCommentOut
	h.ok("nc_deck_update_comment", map[string]any{"card_id": cardID, "comment_id": c1.ID, "message": "Which colour??"}, dtFresh(&edited))
	var list deckListCommentsOut
	h.ok("nc_deck_list_comments", map[string]any{"card_id": cardID, "limit": 1}, dtFresh(&list))
	if len(list.Comments) != 1 || list.Comments[0].ID != c2.ID || list.NextOffset != 1 {
		t.Errorf("first page: %+v", list)
	}
	h.ok("nc_deck_list_comments", map[string]any{"card_id": cardID, "offset": 1}, dtFresh(&list))
	if len(list.Comments) != 1 || list.Comments[0].Message != "Which colour??" || list.NextOffset != 0 {
		t.Errorf("second page: %+v", list)
	}
	var del deckDeleted
	h.ok("nc_deck_delete_comment", map[string]any{"card_id": cardID, "comment_id": c1.ID}, dtFresh(&del))
	h.ok("nc_deck_list_comments", map[string]any{"card_id": cardID}, dtFresh(&list))
	if len(list.Comments) != 1 {
		t.Errorf("after delete: %+v", list)
	}
	dtContains(t, "unknown card", h.fails("nc_deck_list_comments", map[string]any{"card_id": 999999}), "Card 999999 does not exist")
}

func TestDeckToolsAliceWithoutShare(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	boardID := fake.SeedDeckBoard("admin", "Private", "")
	h := newHarness(t, harnessOpts{fake: fake, user: "alice", password: "alice-app-password"})
	dtContains(t, "alice", h.fails("nc_deck_board_overview", map[string]any{"board_id": boardID}), "not shared with you")
	fake.ShareDeckBoard(boardID, "alice", false)
	var ov deckOverviewOut
	h.ok("nc_deck_board_overview", map[string]any{"board_id": boardID}, dtFresh(&ov))
	if ov.Board.CanEdit {
		t.Errorf("read-only share: %+v", ov.Board)
	}
}
