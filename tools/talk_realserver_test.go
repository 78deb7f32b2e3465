package tools

import (
	"strings"
	"testing"
	"time"
)

// The tests below hold the Talk tools to what Talk 19 really does (talk/):
// each one failed against the fake once the fake followed the recordings.

// TestTalkReadMarkReadClearsEverything (a): reading with mark_read leaves
// no unread message, no unread mention and no chat notification; a later
// read of older messages never moves the marker back.
func TestTalkReadMarkReadClearsEverything(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	token := h.fake.AddTalkConversation("alice", "Launch", "admin")
	h.fake.AddTalkMessage(token, "alice", "checklist ready")
	h.fake.AddTalkMessage(token, "alice", "@admin could you review it?")
	last := h.fake.AddTalkMessage(token, "alice", "thanks!")
	h.fake.ReactTalk(token, "alice", last, "🎉") // the newest message is a reaction note

	var notes NotificationsListOutput
	h.ok("nc_notifications_list", nil, &notes)
	if len(notes.Notifications) != 1 {
		t.Fatalf("the mention should notify admin: %+v", notes)
	}
	var read TalkReadOutput
	h.ok("nc_talk_read_messages", map[string]any{"token": token, "limit": 2, "mark_read": true}, &read)
	if !read.MarkedRead || len(read.Messages) != 2 {
		t.Fatalf("read: %+v", read)
	}
	var conv TalkConversation
	h.ok("nc_talk_get_conversation", map[string]any{"token": token}, &conv)
	if conv.UnreadMessages != 0 || conv.UnreadMention {
		t.Fatalf("after mark_read: %d unread, mention %v", conv.UnreadMessages, conv.UnreadMention)
	}
	h.ok("nc_notifications_list", nil, &notes)
	if len(notes.Notifications) != 0 {
		t.Fatalf("notifications for what was read remain: %+v", notes)
	}
	marker := h.fake.TalkReadMarker(token, "admin")
	h.ok("nc_talk_read_messages", map[string]any{"token": token, "before_id": read.NextBeforeID, "mark_read": true}, &read)
	if got := h.fake.TalkReadMarker(token, "admin"); got != marker {
		t.Fatalf("reading older messages moved the marker back from %d to %d", marker, got)
	}
}

// TestTalkMarkReadForwardOnly (f): an older message_id is refused and the
// marker stays; the default marks everything read.
func TestTalkMarkReadForwardOnly(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	token := h.fake.AddTalkConversation("alice", "Launch", "admin")
	first := h.fake.AddTalkMessage(token, "alice", "one")
	h.fake.AddTalkMessage(token, "alice", "two")
	var mark TalkMarkReadOutput
	h.ok("nc_talk_mark_read", map[string]any{"token": token}, &mark)
	if mark.UnreadMessages != 0 {
		t.Fatalf("mark read: %+v", mark)
	}
	msg := h.fails("nc_talk_mark_read", map[string]any{"token": token, "message_id": first})
	if !strings.Contains(msg, "only moves it forward") || h.fake.TalkReadMarker(token, "admin") != mark.LastReadID {
		t.Fatalf("moving back: %q, marker %d", msg, h.fake.TalkReadMarker(token, "admin"))
	}
}

// TestTalkCreateKeepsNameAndGroup (b, c): a group conversation with a name
// and a group keeps the name and holds the group; a public one holds the
// group too; a public one needs a name before any request is made.
func TestTalkCreateKeepsNameAndGroup(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	for _, typ := range []string{"group", "public"} {
		var created TalkCreateOutput
		h.ok("nc_talk_create_conversation", map[string]any{"type": typ, "name": "Release crew", "group": "users"}, &created)
		if created.Conversation.Name != "Release crew" || created.Conversation.Type != typ {
			t.Fatalf("%s: %+v", typ, created.Conversation)
		}
		var ps TalkParticipantsOutput
		h.ok("nc_talk_list_participants", map[string]any{"token": created.Conversation.Token}, &ps)
		var who []string
		for _, p := range ps.Participants {
			who = append(who, p.Kind+":"+p.ID)
		}
		if got := strings.Join(who, ","); !strings.Contains(got, "users:alice") || !strings.Contains(got, "groups:users") {
			t.Fatalf("%s conversation created with group users holds %s", typ, got)
		}
	}
	before := h.fake.RequestCount()
	if msg := h.fails("nc_talk_create_conversation", map[string]any{"type": "public", "group": "users"}); !strings.Contains(msg, "needs a name") {
		t.Errorf("public without name: %q", msg)
	}
	if h.fake.RequestCount() != before {
		t.Error("a public conversation without a name must be refused before asking Talk")
	}
}

