package ncfake

import (
	"net/http"
	"sync"
)

// How a real Nextcloud answers for an app that is not enabled, and how app
// routes authenticate. Every app of the fake goes through these.

// handlerFunc is an endpoint that runs after authentication.
type handlerFunc func(w http.ResponseWriter, r *http.Request, u *User)

// writeOCSUnknownRoute is the answer for an OCS route no installed app
// serves, which is also how a missing app looks (ocs/26-27, errors/23):
// HTTP 404 with statuscode 404, message newline included.
func writeOCSUnknownRoute(w http.ResponseWriter, r *http.Request) {
	writeOCSError(w, r, http.StatusNotFound, http.StatusNotFound, "Invalid query, please check the syntax. API specifications are here: http://www.freedesktop.org/wiki/Specifications/open-collaboration-services.\n")
}

// writeAppRouteNotFound is Nextcloud's HTML 404 for an index.php route no
// enabled app serves (errors/24).
func writeAppRouteNotFound(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	w.WriteHeader(http.StatusNotFound)
	_, _ = w.Write([]byte("<!DOCTYPE html>\n<html><head><title>Nextcloud</title></head><body><h2>Page not found</h2></body></html>\n"))
}

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

// appRESTHandler serves an /index.php/apps REST route of app: a 404 page
// while the app is disabled, then app-REST authentication, then h under
// lock (nil when h locks for itself).
func (s *Server) appRESTHandler(app string, lock sync.Locker, h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.HasApp(app) {
			writeAppRouteNotFound(w)
			return
		}
		u := s.appRESTUser(w, r)
		if u == nil {
			return
		}
		if lock != nil {
			lock.Lock()
			defer lock.Unlock()
		}
		h(w, r, u)
	}
}

// ocsAppHandler is ocsHandler for an app's routes: while the app is disabled
// the route answers as if it did not exist. h runs under lock when one is
// given.
func (s *Server) ocsAppHandler(app string, lock sync.Locker, h handlerFunc) http.HandlerFunc {
	return s.ocsHandler(func(w http.ResponseWriter, r *http.Request, u *User) {
		if !s.HasApp(app) {
			writeOCSUnknownRoute(w, r)
			return
		}
		if lock != nil {
			lock.Lock()
			defer lock.Unlock()
		}
		h(w, r, u)
	})
}
