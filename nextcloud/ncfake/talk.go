package ncfake

import (
	"crypto/rand"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// talkApp serves the Talk (spreed) 19 OCS API the way the talk/ recordings
// show it: conversations and participants under api/v4, chat, read marker,
// edits, deletes and reactions under api/v1. Every error carries an empty
// message and data []: the status code is all a client gets.
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
	Type        int // 1 one-to-one, 2 group, 3 public, 4 changelog
	Name        string
	Description string
	ReadOnly    bool
	// Expiration is the message expiration in seconds, 0 when off.
	Expiration int
	Members    []*talkMember
	Messages   []*talkMessage // ascending ids
}

// talkMember is an attendee: a user, or a group added as a whole.
type talkMember struct {
	AttendeeID int
	ActorType  string // users or groups
	UserID     string // the actor id: user id or group id
	Type       int    // 1 owner, 2 moderator, 3 user
	LastRead   int
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
	// Chat routes are public pages (guests use them in public rooms): a
	// request without credentials finds no room, so it is a 404 (talk/44).
	chat := func(fn func(http.ResponseWriter, *http.Request, *User)) http.HandlerFunc {
		inner := h(fn)
		return func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") == "" && a.s.HasApp("spreed") {
				writeOCSError(w, r, http.StatusNotFound, http.StatusNotFound, "")
				return
			}
			inner(w, r)
		}
	}
	mux.HandleFunc("GET "+talkV4+"/room", h(a.listRooms))
	mux.HandleFunc("POST "+talkV4+"/room", h(a.createRoom))
	mux.HandleFunc("GET "+talkV4+"/room/{token}", h(a.getRoom))
	mux.HandleFunc("DELETE "+talkV4+"/room/{token}", h(a.deleteRoom))
	mux.HandleFunc("GET "+talkV4+"/room/{token}/participants", h(a.participants))
	mux.HandleFunc("POST "+talkV4+"/room/{token}/participants", h(a.addParticipant))
	mux.HandleFunc("PUT "+talkV4+"/room/{token}/description", h(a.setDescription))
	mux.HandleFunc("POST "+talkV4+"/room/{token}/message-expiration", h(a.setExpiration))
	mux.HandleFunc("GET "+talkV1+"/chat/{token}", chat(a.receive))
	mux.HandleFunc("POST "+talkV1+"/chat/{token}", chat(a.send))
	mux.HandleFunc("PUT "+talkV1+"/chat/{token}/{messageId}", chat(a.edit))
	mux.HandleFunc("DELETE "+talkV1+"/chat/{token}/{messageId}", chat(a.deleteMessage))
	mux.HandleFunc("POST "+talkV1+"/chat/{token}/read", chat(a.markRead))
	mux.HandleFunc("DELETE "+talkV1+"/chat/{token}/read", chat(a.markUnread))
	mux.HandleFunc("GET "+talkV1+"/reaction/{token}/{messageId}", h(a.listReactions))
	mux.HandleFunc("POST "+talkV1+"/reaction/{token}/{messageId}", h(a.react))
}

// ---- helpers for tests and the demo ----

// AddTalkConversation creates a group conversation owned by owner with the
// other users as members, for tests and the demo; it returns the token.
func (s *Server) AddTalkConversation(owner, name string, members ...string) string {
	a := s.talk
	a.mu.Lock()
	defer a.mu.Unlock()
	room := a.newRoomLocked(2, name, owner)
	for _, m := range members {
		a.addUserLocked(room, m, 3)
	}
	return room.Token
}

// AddTalkOneToOne creates the one-to-one conversation of two users (both
// owners, talk/59) and returns its token.
func (s *Server) AddTalkOneToOne(user, other string) string {
	a := s.talk
	a.mu.Lock()
	defer a.mu.Unlock()
	room := a.newRoomLocked(1, "", user)
	a.addUserLocked(room, other, 1)
	return room.Token
}

// AddTalkChangelog gives user the read-only "Talk updates ✅" conversation
// Talk creates for everyone (type 4, talk/14), with one bot message, and
// returns its token.
func (s *Server) AddTalkChangelog(user string) string {
	a := s.talk
	a.mu.Lock()
	defer a.mu.Unlock()
	room := &talkRoom{ID: a.nextRoomID, Token: talkToken(), Type: 4, Name: user, ReadOnly: true}
	a.nextRoomID++
	a.rooms[room.Token] = room
	a.addUserLocked(room, user, 3)
	a.appendLocked(room, &talkMessage{ActorType: "bots", Actor: "changelog", Message: "## New in Talk 19\n- Messages can now be edited", Kind: "comment"})
	return room.Token
}

