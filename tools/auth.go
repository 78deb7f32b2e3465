package tools

// authToolset: Sign-in status and browser sign-in from the chat.
func authToolset(d *Deps) *Toolset {
	return &Toolset{Name: "auth", Description: "Sign-in status and browser sign-in from the chat."}
}
