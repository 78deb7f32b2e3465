package ncfake

import "net/http"

// sharingApp serves the files_sharing OCS API.
type sharingApp struct{ s *Server }

func newSharingApp(s *Server) *sharingApp { return &sharingApp{s: s} }

func (a *sharingApp) routes(mux *http.ServeMux) {}
