package ncfake

import "sync"

// webPages is the part of the internet the fake's Nextcloud can reach: a
// real News fetches feeds and a real Cookbook fetches recipe pages, but the
// fake has no network, so tests and the demo put the documents here by URL.
type webPages struct {
	mu    sync.Mutex
	pages map[string]webPage
}

type webPage struct {
	contentType string
	body        []byte
}

// PutWebPage makes url answer with body, as if a web server served it: News
// can then subscribe to it (RSS or Atom) and Cookbook import it (HTML with a
// schema.org Recipe). Putting it again replaces it, which is how a test makes
// a feed grow before RefreshNewsFeeds.
func (s *Server) PutWebPage(url, contentType string, body []byte) {
	s.web.mu.Lock()
	defer s.web.mu.Unlock()
	if s.web.pages == nil {
		s.web.pages = map[string]webPage{}
	}
	s.web.pages[url] = webPage{contentType: contentType, body: append([]byte(nil), body...)}
}

// fetch returns the page at url, if any.
func (w *webPages) fetch(url string) (webPage, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	p, ok := w.pages[url]
	return p, ok
}
