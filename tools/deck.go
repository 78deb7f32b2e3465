package tools

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// deckToolset: Deck boards, stacks, cards, labels and comments.
func deckToolset(d *Deps) *Toolset {
	return &Toolset{
		Name:        "deck",
		Description: "Deck boards, stacks, cards, labels and comments.",
		Available:   hasApp("deck"),
		Tools: []Tool{
			deckBoardOverviewTool(d),
			deckListBoardsTool(d), deckGetBoardTool(d), deckCreateBoardTool(d), deckUpdateBoardTool(d), deckDeleteBoardTool(d),
			deckListStacksTool(d), deckCreateStackTool(d), deckUpdateStackTool(d), deckDeleteStackTool(d),
			deckGetCardTool(d), deckCreateCardTool(d), deckUpdateCardTool(d), deckDeleteCardTool(d),
			deckArchiveCardTool(d), deckUnarchiveCardTool(d), deckMoveCardTool(d),
			deckCreateLabelTool(d), deckUpdateLabelTool(d), deckDeleteLabelTool(d), deckAssignLabelTool(d), deckRemoveLabelTool(d),
			deckAssignUserTool(d), deckUnassignUserTool(d),
			deckListCommentsTool(d), deckCreateCommentTool(d), deckUpdateCommentTool(d), deckDeleteCommentTool(d),
		},
	}
}

// deckErr names the Deck object a failure concerns and turns Deck's
// ambiguous answers into sentences the model can act on.
func deckErr(err error, format string, a ...any) error {
	if err == nil {
		return nil
	}
	what := fmt.Sprintf(format, a...)
	var ne *nextcloud.Error
	errors.As(err, &ne)
	switch {
	case nextcloud.DeckPermissionDenied(err):
		return inputErrorf("%s does not exist, was deleted, or is not shared with you (Deck answers HTTP 403 \"Permission denied\" for all three): check the ids with nc_deck_list_boards and nc_deck_board_overview.", capitalize(what))
	case ne != nil && ne.Status == 403 && strings.Contains(ne.Message, "deleted"):
		return inputErrorf("%s was deleted (HTTP 403 %q): it can no longer be read or changed.", capitalize(what), ne.Message)
	case errors.Is(err, nextcloud.ErrDeckBoardArchived):
		return inputErrorf("%s is on an archived board and Deck refuses changes there (HTTP 500 \"This board is archived\"): unarchive the board first with nc_deck_update_board and archived=false.", capitalize(what))
	case errors.Is(err, nextcloud.ErrDeckDoneUnsupported):
		return inputErrorf("The other changes to %s were saved, but this Deck version ignores \"done\" in its REST API: mark the card done in the Deck web interface, or archive it instead.", what)
	case ne != nil && ne.Status == 400 && strings.Contains(ne.Message, "not part of the board"):
		return inputErrorf("The user is not a member of the board of %s (HTTP 400 %q): the board owner must share the board with them in Deck first.", what, ne.Message)
	case ne != nil && ne.Status == 400 && ne.Message != "":
		return inputErrorf("Deck refused the change to %s (HTTP 400): %s.", what, strings.TrimSuffix(strings.TrimSpace(ne.Message), "."))
	}
	return about(err, "%s", what)
}

// parseSince reads a modified_since argument: RFC 3339 or a bare date (midnight UTC).
func dtModifiedSince(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	return time.Time{}, inputErrorf("modified_since %q is not a time like 2026-11-20 or 2026-11-20T08:00:00Z", s)
}

// unixTime renders Deck's Unix seconds as RFC 3339; 0 stays empty.
func dtUnixTime(sec int64) string {
	if sec <= 0 {
		return ""
	}
	return time.Unix(sec, 0).UTC().Format(time.RFC3339)
}

func dtPositiveID(name string, v int) error {
	if v <= 0 {
		return inputErrorf("%s must be a positive id; list the items first to find it", name)
	}
	return nil
}

