package tools

import (
	"context"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

type deckCreateLabelIn struct {
	BoardID int    `json:"board_id"`
	Title   string `json:"title"`
	Color   string `json:"color" jsonschema:"six hex digits, e.g. ff0000"`
}

func (in *deckCreateLabelIn) Validate() error {
	if err := dtPositiveID("board_id", in.BoardID); err != nil {
		return err
	}
	if err := dtNonBlank("title", in.Title); err != nil {
		return err
	}
	c, err := nextcloud.DeckColor(in.Color)
	if err != nil {
		return inputErrorf("%v", err)
	}
	in.Color = c
	return nil
}

func deckCreateLabelTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_deck_create_label",
		Title:       "Create a Deck label",
		Description: "Add a label to a Deck board.",
		Hints:       createHints,
	}, func(ctx context.Context, call *Call, in deckCreateLabelIn) (deckLabelOut, error) {
		l, err := call.Client.Deck().CreateLabel(ctx, in.BoardID, in.Title, in.Color)
		if err != nil {
			return deckLabelOut{}, deckErr(err, "board %d", in.BoardID)
		}
		return deckLabelOut{ID: l.ID, Title: l.Title, Color: l.Color}, nil
	})
}

type deckUpdateLabelIn struct {
	BoardID int     `json:"board_id"`
	LabelID int     `json:"label_id"`
	Title   *string `json:"title,omitempty"`
	Color   *string `json:"color,omitempty" jsonschema:"six hex digits"`
}

func (in *deckUpdateLabelIn) Validate() error {
	if err := dtPositiveID("board_id", in.BoardID); err != nil {
		return err
	}
	if err := dtPositiveID("label_id", in.LabelID); err != nil {
		return err
	}
	if in.Title == nil && in.Color == nil {
		return inputErrorf("nothing to change: give title or color")
	}
	return dtCheckTitleColor(in.Title, in.Color)
}

func deckUpdateLabelTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_deck_update_label",
		Title:       "Update a Deck label",
		Description: "Rename or recolour a Deck label, on every card carrying it.",
		Hints:       updateHints,
	}, func(ctx context.Context, call *Call, in deckUpdateLabelIn) (deckLabelOut, error) {
		l, err := call.Client.Deck().UpdateLabel(ctx, in.BoardID, in.LabelID, in.Title, in.Color)
		if err != nil {
			return deckLabelOut{}, deckErr(err, "label %d of board %d", in.LabelID, in.BoardID)
		}
		return deckLabelOut{ID: l.ID, Title: l.Title, Color: l.Color}, nil
	})
}

type deckLabelIn struct {
	BoardID int `json:"board_id"`
	LabelID int `json:"label_id"`
}

func (in *deckLabelIn) Validate() error {
	if err := dtPositiveID("board_id", in.BoardID); err != nil {
		return err
	}
	return dtPositiveID("label_id", in.LabelID)
}

func deckDeleteLabelTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_deck_delete_label",
		Title:       "Delete a Deck label",
		Description: "Delete a label from a Deck board and every card.",
		Hints:       deleteHints,
	}, func(ctx context.Context, call *Call, in deckLabelIn) (deckDeleted, error) {
		l, err := call.Client.Deck().DeleteLabel(ctx, in.BoardID, in.LabelID)
		if err != nil {
			return deckDeleted{}, deckErr(err, "label %d of board %d", in.LabelID, in.BoardID)
		}
		return deckDeleted{Deleted: true, ID: l.ID, Title: l.Title}, nil
	})
}

type deckCardLabelIn struct {
	deckCardIn
	LabelID int `json:"label_id"`
}

func (in *deckCardLabelIn) Validate() error {
	if err := in.deckCardIn.Validate(); err != nil {
		return err
	}
	return dtPositiveID("label_id", in.LabelID)
}

type deckCardUserIn struct {
	deckCardIn
	UserID string `json:"user_id" jsonschema:"a board member's user id"`
}

func (in *deckCardUserIn) Validate() error {
	if err := in.deckCardIn.Validate(); err != nil {
		return err
	}
	return dtNonBlank("user_id", in.UserID)
}

