//go:build !windows

package localfs

// checkPlatformPath has nothing to add on Unix: "..", links and case are
// handled for every OS in resolve.go.
func checkPlatformPath(string) error { return nil }

// checkPlatformName has nothing to add on Unix beyond '/' and NUL, which
// cannot reach a name from a slash-separated path.
func checkPlatformName(name string) error { return nil }
