package nextcloud

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// DeckComment is a comment on a card. Comments live in Deck's OCS API, not
// its REST API, so they need the OCS-APIRequest header like any OCS call.
type DeckComment struct {
	ID               int           `json:"id"`
	ObjectID         int           `json:"objectId"`
	Message          string        `json:"message"`
	ActorID          string        `json:"actorId"`
	ActorType        string        `json:"actorType"`
	ActorDisplayName string        `json:"actorDisplayName"`
	CreationDateTime string        `json:"creationDateTime"`
	Mentions         []DeckMention `json:"mentions"`
	// ReplyTo is the comment this one answers, when it is a reply.
	ReplyTo *DeckComment `json:"replyTo,omitempty"`
}

// DeckMention is an @-mention inside a comment.
type DeckMention struct {
	MentionID          string `json:"mentionId"`
	MentionType        string `json:"mentionType"`
	MentionDisplayName string `json:"mentionDisplayName"`
}

func deckCommentsPath(cardID int) string {
	return "/apps/deck/api/v1.0/cards/" + strconv.Itoa(cardID) + "/comments"
}

// Comments lists a card's comments, newest first. limit 0 means Deck's default (20).
func (d *DeckAPI) Comments(ctx context.Context, cardID, limit, offset int) ([]DeckComment, error) {
	q := url.Values{}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	if offset > 0 {
		q.Set("offset", strconv.Itoa(offset))
	}
	var out []DeckComment
	if err := d.c.OCS(ctx, http.MethodGet, deckCommentsPath(cardID), q, nil, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// CreateComment comments on a card; replyTo, when not 0, is the comment answered.
func (d *DeckAPI) CreateComment(ctx context.Context, cardID int, message string, replyTo int) (*DeckComment, error) {
	body := map[string]any{"message": message, "parentId": nil}
	if replyTo != 0 {
		body["parentId"] = replyTo
	}
	var out DeckComment
	if err := d.c.OCS(ctx, http.MethodPost, deckCommentsPath(cardID), nil, body, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateComment replaces a comment's text; only its author may.
func (d *DeckAPI) UpdateComment(ctx context.Context, cardID, commentID int, message string) (*DeckComment, error) {
	var out DeckComment
	if err := d.c.OCS(ctx, http.MethodPut, deckCommentsPath(cardID)+"/"+strconv.Itoa(commentID), nil, map[string]any{"message": message}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteComment deletes a comment.
func (d *DeckAPI) DeleteComment(ctx context.Context, cardID, commentID int) error {
	return d.c.OCS(ctx, http.MethodDelete, deckCommentsPath(cardID)+"/"+strconv.Itoa(commentID), nil, nil, nil)
}
