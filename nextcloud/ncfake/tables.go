package ncfake

import "net/http"

// tablesApp serves the Tables API (v1 REST and v2 OCS).
type tablesApp struct{ s *Server }

func newTablesApp(s *Server) *tablesApp { return &tablesApp{s: s} }

func (a *tablesApp) routes(mux *http.ServeMux) {}
