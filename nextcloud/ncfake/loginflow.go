package ncfake

import "net/http"

// loginFlowApp serves Login Flow v2 and app-password revocation.
type loginFlowApp struct{ s *Server }

func newLoginFlowApp(s *Server) *loginFlowApp { return &loginFlowApp{s: s} }

func (a *loginFlowApp) routes(mux *http.ServeMux) {}
