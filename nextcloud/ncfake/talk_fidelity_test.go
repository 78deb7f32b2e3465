package ncfake

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// talkReplay replays talk/ recordings against the fake, translating the
// recorded tokens and message ids to the fake's as it learns them.
type talkReplay struct {
	t      *testing.T
	s      *Server
	tokens map[string]string // recorded → fake
	ids    map[string]string
}

var talkNumber = regexp.MustCompile(`\b\d{2,6}\b`)

func (tr *talkReplay) translate(s string) string {
	for rec, fake := range tr.tokens {
		s = strings.ReplaceAll(s, rec, fake)
	}
	return talkNumber.ReplaceAllStringFunc(s, func(n string) string {
		if v, ok := tr.ids[n]; ok {
			return v
		}
		return n
	})
}

// run replays one file and checks the status, that data has the recorded
// shape (the same keys in objects, in list entries, in lastMessage and in
// parent) and returns the decoded data.
func (tr *talkReplay) run(file string) (rec recording, w *httptest.ResponseRecorder, data any) {
	tr.t.Helper()
	rec = loadRecording(tr.t, "talk", file)
	if n, err := strconv.Atoi(rec.ReqHeader.Get("Content-Length")); err == nil && n < len(rec.ReqBody) {
		rec.ReqBody = rec.ReqBody[:n]
	}
	rec.Target = tr.translate(rec.Target)
	rec.ReqBody = []byte(tr.translate(string(rec.ReqBody)))
	rec.ReqHeader.Del("Content-Length")
	if rec.ReqHeader.Get("Authorization") == "Basic <alice:app-password>" {
		rec.ReqHeader.Set("Authorization", "Basic <alice:password>")
	}
	w = replay(tr.t, tr.s, rec)
	if w.Code != rec.Status {
		tr.t.Errorf("%s: status %d, recorded %d: %s", rec.Name, w.Code, rec.Status, w.Body.String())
		return rec, w, nil
	}
	if rec.Status == 304 {
		if w.Body.Len() != 0 {
			tr.t.Errorf("%s: 304 with a body %q", rec.Name, w.Body.String())
		}
		return rec, w, nil
	}
	want, have := ocsData(tr.t, rec.Name, rec.RespBody), ocsData(tr.t, rec.Name, w.Body.Bytes())
	sameShape(tr.t, rec.Name, want, have)
	if g := rec.RespHeader.Get("X-Chat-Last-Given"); g != "" {
		if h := w.Header().Get("X-Chat-Last-Given"); h == "" {
			tr.t.Errorf("%s: no X-Chat-Last-Given (recorded %s)", rec.Name, g)
		} else {
			tr.ids[g] = h
		}
	}
	if rec.RespHeader.Get("X-Chat-Last-Common-Read") != "" && w.Header().Get("X-Chat-Last-Common-Read") == "" {
		tr.t.Errorf("%s: no X-Chat-Last-Common-Read", rec.Name)
	}
	// Learn tokens and message ids from what both answered.
	if wm, ok := want.(map[string]any); ok {
		hm, _ := have.(map[string]any)
		if tok, ok := wm["token"].(string); ok && hm != nil {
			tr.tokens[tok], _ = hm["token"].(string)
		}
		if _, isRoom := wm["participantType"]; !isRoom {
			if id, ok := wm["id"].(float64); ok && hm != nil {
				tr.ids[strconv.Itoa(int(id))] = fmt.Sprint(hm["id"])
			}
		}
		if lm, ok := wm["lastMessage"].(map[string]any); ok && hm != nil {
			if hl, ok := hm["lastMessage"].(map[string]any); ok {
				tr.ids[fmt.Sprint(lm["id"])] = fmt.Sprint(hl["id"])
			}
		}
	}
	return rec, w, have
}

