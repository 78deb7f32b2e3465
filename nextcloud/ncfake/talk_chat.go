package ncfake

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// talkMessage is one chat message. Comments carry text; system messages a
// kind (conversation_created, reaction, message_edited...) rendered for each
// reader; a deleted comment stays as comment_deleted.
type talkMessage struct {
	ID        int
	ActorType string // users, bots, guests or federated_users
	Actor     string
	// ActorName is the display name of an actor who is no user here (a guest).
	ActorName string
	Timestamp int64
	// Message is the text with {mention-userN} placeholders, or the emoji of
	// a reaction system message.
	Message string
	// Params are a comment's mention parameters, or a system message's
	// extra parameters (group, user) beside the actor.
	Params map[string]any
	// Mentioned lists the mentioned user ids; it survives deletion, which
	// still counts for unreadMention (talk/50).
	Mentioned []string
	System    string
	Kind      string // comment, system or comment_deleted
	// ReplyTo is the parent: the answered message, or for reaction,
	// message_edited and message_deleted the message they change.
	ReplyTo   int
	Reactions []talkReaction // in the order given
	Silent    bool
	EditedBy  string
	EditedAt  int64
	DeletedBy string
	// ExpiresAt is the unix time the message vanishes, 0 for never.
	ExpiresAt int64
}

type talkReaction struct {
	Emoji string
	Actor string
	At    int64
}

func (m *talkMessage) expired(now int64) bool { return m.ExpiresAt > 0 && m.ExpiresAt <= now }

func (m *talkMessage) mentions(user string) bool {
	for _, u := range m.Mentioned {
		if u == user {
			return true
		}
	}
	return false
}

// folded are the system messages that only change another message; Talk's
// own clients hide them, and they do not become a room's last message.
func (m *talkMessage) folded() bool {
	return m.System == "reaction" || m.System == "message_edited" || m.System == "message_deleted"
}

// talkSystemTexts is how a system message reads for others and for its actor.
var talkSystemTexts = map[string][2]string{
	"conversation_created":        {"{actor} created the conversation", "You created the conversation"},
	"group_added":                 {"{actor} added group {group}", "You added group {group}"},
	"user_added":                  {"{actor} added {user}", "You added {user}"},
	"description_set":             {"{actor} set the description", "You set the description"},
	"message_edited":              {"{actor} edited a message", "You edited a message"},
	"message_deleted":             {"{actor} deleted a message", "You deleted a message"},
	"message_expiration_enabled":  {"{actor} set the message expiration", "You set the message expiration"},
	"message_expiration_disabled": {"{actor} disabled message expiration", "You disabled message expiration"},
}

func (a *talkApp) appendLocked(room *talkRoom, m *talkMessage) *talkMessage {
	m.ID = a.nextMsgID
	a.nextMsgID++
	m.Timestamp = a.now().Unix()
	if m.ActorType == "" {
		m.ActorType = "users"
	}
	if room.Expiration > 0 {
		m.ExpiresAt = m.Timestamp + int64(room.Expiration)
	}
	room.Messages = append(room.Messages, m)
	return m
}

// systemLocked posts a system message by actor.
func (a *talkApp) systemLocked(room *talkRoom, actor, kind string, params map[string]any) *talkMessage {
	return a.appendLocked(room, &talkMessage{Actor: actor, System: kind, Kind: "system", Params: params})
}

var talkMention = regexp.MustCompile(`@("[^"]+"|[A-Za-z0-9_.@-]+)`)

// parseMentions turns @userid and @"user id" of known users into
// {mention-userN} placeholders with their parameters (talk/20).
func (a *talkApp) parseMentions(text string) (string, map[string]any, []string) {
	params := map[string]any{}
	var ids []string
	n := 0
	out := talkMention.ReplaceAllStringFunc(text, func(m string) string {
		id := strings.Trim(m[1:], `"`)
		suffix := ""
		if _, ok := a.userName(id); !ok {
			trimmed := strings.TrimRight(id, ".")
			if _, ok := a.userName(trimmed); !ok || trimmed == id {
				return m
			}
			suffix, id = id[len(trimmed):], trimmed
		}
		n++
		key := "mention-user" + strconv.Itoa(n)
		params[key] = a.talkUserParam(id)
		ids = append(ids, id)
		return "{" + key + "}" + suffix
	})
	return out, params, ids
}

