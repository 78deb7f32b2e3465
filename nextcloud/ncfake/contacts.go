package ncfake

import "net/http"

// contactsApp serves CardDAV under /remote.php/dav/addressbooks/.
type contactsApp struct{ s *Server }

func newContactsApp(s *Server) *contactsApp { return &contactsApp{s: s} }

func (a *contactsApp) routes(mux *http.ServeMux) {}
