package ncfake

import (
	"crypto/rand"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// talkApp serves the Talk (spreed) OCS API: conversations and participants
// under api/v4, chat and reactions under api/v1. No recordings exist, so the
// shapes follow Talk's API documentation (docs/conversation.md, chat.md,
// participant.md, reaction.md).
type talkApp struct {
	s *Server

	mu           sync.Mutex
	nextRoomID   int
	nextMsgID    int
	nextAttendee int
	rooms        map[string]*talkRoom
	now          func() time.Time
}

type talkRoom struct {
	ID          int
	Token       string
	Type        int // 1 one-to-one, 2 group, 3 public
	Name        string
	Description string
	Members     []*talkMember
	Messages    []*talkMessage // ascending ids
}

type talkMember struct {
	AttendeeID int
	UserID     string
	Type       int // 1 owner, 2 moderator, 3 user
	LastRead   int
}

type talkMessage struct {
	ID        int
	Actor     string
	Timestamp int64
	Message   string
	Params    map[string]any
	System    string
	Kind      string // comment, system
	ReplyTo   int
	Reactions []talkReaction // in the order given
}

type talkReaction struct {
	Emoji string
	Actor string
	At    int64
}

const (
	talkV4 = "/ocs/v2.php/apps/spreed/api/v4"
	talkV1 = "/ocs/v2.php/apps/spreed/api/v1"
)

func newTalkApp(s *Server) *talkApp {
	return &talkApp{s: s, nextRoomID: 1, nextMsgID: 1, nextAttendee: 1, rooms: map[string]*talkRoom{}, now: time.Now}
}

func (a *talkApp) routes(mux *http.ServeMux) {
	h := func(fn func(http.ResponseWriter, *http.Request, *User)) http.HandlerFunc {
		return a.s.ocsAppHandler("spreed", nil, fn)
	}
	mux.HandleFunc("GET "+talkV4+"/room", h(a.listRooms))
	mux.HandleFunc("POST "+talkV4+"/room", h(a.createRoom))
	mux.HandleFunc("GET "+talkV4+"/room/{token}", h(a.getRoom))
	mux.HandleFunc("GET "+talkV4+"/room/{token}/participants", h(a.participants))
	mux.HandleFunc("GET "+talkV1+"/chat/{token}", h(a.receive))
	mux.HandleFunc("POST "+talkV1+"/chat/{token}", h(a.send))
	mux.HandleFunc("POST "+talkV1+"/chat/{token}/read", h(a.markRead))
	mux.HandleFunc("GET "+talkV1+"/reaction/{token}/{messageId}", h(a.listReactions))
	mux.HandleFunc("POST "+talkV1+"/reaction/{token}/{messageId}", h(a.react))
}

// AddTalkConversation creates a group conversation owned by owner with the
// other users as members, for tests and the demo; it returns the token.
func (s *Server) AddTalkConversation(owner, name string, members ...string) string {
	a := s.talk
	a.mu.Lock()
	defer a.mu.Unlock()
	room := a.newRoomLocked(2, name, owner)
	for _, m := range members {
		a.addMemberLocked(room, m, 3)
	}
	return room.Token
}

// AddTalkMessage posts a chat message as actor, for tests and the demo; it
// returns the message id.
func (s *Server) AddTalkMessage(token, actor, message string) int {
	a := s.talk
	a.mu.Lock()
	defer a.mu.Unlock()
	room := a.rooms[token]
	if room == nil {
		return 0
	}
	return a.postLocked(room, actor, message, 0).ID
}

func talkToken() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

func (a *talkApp) newRoomLocked(typ int, name, owner string) *talkRoom {
	room := &talkRoom{ID: a.nextRoomID, Token: talkToken(), Type: typ, Name: name}
	a.nextRoomID++
	a.rooms[room.Token] = room
	a.addMemberLocked(room, owner, 1)
	created := a.appendLocked(room, &talkMessage{Actor: owner, Message: "{actor} created the conversation", System: "conversation_created", Kind: "system"})
	room.Members[0].LastRead = created.ID
	return room
}

func (a *talkApp) addMemberLocked(room *talkRoom, user string, typ int) {
	if a.memberLocked(room, user) != nil {
		return
	}
	room.Members = append(room.Members, &talkMember{AttendeeID: a.nextAttendee, UserID: user, Type: typ})
	a.nextAttendee++
}

func (a *talkApp) memberLocked(room *talkRoom, user string) *talkMember {
	for _, m := range room.Members {
		if m.UserID == user {
			return m
		}
	}
	return nil
}

func (a *talkApp) appendLocked(room *talkRoom, m *talkMessage) *talkMessage {
	m.ID = a.nextMsgID
	a.nextMsgID++
	m.Timestamp = a.now().Unix()
	room.Messages = append(room.Messages, m)
	return m
}

var talkMention = regexp.MustCompile(`@([A-Za-z0-9_.-]+)`)

// postLocked adds a chat message; @user mentions become rich parameters and
// the author's read marker moves to it, as Talk does on sending.
func (a *talkApp) postLocked(room *talkRoom, actor, text string, replyTo int) *talkMessage {
	params := map[string]any{}
	n := 0
	text = talkMention.ReplaceAllStringFunc(text, func(m string) string {
		id := m[1:]
		name, ok := a.userName(id)
		if !ok {
			return m
		}
		n++
		key := "mention-user" + strconv.Itoa(n)
		params[key] = map[string]any{"type": "user", "id": id, "name": name}
		return "{" + key + "}"
	})
	msg := a.appendLocked(room, &talkMessage{Actor: actor, Message: text, Params: params, Kind: "comment", ReplyTo: replyTo})
	if me := a.memberLocked(room, actor); me != nil {
		me.LastRead = msg.ID
	}
	return msg
}

func (a *talkApp) userName(id string) (string, bool) {
	a.s.mu.Lock()
	defer a.s.mu.Unlock()
	if u := a.s.users[id]; u != nil {
		return u.DisplayName, true
	}
	return "", false
}

func (a *talkApp) messageByIDLocked(room *talkRoom, id int) *talkMessage {
	for _, m := range room.Messages {
		if m.ID == id {
			return m
		}
	}
	return nil
}

// messageJSON renders a message for viewer; parents are rendered without
// their own parent.
func (a *talkApp) messageJSON(room *talkRoom, m *talkMessage, viewer string, withParent bool) map[string]any {
	name, _ := a.userName(m.Actor)
	var params any = []any{}
	if m.System != "" {
		params = map[string]any{"actor": map[string]any{"type": "user", "id": m.Actor, "name": name}}
	} else if len(m.Params) > 0 {
		params = m.Params
	}
	counts := map[string]int{}
	var mine []string
	for _, r := range m.Reactions {
		counts[r.Emoji]++
		if r.Actor == viewer {
			mine = append(mine, r.Emoji)
		}
	}
	var reactions any = []any{}
	if len(counts) > 0 {
		reactions = counts
	}
	out := map[string]any{
		"id":                  m.ID,
		"token":               room.Token,
		"actorType":           "users",
		"actorId":             m.Actor,
		"actorDisplayName":    name,
		"timestamp":           m.Timestamp,
		"message":             m.Message,
		"messageParameters":   params,
		"systemMessage":       m.System,
		"messageType":         m.Kind,
		"isReplyable":         m.Kind == "comment",
		"referenceId":         "",
		"expirationTimestamp": 0,
		"markdown":            true,
		"reactions":           reactions,
	}
	if len(mine) > 0 {
		out["reactionsSelf"] = mine
	}
	if withParent && m.ReplyTo > 0 {
		if p := a.messageByIDLocked(room, m.ReplyTo); p != nil {
			out["parent"] = a.messageJSON(room, p, viewer, false)
		}
	}
	return out
}

func (a *talkApp) roomJSON(room *talkRoom, viewer *User) map[string]any {
	me := a.memberLocked(room, viewer.ID)
	name, display := room.Name, room.Name
	if room.Type == 1 {
		for _, m := range room.Members {
			if m.UserID != viewer.ID {
				name = m.UserID
				display, _ = a.userName(m.UserID)
			}
		}
	}
	unread, mention := 0, false
	var last any = []any{}
	var lastActivity int64
	for _, m := range room.Messages {
		lastActivity = m.Timestamp
		if m.ID > me.LastRead && m.Actor != viewer.ID && m.Kind == "comment" {
			unread++
			for _, p := range m.Params {
				if pm, ok := p.(map[string]any); ok && pm["id"] == viewer.ID {
					mention = true
				}
			}
		}
	}
	if n := len(room.Messages); n > 0 {
		lm := a.messageJSON(room, room.Messages[n-1], viewer.ID, false)
		delete(lm, "reactionsSelf")
		last = lm
	}
	common := me.LastRead
	for _, m := range room.Members {
		common = min(common, m.LastRead)
	}
	return map[string]any{
		"id":                    room.ID,
		"token":                 room.Token,
		"type":                  room.Type,
		"name":                  name,
		"displayName":           display,
		"description":           room.Description,
		"participantType":       me.Type,
		"attendeeId":            me.AttendeeID,
		"actorType":             "users",
		"actorId":               viewer.ID,
		"permissions":           254,
		"attendeePermissions":   0,
		"callPermissions":       0,
		"defaultPermissions":    0,
		"participantFlags":      0,
		"readOnly":              0,
		"listable":              0,
		"messageExpiration":     0,
		"lastPing":              0,
		"sessionId":             "0",
		"hasPassword":           false,
		"hasCall":               false,
		"callFlag":              0,
		"canStartCall":          true,
		"canDeleteConversation": me.Type <= 2 && room.Type != 1,
		"canLeaveConversation":  true,
		"lastActivity":          lastActivity,
		"isFavorite":            false,
		"notificationLevel":     1,
		"lobbyState":            0,
		"lobbyTimer":            0,
		"sipEnabled":            0,
		"canEnableSIP":          false,
		"unreadMessages":        unread,
		"unreadMention":         mention,
		"unreadMentionDirect":   mention,
		"lastReadMessage":       me.LastRead,
		"lastCommonReadMessage": common,
		"lastMessage":           last,
		"objectType":            "",
		"objectId":              "",
		"breakoutRoomMode":      0,
		"breakoutRoomStatus":    0,
		"avatarVersion":         "",
		"isCustomAvatar":        false,
		"callStartTime":         0,
		"callRecording":         0,
	}
}

// roomFor finds a conversation the user is part of; others are 404, as
// Talk does not reveal conversations a user cannot see.
func (a *talkApp) roomFor(w http.ResponseWriter, r *http.Request, u *User) *talkRoom {
	room := a.rooms[r.PathValue("token")]
	if room == nil || a.memberLocked(room, u.ID) == nil {
		writeOCSError(w, r, http.StatusNotFound, http.StatusNotFound, "")
		return nil
	}
	return room
}

func (a *talkApp) listRooms(w http.ResponseWriter, r *http.Request, u *User) {
	a.mu.Lock()
	defer a.mu.Unlock()
	var rooms []*talkRoom
	for _, room := range a.rooms {
		if a.memberLocked(room, u.ID) != nil {
			rooms = append(rooms, room)
		}
	}
	sort.Slice(rooms, func(i, j int) bool { return rooms[i].ID < rooms[j].ID })
	data := []any{}
	for _, room := range rooms {
		data = append(data, a.roomJSON(room, u))
	}
	w.Header().Set("X-Nextcloud-Talk-Modified-Before", strconv.FormatInt(a.now().Unix(), 10))
	writeOCS(w, r, data)
}

func (a *talkApp) getRoom(w http.ResponseWriter, r *http.Request, u *User) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if room := a.roomFor(w, r, u); room != nil {
		writeOCS(w, r, a.roomJSON(room, u))
	}
}

