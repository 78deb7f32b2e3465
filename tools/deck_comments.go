package tools

import (
	"context"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

type deckCommentOut struct {
	ID      int    `json:"id" jsonschema_description:"Comment id."`
	CardID  int    `json:"card_id" jsonschema_description:"Id of the Deck card."`
	Author  string `json:"author" jsonschema_description:"User id of who wrote it."`
	Message string `json:"message" jsonschema_description:"The comment text."`
	Created string `json:"created" jsonschema_description:"When it was created (RFC 3339)."`
	// ReplyTo is the id of the comment this one answers.
	ReplyTo int `json:"reply_to,omitempty" jsonschema_description:"comment id it answers"`
}

func deckComment(c nextcloud.DeckComment) deckCommentOut {
	out := deckCommentOut{ID: c.ID, CardID: c.ObjectID, Author: c.ActorID, Message: c.Message, Created: c.CreationDateTime}
	if c.ReplyTo != nil {
		out.ReplyTo = c.ReplyTo.ID
	}
	return out
}

type deckListCommentsIn struct {
	CardID int `json:"card_id"`
	Limit  int `json:"limit,omitempty" jsonschema:"default 20, max 100"`
	Offset int `json:"offset,omitempty"`
}

func (in *deckListCommentsIn) Validate() error {
	if err := dtPositiveID("card_id", in.CardID); err != nil {
		return err
	}
	if in.Limit < 0 || in.Limit > 100 || in.Offset < 0 {
		return inputErrorf("limit must be 0 to 100 and offset not negative")
	}
	return nil
}

type deckListCommentsOut struct {
	CardID   int              `json:"card_id" jsonschema_description:"Id of the Deck card."`
	Comments []deckCommentOut `json:"comments" jsonschema_description:"Comments on the card."`
	// NextOffset is set when there may be older comments.
	NextOffset int `json:"next_offset,omitempty" jsonschema_description:"Pass as offset to get the next page; absent when there is no more."`
}

func deckListCommentsTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_deck_list_comments",
		Title:       "List Deck card comments",
		Description: "List the comments on a Deck card, newest first.",
		Hints:       readHints,
	}, func(ctx context.Context, call *Call, in deckListCommentsIn) (deckListCommentsOut, error) {
		limit := in.Limit
		if limit == 0 {
			limit = 20
		}
		list, err := call.Client.Deck().Comments(ctx, in.CardID, limit, in.Offset)
		if err != nil {
			return deckListCommentsOut{}, deckErr(err, "card %d", in.CardID)
		}
		out := deckListCommentsOut{CardID: in.CardID, Comments: []deckCommentOut{}}
		for _, c := range list {
			out.Comments = append(out.Comments, deckComment(c))
		}
		if len(list) == limit {
			out.NextOffset = in.Offset + limit
		}
		return out, nil
	})
}

type deckCreateCommentIn struct {
	CardID  int    `json:"card_id"`
	Message string `json:"message" jsonschema:"@userid mentions notify"`
	ReplyTo int    `json:"reply_to,omitempty" jsonschema:"comment id it answers"`
}

func (in *deckCreateCommentIn) Validate() error {
	if err := dtPositiveID("card_id", in.CardID); err != nil {
		return err
	}
	// Deck stores empty comments; they only add noise.
	return dtNonBlank("message", in.Message)
}

func deckCreateCommentTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_deck_create_comment",
		Title:       "Comment on a Deck card",
		Description: "Comment on a Deck card, optionally replying to a comment.",
		Hints:       createHints,
	}, func(ctx context.Context, call *Call, in deckCreateCommentIn) (deckCommentOut, error) {
		c, err := call.Client.Deck().CreateComment(ctx, in.CardID, in.Message, in.ReplyTo)
		if err != nil {
			return deckCommentOut{}, deckErr(err, "card %d", in.CardID)
		}
		return deckComment(*c), nil
	})
}

type deckUpdateCommentIn struct {
	CardID    int    `json:"card_id"`
	CommentID int    `json:"comment_id"`
	Message   string `json:"message"`
}

func (in *deckUpdateCommentIn) Validate() error {
	if err := dtPositiveID("card_id", in.CardID); err != nil {
		return err
	}
	if err := dtPositiveID("comment_id", in.CommentID); err != nil {
		return err
	}
	return dtNonBlank("message", in.Message)
}

func deckUpdateCommentTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_deck_update_comment",
		Title:       "Edit a Deck comment",
		Description: "Replace the text of one of the user's own Deck comments.",
		Hints:       updateHints,
	}, func(ctx context.Context, call *Call, in deckUpdateCommentIn) (deckCommentOut, error) {
		c, err := call.Client.Deck().UpdateComment(ctx, in.CardID, in.CommentID, in.Message)
		if err != nil {
			return deckCommentOut{}, deckErr(err, "comment %d on card %d", in.CommentID, in.CardID)
		}
		return deckComment(*c), nil
	})
}

type deckCommentIn struct {
	CardID    int `json:"card_id"`
	CommentID int `json:"comment_id"`
}

func (in *deckCommentIn) Validate() error {
	if err := dtPositiveID("card_id", in.CardID); err != nil {
		return err
	}
	return dtPositiveID("comment_id", in.CommentID)
}

func deckDeleteCommentTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_deck_delete_comment",
		Title:       "Delete a Deck comment",
		Description: "Delete one of the user's own comments on a Deck card.",
		Hints:       deleteHints,
	}, func(ctx context.Context, call *Call, in deckCommentIn) (deckDeleted, error) {
		if err := call.Client.Deck().DeleteComment(ctx, in.CardID, in.CommentID); err != nil {
			return deckDeleted{}, deckErr(err, "comment %d on card %d", in.CommentID, in.CardID)
		}
		return deckDeleted{Deleted: true, ID: in.CommentID}, nil
	})
}
