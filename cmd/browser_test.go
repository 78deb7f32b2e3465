package cmd

import (
	"runtime"
	"slices"
	"testing"
)

// Each OS opens the URL with its own opener, the URL as one argument that
// no shell parses (& and ^ in a login URL must survive).
func TestBrowserCommandPerOS(t *testing.T) {
	const u = "https://cloud.example.com/login/v2/flow/abc?x=1&y=^2"
	want := map[string][]string{
		"darwin":  {"open", u},
		"windows": {"rundll32", "url.dll,FileProtocolHandler", u},
		"linux":   {"xdg-open", u},
		"freebsd": {"xdg-open", u},
	}[runtime.GOOS]
	if want == nil {
		t.Skipf("no expectation for %s", runtime.GOOS)
	}
	name, args := browserCommand(u)
	if got := append([]string{name}, args...); !slices.Equal(got, want) {
		t.Errorf("%s: %q, want %q", runtime.GOOS, got, want)
	}
}
