package ncfake

import "net/http"

// ocsInvalidQuery is what OCS answers for a route no installed app serves
// (ocs/26-27): HTTP 404 with statuscode 404 and this message, newline included.
const ocsInvalidQuery = "Invalid query, please check the syntax. API specifications are here: http://www.freedesktop.org/wiki/Specifications/open-collaboration-services.\n"

// writeAppMissing answers as Nextcloud does when the app behind an OCS route
// is not installed.
func writeAppMissing(w http.ResponseWriter, r *http.Request) {
	writeOCSError(w, r, http.StatusNotFound, http.StatusNotFound, ocsInvalidQuery)
}

// ocsAppHandler is ocsHandler for an app's routes: with the app disabled the
// route answers as if it did not exist.
func (s *Server) ocsAppHandler(app string, h func(w http.ResponseWriter, r *http.Request, u *User)) http.HandlerFunc {
	return s.ocsHandler(func(w http.ResponseWriter, r *http.Request, u *User) {
		if !s.HasApp(app) {
			writeAppMissing(w, r)
			return
		}
		h(w, r, u)
	})
}
