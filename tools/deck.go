package tools

// deckToolset: Deck boards, stacks, cards, labels and comments.
func deckToolset(d *Deps) *Toolset {
	return &Toolset{Name: "deck", Description: "Deck boards, stacks, cards, labels and comments.", Available: hasApp("deck")}
}
