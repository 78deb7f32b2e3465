package tools

import (
	"context"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// DeckBoardInfo is a board in a listing. It is exported so that
// the schema generator documents its fields where deckBoardDetail embeds it.
type DeckBoardInfo struct {
	ID       int    `json:"id" jsonschema_description:"Board id, for the other Deck tools."`
	Title    string `json:"title" jsonschema_description:"Board title."`
	Color    string `json:"color" jsonschema_description:"Board colour as six hex digits."`
	Owner    string `json:"owner" jsonschema_description:"User id of the owner."`
	Archived bool   `json:"archived,omitempty" jsonschema_description:"True when the board is archived (read-only in Deck)."`
	// Deleted boards stay listed until Deck purges them; restore them in Deck's web interface.
	Deleted  bool   `json:"deleted,omitempty" jsonschema_description:"True when the board was deleted but not yet purged; restore it in Deck's web interface."`
	CanEdit  bool   `json:"can_edit" jsonschema_description:"True when this account may change the board's cards."`
	Modified string `json:"modified,omitempty" jsonschema_description:"When it was last changed (RFC 3339)."`
	ETag     string `json:"etag" jsonschema_description:"Board etag; pass it to nc_deck_get_board to learn cheaply whether anything changed."`
}

func deckBoard(b nextcloud.DeckBoard) DeckBoardInfo {
	return DeckBoardInfo{ID: b.ID, Title: b.Title, Color: b.Color, Owner: b.Owner.UID, Archived: b.Archived,
		Deleted: b.DeletedAt != 0, CanEdit: b.Permissions.Edit, Modified: dtUnixTime(b.LastModified), ETag: b.ETag}
}

type deckListBoardsIn struct {
	IncludeArchived bool   `json:"include_archived,omitempty"`
	IncludeDeleted  bool   `json:"include_deleted,omitempty" jsonschema:"deleted but not yet purged"`
	ModifiedSince   string `json:"modified_since,omitempty"`
}

type deckListBoardsOut struct {
	Boards []DeckBoardInfo `json:"boards" jsonschema_description:"Boards this account can see."`
}

func deckListBoardsTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_deck_list_boards",
		Title:       "List Deck boards",
		Description: "List the user's Deck boards (own and shared) with ids and etags.",
		Hints:       readHints,
	}, func(ctx context.Context, call *Call, in deckListBoardsIn) (deckListBoardsOut, error) {
		since, err := dtModifiedSince(in.ModifiedSince)
		if err != nil {
			return deckListBoardsOut{}, err
		}
		boards, err := call.Client.Deck().Boards(ctx, nextcloud.DeckBoardsOptions{ModifiedSince: since})
		if err != nil {
			return deckListBoardsOut{}, deckErr(err, "the board list")
		}
		out := deckListBoardsOut{Boards: []DeckBoardInfo{}}
		for _, b := range boards {
			if (b.Archived && !in.IncludeArchived) || (b.DeletedAt != 0 && !in.IncludeDeleted) {
				continue
			}
			out.Boards = append(out.Boards, deckBoard(b))
		}
		return out, nil
	})
}

type deckBoardIn struct {
	BoardID int `json:"board_id"`
}

func (in *deckBoardIn) Validate() error { return dtPositiveID("board_id", in.BoardID) }

type deckGetBoardIn struct {
	BoardID int    `json:"board_id"`
	ETag    string `json:"etag,omitempty"`
}

func (in *deckGetBoardIn) Validate() error { return dtPositiveID("board_id", in.BoardID) }

type deckStackBrief struct {
	ID    int    `json:"id" jsonschema_description:"Stack id."`
	Title string `json:"title" jsonschema_description:"Stack title."`
	Order int    `json:"order" jsonschema_description:"Position on the board; lower comes first."`
}

type deckBoardDetail struct {
	DeckBoardInfo
	NotModified bool             `json:"not_modified,omitempty" jsonschema_description:"True when the board is unchanged since the etag you passed; the other fields are then left out."`
	Members     []string         `json:"members,omitempty" jsonschema_description:"User ids who can see the board."`
	Labels      []deckLabelOut   `json:"labels,omitempty" jsonschema_description:"Labels defined on the board."`
	Stacks      []deckStackBrief `json:"stacks,omitempty" jsonschema_description:"Its stacks (columns), in board order."`
	CanManage   bool             `json:"can_manage,omitempty" jsonschema_description:"True when this account may change the board itself (members, labels, stacks)."`
}

