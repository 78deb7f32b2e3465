package ncfake

import "net/http"

// notesApp serves the Notes REST API (/index.php/apps/notes/api/v1).
type notesApp struct{ s *Server }

func newNotesApp(s *Server) *notesApp { return &notesApp{s: s} }

func (a *notesApp) routes(mux *http.ServeMux) {}
