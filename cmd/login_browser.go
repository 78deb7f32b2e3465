package cmd

import (
	"context"
	"fmt"
	"net/url"
	"os/exec"
)

// openBrowser shows the URL in the user's browser, through App.OpenBrowser
// when a test set one.
func (a *App) openBrowser(ctx context.Context, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		// Only web pages: never hand a file path or option-like string to an opener.
		return fmt.Errorf("refusing to open %q: not an http(s) URL", raw)
	}
	if a.OpenBrowser != nil {
		return a.OpenBrowser(ctx, u.String())
	}
	return systemOpenBrowser(u.String())
}

// systemOpenBrowser starts the platform's URL opener (browser_*.go) and
// does not wait for it.
func systemOpenBrowser(u string) error {
	name, args := browserCommand(u)
	c := exec.Command(name, args...)
	if err := c.Start(); err != nil {
		return err
	}
	go func() { _ = c.Wait() }() // reap it; the browser outlives us anyway
	return nil
}
