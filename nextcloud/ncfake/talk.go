package ncfake

import "net/http"

// talkApp serves the Talk (spreed) OCS API.
type talkApp struct{ s *Server }

func newTalkApp(s *Server) *talkApp { return &talkApp{s: s} }

func (a *talkApp) routes(mux *http.ServeMux) {}
