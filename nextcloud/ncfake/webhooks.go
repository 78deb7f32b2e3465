package ncfake

import "net/http"

// webhooksApp serves the webhook_listeners OCS API (admin only).
type webhooksApp struct{ s *Server }

func newWebhooksApp(s *Server) *webhooksApp { return &webhooksApp{s: s} }

func (a *webhooksApp) routes(mux *http.ServeMux) {}
