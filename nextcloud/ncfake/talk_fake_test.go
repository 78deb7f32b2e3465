package ncfake

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// TestTalkFakeShape holds the Talk fake to the keys Talk's API docs promise
// for conversations, messages, participants and reactions, and to the
// documented statuses (201 on create, 304 with nothing to give).
func TestTalkFakeShape(t *testing.T) {
	s := New(Options{})
	token := s.AddTalkConversation("admin", "Team", "alice")
	first := s.AddTalkMessage(token, "alice", "hello @admin")

	w, data := ocsGet(t, s, "admin", http.MethodGet, talkV4+"/room")
	if w.Code != http.StatusOK {
		t.Fatalf("rooms: %d", w.Code)
	}
	room := data.([]any)[0].(map[string]any)
	docKeys(t, "conversation", room, "id", "token", "type", "name", "displayName", "description", "participantType", "attendeeId",
		"actorType", "actorId", "permissions", "readOnly", "hasPassword", "hasCall", "lastActivity", "isFavorite",
		"notificationLevel", "unreadMessages", "unreadMention", "lastReadMessage", "lastCommonReadMessage", "lastMessage")
	if room["unreadMessages"] != float64(1) || room["unreadMention"] != true {
		t.Errorf("unread %v mention %v", room["unreadMessages"], room["unreadMention"])
	}

	_, data = ocsGet(t, s, "admin", http.MethodGet, talkV1+"/chat/"+token+"?lookIntoFuture=0&setReadMarker=0")
	msgs := data.([]any)
	msg := msgs[0].(map[string]any)
	docKeys(t, "message", msg, "id", "token", "actorType", "actorId", "actorDisplayName", "timestamp", "systemMessage",
		"messageType", "isReplyable", "referenceId", "message", "messageParameters", "expirationTimestamp", "reactions", "markdown")
	if !strings.Contains(msg["message"].(string), "{mention-user1}") {
		t.Errorf("mentions become placeholders: %v", msg["message"])
	}
	system := msgs[len(msgs)-1].(map[string]any)
	if system["messageType"] != "system" || system["systemMessage"] != "conversation_created" || system["isReplyable"] != false {
		t.Errorf("creation message: %v", system)
	}

	req := postForm(t, s, "admin", talkV1+"/chat/"+token, "message=hi&replyTo="+strconv.Itoa(first))
	if req.Code != http.StatusCreated || !strings.Contains(req.Body.String(), `"statuscode":201`) || !strings.Contains(req.Body.String(), `"parent":{`) {
		t.Fatalf("send: %d %s", req.Code, req.Body.String())
	}
	if r := postForm(t, s, "admin", talkV1+"/reaction/"+token+"/"+strconv.Itoa(first), "reaction=%F0%9F%91%8D"); r.Code != http.StatusCreated {
		t.Fatalf("react: %d", r.Code)
	}
	if r := postForm(t, s, "admin", talkV1+"/reaction/"+token+"/"+strconv.Itoa(first), "reaction=%F0%9F%91%8D"); r.Code != http.StatusOK {
		t.Fatalf("react again: %d (documented 200)", r.Code)
	}
	if w, _ := ocsGet(t, s, "admin", http.MethodGet, talkV1+"/chat/"+token+"?lookIntoFuture=0&lastKnownMessageId=1"); w.Code != http.StatusNotModified || w.Body.Len() != 0 {
		t.Fatalf("no older messages: %d %q, documented 304", w.Code, w.Body.String())
	}
	_, data = ocsGet(t, s, "admin", http.MethodGet, talkV4+"/room/"+token+"/participants")
	docKeys(t, "participant", data.([]any)[0].(map[string]any), "attendeeId", "actorType", "actorId", "displayName", "participantType", "lastPing", "inCall", "permissions", "attendeePermissions", "sessionIds")
	if w, _ := ocsGet(t, s, "admin", http.MethodGet, talkV4+"/room/nosuchroom"); w.Code != http.StatusNotFound {
		t.Fatalf("unknown room: %d", w.Code)
	}
	if r := postForm(t, s, "admin", talkV4+"/room", "roomType=3"); r.Code != http.StatusBadRequest {
		t.Fatalf("public room without a name: %d, documented 400", r.Code)
	}
}

func postForm(t *testing.T, s *Server, user, target, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
	req.SetBasicAuth(user, user+"-app-password")
	req.Header.Set("OCS-APIRequest", "true")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, req)
	return w
}
