package tools

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// talkToolset: Talk conversations and messages. Reading never moves the
// user's read marker unless they ask; tools that post, react or invite are
// openWorld because other people see the result.
func talkToolset(d *Deps) *Toolset {
	return &Toolset{
		Name:        "talk",
		Description: "Nextcloud Talk: conversations, messages, participants and reactions.",
		Available:   hasApp("spreed"),
		Tools: []Tool{
			talkListTool(d),
			talkGetTool(d),
			talkParticipantsTool(d),
			talkCreateTool(d),
			talkReadTool(d),
			talkSendTool(d),
			talkMarkReadTool(d),
			talkReactTool(d),
		},
	}
}

// TalkConversation is a conversation as the tools report it.
type TalkConversation struct {
	Token          string       `json:"token" jsonschema:"conversation token, for the other nc_talk_ tools"`
	Name           string       `json:"name" jsonschema:"display name (the other person's name in a one-to-one)"`
	Type           string       `json:"type" jsonschema:"one-to-one, group, public, changelog, former one-to-one or note to self"`
	Description    string       `json:"description,omitempty" jsonschema:"conversation description"`
	UnreadMessages int          `json:"unread_messages" jsonschema:"messages you have not read"`
	UnreadMention  bool         `json:"unread_mention,omitempty" jsonschema:"you were mentioned since you last read"`
	LastReadID     int          `json:"last_read_message_id,omitempty" jsonschema:"id of the last message you read"`
	LastActivity   string       `json:"last_activity,omitempty" jsonschema:"RFC 3339"`
	LastMessage    *TalkMessage `json:"last_message,omitempty" jsonschema:"the newest message"`
	ReadOnly       bool         `json:"read_only,omitempty" jsonschema:"nobody can post"`
	Favorite       bool         `json:"favorite,omitempty" jsonschema:"marked as favorite"`
	URL            string       `json:"url" jsonschema:"link that opens the conversation in the browser"`
}

// TalkMessage is a chat message as the tools report it.
type TalkMessage struct {
	ID       int    `json:"id" jsonschema:"message id (reply_to, message_id, before_id)"`
	Author   string `json:"author" jsonschema:"display name of the author"`
	AuthorID string `json:"author_id" jsonschema:"user id of the author"`
	// AuthorType is Talk's actor type: users, guests, emails, federated_users, bots...
	AuthorType string `json:"author_type,omitempty" jsonschema:"users, guests, federated_users, bots..."`
	Time       string `json:"time" jsonschema:"RFC 3339"`
	Text       string `json:"text" jsonschema:"the message, with mentions and files written out"`
	// System names the kind of a system message (conversation_created, call_ended...).
	System      string         `json:"system,omitempty" jsonschema:"set for system messages: its kind, e.g. call_ended"`
	ReplyTo     int            `json:"reply_to,omitempty" jsonschema:"id of the message this answers"`
	ReplyAuthor string         `json:"reply_to_author,omitempty" jsonschema:"author of the message this answers"`
	Reactions   map[string]int `json:"reactions,omitempty" jsonschema:"emoji and how many reacted with it"`
	Edited      bool           `json:"edited,omitempty" jsonschema:"the text was edited after posting"`
	Deleted     bool           `json:"deleted,omitempty" jsonschema:"the message was deleted"`
}

func talkTime(sec int64) string {
	if sec <= 0 {
		return ""
	}
	return time.Unix(sec, 0).UTC().Format(time.RFC3339)
}

func talkMessage(m *nextcloud.ChatMessage) TalkMessage {
	out := TalkMessage{ID: m.ID, Author: m.ActorDisplayName, AuthorID: m.ActorID, AuthorType: m.ActorType, Time: talkTime(m.Timestamp), Text: m.PlainText(), System: m.SystemMessage}
	if m.Parent != nil && m.Parent.ID != 0 {
		out.ReplyTo, out.ReplyAuthor = m.Parent.ID, m.Parent.ActorDisplayName
	}
	if len(m.Reactions) > 0 {
		out.Reactions = m.Reactions
	}
	out.Edited = m.LastEditTimestamp > 0
	if m.Deleted || m.MessageType == "comment_deleted" {
		out.Deleted, out.Text, out.Reactions = true, "", nil
	}
	return out
}