func (a *talkApp) createRoom(w http.ResponseWriter, r *http.Request, u *User) {
	p := sharingParams(r)
	fail := func(status int) { writeOCSError(w, r, status, status, "") }
	typ, err := strconv.Atoi(p["roomType"])
	if err != nil {
		fail(http.StatusBadRequest)
		return
	}
	invite, name := p["invite"], strings.TrimSpace(p["roomName"])
	a.mu.Lock()
	defer a.mu.Unlock()
	switch typ {
	case 1:
		if _, ok := a.userName(invite); !ok || invite == u.ID {
			fail(http.StatusNotFound)
			return
		}
		for _, room := range a.rooms {
			if room.Type == 1 && a.memberLocked(room, u.ID) != nil && a.memberLocked(room, invite) != nil {
				writeOCS(w, r, a.roomJSON(room, u))
				return
			}
		}
		room := a.newRoomLocked(1, "", u.ID)
		a.addMemberLocked(room, invite, 1)
		a.writeCreated(w, r, room, u)
	case 2, 3:
		var members []string
		if invite != "" {
			if p["source"] != "groups" && p["source"] != "" {
				fail(http.StatusBadRequest)
				return
			}
			a.s.mu.Lock()
			for _, x := range a.s.users {
				if hasGroup(x, invite) {
					members = append(members, x.ID)
				}
			}
			a.s.mu.Unlock()
			if len(members) == 0 {
				fail(http.StatusNotFound)
				return
			}
			if name == "" {
				name = invite
			}
		}
		if name == "" {
			fail(http.StatusBadRequest)
			return
		}
		sort.Strings(members)
		room := a.newRoomLocked(typ, name, u.ID)
		for _, m := range members {
			a.addMemberLocked(room, m, 3)
		}
		a.writeCreated(w, r, room, u)
	default:
		fail(http.StatusBadRequest)
	}
}