// postLocked adds a comment; the author's read marker moves to it, as Talk
// does on sending, and the people it concerns are notified unless silent.
func (a *talkApp) postLocked(room *talkRoom, actor, text string, replyTo int, silent bool) *talkMessage {
	text, params, mentioned := a.parseMentions(text)
	msg := a.appendLocked(room, &talkMessage{Actor: actor, Message: text, Params: params, Mentioned: mentioned, Kind: "comment", ReplyTo: replyTo, Silent: silent})
	if me := a.memberLocked(room, actor); me != nil {
		me.LastRead = msg.ID
	}
	if !silent {
		a.notifyLocked(room, msg)
	}
	return msg
}

func (a *talkApp) messageByIDLocked(room *talkRoom, id int) *talkMessage {
	for _, m := range room.Messages {
		if m.ID == id {
			return m
		}
	}
	return nil
}

// lastMessageLocked is the newest message that counts as the room's last.
func (a *talkApp) lastMessageLocked(room *talkRoom) *talkMessage {
	now := a.now().Unix()
	for i := len(room.Messages) - 1; i >= 0; i-- {
		if m := room.Messages[i]; !m.folded() && !m.expired(now) {
			return m
		}
	}
	return nil
}

func (a *talkApp) actorName(m *talkMessage) string {
	if m.ActorType == "bots" && m.Actor == "changelog" {
		return "Talk updates ✅"
	}
	if m.ActorName != "" {
		return m.ActorName
	}
	name, _ := a.userName(m.Actor)
	return name
}

// messageJSON renders a message for viewer with the fields of talk/19-41;
// a parent is rendered without its own parent.
func (a *talkApp) messageJSON(room *talkRoom, m *talkMessage, viewer string, withParent bool) map[string]any {
	out := map[string]any{
		"id": m.ID, "token": room.Token, "actorType": m.ActorType, "actorId": m.Actor, "actorDisplayName": a.actorName(m),
		"timestamp": m.Timestamp, "systemMessage": m.System, "messageType": m.Kind, "isReplyable": m.Kind == "comment",
		"referenceId": "", "expirationTimestamp": m.ExpiresAt, "markdown": m.Kind != "system",
	}
	var params any = []any{}
	switch m.Kind {
	case "comment":
		out["message"] = m.Message
		if len(m.Params) > 0 {
			params = m.Params
		}
	case "comment_deleted":
		switch {
		case m.DeletedBy == viewer:
			out["message"] = "Message deleted by you"
		case m.DeletedBy == m.Actor:
			out["message"] = "Message deleted by author"
		default:
			out["message"] = "Message deleted by {actor}"
		}
		params = map[string]any{"actor": a.talkUserParam(m.DeletedBy)}
		out["deleted"] = true
	default:
		if m.System == "reaction" {
			out["message"] = m.Message
			break
		}
		texts := talkSystemTexts[m.System]
		out["message"] = texts[0]
		if m.Actor == viewer {
			out["message"] = texts[1]
		}
		p := map[string]any{"actor": a.talkUserParam(m.Actor)}
		for k, v := range m.Params {
			p[k] = v
		}
		params = p
	}
	out["messageParameters"] = params
	counts := map[string]int{}
	var mine []string
	for _, r := range m.Reactions {
		counts[r.Emoji]++
		if r.Actor == viewer {
			mine = append(mine, r.Emoji)
		}
	}
	out["reactions"] = counts
	if len(mine) > 0 {
		out["reactionsSelf"] = mine
	}
	if m.Silent {
		out["silent"] = true
	}
	if m.EditedBy != "" {
		name, _ := a.userName(m.EditedBy)
		out["lastEditActorType"], out["lastEditActorId"], out["lastEditActorDisplayName"], out["lastEditTimestamp"] = "users", m.EditedBy, name, m.EditedAt
	}
	if withParent && m.ReplyTo > 0 {
		if p := a.messageByIDLocked(room, m.ReplyTo); p != nil {
			out["parent"] = a.messageJSON(room, p, viewer, false)
		}
	}
	return out
}

