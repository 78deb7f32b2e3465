package tools

import (
	"strings"
	"testing"
)

func TestTalkToolsEndToEnd(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	token := h.fake.AddTalkConversation("alice", "Launch", "admin")
	var ids []int
	for _, m := range []string{"kickoff at 10", "agenda is in Files", "@admin can you review?"} {
		ids = append(ids, h.fake.AddTalkMessage(token, "alice", m))
	}

	var list TalkListOutput
	h.ok("nc_talk_list_conversations", map[string]any{"unread_only": true}, &list)
	if len(list.Conversations) != 1 || list.Conversations[0].Token != token || list.Conversations[0].UnreadMessages != 3 || !list.Conversations[0].UnreadMention {
		t.Fatalf("list: %+v", list)
	}
	if c := list.Conversations[0]; c.LastMessage == nil || c.LastMessage.Text != "@admin can you review?" || !strings.HasSuffix(c.URL, "/index.php/call/"+token) {
		t.Fatalf("conversation details: %+v", c)
	}

	var read TalkReadOutput
	h.ok("nc_talk_read_messages", map[string]any{"token": token, "limit": 2}, &read)
	if len(read.Messages) != 2 || read.Messages[0].ID != ids[1] || read.Messages[1].ID != ids[2] || read.NextBeforeID != ids[1] || read.MarkedRead {
		t.Fatalf("read (oldest first): %+v", read)
	}
	var older TalkReadOutput
	h.ok("nc_talk_read_messages", map[string]any{"token": token, "before_id": read.NextBeforeID}, &older)
	if len(older.Messages) != 2 || older.Messages[0].System != "conversation_created" || older.Messages[1].ID != ids[0] || older.NextBeforeID != 0 {
		t.Fatalf("older: %+v", older)
	}
	var conv TalkConversation
	h.ok("nc_talk_get_conversation", map[string]any{"token": token}, &conv)
	if conv.UnreadMessages != 3 {
		t.Fatalf("reading must not mark read: %d unread", conv.UnreadMessages)
	}

	var sent TalkMessage
	h.ok("nc_talk_send_message", map[string]any{"token": token, "message": "on it", "reply_to": ids[2]}, &sent)
	if sent.ReplyTo != ids[2] || sent.AuthorID != "admin" || sent.Text != "on it" {
		t.Fatalf("send: %+v", sent)
	}
	var react TalkReactOutput
	h.ok("nc_talk_react", map[string]any{"token": token, "message_id": ids[0], "reaction": "🎉"}, &react)
	if !react.Added || len(react.Reactions["🎉"]) != 1 {
		t.Fatalf("react: %+v", react)
	}

	alice := newHarness(t, harnessOpts{fake: h.fake, user: "alice", password: "alice-app-password"})
	var mark TalkMarkReadOutput
	alice.ok("nc_talk_mark_read", map[string]any{"token": token}, &mark)
	if mark.LastReadID != sent.ID || mark.UnreadMessages != 0 {
		t.Fatalf("mark read: %+v", mark)
	}

	var ps TalkParticipantsOutput
	h.ok("nc_talk_list_participants", map[string]any{"token": token}, &ps)
	if len(ps.Participants) != 2 || ps.Participants[0].ID != "alice" || ps.Participants[0].Role != "owner" || ps.Participants[1].Role != "user" {
		t.Fatalf("participants: %+v", ps)
	}

	var created TalkCreateOutput
	h.ok("nc_talk_create_conversation", map[string]any{"type": "one-to-one", "invite": "alice"}, &created)
	if !created.Created || created.Conversation.Type != "one-to-one" || created.Conversation.Name != "Alice" {
		t.Fatalf("create: %+v", created)
	}
	h.ok("nc_talk_create_conversation", map[string]any{"type": "one-to-one", "invite": "alice"}, &created)
	if created.Created {
		t.Fatal("the second one-to-one must be the existing conversation")
	}
	h.ok("nc_talk_create_conversation", map[string]any{"type": "group", "name": "Admins", "group": "admin"}, &created)
	if !created.Created || created.Conversation.Name != "Admins" || created.Conversation.Type != "group" {
		t.Fatalf("group: %+v", created)
	}
}

func TestTalkToolErrors(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	token := h.fake.AddTalkConversation("alice", "Private")
	cases := []struct {
		tool string
		args map[string]any
		want string
	}{
		{"nc_talk_read_messages", map[string]any{"token": token}, "404"},
		{"nc_talk_send_message", map[string]any{"token": "nosuch", "message": "hi"}, "conversation nosuch"},
		{"nc_talk_send_message", map[string]any{"token": token, "message": "  "}, "empty"},
		{"nc_talk_create_conversation", map[string]any{"type": "one-to-one"}, "needs invite"},
		{"nc_talk_create_conversation", map[string]any{"type": "public"}, "needs a name"},
		{"nc_talk_react", map[string]any{"token": token, "message_id": 1, "reaction": ""}, "one emoji"},
	}
	for _, c := range cases {
		if msg := h.fails(c.tool, c.args); !strings.Contains(msg, c.want) {
			t.Errorf("%s %v: %q lacks %q", c.tool, c.args, msg, c.want)
		}
	}
}
