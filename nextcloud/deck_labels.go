package nextcloud

import (
	"context"
	"net/http"
)

// Label reads one board label.
func (d *DeckAPI) Label(ctx context.Context, boardID, labelID int) (*DeckLabel, error) {
	var l DeckLabel
	if _, err := d.call(ctx, http.MethodGet, deckPath("boards", boardID, "labels", labelID), nil, nil, nil, &l); err != nil {
		return nil, err
	}
	return &l, nil
}

// CreateLabel adds a label to a board; color is six hex digits (see DeckColor).
func (d *DeckAPI) CreateLabel(ctx context.Context, boardID int, title, color string) (*DeckLabel, error) {
	var l DeckLabel
	if _, err := d.call(ctx, http.MethodPost, deckPath("boards", boardID, "labels"), nil, nil, map[string]any{"title": title, "color": color}, &l); err != nil {
		return nil, err
	}
	return &l, nil
}

// UpdateLabel renames or recolours a label. Deck wants both fields, so the
// label is read first when one of them is not given.
func (d *DeckAPI) UpdateLabel(ctx context.Context, boardID, labelID int, title, color *string) (*DeckLabel, error) {
	body := map[string]any{}
	if title == nil || color == nil {
		cur, err := d.Label(ctx, boardID, labelID)
		if err != nil {
			return nil, err
		}
		body["title"], body["color"] = cur.Title, cur.Color
	}
	if title != nil {
		body["title"] = *title
	}
	if color != nil {
		body["color"] = *color
	}
	var l DeckLabel
	if _, err := d.call(ctx, http.MethodPut, deckPath("boards", boardID, "labels", labelID), nil, nil, body, &l); err != nil {
		return nil, err
	}
	return &l, nil
}

// DeleteLabel removes a label from the board and from every card.
func (d *DeckAPI) DeleteLabel(ctx context.Context, boardID, labelID int) (*DeckLabel, error) {
	var l DeckLabel
	if _, err := d.call(ctx, http.MethodDelete, deckPath("boards", boardID, "labels", labelID), nil, nil, nil, &l); err != nil {
		return nil, err
	}
	return &l, nil
}
