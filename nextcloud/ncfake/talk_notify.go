package ncfake

import (
	"strconv"
	"strings"
)

// notifyLocked notifies as Talk does for a new comment when the
// notifications app is on (talk/22): a mentioned member gets "<author>
// mentioned you in conversation <name>", the other side of a one-to-one
// "<author> sent you a private message". Other group messages notify
// nobody (notification level "mentions").
func (a *talkApp) notifyLocked(room *talkRoom, msg *talkMessage) {
	if !a.s.HasApp("notifications") {
		return
	}
	author := a.actorName(msg)
	for _, m := range a.users(room) {
		if m.UserID == msg.Actor {
			continue
		}
		var subject string
		switch {
		case msg.mentions(m.UserID):
			subject = author + " mentioned you in conversation " + a.roomTitle(room, m.UserID)
		case room.Type == 1:
			subject = author + " sent you a private message"
		default:
			continue
		}
		n := NotificationEntry{
			App: "spreed", Subject: subject, Message: a.plainText(msg),
			ObjectType: "chat", ObjectID: room.Token + "/" + strconv.Itoa(msg.ID),
			Link: "/index.php/call/" + room.Token + "#message_" + strconv.Itoa(msg.ID),
		}
		switch msg.ActorType {
		case "users":
			n.Actor = msg.Actor
		case "guests":
			n.Actor, n.ActorType = author, "guest"
		case "federated_users":
			if at := strings.LastIndex(msg.Actor, "@"); at > 0 {
				n.Actor, n.ActorServer = msg.Actor[:at], msg.Actor[at+1:]
			}
		}
		a.s.AddNotification(m.UserID, n)
	}
}

// roomTitle is the conversation's name as user sees it.
func (a *talkApp) roomTitle(room *talkRoom, user string) string {
	if room.Type == 1 {
		for _, m := range a.users(room) {
			if m.UserID != user {
				name, _ := a.userName(m.UserID)
				return name
			}
		}
	}
	return room.Name
}

// plainText writes a comment's mentions out as @name, as notifications show it.
func (a *talkApp) plainText(msg *talkMessage) string {
	text := msg.Message
	for k, v := range msg.Params {
		if p, ok := v.(map[string]any); ok {
			text = strings.ReplaceAll(text, "{"+k+"}", "@"+p["id"].(string))
		}
	}
	return text
}

// clearNotificationsLocked removes user's chat notifications of the room up
// to message upTo, as setting the read marker does.
func (a *talkApp) clearNotificationsLocked(user, token string, upTo int) {
	n := a.s.activity
	n.mu.Lock()
	defer n.mu.Unlock()
	list := n.notifications[user]
	kept := list[:0:0]
	for _, e := range list {
		if e.App == "spreed" && e.ObjectType == "chat" {
			if tok, id, ok := strings.Cut(e.ObjectID, "/"); ok && tok == token {
				if mid, err := strconv.Atoi(id); err == nil && mid <= upTo {
					continue
				}
			}
		}
		kept = append(kept, e)
	}
	n.notifications[user] = kept
}
