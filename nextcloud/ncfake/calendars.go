package ncfake

import "net/http"

// calendarsApp serves CalDAV under /remote.php/dav/calendars/.
type calendarsApp struct{ s *Server }

func newCalendarsApp(s *Server) *calendarsApp { return &calendarsApp{s: s} }

func (a *calendarsApp) routes(mux *http.ServeMux) {}
