//go:build !darwin && !windows

package cmd

// browserCommand is the freedesktop URL opener (Linux, the BSDs).
func browserCommand(u string) (string, []string) { return "xdg-open", []string{u} }
