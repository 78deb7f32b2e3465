package tools

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// --- read ---

// TalkReadInput are the arguments of nc_talk_read_messages.
type TalkReadInput struct {
	Token    string `json:"token"`
	Limit    int    `json:"limit,omitempty" jsonschema:"default 30, max 200"`
	BeforeID int    `json:"before_id,omitempty" jsonschema:"older than this; pass next_before_id"`
	MarkRead bool   `json:"mark_read,omitempty"`
}

// Validate implements the input check.
func (in *TalkReadInput) Validate() error {
	if in.Limit < 0 || in.Limit > 200 || in.BeforeID < 0 {
		return inputErrorf("limit must be 1-200 and before_id a message id")
	}
	return checkTalkToken(in.Token)
}

// TalkReadOutput is the result of nc_talk_read_messages.
type TalkReadOutput struct {
	Messages     []TalkMessage `json:"messages" jsonschema:"oldest first"`
	NextBeforeID int           `json:"next_before_id,omitempty" jsonschema:"pass as before_id for older messages; absent at the start of the conversation"`
	MarkedRead   bool          `json:"marked_read" jsonschema:"read up to the newest message returned"`
}

// talkMaxPages bounds the history requests of one read: Talk counts the
// reaction, edit and deletion notes it returns, and expired messages, in
// its limit, so filling a page can take several.
const talkMaxPages = 10

func talkReadTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:  "nc_talk_read_messages",
		Title: "Read Talk messages",
		Description: "Read the newest messages of a Talk conversation, or older " +
			"ones with before_id. Marks nothing read unless mark_read.",
		Hints: readHints,
	}, func(ctx context.Context, call *Call, in TalkReadInput) (TalkReadOutput, error) {
		limit := cmp.Or(in.Limit, 30)
		shown, next, newest, err := talkHistory(ctx, call.Client, in.Token, in.BeforeID, limit)
		if err != nil {
			return TalkReadOutput{}, err
		}
		out := TalkReadOutput{Messages: []TalkMessage{}, NextBeforeID: next}
		for i := range shown {
			out.Messages = append(out.Messages, talkMessage(&shown[i]))
		}
		slices.Reverse(out.Messages)
		if in.MarkRead && newest > 0 {
			if _, err := talkMarkForward(ctx, call.Client, in.Token, newest); err != nil {
				return TalkReadOutput{}, err
			}
			out.MarkedRead = true
		}
		return out, nil
	})
}

// talkHistory collects up to limit messages older than before, newest
// first, leaving out the notes Talk's own clients fold away (reactions,
// edits, deletions). It follows X-Chat-Last-Given even past short or empty
// pages (expired messages, talk/56-58) and stops at Talk's 304. next is the
// before_id of the following read (0 at the start); newest is the highest
// message id seen, folded ones included.
func talkHistory(ctx context.Context, c *nextcloud.Client, token string, before, limit int) (shown []nextcloud.ChatMessage, next, newest int, err error) {
	for range talkMaxPages {
		page, err := c.ChatHistory(ctx, token, nextcloud.HistoryQuery{Limit: limit, Before: before})
		if err != nil {
			return nil, 0, 0, talkRoomError(err, token)
		}
		for _, m := range page.Messages {
			newest = max(newest, m.ID)
			if !m.Folded() {
				shown = append(shown, m)
			}
		}
		next = page.Next
		if next == 0 || len(shown) >= limit {
			break
		}
		before = next
	}
	if len(shown) > limit {
		shown = shown[:limit]
		next = shown[limit-1].ID
	}
	return shown, next, newest, nil
}

// talkMarkForward moves the read marker to messageID unless it is already
// there or further: Talk's read endpoint also moves it backwards (talk/50),
// which would make read messages unread again.
func talkMarkForward(ctx context.Context, c *nextcloud.Client, token string, messageID int) (*nextcloud.Conversation, error) {
	conv, err := c.Conversation(ctx, token)
	if err != nil {
		return nil, talkRoomError(err, token)
	}
	if conv.LastReadMessage >= messageID {
		return conv, nil
	}
	conv, err = c.MarkRead(ctx, token, messageID)
	if err != nil {
		return nil, talkRoomError(err, token)
	}
	return conv, nil
}

// --- send ---

// TalkSendInput are the arguments of nc_talk_send_message.
type TalkSendInput struct {
	Token   string `json:"token"`
	Message string `json:"message" jsonschema:"@userid mentions"`
	ReplyTo int    `json:"reply_to,omitempty"`
	Silent  bool   `json:"silent,omitempty" jsonschema:"without notifying anyone"`
}

// talkMaxMessage is Talk's limit (capabilities spreed.config.chat.max-length).
const talkMaxMessage = 32000

// Validate implements the input check.
func (in *TalkSendInput) Validate() error {
	if strings.TrimSpace(in.Message) == "" {
		return inputErrorf("message is empty")
	}
	if n := utf8.RuneCountInString(in.Message); n > talkMaxMessage {
		return inputErrorf("message has %d characters; Talk accepts at most %d: split it", n, talkMaxMessage)
	}
	return checkTalkToken(in.Token)
}

func talkSendTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:  "nc_talk_send_message",
		Title: "Send a Talk message",
		Description: "Post a message in a Talk conversation, optionally " +
			"as a reply; post only what the user asked to send.",
		Hints: Hints{OpenWorld: true},
	}, func(ctx context.Context, call *Call, in TalkSendInput) (TalkMessage, error) {
		m, err := call.Client.SendMessage(ctx, in.Token, in.Message, in.ReplyTo, in.Silent)
		if err != nil {
			return TalkMessage{}, talkSendError(err, in)
		}
		return talkMessage(m), nil
	})
}

// --- mark read ---

// TalkMarkReadInput are the arguments of nc_talk_mark_read.
type TalkMarkReadInput struct {
	Token     string `json:"token"`
	MessageID int    `json:"message_id,omitempty" jsonschema:"default the newest"`
}

// Validate implements the input check.
func (in *TalkMarkReadInput) Validate() error {
	if in.MessageID < 0 {
		return inputErrorf("message_id must be a message id")
	}
	return checkTalkToken(in.Token)
}

// TalkMarkReadOutput is the result of nc_talk_mark_read.
type TalkMarkReadOutput struct {
	Token          string `json:"token" jsonschema_description:"Token of the conversation marked read."`
	LastReadID     int    `json:"last_read_message_id" jsonschema:"the read marker now"`
	UnreadMessages int    `json:"unread_messages" jsonschema:"messages still unread"`
}

func talkMarkReadTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:  "nc_talk_mark_read",
		Title: "Mark a conversation read",
		Description: "Mark a Talk conversation read up to the newest " +
			"message or message_id (forward only).",
		Hints: Hints{Idempotent: true},
	}, func(ctx context.Context, call *Call, in TalkMarkReadInput) (TalkMarkReadOutput, error) {
		conv, err := call.Client.Conversation(ctx, in.Token)
		if err != nil {
			return TalkMarkReadOutput{}, talkRoomError(err, in.Token)
		}
		id := in.MessageID
		switch {
		case id == 0 && conv.LastMessage == nil:
			return TalkMarkReadOutput{Token: in.Token, LastReadID: conv.LastReadMessage, UnreadMessages: conv.UnreadMessages}, nil
		case id == 0:
			id = conv.LastMessage.ID
		case id < conv.LastReadMessage:
			return TalkMarkReadOutput{}, inputErrorf("message_id %d is before your read marker (%d), so nothing changed: nc_talk_mark_read only moves it forward",
				id, conv.LastReadMessage)
		}
		if id > conv.LastReadMessage {
			if conv, err = call.Client.MarkRead(ctx, in.Token, id); err != nil {
				return TalkMarkReadOutput{}, talkRoomError(err, in.Token)
			}
		}
		return TalkMarkReadOutput{Token: in.Token, LastReadID: conv.LastReadMessage, UnreadMessages: conv.UnreadMessages}, nil
	})
}

// --- react ---

// TalkReactInput are the arguments of nc_talk_react.
type TalkReactInput struct {
	Token     string `json:"token"`
	MessageID int    `json:"message_id"`
	Reaction  string `json:"reaction" jsonschema:"one emoji"`
}

// Validate implements the input check.
func (in *TalkReactInput) Validate() error {
	if in.MessageID <= 0 {
		return inputErrorf("message_id is required: read messages with nc_talk_read_messages")
	}
	if r := strings.TrimSpace(in.Reaction); r == "" || utf8.RuneCountInString(r) > 8 {
		return inputErrorf("reaction must be one emoji, e.g. 👍")
	}
	return checkTalkToken(in.Token)
}

// TalkReactOutput is the result of nc_talk_react.
type TalkReactOutput struct {
	MessageID int                 `json:"message_id" jsonschema_description:"Id of the message reacted to."`
	Added     bool                `json:"added" jsonschema:"false when you had already reacted with it"`
	Reactions map[string][]string `json:"reactions" jsonschema:"every reaction on the message: emoji and who"`
}

func talkReactTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_talk_react",
		Title:       "React to a Talk message",
		Description: "Add an emoji reaction to a Talk message.",
		Hints:       Hints{Idempotent: true, OpenWorld: true},
	}, func(ctx context.Context, call *Call, in TalkReactInput) (TalkReactOutput, error) {
		rs, added, err := call.Client.React(ctx, in.Token, in.MessageID, strings.TrimSpace(in.Reaction))
		if err != nil {
			return TalkReactOutput{}, talkReactError(err, in)
		}
		out := TalkReactOutput{MessageID: in.MessageID, Added: added, Reactions: map[string][]string{}}
		for emoji, who := range rs {
			for _, r := range who {
				out.Reactions[emoji] = append(out.Reactions[emoji], r.ActorDisplayName)
			}
		}
		return out, nil
	})
}
