package tools

// filesToolset is WebDAV file access.
func filesToolset(d *Deps) *Toolset {
	return &Toolset{Name: "files", Description: "Files over WebDAV: browse, read, write, move, copy, search and delete."}
}
