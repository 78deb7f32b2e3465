package nextcloud_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

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
	// Only the read endpoint moves the marker; it answers the conversation.
	conv, err = admin.MarkRead(ctx, token, ids[4])
	if err != nil || conv.UnreadMessages != 0 || conv.UnreadMention || conv.LastReadMessage != ids[4] {
		t.Fatalf("MarkRead: %+v %v", conv, err)
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
	if _, err := alice.MarkRead(ctx, token, msg.ID); err != nil {
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

// TestTalkCreateWithGroup: the name given is kept and the group added
// afterwards (Talk would name the room after the group, or for a public
// room drop it, talk/04-05); an unknown group leaves nothing behind.
func TestTalkCreateWithGroup(t *testing.T) {
	ctx := context.Background()
	fake, url := collabFake(t, ncfake.Options{})
	admin := collabClient(t, fake, url, "admin")
	for _, typ := range []nextcloud.ConversationType{nextcloud.ConversationGroup, nextcloud.ConversationPublic} {
		conv, created, err := admin.CreateConversation(ctx, nextcloud.NewConversation{Type: typ, Name: "Crew", Group: "users"})
		if err != nil || !created || conv.Name != "Crew" {
			t.Fatalf("%v: %+v %v %v", typ, conv, created, err)
		}
		ps, err := admin.Participants(ctx, conv.Token)
		if err != nil || !slices.ContainsFunc(ps, func(p nextcloud.Participant) bool { return p.ActorType == "groups" && p.ActorID == "users" }) ||
			!slices.ContainsFunc(ps, func(p nextcloud.Participant) bool { return p.ActorID == "alice" }) {
			t.Fatalf("%v participants: %+v %v", typ, ps, err)
		}
	}
	_, _, err := admin.CreateConversation(ctx, nextcloud.NewConversation{Type: nextcloud.ConversationGroup, Name: "Ghost", Group: "nosuchgroup"})
	var gna *nextcloud.GroupNotAddedError
	if !errors.As(err, &gna) || !errors.Is(err, nextcloud.ErrNotFound) || gna.Cleanup != nil {
		t.Fatalf("unknown group: %v", err)
	}
	list, _ := admin.Conversations(ctx)
	if slices.ContainsFunc(list, func(c nextcloud.Conversation) bool { return c.Name == "Ghost" }) {
		t.Fatal("the conversation without its group was left behind")
	}
}

// TestTalkHistoryNextOnShortPages: expired messages make pages short or
// empty; Next still leads on until Talk's 304 (talk/56-58).
func TestTalkHistoryNextOnShortPages(t *testing.T) {
	ctx := context.Background()
	fake, url := collabFake(t, ncfake.Options{})
	now := time.Now()
	fake.SetTalkClock(func() time.Time { return now })
	token := fake.AddTalkConversation("admin", "E")
	first := fake.AddTalkMessage(token, "admin", "first")
	fake.SetTalkExpiration(token, "admin", 5)
	for range 4 {
		fake.AddTalkMessage(token, "admin", "gone")
	}
	now = now.Add(time.Minute)
	admin := collabClient(t, fake, url, "admin")
	page, err := admin.ChatHistory(ctx, token, nextcloud.HistoryQuery{Limit: 2})
	if err != nil || len(page.Messages) != 0 || page.Next == 0 {
		t.Fatalf("an empty page of expired messages must still lead on: %+v %v", page, err)
	}
	var found bool
	for before := page.Next; before != 0; {
		p, err := admin.ChatHistory(ctx, token, nextcloud.HistoryQuery{Limit: 2, Before: before})
		if err != nil {
			t.Fatal(err)
		}
		found = found || slices.ContainsFunc(p.Messages, func(m nextcloud.ChatMessage) bool { return m.ID == first })
		before = p.Next
	}
	if !found {
		t.Fatal("the message before the expired ones was never reached")
	}
}
