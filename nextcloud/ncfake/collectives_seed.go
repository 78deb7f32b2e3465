package ncfake

import "fmt"

// AddCollective creates a collective owned by owner (with its folder and
// landing page) whose team also has the members; it returns its id.
func (s *Server) AddCollective(owner, name, emoji string, members ...string) int {
	a := s.collectives
	a.mu.Lock()
	defer a.mu.Unlock()
	c, err := a.createCollective(owner, name, emoji)
	if err != nil {
		panic(fmt.Sprintf("ncfake: AddCollective %q: %v", name, err))
	}
	c.members = append(c.members, members...)
	return c.id
}

// CollectiveLandingPage returns the id of the collective's landing page.
func (s *Server) CollectiveLandingPage(collectiveID int) int {
	a := s.collectives
	a.mu.Lock()
	defer a.mu.Unlock()
	if c := a.collectives[collectiveID]; c != nil {
		return c.landing
	}
	return 0
}

// AddCollectivePage adds a page below parent (0: the landing page) with
// content, as last edited by author; it returns the page id.
func (s *Server) AddCollectivePage(collectiveID, parent int, title, content, author string) int {
	a := s.collectives
	a.mu.Lock()
	defer a.mu.Unlock()
	c := a.collectives[collectiveID]
	if c == nil {
		panic(fmt.Sprintf("ncfake: AddCollectivePage: no collective %d", collectiveID))
	}
	if parent == 0 {
		parent = c.landing
	}
	pp := a.pages[parent]
	if pp == nil {
		panic(fmt.Sprintf("ncfake: AddCollectivePage: no page %d", parent))
	}
	p, err := a.addPage(c, pp, a.uniqueTitle(pp, title, 0), author, []byte(content))
	if err != nil {
		panic(fmt.Sprintf("ncfake: AddCollectivePage %q: %v", title, err))
	}
	return p.id
}
