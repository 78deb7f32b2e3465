package tools

import (
	"context"
	"unicode/utf8"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

type deckOverviewIn struct {
	BoardID             int  `json:"board_id" jsonschema:"Id of the board, from nc_deck_list_boards."`
	IncludeArchived     bool `json:"include_archived,omitempty" jsonschema:"Also list archived cards (marked archived)."`
	IncludeDescriptions bool `json:"include_descriptions,omitempty" jsonschema:"Add the first 200 characters of each card's description."`
}

func (in *deckOverviewIn) Validate() error { return dtPositiveID("board_id", in.BoardID) }

// deckOverviewCard is a card reduced to what a board snapshot needs.
type deckOverviewCard struct {
	ID          int      `json:"id"`
	Title       string   `json:"title"`
	DueDate     string   `json:"due_date,omitempty"`
	Overdue     bool     `json:"overdue,omitempty"`
	Done        bool     `json:"done,omitempty"`
	Archived    bool     `json:"archived,omitempty"`
	Labels      []string `json:"labels,omitempty"`
	Assignees   []string `json:"assignees,omitempty"`
	Comments    int      `json:"comments,omitempty"`
	Description string   `json:"description,omitempty"`
}

type deckOverviewStack struct {
	ID    int                `json:"id"`
	Title string             `json:"title"`
	Cards []deckOverviewCard `json:"cards"`
}

type deckOverviewTotals struct {
	Cards    int `json:"cards"`
	Done     int `json:"done"`
	Overdue  int `json:"overdue"`
	Archived int `json:"archived,omitempty"`
}

type deckOverviewOut struct {
	Board   deckBoardOut        `json:"board"`
	Members []string            `json:"members"`
	Labels  []deckLabelOut      `json:"labels"`
	Stacks  []deckOverviewStack `json:"stacks"`
	Totals  deckOverviewTotals  `json:"totals"`
}

func deckBoardOverviewTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_deck_board_overview",
		Title:       "Deck board overview",
		Description: "One compact snapshot of a whole Deck board: its stacks in order with their cards (title, due date, overdue, done, labels, assignees, comment count), the members and labels, and totals. Start here to answer questions about a board.",
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
		out := deckOverviewOut{Board: details.deckBoardOut, Members: details.Members, Labels: details.Labels, Stacks: []deckOverviewStack{}}
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
		oc.Description = c.Description
		if utf8.RuneCountInString(oc.Description) > 200 {
			oc.Description = string([]rune(oc.Description)[:200]) + "…"
		}
	}
	return oc
}