func talkConversation(c *nextcloud.Client, conv *nextcloud.Conversation) TalkConversation {
	out := TalkConversation{
		Token: conv.Token, Name: conv.DisplayName, Type: conv.Type.String(), Description: conv.Description,
		UnreadMessages: conv.UnreadMessages, UnreadMention: conv.UnreadMention, LastReadID: conv.LastReadMessage,
		LastActivity: talkTime(conv.LastActivity), ReadOnly: conv.ReadOnly != 0, Favorite: conv.IsFavorite,
		URL: c.AbsoluteURL("/index.php/call/" + url.PathEscape(conv.Token)),
	}
	if out.Name == "" {
		out.Name = conv.Name
	}
	if conv.LastMessage != nil {
		m := talkMessage(conv.LastMessage)
		out.LastMessage = &m
	}
	return out
}

// TalkTokenInput names one conversation.
type TalkTokenInput struct {
	Token string `json:"token"`
}

// Validate implements the input check.
func (in *TalkTokenInput) Validate() error { return checkTalkToken(in.Token) }

func checkTalkToken(token string) error {
	if strings.TrimSpace(token) == "" {
		return inputErrorf("token is required: list conversations with nc_talk_list_conversations to find it")
	}
	return nil
}

// --- list ---

// TalkListInput are the arguments of nc_talk_list_conversations.
type TalkListInput struct {
	UnreadOnly bool   `json:"unread_only,omitempty"`
	Query      string `json:"query,omitempty" jsonschema:"text in the name"`
}

// TalkListOutput is the result of nc_talk_list_conversations.
type TalkListOutput struct {
	Conversations []TalkConversation `json:"conversations" jsonschema:"most recently active first"`
}

func talkListTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:  "nc_talk_list_conversations",
		Title: "List Talk conversations",
		Description: "List Talk conversations, most recent first, with unread counts, " +
			"mentions and last message. Changes no read marker.",
		Hints: readHints,
	}, func(ctx context.Context, call *Call, in TalkListInput) (TalkListOutput, error) {
		convs, err := call.Client.Conversations(ctx)
		if err != nil {
			return TalkListOutput{}, about(err, "your Talk conversations")
		}
		out := TalkListOutput{Conversations: []TalkConversation{}}
		q := strings.ToLower(in.Query)
		for i := range convs {
			c := talkConversation(call.Client, &convs[i])
			if (in.UnreadOnly && c.UnreadMessages == 0) || (q != "" && !strings.Contains(strings.ToLower(c.Name), q)) {
				continue
			}
			out.Conversations = append(out.Conversations, c)
		}
		sortTalkConversations(out.Conversations)
		return out, nil
	})
}

func sortTalkConversations(cs []TalkConversation) {
	// RFC 3339 in UTC sorts as text.
	slices.SortStableFunc(cs, func(a, b TalkConversation) int { return strings.Compare(b.LastActivity, a.LastActivity) })
}

// --- get ---

func talkGetTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_talk_get_conversation",
		Title:       "Get a Talk conversation",
		Description: "Show one Talk conversation: name, type, unread count, last message.",
		Hints:       readHints,
	}, func(ctx context.Context, call *Call, in TalkTokenInput) (TalkConversation, error) {
		conv, err := call.Client.Conversation(ctx, in.Token)
		if err != nil {
			return TalkConversation{}, talkRoomError(err, in.Token)
		}
		return talkConversation(call.Client, conv), nil
	})
}

// --- participants ---

// TalkParticipant is a member of a conversation.
type TalkParticipant struct {
	ID         string `json:"id" jsonschema:"user id (or guest/email id)"`
	Name       string `json:"name" jsonschema:"display name"`
	Kind       string `json:"kind" jsonschema:"users, guests, emails, groups..."`
	Role       string `json:"role" jsonschema:"owner, moderator, user, guest, guest moderator or public-link user"`
	AttendeeID int    `json:"attendee_id" jsonschema:"attendee id in this conversation"`
	InCall     bool   `json:"in_call,omitempty" jsonschema:"currently in the call"`
}

// TalkParticipantsOutput is the result of nc_talk_list_participants.
type TalkParticipantsOutput struct {
	Participants []TalkParticipant `json:"participants" jsonschema_description:"People in the conversation."`
}

var talkRoles = map[int]string{1: "owner", 2: "moderator", 3: "user", 4: "guest", 5: "public-link user", 6: "guest moderator"}

func talkParticipantsTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_talk_list_participants",
		Title:       "List conversation participants",
		Description: "List who is in a Talk conversation, with role and call state.",
		Hints:       readHints,
	}, func(ctx context.Context, call *Call, in TalkTokenInput) (TalkParticipantsOutput, error) {
		ps, err := call.Client.Participants(ctx, in.Token)
		if err != nil {
			return TalkParticipantsOutput{}, talkRoomError(err, in.Token)
		}
		out := TalkParticipantsOutput{Participants: []TalkParticipant{}}
		for _, p := range ps {
			out.Participants = append(out.Participants, TalkParticipant{ID: p.ActorID, Name: p.DisplayName, Kind: p.ActorType, Role: talkRoles[p.ParticipantType], AttendeeID: p.AttendeeID, InCall: p.InCall != 0})
		}
		return out, nil
	})
}

// --- create ---

// TalkCreateInput are the arguments of nc_talk_create_conversation.
type TalkCreateInput struct {
	Type   string `json:"type" jsonschema:"one-to-one (invite), group or public (both need name),enum=one-to-one,enum=group,enum=public"`
	Name   string `json:"name,omitempty"`
	Invite string `json:"invite,omitempty" jsonschema:"user id, for one-to-one"`
	Group  string `json:"group,omitempty" jsonschema:"add this group's members"`
}

var talkTypeByName = map[string]nextcloud.ConversationType{
	"one-to-one": nextcloud.ConversationOneToOne,
	"group":      nextcloud.ConversationGroup,
	"public":     nextcloud.ConversationPublic,
}

// talkMaxName is Talk's limit for a conversation name (talk/11).
const talkMaxName = 255

// Validate implements the input check.
func (in *TalkCreateInput) Validate() error {
	t, ok := talkTypeByName[in.Type]
	name := strings.TrimSpace(in.Name)
	switch {
	case !ok:
		return inputErrorf("type %q: use one-to-one, group or public", in.Type)
	case t == nextcloud.ConversationOneToOne && strings.TrimSpace(in.Invite) == "":
		return inputErrorf("a one-to-one conversation needs invite: the other user's id")
	case t == nextcloud.ConversationOneToOne && (in.Name != "" || in.Group != ""):
		return inputErrorf("a one-to-one conversation takes only invite, no name or group")
	case t != nextcloud.ConversationOneToOne && in.Invite != "":
		return inputErrorf("invite is for one-to-one; add a group with group, or people later in Talk")
	case t == nextcloud.ConversationPublic && name == "":
		return inputErrorf("a public conversation needs a name (Talk refuses one without, even with a group)")
	case t == nextcloud.ConversationGroup && name == "" && strings.TrimSpace(in.Group) == "":
		return inputErrorf("a group conversation needs a name, or a group to name it after")
	case utf8.RuneCountInString(name) > talkMaxName:
		return inputErrorf("name has %d characters; Talk accepts at most %d", utf8.RuneCountInString(name), talkMaxName)
	}
	return nil
}

// TalkCreateOutput is the result of nc_talk_create_conversation.
type TalkCreateOutput struct {
	Conversation TalkConversation `json:"conversation" jsonschema_description:"The new conversation."`
	Created      bool             `json:"created" jsonschema:"false when the one-to-one conversation already existed"`
}

func talkCreateTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:  "nc_talk_create_conversation",
		Title: "Create a Talk conversation",
		Description: "Start a Talk conversation: one-to-one (the existing " +
			"one is returned), group, or public with a link.",
		Hints: Hints{OpenWorld: true},
	}, func(ctx context.Context, call *Call, in TalkCreateInput) (TalkCreateOutput, error) {
		n := nextcloud.NewConversation{Type: talkTypeByName[in.Type], Name: strings.TrimSpace(in.Name), Group: strings.TrimSpace(in.Group)}
		if n.Type == nextcloud.ConversationOneToOne {
			n.Invite = strings.TrimSpace(in.Invite)
			// Talk answers a one-to-one with yourself with a bare 403 (talk/08).
			if me, err := call.Client.UserID(ctx); err == nil && strings.EqualFold(me, n.Invite) {
				return TalkCreateOutput{}, inputErrorf("invite %q is you: a one-to-one conversation needs another user's id", n.Invite)
			}
		}
		conv, created, err := call.Client.CreateConversation(ctx, n)
		if err != nil {
			return TalkCreateOutput{}, talkCreateError(err, in, n)
		}
		return TalkCreateOutput{Conversation: talkConversation(call.Client, conv), Created: created}, nil
	})
}
