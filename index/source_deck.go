package index

import (
	"database/sql"
	"strconv"
	"strings"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// deckState is the Deck source's cursor: each board's lastModified, which
// Deck raises with every change to the board's stacks and cards (deck/09,
// 37, 62). Deck's own If-Modified-Since answers 500 on Nextcloud 29
// (deck/06-08), so the board list is compared here instead.
type deckState struct {
	Boards map[string]int64 `json:"boards"`
}

// syncDeck lists the boards (one request) and re-reads only the boards
// whose lastModified moved: their active and archived stacks with cards.
func (r *run) syncDeck() error {
	var st deckState
	if err := r.ix.sourceState(r.ctx, SourceDeck, &st); err != nil {
		return err
	}
	if st.Boards == nil {
		st.Boards = map[string]int64{}
	}
	boards, err := r.c.Deck().Boards(r.ctx, nextcloud.DeckBoardsOptions{})
	if err != nil {
		return err
	}
	live := map[string]nextcloud.DeckBoard{}
	for _, b := range boards {
		if b.DeletedAt == 0 {
			live[strconv.Itoa(b.ID)] = b
		}
	}
	stored, err := r.ix.docsOf(r.ctx, SourceDeck, nil)
	if err != nil {
		return err
	}
	for key, d := range stored {
		if _, ok := live[d.Parent]; !ok {
			if err := r.del(key); err != nil {
				return err
			}
		}
	}
	for id := range st.Boards {
		if _, ok := live[id]; !ok {
			delete(st.Boards, id)
		}
	}
	save := func(tx *sql.Tx) error { return saveState(r.ctx, tx, SourceDeck, st) }
	if err := r.flush(save); err != nil {
		return err
	}
	for id, b := range live {
		if seen, ok := st.Boards[id]; ok && seen == b.LastModified {
			continue
		}
		if err := r.syncBoard(b, stored); err != nil {
			return err
		}
		st.Boards[id] = b.LastModified
		if err := r.flush(save); err != nil {
			return err
		}
	}
	return nil
}

func (r *run) syncBoard(b nextcloud.DeckBoard, stored map[string]storedDoc) error {
	boardKey := strconv.Itoa(b.ID)
	seen := map[string]bool{}
	for _, archived := range []bool{false, true} {
		stacks, err := r.c.Deck().Stacks(r.ctx, b.ID, nextcloud.DeckStacksOptions{Archived: archived})
		if err != nil {
			return err
		}
		for _, s := range stacks {
			for _, c := range s.Cards {
				if c.DeletedAt != 0 {
					continue
				}
				key := strconv.Itoa(c.ID)
				seen[key] = true
				r.done++
				old, existed := stored[key]
				if existed && old.ETag == c.ETag && c.ETag != "" && old.Parent == boardKey {
					continue
				}
				if err := r.put(cardDoc(b, s, c), existed); err != nil {
					return err
				}
			}
		}
	}
	for key, d := range stored {
		if d.Parent == boardKey && !seen[key] {
			if err := r.del(key); err != nil {
				return err
			}
		}
	}
	return nil
}

func cardDoc(b nextcloud.DeckBoard, s nextcloud.DeckStack, c nextcloud.DeckCard) doc {
	meta := []string{b.Title, s.Title}
	for _, l := range c.Labels {
		meta = append(meta, l.Title)
	}
	if c.Archived {
		meta = append(meta, "archived")
	}
	return doc{
		Source: SourceDeck, App: AppDeck, Key: strconv.Itoa(c.ID), Parent: strconv.Itoa(b.ID),
		Title: c.Title, Body: c.Description, Meta: strings.Join(meta, "\n"),
		Modified: time.Unix(c.LastModified, 0), ETag: c.ETag,
		Open: OpenRef{Tool: "nc_deck_get_card", Args: map[string]any{"board_id": b.ID, "stack_id": s.ID, "card_id": c.ID}},
	}
}
