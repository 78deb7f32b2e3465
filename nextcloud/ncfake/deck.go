package ncfake

import "net/http"

// deckApp serves the Deck REST API and its OCS comments.
type deckApp struct{ s *Server }

func newDeckApp(s *Server) *deckApp { return &deckApp{s: s} }

func (a *deckApp) routes(mux *http.ServeMux) {}
