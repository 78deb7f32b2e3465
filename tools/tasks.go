package tools

// tasksToolset: Tasks (VTODO) in CalDAV task lists.
func tasksToolset(d *Deps) *Toolset {
	return &Toolset{Name: "tasks", Description: "Tasks (VTODO) in CalDAV task lists."}
}
