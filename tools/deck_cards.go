package tools

import (
	"context"
	"fmt"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// deckCardIn addresses one card. Deck's URLs carry board and stack; the
// stack may be stale after a move, the tools then use the card's real one.
type deckCardIn struct {
	BoardID int `json:"board_id"`
	StackID int `json:"stack_id"`
	CardID  int `json:"card_id"`
}

func (in *deckCardIn) Validate() error {
	for _, f := range []struct {
		name string
		v    int
	}{{"board_id", in.BoardID}, {"stack_id", in.StackID}, {"card_id", in.CardID}} {
		if err := dtPositiveID(f.name, f.v); err != nil {
			return err
		}
	}
	return nil
}

func (in *deckCardIn) what() string { return cardWhat(in.CardID, in.BoardID) }

func cardWhat(card, board int) string { return fmt.Sprintf("card %d on board %d", card, board) }

func deckGetCardTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_deck_get_card",
		Title:       "Get a Deck card",
		Description: "Read one Deck card: description, due date, done, labels, assignees, etag.",
		Hints:       readHints,
	}, func(ctx context.Context, call *Call, in deckCardIn) (deckCardOut, error) {
		c, err := call.Client.Deck().Card(ctx, in.BoardID, in.StackID, in.CardID)
		if err != nil {
			return deckCardOut{}, deckErr(err, "%s", in.what())
		}
		return deckCard(*c, true), nil
	})
}

