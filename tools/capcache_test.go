package tools

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// memCapabilities is a CapabilityCache in memory.
type memCapabilities struct {
	mu    sync.Mutex
	start map[string]bool
	saved map[string]map[string]bool // by login@server
}

func (m *memCapabilities) Load(context.Context) (map[string]bool, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return maps.Clone(m.start), m.start != nil
}

func (m *memCapabilities) Save(_ context.Context, server, login string, a map[string]bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.saved == nil {
		m.saved = map[string]map[string]bool{}
	}
	m.saved[login+"@"+server] = maps.Clone(a)
}

func (m *memCapabilities) savedFor(key string) map[string]bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.saved[key]
}

func listToolNames(t *testing.T, rig *stdioRig) []string {
	t.Helper()
	m := rig.wait(rig.send("tools/list", map[string]any{}), 10*time.Second)
	res, _ := m["result"].(map[string]any)
	list, _ := res["tools"].([]any)
	var names []string
	for _, x := range list {
		names = append(names, x.(map[string]any)["name"].(string))
	}
	return names
}

func hasToolWithPrefix(names []string, prefix string) bool {
	return slices.ContainsFunc(names, func(n string) bool { return strings.HasPrefix(n, prefix) })
}

// A warm start lists the tools from the cache before the server answers;
// when the server's answer differs, the list follows and the client is told.
func TestWarmStartListsCachedToolsThenFollowsTheServer(t *testing.T) {
	fake := ncfake.NewDemo()
	const slow = 1500 * time.Millisecond
	fake.AddNetFault(ncfake.NetFault{Method: http.MethodGet, PathPrefix: "/ocs/v2.php/cloud/capabilities", Times: 1, Kind: ncfake.NetLatency, Latency: slow})
	all := map[string]bool{}
	for _, ts := range All(&Deps{}) {
		all[ts.Name] = true
	}
	cached := maps.Clone(all)
	cached["notes"] = false // the app was enabled since the last run
	cache := &memCapabilities{start: cached}
	rig := newStdioRig(t, fake, 4, func(d *Deps) { d.Capabilities = cache })

	caps, _ := rig.initResult["capabilities"].(map[string]any)
	if tools, _ := caps["tools"].(map[string]any); tools["listChanged"] != true {
		t.Errorf("initialize does not announce tool list changes: %v", caps)
	}
	start := time.Now()
	names := listToolNames(t, rig)
	if took := time.Since(start); took > slow/2 {
		t.Errorf("tools/list took %v: it waited for the server", took)
	}
	if hasToolWithPrefix(names, "nc_notes_") || !hasToolWithPrefix(names, "nc_deck_") {
		t.Fatalf("warm list is not the cached one: %v", names)
	}
	select {
	case n := <-rig.notifications:
		if n["method"] != "notifications/tools/list_changed" {
			t.Fatalf("notification %v", n)
		}
	case <-time.After(slow + 5*time.Second):
		t.Fatal("no notifications/tools/list_changed after the server answered")
	}
	if names := listToolNames(t, rig); !hasToolWithPrefix(names, "nc_notes_") {
		t.Errorf("after the refresh the notes tools are still missing: %v", names)
	}
	if got := cache.savedFor(ncfake.DemoUser + "@" + rig.url); got == nil || !got["notes"] {
		t.Errorf("the live availability was not saved: %v", cache.saved)
	}
}

// When the cache agrees with the server, nothing is announced.
func TestWarmStartMatchingTheServerSendsNothing(t *testing.T) {
	fake := ncfake.NewDemo()
	probe := newHarness(t, harnessOpts{fake: fake, user: ncfake.DemoUser, password: ncfake.DemoAppPassword})
	live := probe.reg.available(context.Background())
	cache := &memCapabilities{start: live}
	rig := newStdioRig(t, fake, 4, func(d *Deps) { d.Capabilities = cache })
	_ = listToolNames(t, rig)
	deadline := time.Now().Add(3 * time.Second)
	for cache.savedFor(ncfake.DemoUser+"@"+rig.url) == nil && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case n := <-rig.notifications:
		t.Errorf("unexpected notification %v", n)
	case <-time.After(200 * time.Millisecond):
	}
}

// A first start without a cache waits for the server, as before, and saves.
func TestColdStartWaitsAndSaves(t *testing.T) {
	fake := ncfake.New(ncfake.Options{Apps: []string{"files", "dav"}})
	fake.AddUser(&ncfake.User{ID: ncfake.DemoUser, Password: "x", AppPasswords: map[string]bool{ncfake.DemoAppPassword: true}})
	cache := &memCapabilities{}
	rig := newStdioRig(t, fake, 4, func(d *Deps) { d.Capabilities = cache })
	names := listToolNames(t, rig)
	if hasToolWithPrefix(names, "nc_notes_") || !hasToolWithPrefix(names, "nc_webdav_") {
		t.Errorf("cold list ignores the server's apps: %v", names)
	}
	if got := cache.savedFor(ncfake.DemoUser + "@" + rig.url); got == nil || got["notes"] || !got["files"] {
		t.Errorf("saved %v", cache.saved)
	}
}
