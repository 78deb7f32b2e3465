package tools

// searchToolset: Unified search across every app.
func searchToolset(d *Deps) *Toolset {
	return &Toolset{Name: "search", Description: "Unified search across every app."}
}