type deckCreateCardIn struct {
	BoardID     int    `json:"board_id"`
	StackID     int    `json:"stack_id"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	DueDate     string `json:"due_date,omitempty" jsonschema:"a date (noon UTC) or RFC 3339"`
	Order       *int   `json:"order,omitempty" jsonschema:"0 is the top; default the bottom"`
}

func (in *deckCreateCardIn) Validate() error {
	if err := dtPositiveID("board_id", in.BoardID); err != nil {
		return err
	}
	if err := dtPositiveID("stack_id", in.StackID); err != nil {
		return err
	}
	if err := dtNonBlank("title", in.Title); err != nil {
		return err
	}
	if in.DueDate != "" {
		due, err := nextcloud.DeckDueDate(in.DueDate)
		if err != nil {
			return inputErrorf("%v", err)
		}
		in.DueDate = due
	}
	return nil
}

func deckCreateCardTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_deck_create_card",
		Title:       "Create a Deck card",
		Description: "Create a card in a Deck stack with optional Markdown description and due date.",
		Hints:       createHints,
	}, func(ctx context.Context, call *Call, in deckCreateCardIn) (deckCardOut, error) {
		order := 999 // Deck's own default: the bottom of the stack
		if in.Order != nil {
			order = *in.Order
		}
		c, err := call.Client.Deck().CreateCard(ctx, in.BoardID, in.StackID, nextcloud.DeckCardInput{Title: in.Title, Description: in.Description, DueDate: in.DueDate, Order: order})
		if err != nil {
			return deckCardOut{}, deckErr(err, "a new card in stack %d of board %d", in.StackID, in.BoardID)
		}
		return deckCard(*c, true), nil
	})
}

type deckUpdateCardIn struct {
	deckCardIn
	Title       *string `json:"title,omitempty"`
	Description *string `json:"description,omitempty"`
	DueDate     *string `json:"due_date,omitempty" jsonschema:"a date or RFC 3339"`
	Done        *bool   `json:"done,omitempty"`
	Archived    *bool   `json:"archived,omitempty"`
	ETag        string  `json:"etag,omitempty"`
}

func (in *deckUpdateCardIn) Validate() error {
	if err := in.deckCardIn.Validate(); err != nil {
		return err
	}
	if in.Title == nil && in.Description == nil && in.DueDate == nil && in.Done == nil && in.Archived == nil {
		return inputErrorf("nothing to change: give title, description, due_date, done or archived")
	}
	if in.Title != nil {
		if err := dtNonBlank("title", *in.Title); err != nil {
			return err
		}
	}
	if in.DueDate != nil && *in.DueDate != "" {
		due, err := nextcloud.DeckDueDate(*in.DueDate)
		if err != nil {
			return inputErrorf("%v", err)
		}
		in.DueDate = &due
	}
	return nil
}

func deckUpdateCardTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_deck_update_card",
		Title:       "Update a Deck card",
		Description: "Change a Deck card's title, description, due date, done or archived state.",
		Hints:       updateHints,
	}, func(ctx context.Context, call *Call, in deckUpdateCardIn) (deckCardOut, error) {
		c, err := call.Client.Deck().UpdateCard(ctx, in.BoardID, in.StackID, in.CardID, nextcloud.DeckCardPatch{
			Title: in.Title, Description: in.Description, DueDate: in.DueDate, Done: in.Done, Archived: in.Archived, IfMatch: in.ETag,
		})
		if err != nil {
			return deckCardOut{}, deckErr(err, "%s", in.what())
		}
		return deckCard(*c, true), nil
	})
}

func deckArchiveTool(d *Deps, archive bool) Tool {
	spec := Spec{
		Name:        "nc_deck_archive_card",
		Title:       "Archive a Deck card",
		Description: "Archive a Deck card: hidden from the board, kept; nc_deck_unarchive_card brings it back.",
		Hints:       updateHints,
	}
	if !archive {
		spec.Name, spec.Title = "nc_deck_unarchive_card", "Unarchive a Deck card"
		spec.Description = "Bring an archived Deck card back (find them with nc_deck_list_stacks archived=true)."
	}
	return NewTool(d, spec, func(ctx context.Context, call *Call, in deckCardIn) (deckCardOut, error) {
		c, err := call.Client.Deck().UpdateCard(ctx, in.BoardID, in.StackID, in.CardID, nextcloud.DeckCardPatch{Archived: &archive})
		if err != nil {
			return deckCardOut{}, deckErr(err, "%s", in.what())
		}
		return deckCard(*c, false), nil
	})
}

func deckArchiveCardTool(d *Deps) Tool   { return deckArchiveTool(d, true) }
func deckUnarchiveCardTool(d *Deps) Tool { return deckArchiveTool(d, false) }

func deckDeleteCardTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_deck_delete_card",
		Title:       "Delete a Deck card",
		Description: "Delete a Deck card with comments and attachments; nc_deck_archive_card keeps it instead.",
		Hints:       deleteHints,
	}, func(ctx context.Context, call *Call, in deckCardIn) (deckDeleted, error) {
		c, err := call.Client.Deck().DeleteCard(ctx, in.BoardID, in.StackID, in.CardID)
		if err != nil {
			return deckDeleted{}, deckErr(err, "%s", in.what())
		}
		return deckDeleted{Deleted: true, ID: c.ID, Title: c.Title}, nil
	})
}

type deckMoveCardIn struct {
	deckCardIn
	ToStackID int `json:"to_stack_id,omitempty" jsonschema:"default: its own stack"`
	Position  int `json:"position,omitempty" jsonschema:"0 (default) is the top"`
}

func (in *deckMoveCardIn) Validate() error {
	if err := in.deckCardIn.Validate(); err != nil {
		return err
	}
	if in.ToStackID < 0 || in.Position < 0 {
		return inputErrorf("to_stack_id and position must not be negative")
	}
	return nil
}

type deckMoveCardOut struct {
	Card deckCardOut `json:"card" jsonschema_description:"The moved card as it is now."`
	// Stack lists the target stack's cards in their new order.
	Stack []deckCardOrder `json:"stack" jsonschema_description:"The target stack's cards in their new order."`
}

type deckCardOrder struct {
	ID    int    `json:"id" jsonschema_description:"Card id."`
	Title string `json:"title" jsonschema_description:"Card title."`
	Order int    `json:"order" jsonschema_description:"Position within its stack; lower comes first."`
}

func deckMoveCardTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_deck_move_card",
		Title:       "Move a Deck card",
		Description: "Move a Deck card to another stack of its board, or to another position.",
		Hints:       updateHints,
	}, func(ctx context.Context, call *Call, in deckMoveCardIn) (deckMoveCardOut, error) {
		deck := call.Client.Deck()
		// Read first: the move goes through the card's real stack, and an
		// archived card or board gets a clear error before anything changes.
		cur, err := deck.Card(ctx, in.BoardID, in.StackID, in.CardID)
		if err != nil {
			return deckMoveCardOut{}, deckErr(err, "%s", in.what())
		}
		target := in.ToStackID
		if target == 0 {
			target = cur.StackID
		}
		cards, err := deck.MoveCard(ctx, in.BoardID, cur.StackID, in.CardID, target, in.Position)
		if err != nil {
			return deckMoveCardOut{}, deckErr(err, "%s (moving to stack %d)", in.what(), target)
		}
		out := deckMoveCardOut{Stack: []deckCardOrder{}}
		for _, c := range cards {
			out.Stack = append(out.Stack, deckCardOrder{ID: c.ID, Title: c.Title, Order: c.Order})
		}
		// The reorder answer lacks labels and assignees; read the card whole.
		moved, err := deck.Card(ctx, in.BoardID, target, in.CardID)
		if err != nil {
			return deckMoveCardOut{}, deckErr(err, "%s", in.what())
		}
		out.Card = deckCard(*moved, false)
		return out, nil
	})
}
