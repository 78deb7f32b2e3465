package nextcloud

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// DeckBoardsOptions narrow a board listing.
type DeckBoardsOptions struct {
	// Details adds labels, members and stacks (without cards) to each board.
	Details bool
	// ModifiedSince keeps only boards changed at or after this time.
	ModifiedSince time.Time
}

// Boards lists the boards the user can see, including deleted ones (their
// DeletedAt is set) and archived ones.
//
// With ModifiedSince the server is asked with If-Modified-Since first. Deck
// 1.13 on Nextcloud 29 answers any If-Modified-Since with HTTP 500 (it calls
// a sabre/http 4 class that NC 29 no longer ships), so on a 500 the full list
// is fetched and filtered here by lastModified.
func (d *DeckAPI) Boards(ctx context.Context, o DeckBoardsOptions) ([]DeckBoard, error) {
	var q url.Values
	if o.Details {
		q = url.Values{"details": {"true"}}
	}
	if !o.ModifiedSince.IsZero() {
		var boards []DeckBoard
		h := http.Header{"If-Modified-Since": {o.ModifiedSince.UTC().Format(http.TimeFormat)}}
		_, err := d.call(ctx, http.MethodGet, "/boards", q, h, nil, &boards)
		if err == nil {
			return boards, nil
		}
		if StatusOf(err) != http.StatusInternalServerError {
			return nil, err
		}
	}
	var boards []DeckBoard
	if _, err := d.call(ctx, http.MethodGet, "/boards", q, nil, nil, &boards); err != nil {
		return nil, err
	}
	return keepModifiedSince(boards, o.ModifiedSince, func(b DeckBoard) int64 { return b.LastModified }), nil
}

// keepModifiedSince filters items to those changed at or after since (zero keeps all).
func keepModifiedSince[T any](items []T, since time.Time, modified func(T) int64) []T {
	if since.IsZero() {
		return items
	}
	kept := items[:0]
	for _, it := range items {
		if modified(it) >= since.Unix() {
			kept = append(kept, it)
		}
	}
	return kept
}

// Board reads one board with its labels, members and stacks (without cards).
// With ifNoneMatch set to the board's ETag, an unchanged board returns
// (nil, true, nil) without a body.
func (d *DeckAPI) Board(ctx context.Context, id int, ifNoneMatch string) (*DeckBoard, bool, error) {
	var h http.Header
	if ifNoneMatch != "" {
		h = http.Header{"If-None-Match": {QuoteETag(ifNoneMatch)}}
	}
	var b DeckBoard
	resp, err := d.call(ctx, http.MethodGet, deckPath("boards", id), nil, h, nil, &b, http.StatusOK, http.StatusNotModified)
	if err != nil {
		return nil, false, err
	}
	if resp.StatusCode == http.StatusNotModified {
		return nil, true, nil
	}
	return &b, false, nil
}

var deckColor = regexp.MustCompile(`^[0-9a-fA-F]{6}$`)

// DeckColor normalises a colour to Deck's six hex digits: "#0082C9" and
// "0082c9" are accepted; anything else is an error that says what is wanted.
func DeckColor(s string) (string, error) {
	c := strings.TrimPrefix(strings.TrimSpace(s), "#")
	if !deckColor.MatchString(c) {
		return "", fmt.Errorf("colour %q is not six hex digits like 0082c9", s)
	}
	return strings.ToLower(c), nil
}

// CreateBoard creates a board. Deck adds four default labels to it.
func (d *DeckAPI) CreateBoard(ctx context.Context, title, color string) (*DeckBoard, error) {
	var b DeckBoard
	if _, err := d.call(ctx, http.MethodPost, "/boards", nil, nil, map[string]any{"title": title, "color": color}, &b); err != nil {
		return nil, err
	}
	return &b, nil
}

// DeckBoardPatch lists the board fields to change; nil leaves a field alone.
type DeckBoardPatch struct {
	Title    *string
	Color    *string
	Archived *bool
}

// UpdateBoard changes a board. Deck's PUT replaces title, colour and the
// archived flag together (an omitted archived un-archives), so the board is
// read first and the untouched fields are sent back as they were.
func (d *DeckAPI) UpdateBoard(ctx context.Context, id int, p DeckBoardPatch) (*DeckBoard, error) {
	cur, _, err := d.Board(ctx, id, "")
	if err != nil {
		return nil, err
	}
	body := map[string]any{"title": cur.Title, "color": cur.Color, "archived": cur.Archived}
	if p.Title != nil {
		body["title"] = *p.Title
	}
	if p.Color != nil {
		body["color"] = *p.Color
	}
	if p.Archived != nil {
		body["archived"] = *p.Archived
	}
	var b DeckBoard
	if _, err := d.call(ctx, http.MethodPut, deckPath("boards", id), nil, nil, body, &b); err != nil {
		return nil, err
	}
	return &b, nil
}

// DeleteBoard marks a board deleted. It stays in the board list with
// DeletedAt set until Deck purges it; Deck's REST undo answers 403, so only
// the web interface can restore it.
func (d *DeckAPI) DeleteBoard(ctx context.Context, id int) (*DeckBoard, error) {
	var b DeckBoard
	if _, err := d.call(ctx, http.MethodDelete, deckPath("boards", id), nil, nil, nil, &b); err != nil {
		return nil, err
	}
	return &b, nil
}

// ShareBoard gives a user access to a board. A user must be on the board
// before a card can be assigned to them.
func (d *DeckAPI) ShareBoard(ctx context.Context, boardID int, user string, edit, share, manage bool) (*DeckACL, error) {
	body := map[string]any{"type": 0, "participant": user, "permissionEdit": edit, "permissionShare": share, "permissionManage": manage}
	var a DeckACL
	if _, err := d.call(ctx, http.MethodPost, deckPath("boards", boardID, "acl"), nil, nil, body, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

// UnshareBoard removes one share of a board.
func (d *DeckAPI) UnshareBoard(ctx context.Context, boardID, aclID int) error {
	_, err := d.call(ctx, http.MethodDelete, deckPath("boards", boardID, "acl", aclID), nil, nil, nil, nil)
	return err
}

// ErrDeckBoardArchived is returned for writes Deck refuses on an archived board.
var ErrDeckBoardArchived = errors.New("the board is archived")
