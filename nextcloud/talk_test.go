package nextcloud_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

func TestTalkConversations(t *testing.T) {
	ctx := context.Background()
	fake, url := collabFake(t, ncfake.Options{})
	admin := collabClient(t, fake, url, "admin")
	alice := collabClient(t, fake, url, "alice")

	conv, created, err := admin.CreateConversation(ctx, nextcloud.NewConversation{Type: nextcloud.ConversationGroup, Name: "Planning"})
	if err != nil || !created || conv.Token == "" || conv.DisplayName != "Planning" || conv.Type != nextcloud.ConversationGroup {
		t.Fatalf("create group (a 201 whose meta says 201): %+v %v %v", conv, created, err)
	}
	// The creation leaves a system message behind.
	if conv.LastMessage == nil || conv.LastMessage.SystemMessage != "conversation_created" {
		t.Fatalf("last message: %+v", conv.LastMessage)
	}
	dm, created, err := admin.CreateConversation(ctx, nextcloud.NewConversation{Type: nextcloud.ConversationOneToOne, Invite: "alice"})
	if err != nil || !created || dm.Name != "alice" {
		t.Fatalf("one-to-one: %+v %v %v", dm, created, err)
	}
	again, created, err := admin.CreateConversation(ctx, nextcloud.NewConversation{Type: nextcloud.ConversationOneToOne, Invite: "alice"})
	if err != nil || created || again.Token != dm.Token {
		t.Fatalf("the existing one-to-one must come back (200): %+v %v %v", again, created, err)
	}
	if _, _, err := admin.CreateConversation(ctx, nextcloud.NewConversation{Type: nextcloud.ConversationOneToOne, Invite: "nobody"}); !errors.Is(err, nextcloud.ErrNotFound) {
		t.Fatalf("unknown invitee: %v", err)
	}
	list, err := admin.Conversations(ctx)
	if err != nil || len(list) != 2 {
		t.Fatalf("list: %+v %v", list, err)
	}
	if _, err := alice.Conversation(ctx, conv.Token); !errors.Is(err, nextcloud.ErrNotFound) {
		t.Fatalf("a conversation alice is not in must be 404: %v", err)
	}
	ps, err := admin.Participants(ctx, dm.Token)
	if err != nil || len(ps) != 2 {
		t.Fatalf("participants: %+v %v", ps, err)
	}
}

func TestTalkChatReadingDoesNotMarkRead(t *testing.T) {
	ctx := context.Background()
	fake, url := collabFake(t, ncfake.Options{})
	token := fake.AddTalkConversation("alice", "Team", "admin")
	var ids []int
	for _, m := range []string{"one", "two", "three", "hey @admin, four", "five"} {
		ids = append(ids, fake.AddTalkMessage(token, "alice", m))
	}
	admin := collabClient(t, fake, url, "admin")

	page, err := admin.ChatHistory(ctx, token, nextcloud.HistoryQuery{Limit: 2})
	if err != nil || len(page.Messages) != 2 || page.Messages[0].ID != ids[4] || page.Next != ids[3] {
		t.Fatalf("first page (newest first): %+v %v", page, err)
	}
	if page.Messages[1].PlainText() != "hey @admin, four" || page.Messages[1].Parameters["mention-user1"].ID != "admin" {
		t.Fatalf("mention: %q %+v", page.Messages[1].PlainText(), page.Messages[1].Parameters)
	}
	page, err = admin.ChatHistory(ctx, token, nextcloud.HistoryQuery{Limit: 2, Before: page.Next})
	if err != nil || len(page.Messages) != 2 || page.Messages[0].Message != "three" || page.Messages[1].Message != "two" {
		t.Fatalf("second page: %+v %v", page, err)
	}
	// Paging past the oldest message ends with the server's 304.
	end, err := admin.ChatHistory(ctx, token, nextcloud.HistoryQuery{Limit: 50, Before: 1})
	if err != nil || len(end.Messages) != 0 || end.Next != 0 {
		t.Fatalf("past the start: %+v %v", end, err)
	}
	conv, err := admin.Conversation(ctx, token)
	if err != nil || conv.UnreadMessages != 5 || !conv.UnreadMention {
		t.Fatalf("reading must leave the read marker alone: unread %d mention %v (%v)", conv.UnreadMessages, conv.UnreadMention, err)
	}
	if _, err := admin.ChatHistory(ctx, token, nextcloud.HistoryQuery{Limit: 1, MarkRead: true}); err != nil {
		t.Fatal(err)
	}
	conv, _ = admin.Conversation(ctx, token)
	if conv.UnreadMessages != 0 {
		t.Fatalf("MarkRead reading must move the marker: unread %d", conv.UnreadMessages)
	}
}

func TestTalkSendReplyReactMarkRead(t *testing.T) {
	ctx := context.Background()
	fake, url := collabFake(t, ncfake.Options{})
	token := fake.AddTalkConversation("alice", "Team", "admin")
	question := fake.AddTalkMessage(token, "alice", "lunch?")
	admin := collabClient(t, fake, url, "admin")

	msg, err := admin.SendMessage(ctx, token, "yes, at noon", question, false)
	if err != nil || msg.ID == 0 || msg.Parent == nil || msg.Parent.ID != question || msg.ActorID != "admin" {
		t.Fatalf("reply: %+v %v", msg, err)
	}
	if _, err := admin.SendMessage(ctx, token, "orphan", 99999, false); err == nil {
		t.Fatal("a reply to a missing message must fail")
	}
	reactions, added, err := admin.React(ctx, token, question, "👍")
	if err != nil || !added || len(reactions["👍"]) != 1 || reactions["👍"][0].ActorID != "admin" {
		t.Fatalf("react: %+v %v %v", reactions, added, err)
	}
	_, added, err = admin.React(ctx, token, question, "👍")
	if err != nil || added {
		t.Fatalf("reacting twice is not an error and adds nothing: %v %v", added, err)
	}
	page, _ := admin.ChatHistory(ctx, token, nextcloud.HistoryQuery{Limit: 5})
	i := slices.IndexFunc(page.Messages, func(m nextcloud.ChatMessage) bool { return m.ID == question })
	if i < 0 || page.Messages[i].Reactions["👍"] != 1 || !slices.Contains(page.Messages[i].ReactionsSelf, "👍") {
		t.Fatalf("reactions in history: %+v", page.Messages)
	}

	alice := collabClient(t, fake, url, "alice")
	conv, _ := alice.Conversation(ctx, token)
	if conv.UnreadMessages != 1 {
		t.Fatalf("alice should have admin's reply unread, has %d", conv.UnreadMessages)
	}
	if err := alice.MarkRead(ctx, token, msg.ID); err != nil {
		t.Fatal(err)
	}
	conv, _ = alice.Conversation(ctx, token)
	if conv.UnreadMessages != 0 || conv.LastReadMessage != msg.ID {
		t.Fatalf("after mark read: %+v", conv)
	}
}

func TestTalkAppMissing(t *testing.T) {
	fake, url := collabFake(t, ncfake.Options{Apps: []string{"files"}})
	c := collabClient(t, fake, url, "admin")
	if _, err := c.Conversations(context.Background()); !errors.Is(err, nextcloud.ErrAppMissing) {
		t.Fatalf("want ErrAppMissing, got %v", err)
	}
}
