package tools

// contactsToolset: Address books and contacts over CardDAV.
func contactsToolset(d *Deps) *Toolset {
	return &Toolset{Name: "contacts", Description: "Address books and contacts over CardDAV."}
}