func deckBoardDetails(b nextcloud.DeckBoard) deckBoardDetail {
	out := deckBoardDetail{DeckBoardInfo: deckBoard(b), Labels: deckLabels(b.Labels), CanManage: b.Permissions.Manage}
	for _, u := range b.Users {
		out.Members = append(out.Members, u.UID)
	}
	for _, s := range b.Stacks {
		out.Stacks = append(out.Stacks, deckStackBrief{ID: s.ID, Title: s.Title, Order: s.Order})
	}
	return out
}

func deckGetBoardTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_deck_get_board",
		Title:       "Get a Deck board",
		Description: "Read a Deck board: labels, members and stacks without cards. An earlier etag gives not_modified cheaply.",
		Hints:       readHints,
	}, func(ctx context.Context, call *Call, in deckGetBoardIn) (deckBoardDetail, error) {
		b, notModified, err := call.Client.Deck().Board(ctx, in.BoardID, in.ETag)
		if err != nil {
			return deckBoardDetail{}, deckErr(err, "board %d", in.BoardID)
		}
		if notModified {
			return deckBoardDetail{DeckBoardInfo: DeckBoardInfo{ID: in.BoardID, ETag: in.ETag}, NotModified: true}, nil
		}
		return deckBoardDetails(*b), nil
	})
}

type deckCreateBoardIn struct {
	Title string `json:"title" jsonschema:"max 100 characters"`
	Color string `json:"color,omitempty" jsonschema:"six hex digits, e.g. 0082c9"`
}

func (in *deckCreateBoardIn) Validate() error {
	if err := dtNonBlank("title", in.Title); err != nil {
		return err
	}
	if in.Color != "" {
		if _, err := nextcloud.DeckColor(in.Color); err != nil {
			return inputErrorf("%v", err)
		}
	}
	return nil
}

func deckCreateBoardTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_deck_create_board",
		Title:       "Create a Deck board",
		Description: "Create a Deck board (Deck adds four default labels); add stacks with nc_deck_create_stack.",
		Hints:       createHints,
	}, func(ctx context.Context, call *Call, in deckCreateBoardIn) (deckBoardDetail, error) {
		color := "0082c9"
		if in.Color != "" {
			color, _ = nextcloud.DeckColor(in.Color)
		}
		b, err := call.Client.Deck().CreateBoard(ctx, in.Title, color)
		if err != nil {
			return deckBoardDetail{}, deckErr(err, "new board %q", in.Title)
		}
		return deckBoardDetails(*b), nil
	})
}

type deckUpdateBoardIn struct {
	BoardID  int     `json:"board_id"`
	Title    *string `json:"title,omitempty"`
	Color    *string `json:"color,omitempty" jsonschema:"six hex digits"`
	Archived *bool   `json:"archived,omitempty"`
}

func (in *deckUpdateBoardIn) Validate() error {
	if err := dtPositiveID("board_id", in.BoardID); err != nil {
		return err
	}
	if in.Title == nil && in.Color == nil && in.Archived == nil {
		return inputErrorf("nothing to change: give title, color or archived")
	}
	return dtCheckTitleColor(in.Title, in.Color)
}

func deckUpdateBoardTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_deck_update_board",
		Title:       "Update a Deck board",
		Description: "Rename, recolour, archive or unarchive a Deck board.",
		Hints:       updateHints,
	}, func(ctx context.Context, call *Call, in deckUpdateBoardIn) (deckBoardDetail, error) {
		b, err := call.Client.Deck().UpdateBoard(ctx, in.BoardID, nextcloud.DeckBoardPatch{Title: in.Title, Color: in.Color, Archived: in.Archived})
		if err != nil {
			return deckBoardDetail{}, deckErr(err, "board %d", in.BoardID)
		}
		return deckBoardDetails(*b), nil
	})
}

// deckDeleted is the answer of the delete tools.
type deckDeleted struct {
	Deleted bool   `json:"deleted" jsonschema_description:"True when it was deleted."`
	ID      int    `json:"id" jsonschema_description:"Id of what was deleted."`
	Title   string `json:"title,omitempty" jsonschema_description:"Title of what was deleted."`
	Note    string `json:"note,omitempty" jsonschema_description:"What else to know, for example how to restore it."`
}

func deckDeleteBoardTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_deck_delete_board",
		Title:       "Delete a Deck board",
		Description: "Delete a Deck board with its stacks and cards (restorable only in Deck's web UI for a while).",
		Hints:       deleteHints,
	}, func(ctx context.Context, call *Call, in deckBoardIn) (deckDeleted, error) {
		b, err := call.Client.Deck().DeleteBoard(ctx, in.BoardID)
		if err != nil {
			return deckDeleted{}, deckErr(err, "board %d", in.BoardID)
		}
		return deckDeleted{Deleted: true, ID: b.ID, Title: b.Title, Note: "Restorable from Deck's web interface (deleted boards) until Deck purges it."}, nil
	})
}
