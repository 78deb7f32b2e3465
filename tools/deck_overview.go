package tools

import (
	"context"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

type deckOverviewIn struct {
	BoardID             int  `json:"board_id"`
	IncludeArchived     bool `json:"include_archived,omitempty"`
	IncludeDescriptions bool `json:"include_descriptions,omitempty" jsonschema:"first 200 characters of each"`
}

func (in *deckOverviewIn) Validate() error { return dtPositiveID("board_id", in.BoardID) }

// deckOverviewCard is a card reduced to what a board snapshot needs.
type deckOverviewCard struct {
	ID          int      `json:"id" jsonschema_description:"Card id."`
	Title       string   `json:"title" jsonschema_description:"Card title."`
	DueDate     string   `json:"due_date,omitempty" jsonschema_description:"Due date (RFC 3339)."`
	Overdue     bool     `json:"overdue,omitempty" jsonschema_description:"True when the due date has passed and it is not done."`
	Done        bool     `json:"done,omitempty" jsonschema_description:"True when marked done."`
	Archived    bool     `json:"archived,omitempty" jsonschema_description:"True when it is archived."`
	Labels      []string `json:"labels,omitempty" jsonschema_description:"Titles of its labels."`
	Assignees   []string `json:"assignees,omitempty" jsonschema_description:"User ids assigned to it."`
	Comments    int      `json:"comments,omitempty" jsonschema_description:"How many comments it has."`
	Description string   `json:"description,omitempty" jsonschema_description:"Start of the card description, when asked for."`
}

type deckOverviewStack struct {
	ID    int                `json:"id" jsonschema_description:"Stack id."`
	Title string             `json:"title" jsonschema_description:"Stack title."`
	Cards []deckOverviewCard `json:"cards" jsonschema_description:"Its cards in order."`
}

type deckOverviewTotals struct {
	Cards    int `json:"cards" jsonschema_description:"How many cards the board has."`
	Done     int `json:"done" jsonschema_description:"How many are done."`
	Overdue  int `json:"overdue" jsonschema_description:"How many are overdue."`
	Archived int `json:"archived,omitempty" jsonschema_description:"How many are archived."`
}

type deckOverviewOut struct {
	Board   DeckBoardInfo       `json:"board" jsonschema_description:"The board."`
	Members []string            `json:"members" jsonschema_description:"User ids who can see the board."`
	Labels  []deckLabelOut      `json:"labels" jsonschema_description:"Labels defined on the board."`
	Stacks  []deckOverviewStack `json:"stacks" jsonschema_description:"Its stacks (columns), in board order."`
	Totals  deckOverviewTotals  `json:"totals" jsonschema_description:"Card counts over the whole board."`
}

func deckBoardOverviewTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_deck_board_overview",
		Title:       "Deck board overview",
		Description: "Snapshot of a Deck board: stacks in order with their cards (due, overdue, done, labels, assignees, comments), members, labels, totals. Start here for questions about a board.",
		Hints:       readHints,
	}, func(ctx context.Context, call *Call, in deckOverviewIn) (deckOverviewOut, error) {
		deck := call.Client.Deck()
		b, _, err := deck.Board(ctx, in.BoardID, "")
		if err != nil {
			return deckOverviewOut{}, deckErr(err, "board %d", in.BoardID)
		}
		stacks, err := deck.Stacks(ctx, in.BoardID, nextcloud.DeckStacksOptions{})
		if err != nil {
			return deckOverviewOut{}, deckErr(err, "board %d", in.BoardID)
		}
		if in.IncludeArchived {
			archived, err := deck.Stacks(ctx, in.BoardID, nextcloud.DeckStacksOptions{Archived: true})
			if err != nil {
				return deckOverviewOut{}, deckErr(err, "board %d", in.BoardID)
			}
			byID := map[int][]nextcloud.DeckCard{}
			for _, s := range archived {
				byID[s.ID] = s.Cards
			}
			for i := range stacks {
				stacks[i].Cards = append(stacks[i].Cards, byID[stacks[i].ID]...)
			}
		}
		details := deckBoardDetails(*b)
		out := deckOverviewOut{Board: details.DeckBoardInfo, Members: details.Members, Labels: details.Labels, Stacks: []deckOverviewStack{}}
		if out.Members == nil {
			out.Members = []string{}
		}
		if out.Labels == nil {
			out.Labels = []deckLabelOut{}
		}
		for _, s := range stacks {
			os := deckOverviewStack{ID: s.ID, Title: s.Title, Cards: []deckOverviewCard{}}
			for _, c := range s.Cards {
				oc := deckOverviewCardOf(c, in.IncludeDescriptions)
				os.Cards = append(os.Cards, oc)
				out.Totals.Cards++
				if oc.Done {
					out.Totals.Done++
				}
				if oc.Overdue {
					out.Totals.Overdue++
				}
				if oc.Archived {
					out.Totals.Archived++
				}
			}
			out.Stacks = append(out.Stacks, os)
		}
		return out, nil
	})
}

func deckOverviewCardOf(c nextcloud.DeckCard, withDescription bool) deckOverviewCard {
	full := deckCard(c, false)
	oc := deckOverviewCard{ID: c.ID, Title: c.Title, DueDate: c.DueDate, Overdue: full.Overdue, Done: full.Done,
		Archived: c.Archived, Assignees: full.Assignees, Comments: c.CommentsCount}
	for _, l := range c.Labels {
		oc.Labels = append(oc.Labels, l.Title)
	}
	if withDescription {
		oc.Description = clipText(c.Description, 200)
	}
	return oc
}
