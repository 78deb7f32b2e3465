package cmd

// browserCommand is macOS's URL opener.
func browserCommand(u string) (string, []string) { return "open", []string{u} }
