package ncfake

import "net/http"

// appRESTUser authenticates an /index.php/apps REST request (Notes, Deck,
// Tables v1) the way their CORS middleware does: Basic only, a Bearer token
// refused, failures as small JSON bodies. On failure it has answered and
// returns nil.
func (s *Server) appRESTUser(w http.ResponseWriter, r *http.Request) *User {
	u, fail := s.userFor(r, true)
	switch fail {
	case authBearerRefused:
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "CORS requires basic auth"})
	case authWrong:
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": ""})
	case authMissing:
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "Current user is not logged in"})
	default:
		return u
	}
	return nil
}