func ocsData(t *testing.T, name string, body []byte) any {
	t.Helper()
	var env struct {
		OCS struct {
			Data any `json:"data"`
		} `json:"ocs"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		t.Fatalf("%s: not an OCS body: %v\n%s", name, err, body)
	}
	return env.OCS.Data
}

// sameShape compares key sets: the object itself, the first list entry,
// and the lastMessage and parent inside.
func sameShape(t *testing.T, name string, want, have any) {
	t.Helper()
	switch w := want.(type) {
	case map[string]any:
		h, ok := have.(map[string]any)
		if !ok {
			t.Errorf("%s: data %T, recorded an object", name, have)
			return
		}
		if len(w) > 0 && !slices.Equal(keysOf(w), keysOf(h)) && !isEmojiMap(w) {
			t.Errorf("%s: keys\n  fake     %v\n  recorded %v", name, keysOf(h), keysOf(w))
		}
		for _, k := range []string{"lastMessage", "parent"} {
			if wk, ok := w[k].(map[string]any); ok {
				sameShape(t, name+" "+k, wk, h[k])
			}
		}
	case []any:
		h, ok := have.([]any)
		if !ok {
			t.Errorf("%s: data %T, recorded a list", name, have)
			return
		}
		if len(w) > 0 && len(h) > 0 {
			sameShape(t, name+" [0]", w[0], h[0])
		}
	}
}

func isEmojiMap(m map[string]any) bool {
	for _, v := range m {
		if _, ok := v.([]any); !ok {
			return false
		}
	}
	return true
}

func field(t *testing.T, name string, data any, path ...string) any {
	t.Helper()
	cur := data
	for _, p := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			t.Errorf("%s: no %s in %v", name, strings.Join(path, "."), data)
			return nil
		}
		cur = m[p]
	}
	return cur
}

func expect(t *testing.T, name string, data any, want any, path ...string) {
	t.Helper()
	if got := field(t, name, data, path...); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s: %s = %v, recorded %v", name, strings.Join(path, "."), got, want)
	}
}

// TestTalkFidelity replays talk/02-61 in recorded order. What the recording
// server held before (the changelog room, the one-to-one with alice and
// its last message, alice's last message before 45, the messages that
// expired between 54 and 55) is made off the record the same way.
func TestTalkFidelity(t *testing.T) {
	recordingsDir(t)
	s := New(Options{})
	now := time.Date(2026, 12, 4, 0, 23, 0, 0, time.UTC)
	s.SetTalkClock(func() time.Time { return now })
	tr := &talkReplay{t: t, s: s, tokens: map[string]string{}, ids: map[string]string{}}
	tr.tokens["d5wfiwpz"] = s.AddTalkChangelog("admin")
	tr.tokens["j2a7ghjw"] = s.AddTalkOneToOne("alice", "admin")
	s.AddTalkMessage(tr.tokens["j2a7ghjw"], "alice", "Thanks, talk tomorrow.")

	_, _, d := tr.run("02-room-create-one-to-one-existing")
	expect(t, "02", d, "alice", "name")
	tr.run("03-room-create-group")
	_, _, d = tr.run("04-room-create-group-from-group-name-ignored")
	expect(t, "04", d, "admin", "name")
	expect(t, "04", d, "group_added", "lastMessage", "systemMessage")
	tr.run("05-room-create-public-group-ignored")
	if _, _, d = tr.run("06-room-participants-public-only-creator"); len(d.([]any)) != 1 {
		t.Errorf("06: a public room created with a group holds only its creator: %v", d)
	}
	for _, f := range []string{"07-room-create-public-no-name-400", "08-room-create-one-to-one-self-403", "09-room-create-one-to-one-unknown-user-404",
		"10-room-create-group-unknown-group-404", "11-room-create-name-too-long-400", "12-room-add-participant", "13-room-set-description", "14-room-list"} {
		tr.run(f)
	}
	_, _, d = tr.run("15-room-get")
	expect(t, "15", d, "Launch planning", "description")
	expect(t, "15", d, "description_set", "lastMessage", "systemMessage")
	tr.run("16-room-get-unknown-404")
	for _, f := range []string{"17-room-participants", "18-room-participants-alice"} {
		if _, _, d = tr.run(f); len(d.([]any)) != 2 {
			t.Errorf("%s: %v", f, d)
		} else {
			expect(t, f, d.([]any)[1], 246, "permissions")
		}
	}
	tr.run("19-chat-send-alice")
	_, _, d = tr.run("20-chat-send-alice-mention")
	expect(t, "20", d, "{mention-user1} could you review it today?", "message")
	expect(t, "20", d, "admin", "messageParameters", "mention-user1", "mention-id")
	_, _, d = tr.run("21-room-get-unread-mention")
	expect(t, "21", d, 2, "unreadMessages")
	expect(t, "21", d, true, "unreadMention")
	rec, w, _ := tr.run("22-notifications-admin")
	if want := tr.tokens["4groqbvy"] + "/" + tr.ids["139"]; !strings.Contains(w.Body.String(), `"object_id":"`+want+`"`) ||
		!strings.Contains(w.Body.String(), "Alice mentioned you in conversation Project Apollo") {
		t.Errorf("%s: no mention notification for %s: %s", rec.Name, want, w.Body.String())
	}
	_, _, d = tr.run("23-chat-send-reply")
	expect(t, "23", d, tr.ids["139"], "parent", "id")
	_, _, d = tr.run("24-chat-send-silent")
	expect(t, "24", d, true, "silent")
	for _, f := range []string{"25-chat-send-empty-400", "26-chat-send-32000-ok", "27-chat-send-32001-413", "28-chat-send-reply-unknown-400",
		"29-chat-send-read-only-403", "30-chat-send-unknown-room-404", "31-reaction-add", "32-reaction-add-again-200", "33-reaction-add-alice",
		"34-reaction-list", "35-reaction-text-400", "36-reaction-unknown-message-404", "37-reaction-on-system-message-400"} {
		tr.run(f)
	}
	_, _, d = tr.run("38-chat-edit")
	expect(t, "38", d, "You edited a message", "message")
	expect(t, "38", d, "alice", "parent", "lastEditActorId")
	expect(t, "38", d, "Hello, the launch checklist is ready (v2).", "parent", "message")
	_, _, d = tr.run("39-chat-delete")
	expect(t, "39", d, "comment_deleted", "parent", "messageType")
	expect(t, "39", d, "Message deleted by you", "parent", "message")
	expect(t, "39", d, true, "parent", "deleted")

	_, _, d = tr.run("40-chat-history-limit-3")
	var kinds []string
	for _, m := range d.([]any) {
		kinds = append(kinds, fmt.Sprint(m.(map[string]any)["systemMessage"]))
	}
	if strings.Join(kinds, ",") != "message_deleted,message_edited,reaction" {
		t.Errorf("40: a page of 3 holds only the system messages Talk's UI folds away, got %v", kinds)
	}
	_, w, d = tr.run("41-chat-history-next-page")
	expect(t, "41", d.([]any)[0], "reaction", "systemMessage")
	if w.Header().Get("X-Chat-Last-Given") != tr.ids["132"] {
		t.Errorf("41: X-Chat-Last-Given %s, want the creation message %s", w.Header().Get("X-Chat-Last-Given"), tr.ids["132"])
	}
	for _, f := range []string{"42-chat-history-before-first-304", "43-chat-history-unknown-room-404", "44-chat-history-no-auth-404"} {
		tr.run(f)
	}
	now = now.Add(time.Second)
	tr.ids["147"] = strconv.Itoa(s.AddTalkMessage(tr.tokens["4groqbvy"], "alice", "One more thing."))
	for _, f := range []string{"45-room-get-before-history", "46-chat-history-setReadMarker-1", "47-room-get-marker-unchanged"} {
		if _, _, d = tr.run(f); strings.HasPrefix(f, "4") && f != "46-chat-history-setReadMarker-1" {
			expect(t, f, d, tr.ids["142"], "lastReadMessage")
			expect(t, f, d, 1, "unreadMessages")
		}
	}
	tr.run("48-chat-poll-future-timeout-304")
	_, _, d = tr.run("49-room-get-marker-after-poll")
	expect(t, "49", d, tr.ids["147"], "lastReadMessage")
	expect(t, "49", d, 0, "unreadMessages")
	_, _, d = tr.run("50-chat-read-marker-back")
	expect(t, "50", d, tr.ids["138"], "lastReadMessage")
	expect(t, "50", d, 4, "unreadMessages")
	expect(t, "50", d, true, "unreadMention")
	_, _, d = tr.run("51-chat-read-marker")
	expect(t, "51", d, 0, "unreadMessages")
	expect(t, "51", d, false, "unreadMention")
	tr.run("52-chat-read-marker-unknown-room-404")
	_, _, d = tr.run("53-chat-mark-unread")
	expect(t, "53", d, tr.ids["142"], "lastReadMessage")
	expect(t, "53", d, 1, "unreadMessages")

	tr.run("54-room-message-expiration-5s")
	for i := 0; i < 3; i++ {
		s.AddTalkMessage(tr.tokens["s7drwjhw"], "admin", "expiring "+strconv.Itoa(i))
	}
	now = now.Add(6 * time.Second)
	tr.run("55-room-message-expiration-off")
	s.AddTalkMessage(tr.tokens["s7drwjhw"], "admin", "kept message")
	if _, _, d = tr.run("56-chat-history-expired-short-page"); len(d.([]any)) != 2 {
		t.Errorf("56: %v", d)
	}
	for _, f := range []string{"57-chat-history-expired-empty-page-200", "58-chat-history-after-expired"} {
		if _, _, d = tr.run(f); d == nil || len(d.([]any)) != 0 {
			t.Errorf("%s: an empty page while older messages expired, got %v", f, d)
		}
	}
	_, _, d = tr.run("59-room-get-one-to-one-alice")
	expect(t, "59", d, "admin", "name")
	expect(t, "59", d, 1, "participantType")
	tr.run("60-room-delete")
	tr.run("61-room-delete-again-404")
}