// TestTalkHistoryFoldsAndCountsRealMessages (d): reactions, edits and
// deletions are folded into their messages with flags, and limit counts
// the messages shown.
func TestTalkHistoryFoldsAndCountsRealMessages(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	token := h.fake.AddTalkConversation("alice", "Launch", "admin")
	m1 := h.fake.AddTalkMessage(token, "alice", "draft plan")
	m2 := h.fake.AddTalkMessage(token, "alice", "oops")
	m3 := h.fake.AddTalkMessage(token, "alice", "final")
	h.fake.ReactTalk(token, "admin", m1, "👍")
	h.fake.ReactTalk(token, "alice", m1, "🎉")
	h.fake.EditTalkMessage(token, "alice", m1, "final plan")
	h.fake.DeleteTalkMessage(token, "alice", m2)

	var read TalkReadOutput
	h.ok("nc_talk_read_messages", map[string]any{"token": token, "limit": 2}, &read)
	if len(read.Messages) != 2 || read.Messages[0].ID != m2 || !read.Messages[0].Deleted || read.Messages[0].Text != "" || read.Messages[1].ID != m3 {
		t.Fatalf("newest two real messages: %+v", read.Messages)
	}
	var older TalkReadOutput
	h.ok("nc_talk_read_messages", map[string]any{"token": token, "limit": 2, "before_id": read.NextBeforeID}, &older)
	if len(older.Messages) != 2 || older.Messages[1].ID != m1 {
		t.Fatalf("older: %+v", older.Messages)
	}
	if m := older.Messages[1]; !m.Edited || m.Text != "final plan" || m.Reactions["👍"] != 1 || m.Reactions["🎉"] != 1 {
		t.Fatalf("the edited message with its reactions: %+v", m)
	}
	for _, m := range append(read.Messages, older.Messages...) {
		if m.System == "reaction" || m.System == "message_edited" || m.System == "message_deleted" {
			t.Fatalf("a folded note was shown: %+v", m)
		}
	}
}

// TestTalkHistoryPagesPastExpiredMessages (e): expired messages leave short
// and empty pages; reading follows Talk's next-page id past them.
func TestTalkHistoryPagesPastExpiredMessages(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	now := time.Now()
	h.fake.SetTalkClock(func() time.Time { return now })
	token := h.fake.AddTalkConversation("admin", "Ephemeral")
	old := h.fake.AddTalkMessage(token, "admin", "kept from before")
	h.fake.SetTalkExpiration(token, "admin", 5)
	for range 6 {
		h.fake.AddTalkMessage(token, "admin", "gone soon")
	}
	now = now.Add(10 * time.Second)
	h.fake.SetTalkExpiration(token, "admin", 0)
	recent := h.fake.AddTalkMessage(token, "admin", "kept message")

	var read TalkReadOutput
	h.ok("nc_talk_read_messages", map[string]any{"token": token, "limit": 3}, &read)
	var ids []int
	for _, m := range read.Messages {
		ids = append(ids, m.ID)
	}
	if len(read.Messages) != 3 || read.Messages[0].ID != old || read.Messages[2].ID != recent {
		t.Fatalf("three messages across the expired ones: %v %+v", ids, read.Messages)
	}
}

// TestTalkErrorsNameTheCause (g): unknown users and groups are named, a
// one-to-one with yourself says so, a read-only conversation says it is
// read-only, and no sentence says "participants ... was".
func TestTalkErrorsNameTheCause(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	changelog := h.fake.AddTalkChangelog("admin")
	cases := []struct {
		tool string
		args map[string]any
		want []string
	}{
		{"nc_talk_create_conversation", map[string]any{"type": "one-to-one", "invite": "nosuchuser"}, []string{`user "nosuchuser" does not exist`}},
		{"nc_talk_create_conversation", map[string]any{"type": "group", "name": "X", "group": "nosuchgroup"}, []string{`group "nosuchgroup" does not exist`, "no conversation was created"}},
		{"nc_talk_create_conversation", map[string]any{"type": "one-to-one", "invite": "admin"}, []string{"is you"}},
		{"nc_talk_send_message", map[string]any{"token": changelog, "message": "hi"}, []string{"read-only"}},
		{"nc_talk_list_participants", map[string]any{"token": "nosuchtk"}, []string{"conversation nosuchtk does not exist"}},
		{"nc_talk_react", map[string]any{"token": changelog, "message_id": 999999, "reaction": "👍"}, []string{"message 999999"}},
	}
	for _, c := range cases {
		msg := h.fails(c.tool, c.args)
		for _, w := range c.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%s %v: %q lacks %q", c.tool, c.args, msg, w)
			}
		}
		if strings.Contains(msg, " was not found") {
			t.Errorf("%s: %q", c.tool, msg)
		}
	}
	var list TalkListOutput
	h.ok("nc_talk_list_conversations", nil, &list)
	for _, c := range list.Conversations {
		if c.Name == "X" {
			t.Fatalf("a conversation whose group could not be added was left behind: %+v", c)
		}
	}
}

// TestTalkMentionsKeepUserID (h): a mention shows the display name and the
// user id to mention back.
func TestTalkMentionsKeepUserID(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	token := h.fake.AddTalkConversation("admin", "Team", "alice")
	h.fake.AddTalkMessage(token, "admin", "thanks @alice!")
	var read TalkReadOutput
	h.ok("nc_talk_read_messages", map[string]any{"token": token, "limit": 1}, &read)
	if len(read.Messages) != 1 || read.Messages[0].Text != "thanks @Alice (alice)!" {
		t.Fatalf("mention: %+v", read.Messages)
	}
}