// deckAssignOut reports a label or assignee change and the card's result.
type deckAssignOut struct {
	CardID int `json:"card_id" jsonschema_description:"Id of the Deck card."`
	// Changed is false when the card was already in the asked state.
	Changed   bool           `json:"changed" jsonschema_description:"False when the card already was in the asked state."`
	Labels    []deckLabelOut `json:"labels" jsonschema_description:"The card's labels now."`
	Assignees []string       `json:"assignees" jsonschema_description:"User ids assigned to the card now."`
	ETag      string         `json:"etag" jsonschema_description:"The card's new etag."`
}

func deckAssignResult(c *nextcloud.DeckCard, changed bool) deckAssignOut {
	out := deckCard(*c, false)
	res := deckAssignOut{CardID: c.ID, Changed: changed, Labels: out.Labels, Assignees: out.Assignees, ETag: c.ETag}
	if res.Labels == nil {
		res.Labels = []deckLabelOut{}
	}
	if res.Assignees == nil {
		res.Assignees = []string{}
	}
	return res
}

// deckCardChange reads the card, applies change unless done already says
// it is in the wanted state, and reads the card again.
func deckCardChange(ctx context.Context, call *Call, in deckCardIn, done func(*nextcloud.DeckCard) bool,
	change func(deck *nextcloud.DeckAPI, stackID int) error) (deckAssignOut, error) {
	deck := call.Client.Deck()
	cur, err := deck.Card(ctx, in.BoardID, in.StackID, in.CardID)
	if err != nil {
		return deckAssignOut{}, deckErr(err, "%s", in.what())
	}
	if done(cur) {
		return deckAssignResult(cur, false), nil
	}
	if err := change(deck, cur.StackID); err != nil {
		return deckAssignOut{}, deckErr(err, "%s", in.what())
	}
	after, err := deck.Card(ctx, in.BoardID, cur.StackID, in.CardID)
	if err != nil {
		return deckAssignOut{}, deckErr(err, "%s", in.what())
	}
	return deckAssignResult(after, true), nil
}

func deckAssignLabelTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_deck_assign_label",
		Title:       "Label a Deck card",
		Description: "Put one of the board's labels on a Deck card.",
		Hints:       Hints{Idempotent: true},
	}, func(ctx context.Context, call *Call, in deckCardLabelIn) (deckAssignOut, error) {
		return deckCardChange(ctx, call, in.deckCardIn, func(c *nextcloud.DeckCard) bool { return c.HasLabel(in.LabelID) },
			func(deck *nextcloud.DeckAPI, stack int) error {
				return deck.AssignLabel(ctx, in.BoardID, stack, in.CardID, in.LabelID)
			})
	})
}

func deckRemoveLabelTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_deck_remove_label",
		Title:       "Remove a label from a Deck card",
		Description: "Take a label off a Deck card.",
		Hints:       Hints{Destructive: true, Idempotent: true},
	}, func(ctx context.Context, call *Call, in deckCardLabelIn) (deckAssignOut, error) {
		return deckCardChange(ctx, call, in.deckCardIn, func(c *nextcloud.DeckCard) bool { return !c.HasLabel(in.LabelID) },
			func(deck *nextcloud.DeckAPI, stack int) error {
				return deck.RemoveLabel(ctx, in.BoardID, stack, in.CardID, in.LabelID)
			})
	})
}

func deckAssignUserTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_deck_assign_user",
		Title:       "Assign a user to a Deck card",
		Description: "Assign a board member to a Deck card; Deck notifies them.",
		Hints:       Hints{Idempotent: true},
	}, func(ctx context.Context, call *Call, in deckCardUserIn) (deckAssignOut, error) {
		return deckCardChange(ctx, call, in.deckCardIn, func(c *nextcloud.DeckCard) bool { return c.AssignedTo(in.UserID) },
			func(deck *nextcloud.DeckAPI, stack int) error {
				_, err := deck.AssignUser(ctx, in.BoardID, stack, in.CardID, in.UserID)
				return err
			})
	})
}

func deckUnassignUserTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_deck_unassign_user",
		Title:       "Unassign a user from a Deck card",
		Description: "Remove a user from a Deck card's assignees.",
		Hints:       Hints{Destructive: true, Idempotent: true},
	}, func(ctx context.Context, call *Call, in deckCardUserIn) (deckAssignOut, error) {
		return deckCardChange(ctx, call, in.deckCardIn, func(c *nextcloud.DeckCard) bool { return !c.AssignedTo(in.UserID) },
			func(deck *nextcloud.DeckAPI, stack int) error {
				return deck.UnassignUser(ctx, in.BoardID, stack, in.CardID, in.UserID)
			})
	})
}
