package nextcloud

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// ErrDeckDoneUnsupported is returned when the server ignored a change of a
// card's done state (Deck versions before "done" existed in its REST API).
var ErrDeckDoneUnsupported = errors.New("this Deck version does not let its REST API mark cards done")

// deckTime is how Deck writes dates: ISO 8601 with a numeric offset.
const deckTime = "2006-01-02T15:04:05-07:00"

// DeckDueDate normalises a due date to Deck's ISO 8601 form. It accepts
// RFC 3339 ("2026-12-24T12:00:00+01:00", "...Z"), a local date-time without
// offset (taken as UTC) and a bare date, which means noon UTC so the card
// shows that day in nearly every time zone.
func DeckDueDate(s string) (string, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.Format(deckTime), nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC().Format(deckTime), nil
		}
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t.Add(12 * time.Hour).UTC().Format(deckTime), nil
	}
	return "", fmt.Errorf("due date %q is not a date like 2026-12-24 or 2026-12-24T17:00:00+01:00", s)
}

// DeckCardInput is a new card.
type DeckCardInput struct {
	Title       string
	Description string
	// DueDate is ISO 8601 (see DeckDueDate); empty means none.
	DueDate string
	// Order places the card in its stack; Deck puts 999 at the end.
	Order int
}

// Card reads one card with its labels and assignees.
func (d *DeckAPI) Card(ctx context.Context, boardID, stackID, cardID int) (*DeckCard, error) {
	var c DeckCard
	if _, err := d.call(ctx, http.MethodGet, deckPath("boards", boardID, "stacks", stackID, "cards", cardID), nil, nil, nil, &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// CreateCard adds a plain card to a stack.
func (d *DeckAPI) CreateCard(ctx context.Context, boardID, stackID int, in DeckCardInput) (*DeckCard, error) {
	body := map[string]any{"title": in.Title, "type": "plain", "order": in.Order, "description": in.Description}
	if in.DueDate != "" {
		body["duedate"] = in.DueDate
	}
	var c DeckCard
	if _, err := d.call(ctx, http.MethodPost, deckPath("boards", boardID, "stacks", stackID, "cards"), nil, nil, body, &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// DeckCardPatch lists the card fields to change; nil leaves a field alone.
type DeckCardPatch struct {
	Title       *string
	Description *string
	// DueDate is ISO 8601; an empty string removes the due date.
	DueDate  *string
	Done     *bool
	Archived *bool
	// IfMatch, when set, is the card's ETag as last read: the update is
	// refused with HTTP 412 if the card changed since.
	IfMatch string
}

// UpdateCard changes a card. Deck's PUT is a full replacement that requires
// title, type and owner and clears an omitted description or due date, so
// the card is read first and every field it does not change is sent back
// as it was. The PUT goes to the card's current stack: Deck moves a card to
// the stack named in the URL.
func (d *DeckAPI) UpdateCard(ctx context.Context, boardID, stackID, cardID int, p DeckCardPatch) (*DeckCard, error) {
	cur, err := d.Card(ctx, boardID, stackID, cardID)
	if err != nil {
		return nil, err
	}
	path := deckPath("boards", boardID, "stacks", cur.StackID, "cards", cardID)
	if p.IfMatch != "" && strings.Trim(p.IfMatch, `"`) != cur.ETag {
		return nil, &Error{Method: http.MethodPut, Path: deckBase + path, Status: http.StatusPreconditionFailed,
			Message: "the card changed since it was read", ETag: cur.ETag}
	}
	typ := cur.Type
	if typ == "" {
		typ = "plain"
	}
	body := map[string]any{
		"title": cur.Title, "type": typ, "owner": cur.Owner.UID, "description": cur.Description,
		"order": cur.Order, "archived": cur.Archived, "duedate": nil,
	}
	if cur.DueDate != "" {
		body["duedate"] = cur.DueDate
	}
	if p.Title != nil {
		body["title"] = *p.Title
	}
	if p.Description != nil {
		body["description"] = *p.Description
	}
	if p.DueDate != nil {
		body["duedate"] = nil
		if *p.DueDate != "" {
			body["duedate"] = *p.DueDate
		}
	}
	if p.Archived != nil {
		body["archived"] = *p.Archived
	}
	if p.Done != nil {
		switch {
		case !*p.Done:
			body["done"] = nil
		case cur.Done != "":
			body["done"] = cur.Done
		default:
			body["done"] = time.Now().UTC().Format(deckTime)
		}
	}
	var c DeckCard
	if _, err := d.call(ctx, http.MethodPut, path, nil, nil, body, &c); err != nil {
		return nil, err
	}
	if p.Done != nil && (c.Done != "") != *p.Done {
		return &c, ErrDeckDoneUnsupported
	}
	return &c, nil
}

// DeleteCard deletes a card; reading it afterwards gives 403 "Card is deleted".
func (d *DeckAPI) DeleteCard(ctx context.Context, boardID, stackID, cardID int) (*DeckCard, error) {
	var c DeckCard
	if _, err := d.call(ctx, http.MethodDelete, deckPath("boards", boardID, "stacks", stackID, "cards", cardID), nil, nil, nil, &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// MoveCard puts a card at position order (0 is the top) of toStackID, which
// may be its own stack, and returns the cards of that stack in their new order.
func (d *DeckAPI) MoveCard(ctx context.Context, boardID, stackID, cardID, toStackID, order int) ([]DeckCard, error) {
	var cards []DeckCard
	body := map[string]any{"order": order, "stackId": toStackID}
	if _, err := d.call(ctx, http.MethodPut, deckPath("boards", boardID, "stacks", stackID, "cards", cardID, "reorder"), nil, nil, body, &cards); err != nil {
		return nil, err
	}
	return cards, nil
}

// AssignLabel puts a board label on a card; doing it twice is harmless.
func (d *DeckAPI) AssignLabel(ctx context.Context, boardID, stackID, cardID, labelID int) error {
	_, err := d.call(ctx, http.MethodPut, deckPath("boards", boardID, "stacks", stackID, "cards", cardID, "assignLabel"), nil, nil, map[string]any{"labelId": labelID}, nil)
	return err
}

// RemoveLabel takes a label off a card.
func (d *DeckAPI) RemoveLabel(ctx context.Context, boardID, stackID, cardID, labelID int) error {
	_, err := d.call(ctx, http.MethodPut, deckPath("boards", boardID, "stacks", stackID, "cards", cardID, "removeLabel"), nil, nil, map[string]any{"labelId": labelID}, nil)
	return err
}

// AssignUser assigns a user to a card. The user must be on the board
// (owner or shared); Deck answers 400 otherwise, and 400 again for a user
// who is already assigned.
func (d *DeckAPI) AssignUser(ctx context.Context, boardID, stackID, cardID int, uid string) (*DeckAssignment, error) {
	var a DeckAssignment
	if _, err := d.call(ctx, http.MethodPut, deckPath("boards", boardID, "stacks", stackID, "cards", cardID, "assignUser"), nil, nil, map[string]any{"userId": uid}, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

// UnassignUser removes a user from a card.
func (d *DeckAPI) UnassignUser(ctx context.Context, boardID, stackID, cardID int, uid string) error {
	_, err := d.call(ctx, http.MethodPut, deckPath("boards", boardID, "stacks", stackID, "cards", cardID, "unassignUser"), nil, nil, map[string]any{"userId": uid}, nil)
	return err
}
