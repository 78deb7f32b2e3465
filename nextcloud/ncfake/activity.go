package ncfake

import "net/http"

// activityApp serves the activity and notifications OCS APIs.
type activityApp struct{ s *Server }

func newActivityApp(s *Server) *activityApp { return &activityApp{s: s} }

func (a *activityApp) routes(mux *http.ServeMux) {}
