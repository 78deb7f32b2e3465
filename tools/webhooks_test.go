package tools

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/nextcloud-mcp/nextcloud-mcp/auth"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// recordedWebhooks is a WebhookLister over fixed records that remembers who asked.
type recordedWebhooks struct {
	records []WebhookRecord
	askedAs []string
}

func (r *recordedWebhooks) RegisteredWebhooks(_ context.Context, c *nextcloud.Client) ([]WebhookRecord, error) {
	r.askedAs = append(r.askedAs, c.Login()+"@"+c.BaseURL().String())
	return r.records, nil
}

// newWebhooksHarness is newHarness with a WebhookLister in the Deps.
func newWebhooksHarness(t *testing.T, fake *ncfake.Server, user string, lister WebhookLister) *harness {
	t.Helper()
	ts := fake.Start()
	t.Cleanup(ts.Close)
	d := &Deps{Factory: auth.NewBasicFactory(ts.URL, user, user+"-app-password", auth.ClientOptions{Version: "test"}), Webhooks: lister}
	reg, err := NewRegistry(d, All(d), Options{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.NewInProcessClient(NewServer(reg, "test", "test"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	req := mcp.InitializeRequest{}
	req.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	req.Params.ClientInfo = mcp.Implementation{Name: "harness", Version: "1"}
	if _, err := c.Initialize(ctx, req); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return &harness{t: t, fake: fake, url: ts.URL, client: c, reg: reg}
}

func webhookRequests(f *ncfake.Server) int {
	n := 0
	for _, r := range f.Requests() {
		if strings.Contains(r.Path, "/webhook_listeners/") {
			n++
		}
	}
	return n
}

func TestWebhooksToolListedOnlyForAdminsWithTheApp(t *testing.T) {
	noApp := slices.DeleteFunc(ncfake.AllApps(), func(a string) bool { return a == "webhook_listeners" })
	cases := []struct {
		name   string
		fake   *ncfake.Server
		user   string
		listed bool
		probes bool
	}{
		{"admin with the app", ncfake.New(ncfake.Options{Major: 30}), "admin", true, true},
		{"non-admin", ncfake.New(ncfake.Options{Major: 30}), "alice", false, true},
		{"nextcloud 29 without the app", ncfake.New(ncfake.Options{Apps: noApp}), "admin", false, false},
		{"nextcloud 31 with the app disabled", ncfake.New(ncfake.Options{Major: 31, Apps: noApp}), "admin", false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newWebhooksHarness(t, tc.fake, tc.user, &recordedWebhooks{})
			if got := slices.Contains(h.toolNames(), "nc_webhooks_list"); got != tc.listed {
				t.Fatalf("nc_webhooks_list listed = %v, want %v", got, tc.listed)
			}
			if got := webhookRequests(tc.fake) > 0; got != tc.probes {
				t.Fatalf("probed webhook_listeners = %v, want %v", got, tc.probes)
			}
		})
	}
}

func TestWebhooksToolNeverChangesAnything(t *testing.T) {
	d := &Deps{Factory: auth.ErrorFactory{ModeName: "basic", Err: auth.ErrNoCredentials}}
	for _, ts := range All(d) {
		for _, tool := range ts.Tools {
			if !strings.Contains(tool.Def.Name, "webhook") {
				continue
			}
			if tool.Def.Name != "nc_webhooks_list" || !tool.ReadOnly() {
				t.Errorf("%s: the only webhook tool must be the read-only nc_webhooks_list", tool.Def.Name)
			}
		}
	}
}

func TestWebhooksToolDatabaseFirst(t *testing.T) {
	fake := ncfake.New(ncfake.Options{Major: 30})
	created := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	lister := &recordedWebhooks{records: []WebhookRecord{
		{ID: 5, Preset: "notes_sync", Event: nextcloud.EventNodeWritten, URI: "https://hooks.example/n", CreatedAt: created},
		{ID: 4, Event: nextcloud.EventTablesRowAdded, URI: "https://hooks.example/t", CreatedAt: created.Add(-time.Hour)},
	}}
	h := newWebhooksHarness(t, fake, "admin", lister)
	h.toolNames() // the availability probe happens here, not in the call

	before := fake.RequestCount()
	var out webhooksListOut
	h.ok("nc_webhooks_list", nil, &out)
	if n := fake.RequestCount() - before; n != 0 {
		t.Fatalf("the database-first list made %d HTTP requests", n)
	}
	if out.Remote || len(out.Webhooks) != 2 || out.Webhooks[0].ID != 5 || out.Webhooks[0].Preset != "notes_sync" ||
		out.Webhooks[0].CreatedAt != "2025-03-01T12:00:00Z" || out.Webhooks[0].State != "" || out.Webhooks[1].Event != nextcloud.EventTablesRowAdded {
		t.Fatalf("out = %+v", out)
	}
	if len(lister.askedAs) != 1 || !strings.HasPrefix(lister.askedAs[0], "admin@http://127.0.0.1") {
		t.Fatalf("lister asked as %v, want the signed-in account", lister.askedAs)
	}
}

func TestWebhooksToolRemoteDrift(t *testing.T) {
	fake := ncfake.New(ncfake.Options{Major: 30})
	match := fake.AddWebhook(ncfake.Webhook{HTTPMethod: "POST", URI: "https://hooks.example/a", Event: nextcloud.EventNodeCreated, EventFilter: map[string]any{"user.uid": "bob"}})
	gone := fake.AddWebhook(ncfake.Webhook{HTTPMethod: "POST", URI: "https://hooks.example/a", Event: nextcloud.EventNodeWritten})
	fake.RemoveWebhook(gone)
	foreign := fake.AddWebhook(ncfake.Webhook{HTTPMethod: "POST", URI: "https://elsewhere.example/", Event: nextcloud.EventNodeDeleted})
	lister := &recordedWebhooks{records: []WebhookRecord{
		{ID: gone, Preset: "files_sync", Event: nextcloud.EventNodeWritten, URI: "https://hooks.example/a"},
		{ID: match, Preset: "files_sync", Event: nextcloud.EventNodeCreated, URI: "https://hooks.example/a"},
	}}
	h := newWebhooksHarness(t, fake, "admin", lister)

	var out webhooksListOut
	h.ok("nc_webhooks_list", map[string]any{"remote": true}, &out)
	got := map[int64]string{}
	for _, w := range out.Webhooks {
		got[w.ID] = w.State
	}
	want := map[int64]string{gone: WebhookOnlyLocal, match: WebhookMatching, foreign: WebhookOnlyRemote}
	if !out.Remote || len(got) != 3 || got[gone] != want[gone] || got[match] != want[match] || got[foreign] != want[foreign] {
		t.Fatalf("states %v, want %v", got, want)
	}
	if out.Webhooks[1].Filter["user.uid"] != "bob" {
		t.Fatalf("a matching row should carry the server's filter: %+v", out.Webhooks[1])
	}
}

func TestCompareWebhooksTreatsChangedRegistrationsAsDrift(t *testing.T) {
	local := []WebhookRecord{{ID: 1, Event: "E", URI: "https://a/"}}
	remote := []nextcloud.WebhookListener{{ID: 1, Event: "E", URI: "https://b/"}}
	got := CompareWebhooks(local, remote)
	if len(got) != 2 || got[0].State != WebhookOnlyLocal || got[1].State != WebhookOnlyRemote || got[1].URI != "https://b/" {
		t.Fatalf("got %+v", got)
	}
}

func TestWebhooksToolWithoutStore(t *testing.T) {
	fake := ncfake.New(ncfake.Options{Major: 30})
	fake.AddWebhook(ncfake.Webhook{HTTPMethod: "POST", URI: "https://x/", Event: nextcloud.EventNodeCreated})
	h := newWebhooksHarness(t, fake, "admin", nil)
	var out webhooksListOut
	h.ok("nc_webhooks_list", nil, &out)
	if len(out.Webhooks) != 0 || !strings.Contains(out.Note, "remote: true") {
		t.Fatalf("without a store: %+v", out)
	}
	h.ok("nc_webhooks_list", map[string]any{"remote": true}, &out)
	if len(out.Webhooks) != 1 || out.Webhooks[0].State != WebhookOnlyRemote {
		t.Fatalf("remote without a store: %+v", out)
	}
}

func TestWebhooksToolRemoteErrorsAreExplained(t *testing.T) {
	fake := ncfake.New(ncfake.Options{Major: 30})
	h := newWebhooksHarness(t, fake, "admin", &recordedWebhooks{})
	h.toolNames()
	fake.AddFault(ncfake.Fault{PathPrefix: "/ocs/v2.php/apps/webhook_listeners/", Status: 500, Body: `{"ocs":{"meta":{"status":"failure","statuscode":500,"message":"An internal error occurred"},"data":[]}}`, Header: map[string][]string{"Content-Type": {"application/json"}}})
	msg := h.fails("nc_webhooks_list", map[string]any{"remote": true})
	if !strings.Contains(msg, "webhook listeners") || !strings.Contains(msg, "HTTP 500") {
		t.Fatalf("message %q", msg)
	}
}
