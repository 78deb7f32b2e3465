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
	// MentionID is what to write after @ to mention the same actor again
	// ("alice", "user-group/admin").
	MentionID string `json:"mention-id"`
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
	Silent           bool                     `json:"silent"`
	// Deleted is set on a deleted comment (messageType comment_deleted).
	Deleted bool `json:"deleted"`
	// LastEditTimestamp is set once a comment was edited.
	LastEditTimestamp int64 `json:"lastEditTimestamp"`
	// Parent is the message this one replies to; for the reaction,
	// message_edited and message_deleted system messages, the message they change.
	Parent *ChatMessage `json:"parent"`
}

// Talk's system messages that only change another message. Talk's own
// clients fold them into that message instead of showing them.
var foldedSystemMessages = map[string]bool{
	"reaction": true, "reaction_revoked": true, "reaction_deleted": true,
	"message_edited": true, "message_deleted": true,
}

// Folded reports whether the message is a reaction, edit or deletion note
// that Talk's own clients fold into the message it changes.
func (m *ChatMessage) Folded() bool { return foldedSystemMessages[m.SystemMessage] }

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
// {file}...) replaced by their names. A mentioned user or group keeps its id
// beside the display name, "@Alice (alice)", so it can be mentioned back.
func (m *ChatMessage) PlainText() string {
	if len(m.Parameters) == 0 {
		return m.Message
	}
	pairs := make([]string, 0, 2*len(m.Parameters))
	for k, p := range m.Parameters {
		name := p.Name
		switch p.Type {
		case "user", "guest", "call", "user-group", "group":
			name = "@" + name
			if (p.Type == "user" || p.Type == "user-group" || p.Type == "group") && p.ID != "" && p.ID != p.Name {
				name += " (" + p.ID + ")"
			}
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

// NewConversation is what CreateConversation makes.
type NewConversation struct {
	Type ConversationType
	// Invite is the other user's id of a one-to-one conversation.
	Invite string
	// Group, for a group or public conversation, is a group id whose
	// members are added after the conversation was created.
	Group string
	// Name is required for group (unless Group is set) and public conversations.
	Name string
}

// CreateConversation creates a conversation; created is false when a
// one-to-one conversation with that user already existed.
//
// Talk names a group conversation created with invite=<group> after the
// group and ignores roomName, and a public one ignores the invite entirely
// (talk/04, 05). So a conversation with a Group is created by its name
// first and gets the group through the participants endpoint afterwards; if
// adding the group fails, the new conversation is deleted again and the
// error says which step failed.
func (c *Client) CreateConversation(ctx context.Context, n NewConversation) (conv *Conversation, created bool, err error) {
	body := map[string]any{"roomType": int(n.Type)}
	name := n.Name
	if name == "" && n.Type != ConversationOneToOne {
		name = n.Group
	}
	if n.Type == ConversationOneToOne && n.Invite != "" {
		body["invite"] = n.Invite
	}
	if name != "" {
		body["roomName"] = name
	}
	var out Conversation
	reply, err := c.OCSDo(ctx, OCSCall{Method: http.MethodPost, Path: talkRoomPath, Body: body}, &out)
	if err != nil {
		return nil, false, talkErr(err)
	}
	created = reply.Status == http.StatusCreated
	if n.Group == "" || n.Type == ConversationOneToOne {
		return &out, created, nil
	}
	if err := c.AddParticipant(ctx, out.Token, n.Group, "groups"); err != nil {
		if derr := c.DeleteConversation(context.WithoutCancel(ctx), out.Token); derr != nil {
			return nil, false, &GroupNotAddedError{Group: n.Group, Token: out.Token, Err: err, Cleanup: derr}
		}
		return nil, false, &GroupNotAddedError{Group: n.Group, Err: err}
	}
	after, err := c.Conversation(ctx, out.Token)
	if err != nil {
		return &out, created, nil
	}
	return after, created, nil
}

// GroupNotAddedError says a new conversation could not get its group. The
// conversation was deleted again unless Cleanup says why not (then Token
// names it).
type GroupNotAddedError struct {
	Group   string
	Token   string
	Err     error
	Cleanup error
}

func (e *GroupNotAddedError) Error() string {
	if e.Cleanup != nil {
		return fmt.Sprintf("adding group %q to the new conversation %s failed (%v), and deleting that conversation failed too (%v)", e.Group, e.Token, e.Err, e.Cleanup)
	}
	return fmt.Sprintf("adding group %q to the new conversation failed (%v), so the conversation was deleted again", e.Group, e.Err)
}

func (e *GroupNotAddedError) Unwrap() error { return e.Err }

// AddParticipant adds a user (source "users") or every member of a group
// (source "groups") to a conversation; moderators only.
func (c *Client) AddParticipant(ctx context.Context, token, id, source string) error {
	body := map[string]any{"newParticipant": id, "source": source}
	return talkErr(c.OCS(ctx, http.MethodPost, talkRoomPath+"/"+url.PathEscape(token)+"/participants", nil, body, nil))
}

// DeleteConversation deletes a conversation for everyone; moderators only.
func (c *Client) DeleteConversation(ctx context.Context, token string) error {
	return talkErr(c.OCS(ctx, http.MethodDelete, talkRoomPath+"/"+url.PathEscape(token), nil, nil, nil))
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
	// Limit is 1-200; 0 means 50. Talk counts every message it looks at,
	// system and expired ones included, so a page may hold fewer.
	Limit int
	// Before is the lastKnownMessageId: only older messages come back. 0 starts at the newest.
	Before int
}

// HistoryPage is one page of messages, newest first.
type HistoryPage struct {
	Messages []ChatMessage
	// Next is the Before of the following (older) page: Talk's
	// X-Chat-Last-Given, sent even when the page is short or empty because
	// messages expired (talk/56-58). 0 only when Talk answered 304, the
	// start of the conversation.
	Next int
}

// ChatHistory reads messages older than q.Before. Reading the history never
// moves the user's read marker nor clears notifications (talk/46, 47): use
// MarkRead for that.
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
		"setReadMarker":           {"0"},
		"markNotificationsAsRead": {"0"},
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
	if !reply.Empty {
		if n, err := strconv.Atoi(reply.Header.Get("X-Chat-Last-Given")); err == nil && n > 0 {
			page.Next = n
		} else if len(msgs) > 0 {
			page.Next = msgs[len(msgs)-1].ID
		}
	}
	return page, nil
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

// MarkRead sets the read marker to messageID and answers the conversation
// as it is then. Talk also clears the user's chat notifications up to that
// message. The marker moves backwards too (talk/50): callers that only mean
// to mark read must compare with LastReadMessage first.
func (c *Client) MarkRead(ctx context.Context, token string, messageID int) (*Conversation, error) {
	if messageID <= 0 {
		return nil, fmt.Errorf("mark conversation %s read: no message id", token)
	}
	var out Conversation
	if err := c.OCS(ctx, http.MethodPost, talkChatPath+"/"+url.PathEscape(token)+"/read", nil, map[string]any{"lastReadMessage": messageID}, &out); err != nil {
		return nil, talkErr(err)
	}
	return &out, nil
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
