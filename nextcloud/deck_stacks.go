package nextcloud

import (
	"context"
	"net/http"
	"time"
)

// DeckStacksOptions narrow a stack listing.
type DeckStacksOptions struct {
	// Archived lists the archived cards (per stack) instead of the active ones.
	Archived bool
	// ModifiedSince keeps only cards changed at or after this time; every
	// stack is still listed.
	ModifiedSince time.Time
}

// Stacks lists a board's stacks in order, each with its cards. Deck leaves
// the cards key out for an empty stack; Cards is then nil.
//
// ModifiedSince works like in Boards: If-Modified-Since first, and on Deck's
// HTTP 500 for that header, the full list filtered here.
func (d *DeckAPI) Stacks(ctx context.Context, boardID int, o DeckStacksOptions) ([]DeckStack, error) {
	path := deckPath("boards", boardID, "stacks")
	if o.Archived {
		path = deckPath("boards", boardID, "stacks", "archived")
	}
	if !o.ModifiedSince.IsZero() {
		var stacks []DeckStack
		h := http.Header{"If-Modified-Since": {o.ModifiedSince.UTC().Format(http.TimeFormat)}}
		_, err := d.call(ctx, http.MethodGet, path, nil, h, nil, &stacks)
		if err == nil {
			return stacks, nil
		}
		if StatusOf(err) != http.StatusInternalServerError {
			return nil, err
		}
	}
	var stacks []DeckStack
	if _, err := d.call(ctx, http.MethodGet, path, nil, nil, nil, &stacks); err != nil {
		return nil, err
	}
	for i := range stacks {
		stacks[i].Cards = keepModifiedSince(stacks[i].Cards, o.ModifiedSince, func(c DeckCard) int64 { return c.LastModified })
	}
	return stacks, nil
}

// Stack reads one stack with its active cards.
func (d *DeckAPI) Stack(ctx context.Context, boardID, stackID int) (*DeckStack, error) {
	var s DeckStack
	if _, err := d.call(ctx, http.MethodGet, deckPath("boards", boardID, "stacks", stackID), nil, nil, nil, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// CreateStack adds a stack; order places it among the others (Deck requires it).
func (d *DeckAPI) CreateStack(ctx context.Context, boardID int, title string, order int) (*DeckStack, error) {
	var s DeckStack
	if _, err := d.call(ctx, http.MethodPost, deckPath("boards", boardID, "stacks"), nil, nil, map[string]any{"title": title, "order": order}, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// UpdateStack renames or reorders a stack. Deck wants both fields, so the
// stack is read first when one of them is not given.
func (d *DeckAPI) UpdateStack(ctx context.Context, boardID, stackID int, title *string, order *int) (*DeckStack, error) {
	body := map[string]any{}
	if title == nil || order == nil {
		cur, err := d.Stack(ctx, boardID, stackID)
		if err != nil {
			return nil, err
		}
		body["title"], body["order"] = cur.Title, cur.Order
	}
	if title != nil {
		body["title"] = *title
	}
	if order != nil {
		body["order"] = *order
	}
	var s DeckStack
	if _, err := d.call(ctx, http.MethodPut, deckPath("boards", boardID, "stacks", stackID), nil, nil, body, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// DeleteStack deletes a stack and, with it, its cards.
func (d *DeckAPI) DeleteStack(ctx context.Context, boardID, stackID int) (*DeckStack, error) {
	var s DeckStack
	if _, err := d.call(ctx, http.MethodDelete, deckPath("boards", boardID, "stacks", stackID), nil, nil, nil, &s); err != nil {
		return nil, err
	}
	return &s, nil
}