// writeCreated answers 201 with the room: writeOCS always says 200, so the
// envelope is written here with the Created status.
func (a *talkApp) writeCreated(w http.ResponseWriter, r *http.Request, room *talkRoom, u *User) {
	writeJSON(w, http.StatusCreated, map[string]any{"ocs": map[string]any{
		"meta": map[string]any{"status": "ok", "statuscode": 201, "message": "OK"},
		"data": a.roomJSON(room, u),
	}})
}

func (a *talkApp) participants(w http.ResponseWriter, r *http.Request, u *User) {
	a.mu.Lock()
	defer a.mu.Unlock()
	room := a.roomFor(w, r, u)
	if room == nil {
		return
	}
	data := []any{}
	for _, m := range room.Members {
		name, _ := a.userName(m.UserID)
		data = append(data, map[string]any{
			"attendeeId":          m.AttendeeID,
			"actorType":           "users",
			"actorId":             m.UserID,
			"displayName":         name,
			"participantType":     m.Type,
			"lastPing":            0,
			"inCall":              0,
			"permissions":         254,
			"attendeePermissions": 0,
			"sessionIds":          []any{},
			"roomToken":           room.Token,
		})
	}
	writeOCS(w, r, data)
}

// receive is the chat history (lookIntoFuture=0: older than
// lastKnownMessageId, newest first) or the poll for newer messages. With
// nothing to give it answers 304 without a body. setReadMarker defaults to
// 1, so a client that does not send 0 moves the user's read marker.
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
	setRead := q.Get("setReadMarker") != "0"
	a.mu.Lock()
	defer a.mu.Unlock()
	room := a.roomFor(w, r, u)
	if room == nil {
		return
	}
	var picked []*talkMessage
	if future {
		for _, m := range room.Messages {
			if m.ID > known || (includeKnown && m.ID == known) {
				picked = append(picked, m)
				if len(picked) == limit {
					break
				}
			}
		}
	} else {
		for i := len(room.Messages) - 1; i >= 0; i-- {
			m := room.Messages[i]
			if known == 0 || m.ID < known || (includeKnown && m.ID == known) {
				picked = append(picked, m)
				if len(picked) == limit {
					break
				}
			}
		}
	}
	if len(picked) == 0 {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	newest, last := 0, picked[len(picked)-1].ID
	data := []any{}
	for _, m := range picked {
		newest = max(newest, m.ID)
		data = append(data, a.messageJSON(room, m, u.ID, true))
	}
	if me := a.memberLocked(room, u.ID); setRead && newest > me.LastRead {
		me.LastRead = newest
	}
	w.Header().Set("X-Chat-Last-Given", strconv.Itoa(last))
	writeOCS(w, r, data)
}

