package nextcloud

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Talk (spreed) lives under two API versions: conversations and participants
// under v4, chat and reactions under v1.
const (
	talkRoomPath     = "/apps/spreed/api/v4/room"
	talkChatPath     = "/apps/spreed/api/v1/chat"
	talkReactionPath = "/apps/spreed/api/v1/reaction"
)

// ConversationType is Talk's room type.
type ConversationType int

// Talk conversation types.
const (
	ConversationOneToOne       ConversationType = 1
	ConversationGroup          ConversationType = 2
	ConversationPublic         ConversationType = 3
	ConversationChangelog      ConversationType = 4
	ConversationFormerOneToOne ConversationType = 5
	ConversationNoteToSelf     ConversationType = 6
)

// String names the type.
func (t ConversationType) String() string {
	switch t {
	case ConversationOneToOne:
		return "one-to-one"
	case ConversationGroup:
		return "group"
	case ConversationPublic:
		return "public"
	case ConversationChangelog:
		return "changelog"
	case ConversationFormerOneToOne:
		return "former one-to-one"
	case ConversationNoteToSelf:
		return "note to self"
	}
	return "type-" + strconv.Itoa(int(t))
}

// Conversation is a Talk room as the current user sees it.
type Conversation struct {
	ID                    int              `json:"id"`
	Token                 string           `json:"token"`
	Type                  ConversationType `json:"type"`
	Name                  string           `json:"name"`
	DisplayName           string           `json:"displayName"`
	Description           string           `json:"description"`
	ParticipantType       int              `json:"participantType"`
	ReadOnly              int              `json:"readOnly"`
	HasPassword           bool             `json:"hasPassword"`
	HasCall               bool             `json:"hasCall"`
	LastActivity          int64            `json:"lastActivity"`
	IsFavorite            bool             `json:"isFavorite"`
	UnreadMessages        int              `json:"unreadMessages"`
	UnreadMention         bool             `json:"unreadMention"`
	LastReadMessage       int              `json:"lastReadMessage"`
	LastCommonReadMessage int              `json:"lastCommonReadMessage"`
	// LastMessage is absent (an empty list on the wire) in a conversation without messages.
	LastMessage *ChatMessage `json:"-"`
}