func dtNonBlank(name, v string) error {
	if strings.TrimSpace(v) == "" {
		return inputErrorf("%s must not be empty", name)
	}
	return nil
}

// dtCheckTitleColor checks the optional title and colour of a board or label
// change and normalises the colour to the form Deck stores.
func dtCheckTitleColor(title, color *string) error {
	if title != nil {
		if err := dtNonBlank("title", *title); err != nil {
			return err
		}
	}
	if color != nil {
		c, err := nextcloud.DeckColor(*color)
		if err != nil {
			return inputErrorf("%v", err)
		}
		*color = c
	}
	return nil
}

// deckLabelOut is a label as the tools show it.
type deckLabelOut struct {
	ID    int    `json:"id" jsonschema_description:"Label id, for the label tools."`
	Title string `json:"title"`
	Color string `json:"color" jsonschema_description:"Label colour as six hex digits."`
}

func deckLabels(ls []nextcloud.DeckLabel) []deckLabelOut {
	out := make([]deckLabelOut, 0, len(ls))
	for _, l := range ls {
		out = append(out, deckLabelOut{ID: l.ID, Title: l.Title, Color: l.Color})
	}
	return out
}

// deckCardOut is a card as the tools show it.
type deckCardOut struct {
	ID          int            `json:"id" jsonschema_description:"Card id, for the other card tools."`
	Title       string         `json:"title" jsonschema_description:"Card title."`
	StackID     int            `json:"stack_id" jsonschema_description:"Id of the stack (column) the card is in."`
	Order       int            `json:"order" jsonschema_description:"Position within its stack; lower comes first."`
	Description string         `json:"description,omitempty" jsonschema_description:"Card description (Markdown)."`
	DueDate     string         `json:"due_date,omitempty" jsonschema_description:"Due date (RFC 3339)."`
	Overdue     bool           `json:"overdue,omitempty" jsonschema_description:"True when the due date has passed and it is not done."`
	Done        bool           `json:"done,omitempty" jsonschema_description:"True when marked done."`
	DoneAt      string         `json:"done_at,omitempty" jsonschema_description:"When it was marked done (RFC 3339)."`
	Archived    bool           `json:"archived,omitempty" jsonschema_description:"True when it is archived."`
	Labels      []deckLabelOut `json:"labels,omitempty" jsonschema_description:"Labels on it."`
	Assignees   []string       `json:"assignees,omitempty" jsonschema_description:"User ids assigned to it."`
	Owner       string         `json:"owner,omitempty" jsonschema_description:"User id of who created the card."`
	Comments    int            `json:"comments,omitempty" jsonschema_description:"How many comments it has."`
	Created     string         `json:"created,omitempty" jsonschema_description:"When it was created (RFC 3339)."`
	Modified    string         `json:"modified,omitempty" jsonschema_description:"When it was last changed (RFC 3339)."`
	// ETag changes with every change of the card; pass it to nc_deck_update_card.
	ETag string `json:"etag" jsonschema_description:"Pass back to update or delete so a concurrent change is refused instead of overwritten."`
}

func deckCard(c nextcloud.DeckCard, withDescription bool) deckCardOut {
	out := deckCardOut{
		ID: c.ID, Title: c.Title, StackID: c.StackID, Order: c.Order, DueDate: c.DueDate,
		Done: c.Done != "", DoneAt: c.Done, Archived: c.Archived, Labels: deckLabels(c.Labels),
		Owner: c.Owner.UID, Comments: c.CommentsCount, Created: dtUnixTime(c.CreatedAt), Modified: dtUnixTime(c.LastModified), ETag: c.ETag,
	}
	if len(out.Labels) == 0 {
		out.Labels = nil
	}
	if withDescription {
		out.Description = c.Description
	}
	for _, a := range c.AssignedUsers {
		out.Assignees = append(out.Assignees, a.Participant.UID)
	}
	if t, err := time.Parse(time.RFC3339, c.DueDate); err == nil && c.Done == "" && t.Before(time.Now()) {
		out.Overdue = true
	}
	return out
}
