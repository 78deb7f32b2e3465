package ncfake

import (
	"net/http"
)

func (s *Server) userJSON(u *User) map[string]any {
	var email any
	if u.Email != "" {
		email = u.Email
	}
	return map[string]any{
		"enabled": true, "id": u.ID, "backend": "Database", "subadmin": []any{},
		"quota":       map[string]any{"free": 82549055488, "used": 1048958, "total": 82550104446, "relative": 0, "quota": u.QuotaBytes},
		"email":       email,
		"displayname": u.DisplayName, "display-name": u.DisplayName,
		"groups": u.Groups, "language": "en", "locale": "",
		"backendCapabilities": map[string]any{"setDisplayName": true, "setPassword": true},
	}
}

func (s *Server) handleCurrentUser(w http.ResponseWriter, r *http.Request, u *User) {
	if r.Method != http.MethodGet {
		writeOCSError(w, r, http.StatusMethodNotAllowed, 405, "")
		return
	}
	s.mu.Lock()
	data := s.userJSON(u)
	s.mu.Unlock()
	writeOCS(w, r, data)
}

func (s *Server) handleGetUser(w http.ResponseWriter, r *http.Request, u *User) {
	id := r.PathValue("id")
	s.mu.Lock()
	target := s.users[id]
	isAdmin := hasGroup(u, "admin")
	var data map[string]any
	if target != nil {
		data = s.userJSON(target)
	}
	s.mu.Unlock()
	switch {
	case target == nil:
		writeOCSError(w, r, http.StatusNotFound, 404, "User does not exist")
	case target != u && !isAdmin:
		// A non-admin asking for someone else gets 998 with an empty message.
		writeOCSError(w, r, http.StatusNotFound, 998, "")
	default:
		writeOCS(w, r, data)
	}
}

func hasGroup(u *User, g string) bool {
	for _, x := range u.Groups {
		if x == g {
			return true
		}
	}
	return false
}
