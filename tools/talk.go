package tools

// talkToolset: Talk conversations and messages.
func talkToolset(d *Deps) *Toolset {
	return &Toolset{Name: "talk", Description: "Talk conversations and messages.", Available: hasApp("spreed")}
}
