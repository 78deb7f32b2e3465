package tools

// notesToolset is the Notes app.
func notesToolset(d *Deps) *Toolset {
	return &Toolset{Name: "notes", Description: "Nextcloud Notes: list, read, search, create, update and delete notes.", Available: hasApp("notes")}
}