// UnmarshalJSON tolerates lastMessage being [] when there is none.
func (c *Conversation) UnmarshalJSON(b []byte) error {
	type plain Conversation
	var w struct {
		plain
		LastMessage json.RawMessage `json:"lastMessage"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*c = Conversation(w.plain)
	if len(w.LastMessage) > 0 && w.LastMessage[0] == '{' {
		var m ChatMessage
		if err := json.Unmarshal(w.LastMessage, &m); err == nil && m.ID != 0 {
			c.LastMessage = &m
		}
	}
	return nil
}

// RichParameter is one placeholder of a Talk rich message.
type RichParameter struct {
	Type string `json:"type"`
	ID   string `json:"id"`
	Name string `json:"name"`
}

// ChatMessage is one Talk chat message.
type ChatMessage struct {
	ID               int                      `json:"id"`
	Token            string                   `json:"token"`
	ActorType        string                   `json:"actorType"`
	ActorID          string                   `json:"actorId"`
	ActorDisplayName string                   `json:"actorDisplayName"`
	Timestamp        int64                    `json:"timestamp"`
	Message          string                   `json:"message"`
	Parameters       map[string]RichParameter `json:"-"`
	SystemMessage    string                   `json:"systemMessage"`
	MessageType      string                   `json:"messageType"`
	IsReplyable      bool                     `json:"isReplyable"`
	ReferenceID      string                   `json:"referenceId"`
	Reactions        map[string]int           `json:"-"`
	ReactionsSelf    []string                 `json:"reactionsSelf"`
	// Parent is the message this one replies to.
	Parent *ChatMessage `json:"parent"`
}

// UnmarshalJSON tolerates Talk's PHP-array quirks: messageParameters and
// reactions are [] when empty and objects otherwise.
func (m *ChatMessage) UnmarshalJSON(b []byte) error {
	type plain ChatMessage
	var w struct {
		plain
		Params    json.RawMessage `json:"messageParameters"`
		Reactions json.RawMessage `json:"reactions"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*m = ChatMessage(w.plain)
	if len(w.Params) > 0 && w.Params[0] == '{' {
		// A parameter whose values do not fit is skipped rather than failing the message.
		var raw map[string]json.RawMessage
		if json.Unmarshal(w.Params, &raw) == nil {
			m.Parameters = map[string]RichParameter{}
			for k, v := range raw {
				var p RichParameter
				if json.Unmarshal(v, &p) == nil {
					m.Parameters[k] = p
				}
			}
		}
	}
	if len(w.Reactions) > 0 && w.Reactions[0] == '{' {
		_ = json.Unmarshal(w.Reactions, &m.Reactions)
	}
	return nil
}

// PlainText renders the message with its placeholders ({mention-user1},
// {file}...) replaced by their names.
func (m *ChatMessage) PlainText() string {
	if len(m.Parameters) == 0 {
		return m.Message
	}
	pairs := make([]string, 0, 2*len(m.Parameters))
	for k, p := range m.Parameters {
		name := p.Name
		if p.Type == "user" || p.Type == "guest" || p.Type == "call" || p.Type == "user-group" || p.Type == "group" {
			name = "@" + name
		}
		pairs = append(pairs, "{"+k+"}", name)
	}
	return strings.NewReplacer(pairs...).Replace(m.Message)
}

// Participant is a member of a conversation.
type Participant struct {
	AttendeeID      int    `json:"attendeeId"`
	ActorType       string `json:"actorType"`
	ActorID         string `json:"actorId"`
	DisplayName     string `json:"displayName"`
	ParticipantType int    `json:"participantType"`
	LastPing        int64  `json:"lastPing"`
	InCall          int    `json:"inCall"`
}

// Conversations lists the user's conversations without touching their
// online status.
func (c *Client) Conversations(ctx context.Context) ([]Conversation, error) {
	var out []Conversation
	q := url.Values{"noStatusUpdate": {"1"}}
	if err := c.OCS(ctx, http.MethodGet, talkRoomPath, q, nil, &out); err != nil {
		return nil, talkErr(err)
	}
	return out, nil
}

// Conversation returns one conversation by token.
func (c *Client) Conversation(ctx context.Context, token string) (*Conversation, error) {
	var out Conversation
	if err := c.OCS(ctx, http.MethodGet, talkRoomPath+"/"+url.PathEscape(token), nil, nil, &out); err != nil {
		return nil, talkErr(err)
	}
	return &out, nil
}

// NewConversation is what CreateConversation sends.
type NewConversation struct {
	Type ConversationType
	// Invite is the user id for one-to-one, or a group id (optional) for group conversations.
	Invite string
	// Source is "groups" when Invite is a group id.
	Source string
	Name   string
}

// CreateConversation creates a conversation; created is false when a
// one-to-one conversation with that user already existed.
func (c *Client) CreateConversation(ctx context.Context, n NewConversation) (conv *Conversation, created bool, err error) {
	body := map[string]any{"roomType": int(n.Type)}
	if n.Invite != "" {
		body["invite"] = n.Invite
	}
	if n.Source != "" {
		body["source"] = n.Source
	}
	if n.Name != "" {
		body["roomName"] = n.Name
	}
	var out Conversation
	reply, err := c.OCSDo(ctx, OCSCall{Method: http.MethodPost, Path: talkRoomPath, Body: body}, &out)
	if err != nil {
		return nil, false, talkErr(err)
	}
	return &out, reply.Status == http.StatusCreated, nil
}

// Participants lists the members of a conversation.
func (c *Client) Participants(ctx context.Context, token string) ([]Participant, error) {
	var out []Participant
	if err := c.OCS(ctx, http.MethodGet, talkRoomPath+"/"+url.PathEscape(token)+"/participants", nil, nil, &out); err != nil {
		return nil, talkErr(err)
	}
	return out, nil
}

// HistoryQuery pages backwards through a conversation.
type HistoryQuery struct {
	// Limit is 1-200; 0 means 50.
	Limit int
	// Before is the lastKnownMessageId: only older messages come back. 0 starts at the newest.
	Before int
	// MarkRead moves the user's read marker (and clears chat notifications).
	// Off by default, so reading for the user leaves their unread state alone.
	MarkRead bool
}

// HistoryPage is one page of messages, newest first.
type HistoryPage struct {
	Messages []ChatMessage
	// Next is the Before of the following (older) page; 0 when there is none.
	Next int
}

// ChatHistory reads messages older than q.Before.
func (c *Client) ChatHistory(ctx context.Context, token string, q HistoryQuery) (*HistoryPage, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	v := url.Values{
		"lookIntoFuture":          {"0"},
		"limit":                   {strconv.Itoa(limit)},
		"includeLastKnown":        {"0"},
		"noStatusUpdate":          {"1"},
		"setReadMarker":           {boolDigit(q.MarkRead)},
		"markNotificationsAsRead": {boolDigit(q.MarkRead)},
	}
	if q.Before > 0 {
		v.Set("lastKnownMessageId", strconv.Itoa(q.Before))
	}
	var msgs []ChatMessage
	// 304 means there is nothing older.
	reply, err := c.OCSDo(ctx, OCSCall{Method: http.MethodGet, Path: talkChatPath + "/" + url.PathEscape(token), Query: v, Empty: []int{http.StatusNotModified}}, &msgs)
	if err != nil {
		return nil, talkErr(err)
	}
	page := &HistoryPage{Messages: msgs}
	if !reply.Empty && len(msgs) >= limit {
		if n, err := strconv.Atoi(reply.Header.Get("X-Chat-Last-Given")); err == nil {
			page.Next = n
		}
	}
	return page, nil
}

func boolDigit(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// SendMessage posts a chat message; replyTo > 0 makes it a reply.
func (c *Client) SendMessage(ctx context.Context, token, message string, replyTo int, silent bool) (*ChatMessage, error) {
	body := map[string]any{"message": message}
	if replyTo > 0 {
		body["replyTo"] = replyTo
	}
	if silent {
		body["silent"] = true
	}
	var out ChatMessage
	if err := c.OCS(ctx, http.MethodPost, talkChatPath+"/"+url.PathEscape(token), nil, body, &out); err != nil {
		return nil, talkErr(err)
	}
	return &out, nil
}

// MarkRead sets the read marker to messageID.
func (c *Client) MarkRead(ctx context.Context, token string, messageID int) error {
	if messageID <= 0 {
		return fmt.Errorf("mark conversation %s read: no message id", token)
	}
	return talkErr(c.OCS(ctx, http.MethodPost, talkChatPath+"/"+url.PathEscape(token)+"/read", nil, map[string]any{"lastReadMessage": messageID}, nil))
}

// Reactor is who reacted and when.
type Reactor struct {
	ActorType        string `json:"actorType"`
	ActorID          string `json:"actorId"`
	ActorDisplayName string `json:"actorDisplayName"`
	Timestamp        int64  `json:"timestamp"`
}

// React adds an emoji reaction to a message and returns every reaction on
// it; added is false when the user had already reacted with that emoji.
func (c *Client) React(ctx context.Context, token string, messageID int, reaction string) (reactions map[string][]Reactor, added bool, err error) {
	var raw json.RawMessage
	reply, err := c.OCSDo(ctx, OCSCall{
		Method: http.MethodPost,
		Path:   talkReactionPath + "/" + url.PathEscape(token) + "/" + strconv.Itoa(messageID),
		Body:   map[string]any{"reaction": reaction},
	}, &raw)
	if err != nil {
		return nil, false, talkErr(err)
	}
	reactions = map[string][]Reactor{}
	if len(raw) > 0 && raw[0] == '{' {
		if err := json.Unmarshal(raw, &reactions); err != nil {
			return nil, false, fmt.Errorf("decode reactions: %w", err)
		}
	}
	return reactions, reply.Status == http.StatusCreated, nil
}

// talkErr names Talk when the server has no such app.
func talkErr(err error) error { return appMissing(err, "Talk (spreed)") }
