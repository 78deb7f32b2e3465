package ncfake

import "net/http"

// filesApp serves WebDAV under /remote.php/dav.
type filesApp struct{ s *Server }

func newFilesApp(s *Server) *filesApp { return &filesApp{s: s} }

func (a *filesApp) routes(mux *http.ServeMux) {}