func (a *talkApp) send(w http.ResponseWriter, r *http.Request, u *User) {
	p := sharingParams(r)
	text := p["message"]
	a.mu.Lock()
	defer a.mu.Unlock()
	room := a.roomFor(w, r, u)
	if room == nil {
		return
	}
	if strings.TrimSpace(text) == "" {
		writeOCSError(w, r, http.StatusBadRequest, http.StatusBadRequest, "")
		return
	}
	if len(text) > 32000 {
		writeOCSError(w, r, http.StatusRequestEntityTooLarge, http.StatusRequestEntityTooLarge, "")
		return
	}
	replyTo, _ := strconv.Atoi(p["replyTo"])
	if replyTo > 0 {
		parent := a.messageByIDLocked(room, replyTo)
		if parent == nil || parent.Kind != "comment" {
			writeOCSError(w, r, http.StatusBadRequest, http.StatusBadRequest, "")
			return
		}
	}
	msg := a.postLocked(room, u.ID, text, replyTo)
	writeJSON(w, http.StatusCreated, map[string]any{"ocs": map[string]any{
		"meta": map[string]any{"status": "ok", "statuscode": 201, "message": "OK"},
		"data": a.messageJSON(room, msg, u.ID, true),
	}})
}

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
		// Without a message id (chat-read-last) the newest message counts.
		if n := len(room.Messages); n > 0 {
			id = room.Messages[n-1].ID
		}
	}
	me.LastRead = id
	w.Header().Set("X-Chat-Last-Common-Read", strconv.Itoa(id))
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