func (a *talkApp) setCommonRead(w http.ResponseWriter, room *talkRoom) {
	w.Header().Set("X-Chat-Last-Common-Read", strconv.Itoa(a.commonReadLocked(room)))
}

// receive is the chat history (lookIntoFuture=0: older than
// lastKnownMessageId, newest first) or the poll for newer messages.
//
// History never moves the read marker or clears notifications, whatever
// setReadMarker says (talk/46, 47). The page is cut from every message,
// expired ones included, and those are dropped afterwards: a page can be
// short or empty (200, data []) while older messages exist, and
// X-Chat-Last-Given still names the oldest id looked at (talk/56-58). Only
// a page with nothing looked at is 304 (talk/42).
//
// A poll with setReadMarker (default on) first moves the marker to
// lastKnownMessageId (talk/48, 49).
func (a *talkApp) receive(w http.ResponseWriter, r *http.Request, u *User) {
	q := r.URL.Query()
	future := q.Get("lookIntoFuture") == "1"
	limit, err := strconv.Atoi(q.Get("limit"))
	if err != nil || limit <= 0 {
		limit = 100
	}
	limit = min(limit, 200)
	known, _ := strconv.Atoi(q.Get("lastKnownMessageId"))
	includeKnown := q.Get("includeLastKnown") == "1"
	a.mu.Lock()
	defer a.mu.Unlock()
	room := a.roomFor(w, r, u)
	if room == nil {
		return
	}
	var looked []*talkMessage
	if future {
		if me := a.memberLocked(room, u.ID); q.Get("setReadMarker") != "0" && known > me.LastRead {
			me.LastRead = known
			if q.Get("markNotificationsAsRead") != "0" {
				a.clearNotificationsLocked(u.ID, room.Token, known)
			}
		}
		for _, m := range room.Messages {
			if m.ID > known || (includeKnown && m.ID == known) {
				looked = append(looked, m)
				if len(looked) == limit {
					break
				}
			}
		}
	} else {
		for i := len(room.Messages) - 1; i >= 0; i-- {
			m := room.Messages[i]
			if known == 0 || m.ID < known || (includeKnown && m.ID == known) {
				looked = append(looked, m)
				if len(looked) == limit {
					break
				}
			}
		}
	}
	if len(looked) == 0 {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	now := a.now().Unix()
	data := []any{}
	for _, m := range looked {
		if !m.expired(now) {
			data = append(data, a.messageJSON(room, m, u.ID, true))
		}
	}
	w.Header().Set("X-Chat-Last-Given", strconv.Itoa(looked[len(looked)-1].ID))
	a.setCommonRead(w, room)
	writeOCS(w, r, data)
}

// checkText answers 400 for blank text and 413 past Talk's 32000
// characters (talk/25-27); ok is false after answering.
func checkText(w http.ResponseWriter, r *http.Request, text string) bool {
	if strings.TrimSpace(text) == "" {
		talkFail(w, r, http.StatusBadRequest)
		return false
	}
	if utf8.RuneCountInString(text) > 32000 {
		talkFail(w, r, http.StatusRequestEntityTooLarge)
		return false
	}
	return true
}

func (a *talkApp) send(w http.ResponseWriter, r *http.Request, u *User) {
	p := sharingParams(r)
	a.mu.Lock()
	defer a.mu.Unlock()
	room := a.roomFor(w, r, u)
	if room == nil {
		return
	}
	if room.ReadOnly {
		talkFail(w, r, http.StatusForbidden)
		return
	}
	if !checkText(w, r, p["message"]) {
		return
	}
	replyTo, _ := strconv.Atoi(p["replyTo"])
	if replyTo > 0 {
		parent := a.messageByIDLocked(room, replyTo)
		if parent == nil || parent.Kind != "comment" {
			talkFail(w, r, http.StatusBadRequest)
			return
		}
	}
	msg := a.postLocked(room, u.ID, p["message"], replyTo, p["silent"] == "true" || p["silent"] == "1")
	a.setCommonRead(w, room)
	writeTalk(w, http.StatusCreated, a.messageJSON(room, msg, u.ID, true))
}

// changeTarget finds the comment an edit or delete is about: 404 when
// missing, 400 for a system or deleted message, 403 for someone else's
// message unless the user moderates. ok is false after answering.
func (a *talkApp) changeTarget(w http.ResponseWriter, r *http.Request, u *User, room *talkRoom) (*talkMessage, bool) {
	id, _ := strconv.Atoi(r.PathValue("messageId"))
	m := a.messageByIDLocked(room, id)
	switch {
	case m == nil:
		talkFail(w, r, http.StatusNotFound)
	case m.Kind != "comment":
		talkFail(w, r, http.StatusBadRequest)
	case m.Actor != u.ID && !moderator(a.memberLocked(room, u.ID)):
		talkFail(w, r, http.StatusForbidden)
	default:
		return m, true
	}
	return nil, false
}

// edit is PUT chat/{token}/{id} (talk/38): the comment gets the new text
// and lastEdit* fields; the answer is the message_edited system message
// whose parent is the edited comment.
func (a *talkApp) edit(w http.ResponseWriter, r *http.Request, u *User) {
	p := sharingParams(r)
	a.mu.Lock()
	defer a.mu.Unlock()
	room := a.roomFor(w, r, u)
	if room == nil {
		return
	}
	if room.ReadOnly {
		talkFail(w, r, http.StatusForbidden)
		return
	}
	m, ok := a.changeTarget(w, r, u, room)
	if !ok || !checkText(w, r, p["message"]) {
		return
	}
	sys := a.editLocked(room, m, u.ID, p["message"])
	a.setCommonRead(w, room)
	writeOCS(w, r, a.changeAnswer(room, sys, u.ID))
}

// changeAnswer renders the system message an edit or delete answers; its
// parent comes without reactionsSelf (talk/38), unlike in the history.
func (a *talkApp) changeAnswer(room *talkRoom, sys *talkMessage, viewer string) map[string]any {
	out := a.messageJSON(room, sys, viewer, true)
	if p, ok := out["parent"].(map[string]any); ok {
		delete(p, "reactionsSelf")
	}
	return out
}

// deleteMessage is DELETE chat/{token}/{id} (talk/39): the comment stays as
// comment_deleted; the answer is the message_deleted system message.
func (a *talkApp) deleteMessage(w http.ResponseWriter, r *http.Request, u *User) {
	a.mu.Lock()
	defer a.mu.Unlock()
	room := a.roomFor(w, r, u)
	if room == nil {
		return
	}
	m, ok := a.changeTarget(w, r, u, room)
	if !ok {
		return
	}
	sys := a.deleteLocked(room, m, u.ID)
	a.setCommonRead(w, room)
	writeOCS(w, r, a.changeAnswer(room, sys, u.ID))
}

// markRead is POST chat/{token}/read (talk/50, 51): the marker goes to
// lastReadMessage, backwards too, and the user's chat notifications of the
// room up to it are cleared. It answers the room.
func (a *talkApp) markRead(w http.ResponseWriter, r *http.Request, u *User) {
	p := sharingParams(r)
	a.mu.Lock()
	defer a.mu.Unlock()
	room := a.roomFor(w, r, u)
	if room == nil {
		return
	}
	me := a.memberLocked(room, u.ID)
	id, err := strconv.Atoi(p["lastReadMessage"])
	if err != nil || id <= 0 {
		// Without a message id the newest message counts.
		if n := len(room.Messages); n > 0 {
			id = room.Messages[n-1].ID
		}
	}
	me.LastRead = id
	a.clearNotificationsLocked(u.ID, room.Token, id)
	a.setCommonRead(w, room)
	writeOCS(w, r, a.roomJSON(room, u))
}

// markUnread is DELETE chat/{token}/read (talk/53): the newest comment
// becomes unread, so the marker goes to the comment before it.
func (a *talkApp) markUnread(w http.ResponseWriter, r *http.Request, u *User) {
	a.mu.Lock()
	defer a.mu.Unlock()
	room := a.roomFor(w, r, u)
	if room == nil {
		return
	}
	comments := 0
	marker := 0
	for i := len(room.Messages) - 1; i >= 0; i-- {
		if room.Messages[i].Kind == "comment" {
			comments++
			if comments == 2 {
				marker = room.Messages[i].ID
				break
			}
		}
	}
	a.memberLocked(room, u.ID).LastRead = marker
	a.setCommonRead(w, room)
	writeOCS(w, r, a.roomJSON(room, u))
}

func (a *talkApp) reactionsJSON(m *talkMessage) map[string]any {
	out := map[string]any{}
	for _, r := range m.Reactions {
		name, _ := a.userName(r.Actor)
		list, _ := out[r.Emoji].([]any)
		out[r.Emoji] = append(list, map[string]any{"actorType": "users", "actorId": r.Actor, "actorDisplayName": name, "timestamp": r.At})
	}
	return out
}

func (a *talkApp) reactionTarget(w http.ResponseWriter, r *http.Request, u *User) (*talkRoom, *talkMessage, bool) {
	room := a.roomFor(w, r, u)
	if room == nil {
		return nil, nil, false
	}
	id, _ := strconv.Atoi(r.PathValue("messageId"))
	m := a.messageByIDLocked(room, id)
	if m == nil {
		talkFail(w, r, http.StatusNotFound)
		return nil, nil, false
	}
	return room, m, true
}

func (a *talkApp) listReactions(w http.ResponseWriter, r *http.Request, u *User) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, m, ok := a.reactionTarget(w, r, u); ok {
		writeOCS(w, r, a.reactionsJSON(m))
	}
}