// AddTalkMessage posts a chat message as actor, for tests and the demo; it
// returns the message id. Mentions and notifications work as for a client.
func (s *Server) AddTalkMessage(token, actor, message string) int {
	a := s.talk
	a.mu.Lock()
	defer a.mu.Unlock()
	room := a.rooms[token]
	if room == nil {
		return 0
	}
	return a.postLocked(room, actor, message, 0, false).ID
}

// SetTalkClock replaces Talk's clock (message times and expiration); nil
// restores the wall clock.
func (s *Server) SetTalkClock(now func() time.Time) {
	a := s.talk
	a.mu.Lock()
	defer a.mu.Unlock()
	if now == nil {
		now = time.Now
	}
	a.now = now
}

// TalkReadMarker is the user's read marker in a conversation (-1 when the
// user is not in it).
func (s *Server) TalkReadMarker(token, user string) int {
	a := s.talk
	a.mu.Lock()
	defer a.mu.Unlock()
	if room := a.rooms[token]; room != nil {
		if m := a.memberLocked(room, user); m != nil {
			return m.LastRead
		}
	}
	return -1
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

// ---- the room model ----

func (a *talkApp) newRoomLocked(typ int, name, owner string) *talkRoom {
	room := &talkRoom{ID: a.nextRoomID, Token: talkToken(), Type: typ, Name: name}
	a.nextRoomID++
	a.rooms[room.Token] = room
	a.addUserLocked(room, owner, 1)
	created := a.systemLocked(room, owner, "conversation_created", nil)
	room.Members[0].LastRead = created.ID
	return room
}

// addUserLocked adds a user attendee; a new member has read everything
// before they joined. It reports whether the user was added.
func (a *talkApp) addUserLocked(room *talkRoom, user string, typ int) bool {
	if a.memberLocked(room, user) != nil {
		return false
	}
	last := 0
	if n := len(room.Messages); n > 0 {
		last = room.Messages[n-1].ID
	}
	room.Members = append(room.Members, &talkMember{AttendeeID: a.nextAttendee, ActorType: "users", UserID: user, Type: typ, LastRead: last})
	a.nextAttendee++
	return true
}

// addGroupLocked adds a group as an attendee and each of its members as
// users, as Talk does for invite/source=groups (talk/04).
func (a *talkApp) addGroupLocked(room *talkRoom, group string, members []string) {
	for _, m := range room.Members {
		if m.ActorType == "groups" && m.UserID == group {
			return
		}
	}
	room.Members = append(room.Members, &talkMember{AttendeeID: a.nextAttendee, ActorType: "groups", UserID: group, Type: 3})
	a.nextAttendee++
	for _, u := range members {
		a.addUserLocked(room, u, 3)
	}
}

// memberLocked finds a user attendee.
func (a *talkApp) memberLocked(room *talkRoom, user string) *talkMember {
	for _, m := range room.Members {
		if m.ActorType == "users" && m.UserID == user {
			return m
		}
	}
	return nil
}

func (a *talkApp) users(room *talkRoom) []*talkMember {
	var out []*talkMember
	for _, m := range room.Members {
		if m.ActorType == "users" {
			out = append(out, m)
		}
	}
	return out
}

func (a *talkApp) userName(id string) (string, bool) {
	a.s.mu.Lock()
	defer a.s.mu.Unlock()
	if u := a.s.users[id]; u != nil {
		return u.DisplayName, true
	}
	return "", false
}

// groupMembers lists the users of a group, sorted; ok is false for a group
// nobody is in, which Nextcloud treats as unknown.
func (a *talkApp) groupMembers(group string) (members []string, ok bool) {
	a.s.mu.Lock()
	defer a.s.mu.Unlock()
	for _, u := range a.s.users {
		if hasGroup(u, group) {
			members = append(members, u.ID)
		}
	}
	sort.Strings(members)
	return members, len(members) > 0
}

func moderator(m *talkMember) bool { return m != nil && (m.Type == 1 || m.Type == 2) }

// roomJSON renders a conversation for viewer with the fields of talk/02.
func (a *talkApp) roomJSON(room *talkRoom, viewer *User) map[string]any {
	me := a.memberLocked(room, viewer.ID)
	name, display := room.Name, room.Name
	switch room.Type {
	case 1:
		for _, m := range a.users(room) {
			if m.UserID != viewer.ID {
				name = m.UserID
				display, _ = a.userName(m.UserID)
			}
		}
	case 4:
		display = "Talk updates ✅"
	}
	unread, mention := a.unreadLocked(room, me.LastRead, viewer.ID)
	var last any = []any{}
	var lastActivity int64
	if lm := a.lastMessageLocked(room); lm != nil {
		lastActivity = lm.Timestamp
		j := a.messageJSON(room, lm, viewer.ID, false)
		delete(j, "reactionsSelf")
		last = j
	}
	notificationLevel, perms := 2, 254
	if room.Type == 1 {
		notificationLevel = 1
	}
	if !moderator(me) {
		perms = 246
	}
	readOnly := 0
	if room.ReadOnly {
		readOnly = 1
	}
	return map[string]any{
		"id": room.ID, "token": room.Token, "type": room.Type, "name": name, "displayName": display,
		"objectType": "", "objectId": "", "participantType": me.Type, "participantFlags": 0, "readOnly": readOnly,
		"hasPassword": false, "hasCall": false, "callStartTime": 0, "callRecording": 0, "canStartCall": true,
		"lastActivity": lastActivity, "lastReadMessage": me.LastRead, "unreadMessages": unread,
		"unreadMention": mention, "unreadMentionDirect": mention, "isFavorite": false, "canLeaveConversation": true,
		"canDeleteConversation": moderator(me) && room.Type != 1 && room.Type != 4, "notificationLevel": notificationLevel,
		"notificationCalls": 1, "lobbyState": 0, "lobbyTimer": 0, "lastPing": 0, "sessionId": "0", "lastMessage": last,
		"sipEnabled": 0, "actorType": "users", "actorId": viewer.ID, "attendeeId": me.AttendeeID, "permissions": perms,
		"attendeePermissions": 0, "callPermissions": 0, "defaultPermissions": 0, "canEnableSIP": false, "attendeePin": "",
		"description": room.Description, "lastCommonReadMessage": a.commonReadLocked(room), "listable": 0, "callFlag": 0,
		"messageExpiration": room.Expiration, "avatarVersion": "fake" + strconv.Itoa(room.ID), "isCustomAvatar": false,
		"breakoutRoomMode": 0, "breakoutRoomStatus": 0, "recordingConsent": 0,
	}
}

// unreadLocked counts the comments after the marker (the reader's own
// included, system messages and deleted ones not: talk/45, 50) and whether
// any message after it mentions the reader, deleted ones included (talk/50).
func (a *talkApp) unreadLocked(room *talkRoom, marker int, viewer string) (unread int, mention bool) {
	now := a.now().Unix()
	for _, m := range room.Messages {
		if m.ID <= marker || m.expired(now) {
			continue
		}
		if m.Kind == "comment" {
			unread++
		}
		if (m.Kind == "comment" || m.Kind == "comment_deleted") && m.mentions(viewer) {
			mention = true
		}
	}
	return unread, mention
}

// commonReadLocked is the lowest read marker of the room's users.
func (a *talkApp) commonReadLocked(room *talkRoom) int {
	common := -1
	for _, m := range a.users(room) {
		if common < 0 || m.LastRead < common {
			common = m.LastRead
		}
	}
	return max(common, 0)
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

func talkFail(w http.ResponseWriter, r *http.Request, status int) {
	writeOCSError(w, r, status, status, "")
}

// writeTalk answers an OCS envelope with status (201 for created things,
// which writeOCS cannot say).
func writeTalk(w http.ResponseWriter, status int, data any) {
	writeJSON(w, status, map[string]any{"ocs": map[string]any{
		"meta": map[string]any{"status": "ok", "statuscode": status, "message": "OK"},
		"data": data,
	}})
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

// createRoom follows talk/02-11: a one-to-one answers 200 when it exists,
// 403 with yourself, 404 for an unknown user; a group with invite and
// source=groups is named after the group (roomName ignored) and holds it; a
// public room ignores invite and needs a name; names over 255 characters
// are 400.
func (a *talkApp) createRoom(w http.ResponseWriter, r *http.Request, u *User) {
	p := sharingParams(r)
	typ, err := strconv.Atoi(p["roomType"])
	if err != nil {
		talkFail(w, r, http.StatusBadRequest)
		return
	}
	invite, name := p["invite"], strings.TrimSpace(p["roomName"])
	if utf8.RuneCountInString(name) > 255 {
		talkFail(w, r, http.StatusBadRequest)
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	switch typ {
	case 1:
		if invite == u.ID {
			talkFail(w, r, http.StatusForbidden)
			return
		}
		if _, ok := a.userName(invite); !ok {
			talkFail(w, r, http.StatusNotFound)
			return
		}
		for _, room := range a.rooms {
			if room.Type == 1 && a.memberLocked(room, u.ID) != nil && a.memberLocked(room, invite) != nil {
				writeOCS(w, r, a.roomJSON(room, u))
				return
			}
		}
		room := a.newRoomLocked(1, "", u.ID)
		a.addUserLocked(room, invite, 1)
		writeTalk(w, http.StatusCreated, a.roomJSON(room, u))
	case 2:
		if invite != "" {
			members, ok := a.groupMembers(invite)
			if !ok {
				talkFail(w, r, http.StatusNotFound)
				return
			}
			room := a.newRoomLocked(2, invite, u.ID)
			a.addGroupLocked(room, invite, members)
			a.systemLocked(room, u.ID, "group_added", map[string]any{"group": talkGroupParam(invite)})
			writeTalk(w, http.StatusCreated, a.roomJSON(room, u))
			return
		}
		fallthrough
	case 3:
		if name == "" {
			talkFail(w, r, http.StatusBadRequest)
			return
		}
		room := a.newRoomLocked(typ, name, u.ID)
		writeTalk(w, http.StatusCreated, a.roomJSON(room, u))
	default:
		talkFail(w, r, http.StatusBadRequest)
	}
}

func talkGroupParam(group string) map[string]any {
	return map[string]any{"type": "group", "id": group, "name": group, "mention-id": "user-group/" + group}
}

func (a *talkApp) talkUserParam(id string) map[string]any {
	name, _ := a.userName(id)
	return map[string]any{"type": "user", "id": id, "name": name, "mention-id": id}
}

// addParticipant is POST room/{token}/participants (talk/12): a user or a
// whole group; moderators only; 200 with data [].
func (a *talkApp) addParticipant(w http.ResponseWriter, r *http.Request, u *User) {
	p := sharingParams(r)
	who, source := p["newParticipant"], p["source"]
	a.mu.Lock()
	defer a.mu.Unlock()
	room := a.roomFor(w, r, u)
	if room == nil {
		return
	}
	switch {
	case room.Type == 1 || room.Type == 4:
		talkFail(w, r, http.StatusBadRequest)
		return
	case !moderator(a.memberLocked(room, u.ID)):
		talkFail(w, r, http.StatusForbidden)
		return
	}
	switch source {
	case "", "users":
		if _, ok := a.userName(who); !ok {
			talkFail(w, r, http.StatusNotFound)
			return
		}
		if a.addUserLocked(room, who, 3) {
			a.systemLocked(room, u.ID, "user_added", map[string]any{"user": a.talkUserParam(who)})
		}
	case "groups":
		members, ok := a.groupMembers(who)
		if !ok {
			talkFail(w, r, http.StatusNotFound)
			return
		}
		a.addGroupLocked(room, who, members)
		a.systemLocked(room, u.ID, "group_added", map[string]any{"group": talkGroupParam(who)})
	default:
		talkFail(w, r, http.StatusBadRequest)
		return
	}
	writeOCS(w, r, []any{})
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
		name := m.UserID
		if m.ActorType == "users" {
			name, _ = a.userName(m.UserID)
		}
		perms := 246
		if moderator(m) {
			perms = 254
		}
		data = append(data, map[string]any{
			"roomToken": room.Token, "inCall": 0, "lastPing": 0, "sessionIds": []any{}, "participantType": m.Type,
			"attendeeId": m.AttendeeID, "actorId": m.UserID, "actorType": m.ActorType, "displayName": name,
			"permissions": perms, "attendeePermissions": 0, "attendeePin": "", "phoneNumber": "", "callId": "",
		})
	}
	writeOCS(w, r, data)
}

// deleteRoom is DELETE room/{token} (talk/60, 61): moderators only.
func (a *talkApp) deleteRoom(w http.ResponseWriter, r *http.Request, u *User) {
	a.mu.Lock()
	defer a.mu.Unlock()
	room := a.roomFor(w, r, u)
	if room == nil {
		return
	}
	if !moderator(a.memberLocked(room, u.ID)) || room.Type == 4 {
		talkFail(w, r, http.StatusForbidden)
		return
	}
	delete(a.rooms, room.Token)
	writeOCS(w, r, []any{})
}

// setDescription is PUT room/{token}/description (talk/13).
func (a *talkApp) setDescription(w http.ResponseWriter, r *http.Request, u *User) {
	p := sharingParams(r)
	a.mu.Lock()
	defer a.mu.Unlock()
	room := a.roomFor(w, r, u)
	if room == nil {
		return
	}
	if !moderator(a.memberLocked(room, u.ID)) || room.Type == 1 {
		talkFail(w, r, http.StatusForbidden)
		return
	}
	room.Description = p["description"]
	a.systemLocked(room, u.ID, "description_set", nil)
	writeOCS(w, r, []any{})
}

// setExpiration is POST room/{token}/message-expiration (talk/54, 55).
// The setting applies from its own system message on.
func (a *talkApp) setExpiration(w http.ResponseWriter, r *http.Request, u *User) {
	p := sharingParams(r)
	seconds, err := strconv.Atoi(p["seconds"])
	a.mu.Lock()
	defer a.mu.Unlock()
	room := a.roomFor(w, r, u)
	if room == nil {
		return
	}
	if err != nil || seconds < 0 {
		talkFail(w, r, http.StatusBadRequest)
		return
	}
	if !moderator(a.memberLocked(room, u.ID)) {
		talkFail(w, r, http.StatusForbidden)
		return
	}
	room.Expiration = seconds
	if seconds > 0 {
		a.systemLocked(room, u.ID, "message_expiration_enabled", nil)
	} else {
		a.systemLocked(room, u.ID, "message_expiration_disabled", nil)
	}
	writeOCS(w, r, []any{})
}

// EditTalkMessage edits a comment as actor would through Talk (talk/38).
func (s *Server) EditTalkMessage(token, actor string, id int, text string) bool {
	return s.talk.onComment(token, id, func(a *talkApp, room *talkRoom, m *talkMessage) { a.editLocked(room, m, actor, text) })
}

// DeleteTalkMessage deletes a comment as actor would through Talk (talk/39).
func (s *Server) DeleteTalkMessage(token, actor string, id int) bool {
	return s.talk.onComment(token, id, func(a *talkApp, room *talkRoom, m *talkMessage) { a.deleteLocked(room, m, actor) })
}

// ReactTalk adds actor's reaction to a comment, with its "reaction" system
// message (talk/31, 40).
func (s *Server) ReactTalk(token, actor string, id int, emoji string) bool {
	return s.talk.onComment(token, id, func(a *talkApp, room *talkRoom, m *talkMessage) { a.reactLocked(room, m, actor, emoji) })
}

// onComment runs fn on a comment of a conversation under the lock and
// reports whether there was one.
func (a *talkApp) onComment(token string, id int, fn func(*talkApp, *talkRoom, *talkMessage)) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	room := a.rooms[token]
	if room == nil {
		return false
	}
	m := a.messageByIDLocked(room, id)
	if m == nil || m.Kind != "comment" {
		return false
	}
	fn(a, room, m)
	return true
}

// SetTalkExpiration sets a conversation's message expiration in seconds (0
// turns it off), with its system message, as a moderator would (talk/54).
func (s *Server) SetTalkExpiration(token, actor string, seconds int) {
	a := s.talk
	a.mu.Lock()
	defer a.mu.Unlock()
	room := a.rooms[token]
	if room == nil {
		return
	}
	room.Expiration = seconds
	kind := "message_expiration_disabled"
	if seconds > 0 {
		kind = "message_expiration_enabled"
	}
	a.systemLocked(room, actor, kind, nil)
}
