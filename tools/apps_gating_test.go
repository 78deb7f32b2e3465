package tools

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// News and Bookmarks announce no capability, so their toolsets ask the app;
// Cookbook and Forms have capability blocks. Either way a server without the
// app lists none of its tools, and one with it lists all.
func TestAppsToolsetsFollowTheServersApps(t *testing.T) {
	for app, want := range map[string]int{"news": 6, "cookbook": 6, "bookmarks": 6, "forms": 4} {
		prefix := "nc_" + app + "_"
		with := newHarness(t, harnessOpts{}).toolNames()
		if n := len(slices.DeleteFunc(with, func(n string) bool { return !strings.HasPrefix(n, prefix) })); n != want {
			t.Errorf("%s: %d tools listed with the app, want %d", app, n, want)
		}
		apps := slices.DeleteFunc(ncfake.AllApps(), func(a string) bool { return a == app })
		without := newHarness(t, harnessOpts{fake: ncfake.New(ncfake.Options{Apps: apps})}).toolNames()
		if slices.ContainsFunc(without, func(n string) bool { return strings.HasPrefix(n, prefix) }) {
			t.Errorf("%s tools listed on a server without %s", app, app)
		}
		if !slices.Contains(without, "nc_notes_list_notes") {
			t.Errorf("without %s, other tools went missing too", app)
		}
	}
}

// BenchmarkAppsAvailabilityProbes: what the News and Bookmarks probes add,
// once per client, to the first tools/list (the other apps read capabilities).
func BenchmarkAppsAvailabilityProbes(b *testing.B) {
	ts := ncfake.NewDemo().Start()
	defer ts.Close()
	c, err := nextcloud.New(nextcloud.Options{BaseURL: ts.URL, Credentials: nextcloud.BasicAuth{User: ncfake.DemoUser, Password: ncfake.DemoAppPassword}})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		if !newsAvailable(ctx, c, nil) || !bookmarksAvailable(ctx, c, nil) {
			b.Fatal("probe failed")
		}
	}
}