// isEmoji accepts what Talk's reaction check does in practice: no letters,
// digits or spaces (talk/35 refuses "ok").
func isEmoji(s string) bool {
	if s == "" || utf8.RuneCountInString(s) > 8 {
		return false
	}
	for _, r := range s {
		if r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsSpace(r) || unicode.IsPunct(r)) {
			return false
		}
	}
	return true
}

// react adds a reaction (talk/31-37): 201 and a "reaction" system message
// when new, 200 when the user already reacted so; 400 for text or a system
// message.
func (a *talkApp) react(w http.ResponseWriter, r *http.Request, u *User) {
	p := sharingParams(r)
	emoji := p["reaction"]
	a.mu.Lock()
	defer a.mu.Unlock()
	room, m, ok := a.reactionTarget(w, r, u)
	if !ok {
		return
	}
	if !isEmoji(emoji) || m.Kind != "comment" {
		talkFail(w, r, http.StatusBadRequest)
		return
	}
	status := http.StatusCreated
	for _, x := range m.Reactions {
		if x.Actor == u.ID && x.Emoji == emoji {
			status = http.StatusOK
		}
	}
	if status == http.StatusCreated {
		a.reactLocked(room, m, u.ID, emoji)
	}
	writeTalk(w, status, a.reactionsJSON(m))
}

