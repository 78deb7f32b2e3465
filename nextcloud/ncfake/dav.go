package ncfake

import (
	"fmt"
	"html"
	"net/http"
	"strings"
)

const davHeader = "1, 3, extended-mkcol, access-control, calendarserver-principal-property-search, calendar-access, calendar-proxy, calendar-auto-schedule, calendar-availability, nc-calendar-trashbin, nc-calendar-webcal-cache, calendarserver-subscribed, oc-resource-sharing, oc-calendar-publishing, calendarserver-sharing, addressbook, nextcloud-checksum-update, nc-calendar-search, nc-enable-birthday-calendar"

// davAuth authenticates a DAV request; on failure it answers as Sabre does
// and returns nil.
func (s *Server) davAuth(w http.ResponseWriter, r *http.Request) *User {
	u, fail := s.userFor(r, false)
	if fail == authOK {
		return u
	}
	w.Header().Set("WWW-Authenticate", `Basic realm="Nextcloud", charset="UTF-8"`)
	writeSabreError(w, http.StatusUnauthorized, `Sabre\DAV\Exception\NotAuthenticated`, "No public access to this resource., No 'Authorization: Basic' header found. Either the client didn't send one, or the server is misconfigured, Username or password was incorrect")
	return nil
}

// writeSabreError writes Sabre's XML error body.
func writeSabreError(w http.ResponseWriter, status int, exception, message string, extra ...string) {
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<d:error xmlns:d=\"DAV:\" xmlns:s=\"http://sabredav.org/ns\">\n  <s:exception>%s</s:exception>\n  <s:message>%s</s:message>\n", html.EscapeString(exception), html.EscapeString(message))
	for _, e := range extra {
		fmt.Fprintf(w, "  %s\n", e)
	}
	fmt.Fprint(w, "</d:error>\n")
}

// handleDAVRoot answers PROPFIND on /remote.php/dav/ (current-user-principal)
// and on the user's principal (home sets), which clients use for discovery.
func (s *Server) handleDAVRoot(w http.ResponseWriter, r *http.Request) {
	u := s.davAuth(w, r)
	if u == nil {
		return
	}
	if r.Method == http.MethodOptions {
		w.Header().Set("DAV", davHeader)
		w.Header().Set("Allow", "OPTIONS, GET, HEAD, DELETE, PROPFIND, PUT, PROPPATCH, COPY, MOVE, REPORT")
		w.WriteHeader(http.StatusOK)
		return
	}
	if r.Method != "PROPFIND" {
		writeSabreError(w, http.StatusNotImplemented, `Sabre\DAV\Exception\NotImplemented`, "There was no plugin in the system that was willing to handle this "+r.Method+" method.")
		return
	}
	principal := "/remote.php/dav/principals/users/" + u.ID + "/"
	var props string
	switch strings.TrimSuffix(r.URL.Path, "/") + "/" {
	case "/remote.php/dav/":
		props = "<d:current-user-principal><d:href>" + principal + "</d:href></d:current-user-principal>"
	case principal:
		props = "<d:displayname>" + html.EscapeString(u.DisplayName) + "</d:displayname>" +
			"<cal:calendar-home-set><d:href>/remote.php/dav/calendars/" + u.ID + "/</d:href></cal:calendar-home-set>" +
			"<card:addressbook-home-set><d:href>/remote.php/dav/addressbooks/users/" + u.ID + "/</d:href></card:addressbook-home-set>" +
			"<cal:calendar-user-address-set><d:href>" + principal + "</d:href></cal:calendar-user-address-set>" +
			"<d:current-user-principal><d:href>" + principal + "</d:href></d:current-user-principal>"
	default:
		writeSabreError(w, http.StatusNotFound, `Sabre\DAV\Exception\NotFound`, "Principal with name "+r.URL.Path+" not found")
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Vary", "Brief,Prefer")
	w.Header().Set("DAV", davHeader)
	w.WriteHeader(http.StatusMultiStatus)
	fmt.Fprintf(w, `<?xml version="1.0"?>`+"\n"+`<d:multistatus xmlns:d="DAV:" xmlns:s="http://sabredav.org/ns" xmlns:cal="urn:ietf:params:xml:ns:caldav" xmlns:cs="http://calendarserver.org/ns/" xmlns:card="urn:ietf:params:xml:ns:carddav" xmlns:oc="http://owncloud.org/ns" xmlns:nc="http://nextcloud.org/ns"><d:response><d:href>%s</d:href><d:propstat><d:prop>%s</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response></d:multistatus>`, r.URL.Path, props)
}

func (s *Server) handleWellKnownDAV(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Location", "/remote.php/dav/")
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	w.WriteHeader(http.StatusMovedPermanently)
}
