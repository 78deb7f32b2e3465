package tools

// tablesToolset: Nextcloud Tables: tables, columns and rows.
func tablesToolset(d *Deps) *Toolset {
	return &Toolset{Name: "tables", Description: "Nextcloud Tables: tables, columns and rows.", Available: hasApp("tables")}
}