// editLocked gives a comment new text and posts the message_edited note.
func (a *talkApp) editLocked(room *talkRoom, m *talkMessage, actor, text string) *talkMessage {
	m.Message, m.Params, m.Mentioned = a.parseMentions(text)
	m.EditedBy, m.EditedAt = actor, a.now().Unix()
	return a.appendLocked(room, &talkMessage{Actor: actor, System: "message_edited", Kind: "system", ReplyTo: m.ID})
}

// deleteLocked turns a comment into comment_deleted and posts the
// message_deleted note. The mentions stay for unreadMention (talk/50).
func (a *talkApp) deleteLocked(room *talkRoom, m *talkMessage, actor string) *talkMessage {
	m.Kind, m.DeletedBy, m.Message, m.Params, m.Reactions = "comment_deleted", actor, "", nil, nil
	return a.appendLocked(room, &talkMessage{Actor: actor, System: "message_deleted", Kind: "system", ReplyTo: m.ID})
}

// reactLocked adds a reaction and posts its "reaction" note.
func (a *talkApp) reactLocked(room *talkRoom, m *talkMessage, actor, emoji string) {
	m.Reactions = append(m.Reactions, talkReaction{Emoji: emoji, Actor: actor, At: a.now().Unix()})
	a.appendLocked(room, &talkMessage{Actor: actor, System: "reaction", Kind: "system", Message: emoji, ReplyTo: m.ID})
}
