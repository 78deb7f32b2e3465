package ncfake

import "net/http"

// searchApp serves unified search (/ocs/v2.php/search/providers).
type searchApp struct{ s *Server }

func newSearchApp(s *Server) *searchApp { return &searchApp{s: s} }

func (a *searchApp) routes(mux *http.ServeMux) {}
