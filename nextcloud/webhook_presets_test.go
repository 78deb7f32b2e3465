package nextcloud_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

func TestWebhookPresetsAreKnownAndComplete(t *testing.T) {
	var names []string
	for _, p := range nextcloud.WebhookPresets(nextcloud.PresetOptions{}) {
		names = append(names, p.Name)
		if len(p.Events) == 0 || p.Description == "" || !(nextcloud.Version{Major: 99}).AtLeast(p.MinVersion) || (nextcloud.Version{Major: 29, Minor: 9, Micro: 9}).AtLeast(p.MinVersion) {
			t.Errorf("preset %s is incomplete: %+v", p.Name, p)
		}
		for _, e := range p.Events {
			if !nextcloud.IsKnownWebhookEvent(e.Event) {
				t.Errorf("preset %s uses unknown event %s", p.Name, e.Event)
			}
		}
	}
	want := []string{"notes_sync", "calendar_sync", "tables_sync", "files_sync", "deck_sync", "forms_sync"}
	if !slices.Equal(names, want) {
		t.Fatalf("presets %v, want %v", names, want)
	}
	if _, err := nextcloud.WebhookPresetByName("mail_sync", nextcloud.PresetOptions{}); err == nil || !strings.Contains(err.Error(), "notes_sync") {
		t.Fatalf("unknown preset error %v should list the choices", err)
	}
}

// pcreToGo turns the "/.../" filter string into a Go regexp; the presets use
// only syntax both engines read alike.
func pcreToGo(t *testing.T, s string) *regexp.Regexp {
	t.Helper()
	if !strings.HasPrefix(s, "/") || !strings.HasSuffix(s, "/") {
		t.Fatalf("filter %q is not a /regex/", s)
	}
	return regexp.MustCompile(s[1 : len(s)-1])
}

func TestNotesPresetFiltersTheNotesFolder(t *testing.T) {
	cases := []struct {
		notesPath string
		inside    []string
		outside   []string
	}{
		{"", []string{"/alice/files/Notes/a.md", "/bob/files/Notes/Sub/b.txt"}, []string{"/alice/files/Notes.md", "/alice/files/Other/Notes/a.md", "/alice/files_trashbin/files/Notes/a.md", "/alice/files/NotesX/a.md"}},
		{"/My Notes (2024)/", []string{"/alice/files/My Notes (2024)/a.md"}, []string{"/alice/files/Notes/a.md", "/alice/files/My Notes 2024/a.md"}},
		{"Documents/notes.d", []string{"/alice/files/Documents/notes.d/x.md"}, []string{"/alice/files/Documents/notesXd/x.md"}},
	}
	for _, tc := range cases {
		t.Run(tc.notesPath, func(t *testing.T) {
			p, err := nextcloud.WebhookPresetByName("notes_sync", nextcloud.PresetOptions{NotesPath: tc.notesPath})
			if err != nil {
				t.Fatal(err)
			}
			single := pcreToGo(t, p.Events[0].Filter["event.node.path"].(string))
			for _, path := range tc.inside {
				if !single.MatchString(path) {
					t.Errorf("%s should match %s", single, path)
				}
			}
			for _, path := range tc.outside {
				if single.MatchString(path) {
					t.Errorf("%s should not match %s", single, path)
				}
			}
		})
	}
}

func TestWebhookPresetSupported(t *testing.T) {
	caps := func(v string, apps ...string) *nextcloud.Capabilities {
		var ver nextcloud.Version
		fmt.Sscanf(v, "%d.%d.%d", &ver.Major, &ver.Minor, &ver.Micro)
		ver.String = v
		c := &nextcloud.Capabilities{Version: ver, Apps: map[string]json.RawMessage{}}
		for _, a := range apps {
			c.Apps[a] = json.RawMessage(`{}`)
		}
		return c
	}
	srv := func(c *nextcloud.Capabilities) nextcloud.WebhookServer { return nextcloud.WebhookServer{Caps: c} }
	cases := []struct {
		preset string
		server nextcloud.WebhookServer
		ok     bool
		why    string
	}{
		{"notes_sync", srv(caps("30.0.0", "notes")), true, "available"},
		{"notes_sync", srv(caps("30.0.0")), false, "notes app is not installed"},
		// webhooks-live/nc31/04: 31.0.6 accepts the OCP calendar events.
		{"calendar_sync", srv(caps("31.0.6")), true, "available"},
		{"calendar_sync", srv(caps("31.0.1")), false, "needs Nextcloud 31.0.2+"},
		{"calendar_sync", srv(caps("32.0.0")), true, "available"},
		{"files_sync", srv(caps("30.0.0")), true, "available"},
		{"files_sync", srv(caps("29.0.6")), false, "needs Nextcloud 30+"},
		{"forms_sync", srv(caps("33.0.0", "notes")), false, "forms app"},
		{"deck_sync", srv(nil), true, "not checked"},
		{"files_sync", nextcloud.WebhookServer{Caps: caps("31.0.6"), Access: &nextcloud.WebhooksUnavailableError{}}, false, "app disabled: `occ app:enable webhook_listeners`"},
		{"files_sync", nextcloud.WebhookServer{Caps: caps("31.0.6"), Access: &nextcloud.NotAdminError{}}, false, "admins only"},
	}
	for _, tc := range cases {
		p, err := nextcloud.WebhookPresetByName(tc.preset, nextcloud.PresetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ok, why := p.Supported(tc.server)
		if ok != tc.ok || !strings.Contains(why, tc.why) {
			t.Errorf("%s: Supported = %v %q, want %v %q", tc.preset, ok, why, tc.ok, tc.why)
		}
	}
}

// TestWebhookPresetCaveats: the presets with rename events warn on the
// versions whose server never delivers them (webhooks-live/ README).
func TestWebhookPresetCaveats(t *testing.T) {
	for _, tc := range []struct {
		preset string
		v      nextcloud.Version
		warn   bool
	}{
		{"files_sync", nextcloud.Version{Major: 31, Micro: 6, String: "31.0.6"}, true},
		{"notes_sync", nextcloud.Version{Major: 30, String: "30.0.0"}, true},
		{"notes_sync", nextcloud.Version{Major: 32, String: "32.0.0"}, false},
		{"calendar_sync", nextcloud.Version{Major: 31, Micro: 6, String: "31.0.6"}, false},
	} {
		p, _ := nextcloud.WebhookPresetByName(tc.preset, nextcloud.PresetOptions{})
		got := p.Caveats(tc.v)
		if (len(got) > 0) != tc.warn || (tc.warn && !strings.Contains(got[0], "nextcloud/server#53648")) {
			t.Errorf("%s on %s: caveats %q", tc.preset, tc.v.String, got)
		}
	}
}

// Every preset registers cleanly on a server that has all its apps: the
// fake refuses classes the server would not know, so this catches typos.
func TestWebhookPresetsRegisterOnAFullServer(t *testing.T) {
	fake := ncfake.New(ncfake.Options{Major: 32, Apps: append(ncfake.AllApps(), "forms")})
	c := webhookClient(t, fake, "admin", "admin-app-password")
	total := 0
	for _, p := range nextcloud.WebhookPresets(nextcloud.PresetOptions{}) {
		for _, e := range p.Events {
			if _, err := c.CreateWebhookListener(context.Background(), nextcloud.WebhookRegistration{URI: "https://h.example/", Event: e.Event, EventFilter: e.Filter}); err != nil {
				t.Errorf("%s %s: %v", p.Name, e.Event, err)
			}
			total++
		}
	}
	if got := len(fake.Webhooks()); got != total {
		t.Fatalf("%d registrations, want %d", got, total)
	}
}
