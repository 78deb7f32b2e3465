package ncfake

import (
	"crypto/sha1"
	"encoding/hex"
)

// AddTalkGuestMessage posts a message as a guest who joined a public
// conversation through its link (actorType guests, an opaque actor id, the
// name the guest typed), or with federated true as a user of another
// server (actorType federated_users, id user@server). It returns the id.
func (s *Server) AddTalkGuestMessage(token, name, message string, federated bool) int {
	a := s.talk
	a.mu.Lock()
	defer a.mu.Unlock()
	room := a.rooms[token]
	if room == nil {
		return 0
	}
	m := &talkMessage{ActorType: "guests", ActorName: name, Message: message, Kind: "comment"}
	if federated {
		m.ActorType, m.Actor = "federated_users", name
	} else {
		sum := sha1.Sum([]byte(name))
		m.Actor = hex.EncodeToString(sum[:])
	}
	return a.appendLocked(room, m).ID
}
