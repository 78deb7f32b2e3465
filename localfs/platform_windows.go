//go:build windows

package localfs

// checkPlatformPath applies the Windows path rules (winpath.go).
func checkPlatformPath(p string) error { return windowsPathProblem(p) }

// checkPlatformName applies the Windows rules to one name.
func checkPlatformName(name string) error {
	if name == "" || name == "." {
		return nil
	}
	return windowsNameProblem(name)
}
