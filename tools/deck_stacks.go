package tools

import (
	"context"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

type deckStackOut struct {
	ID    int           `json:"id" jsonschema_description:"Stack id."`
	Title string        `json:"title" jsonschema_description:"Stack title."`
	Order int           `json:"order" jsonschema_description:"Position on the board; lower comes first."`
	Cards []deckCardOut `json:"cards" jsonschema_description:"Its cards in order."`
}

type deckListStacksIn struct {
	BoardID       int    `json:"board_id"`
	Archived      bool   `json:"archived,omitempty" jsonschema:"archived cards instead of active ones"`
	ModifiedSince string `json:"modified_since,omitempty" jsonschema:"only cards changed since"`
}

func (in *deckListStacksIn) Validate() error { return dtPositiveID("board_id", in.BoardID) }

type deckListStacksOut struct {
	BoardID int            `json:"board_id"`
	Stacks  []deckStackOut `json:"stacks" jsonschema_description:"Stacks (columns) in board order, with their cards."`
}

func deckListStacksTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_deck_list_stacks",
		Title:       "List stacks and cards",
		Description: "List the stacks of a Deck board in order, each with its cards.",
		Hints:       readHints,
	}, func(ctx context.Context, call *Call, in deckListStacksIn) (deckListStacksOut, error) {
		since, err := dtModifiedSince(in.ModifiedSince)
		if err != nil {
			return deckListStacksOut{}, err
		}
		stacks, err := call.Client.Deck().Stacks(ctx, in.BoardID, nextcloud.DeckStacksOptions{Archived: in.Archived, ModifiedSince: since})
		if err != nil {
			return deckListStacksOut{}, deckErr(err, "board %d", in.BoardID)
		}
		out := deckListStacksOut{BoardID: in.BoardID, Stacks: []deckStackOut{}}
		for _, s := range stacks {
			so := deckStackOut{ID: s.ID, Title: s.Title, Order: s.Order, Cards: []deckCardOut{}}
			for _, c := range s.Cards {
				so.Cards = append(so.Cards, deckCard(c, true))
			}
			out.Stacks = append(out.Stacks, so)
		}
		return out, nil
	})
}

type deckCreateStackIn struct {
	BoardID int    `json:"board_id"`
	Title   string `json:"title"`
	Order   *int   `json:"order,omitempty" jsonschema:"lower is further left; default the end"`
}

func (in *deckCreateStackIn) Validate() error {
	if err := dtPositiveID("board_id", in.BoardID); err != nil {
		return err
	}
	return dtNonBlank("title", in.Title)
}

func deckCreateStackTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_deck_create_stack",
		Title:       "Create a Deck stack",
		Description: "Add a stack (column) to a Deck board, at the end unless order is given.",
		Hints:       createHints,
	}, func(ctx context.Context, call *Call, in deckCreateStackIn) (deckStackBrief, error) {
		deck := call.Client.Deck()
		order := 0
		if in.Order != nil {
			order = *in.Order
		} else {
			stacks, err := deck.Stacks(ctx, in.BoardID, nextcloud.DeckStacksOptions{})
			if err != nil {
				return deckStackBrief{}, deckErr(err, "board %d", in.BoardID)
			}
			for _, s := range stacks {
				order = max(order, s.Order+1)
			}
		}
		s, err := deck.CreateStack(ctx, in.BoardID, in.Title, order)
		if err != nil {
			return deckStackBrief{}, deckErr(err, "board %d", in.BoardID)
		}
		return deckStackBrief{ID: s.ID, Title: s.Title, Order: s.Order}, nil
	})
}

type deckUpdateStackIn struct {
	BoardID int     `json:"board_id"`
	StackID int     `json:"stack_id"`
	Title   *string `json:"title,omitempty"`
	Order   *int    `json:"order,omitempty"`
}

func (in *deckUpdateStackIn) Validate() error {
	if err := dtPositiveID("board_id", in.BoardID); err != nil {
		return err
	}
	if err := dtPositiveID("stack_id", in.StackID); err != nil {
		return err
	}
	if in.Title == nil && in.Order == nil {
		return inputErrorf("nothing to change: give title or order")
	}
	if in.Title != nil {
		return dtNonBlank("title", *in.Title)
	}
	return nil
}

func deckUpdateStackTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_deck_update_stack",
		Title:       "Update a Deck stack",
		Description: "Rename a Deck stack or change its position.",
		Hints:       updateHints,
	}, func(ctx context.Context, call *Call, in deckUpdateStackIn) (deckStackBrief, error) {
		s, err := call.Client.Deck().UpdateStack(ctx, in.BoardID, in.StackID, in.Title, in.Order)
		if err != nil {
			return deckStackBrief{}, deckErr(err, "stack %d of board %d", in.StackID, in.BoardID)
		}
		return deckStackBrief{ID: s.ID, Title: s.Title, Order: s.Order}, nil
	})
}

type deckStackIn struct {
	BoardID int `json:"board_id"`
	StackID int `json:"stack_id"`
}

func (in *deckStackIn) Validate() error {
	if err := dtPositiveID("board_id", in.BoardID); err != nil {
		return err
	}
	return dtPositiveID("stack_id", in.StackID)
}

func deckDeleteStackTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_deck_delete_stack",
		Title:       "Delete a Deck stack",
		Description: "Delete a Deck stack with all its cards.",
		Hints:       deleteHints,
	}, func(ctx context.Context, call *Call, in deckStackIn) (deckDeleted, error) {
		s, err := call.Client.Deck().DeleteStack(ctx, in.BoardID, in.StackID)
		if err != nil {
			return deckDeleted{}, deckErr(err, "stack %d of board %d", in.StackID, in.BoardID)
		}
		return deckDeleted{Deleted: true, ID: s.ID, Title: s.Title}, nil
	})
}
