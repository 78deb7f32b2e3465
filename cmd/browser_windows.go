package cmd

// browserCommand hands the URL to the shell's protocol handler directly:
// "cmd /c start" would parse & and ^ in the URL as shell syntax.
func browserCommand(u string) (string, []string) {
	return "rundll32", []string{"url.dll,FileProtocolHandler", u}
}
