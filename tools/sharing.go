package tools

// sharingToolset: Shares and public links (files_sharing).
func sharingToolset(d *Deps) *Toolset {
	return &Toolset{Name: "sharing", Description: "Shares and public links (files_sharing).", Available: hasApp("files_sharing")}
}