func (a *talkApp) reactionTarget(w http.ResponseWriter, r *http.Request, u *User) (*talkMessage, bool) {
	room := a.roomFor(w, r, u)
	if room == nil {
		return nil, false
	}
	id, _ := strconv.Atoi(r.PathValue("messageId"))
	m := a.messageByIDLocked(room, id)
	if m == nil {
		writeOCSError(w, r, http.StatusNotFound, http.StatusNotFound, "")
		return nil, false
	}
	return m, true
}

func (a *talkApp) listReactions(w http.ResponseWriter, r *http.Request, u *User) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if m, ok := a.reactionTarget(w, r, u); ok {
		writeOCS(w, r, a.reactionsJSON(m))
	}
}

// react adds a reaction: 201 when new, 200 when the user already reacted so.
func (a *talkApp) react(w http.ResponseWriter, r *http.Request, u *User) {
	p := sharingParams(r)
	emoji := p["reaction"]
	a.mu.Lock()
	defer a.mu.Unlock()
	m, ok := a.reactionTarget(w, r, u)
	if !ok {
		return
	}
	if emoji == "" || m.Kind != "comment" {
		writeOCSError(w, r, http.StatusBadRequest, http.StatusBadRequest, "")
		return
	}
	status := http.StatusCreated
	for _, x := range m.Reactions {
		if x.Actor == u.ID && x.Emoji == emoji {
			status = http.StatusOK
		}
	}
	if status == http.StatusCreated {
		m.Reactions = append(m.Reactions, talkReaction{Emoji: emoji, Actor: u.ID, At: a.now().Unix()})
	}
	writeJSON(w, status, map[string]any{"ocs": map[string]any{
		"meta": map[string]any{"status": "ok", "statuscode": status, "message": "OK"},
		"data": a.reactionsJSON(m),
	}})
}
