package ncfake

// DeckSeedStack is a stack (column) for SeedDeckBoard.
type DeckSeedStack struct {
	Title string
	Cards []DeckSeedCard
}

// DeckSeedCard is a card for SeedDeckBoard.
type DeckSeedCard struct {
	Title       string
	Description string
	// DueDate is ISO 8601, e.g. 2026-12-24T12:00:00+00:00.
	DueDate string
	// Labels are titles of the board's labels (the four defaults or ones
	// created by SeedDeckBoard for unknown titles).
	Labels []string
	// Assignees are user ids; they are shared on the board when needed.
	Assignees []string
	Done      bool
	Archived  bool
}

// SeedDeckBoard creates a board owned by owner with the stacks and cards
// given, without going through HTTP, and returns the board id.
func (s *Server) SeedDeckBoard(owner, title, color string, stacks ...DeckSeedStack) int {
	a := s.deck
	a.mu.Lock()
	defer a.mu.Unlock()
	if color == "" {
		color = "0082c9"
	}
	b := a.newBoard(owner, title, color)
	for i, st := range stacks {
		stack := &deckStack{id: a.next.stack, boardID: b.id, title: st.Title, order: i}
		a.next.stack++
		a.stacks[stack.id] = stack
		for j, sc := range st.Cards {
			c := &deckCard{id: a.next.card, stackID: stack.id, order: j, title: sc.Title, description: sc.Description,
				typ: "plain", owner: owner, duedate: sc.DueDate, archived: sc.Archived}
			a.next.card++
			a.cards[c.id] = c
			c.createdAt = a.touch(b, stack, c)
			if sc.Done {
				c.done = "2026-01-01T00:00:00+00:00"
			}
			for _, lt := range sc.Labels {
				c.labels = append(c.labels, a.seedLabel(b, lt).id)
			}
			for _, uid := range sc.Assignees {
				a.seedMember(b, uid)
				c.assigned = append(c.assigned, deckAssignment{id: a.next.assignment, uid: uid})
				a.next.assignment++
			}
		}
	}
	return b.id
}

func (a *deckApp) seedLabel(b *deckBoard, title string) *deckLabel {
	for _, l := range a.labels {
		if l.boardID == b.id && l.title == title {
			return l
		}
	}
	return a.newLabel(b, title, "0082c9")
}

func (a *deckApp) seedMember(b *deckBoard, uid string) {
	if uid == b.owner {
		return
	}
	for _, acl := range b.acl {
		if acl.participant == uid {
			return
		}
	}
	b.acl = append(b.acl, &deckACL{id: a.next.acl, participant: uid, edit: true})
	a.next.acl++
}

// ShareDeckBoard shares a board with a user, with edit rights when edit is set.
func (s *Server) ShareDeckBoard(boardID int, user string, edit bool) {
	a := s.deck
	a.mu.Lock()
	defer a.mu.Unlock()
	if b := a.boards[boardID]; b != nil {
		a.seedMember(b, user)
		for _, acl := range b.acl {
			if acl.participant == user {
				acl.edit = edit
			}
		}
	}
}

// DeckIfModifiedSinceWorks makes the Deck list endpoints honour
// If-Modified-Since as Deck documents it. By default the fake answers HTTP
// 500, as Deck 1.13.10 does on Nextcloud 29.
func (s *Server) DeckIfModifiedSinceWorks(on bool) {
	s.deck.mu.Lock()
	defer s.deck.mu.Unlock()
	s.deck.imsWorks = on
}
