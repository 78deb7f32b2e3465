package nextcloud_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

func webhookClient(t *testing.T, fake *ncfake.Server, user, password string) *nextcloud.Client {
	t.Helper()
	ts := fake.Start()
	t.Cleanup(ts.Close)
	c, err := nextcloud.New(nextcloud.Options{BaseURL: ts.URL, Credentials: nextcloud.BasicAuth{User: user, Password: password}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestWebhookListenersRoundTrip(t *testing.T) {
	ctx := context.Background()
	fake := ncfake.New(ncfake.Options{Major: 30})
	c := webhookClient(t, fake, "admin", "admin-app-password")

	const secret = "s3cret-delivery-token"
	filter := map[string]any{"event.node.path": `/^\/[^\/]+\/files\//`}
	created, err := c.CreateWebhookListener(ctx, nextcloud.WebhookRegistration{
		URI: "https://hooks.example.org/nc", Event: `\` + nextcloud.EventNodeWritten, EventFilter: filter,
		Headers: map[string]string{"X-Source": "nextcloud"}, AuthMethod: nextcloud.WebhookAuthHeader, AuthData: nextcloud.BearerSecret(secret),
	})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if created.ID == 0 || created.Event != nextcloud.EventNodeWritten || created.HTTPMethod != "POST" || created.UserID != "admin" ||
		created.AuthMethod != nextcloud.WebhookAuthHeader || created.EventFilter["event.node.path"] != filter["event.node.path"] ||
		created.Headers["X-Source"] != "nextcloud" {
		t.Fatalf("created = %+v", created)
	}
	remote := fake.Webhooks()
	if len(remote) != 1 || remote[0].AuthData["Authorization"] != "Bearer "+secret {
		t.Fatalf("the server did not get the bearer secret as header auth data: %v", remote)
	}

	other, err := c.CreateWebhookListener(ctx, nextcloud.WebhookRegistration{URI: "https://other.example.org/", Event: nextcloud.EventNodeCreated})
	if err != nil {
		t.Fatal(err)
	}
	if other.AuthMethod != nextcloud.WebhookAuthNone || other.EventFilter != nil || other.Headers != nil {
		t.Fatalf("plain registration = %+v", other)
	}

	all, err := c.WebhookListeners(ctx, "")
	if err != nil || len(all) != 2 {
		t.Fatalf("list = %v, %v", all, err)
	}
	only, err := c.WebhookListeners(ctx, "https://other.example.org/")
	if err != nil || len(only) != 1 || only[0].ID != other.ID {
		t.Fatalf("list by uri = %v, %v", only, err)
	}

	got, err := c.WebhookListener(ctx, created.ID)
	if err != nil || got.URI != created.URI {
		t.Fatalf("get = %+v, %v", got, err)
	}
	_, err = c.WebhookListener(ctx, 9999)
	if !errors.Is(err, nextcloud.ErrNotFound) || errors.Is(err, nextcloud.ErrWebhooksUnavailable) {
		t.Fatalf("get unknown = %v, want a plain not-found", err)
	}

	deleted, err := c.DeleteWebhookListener(ctx, created.ID)
	if err != nil || !deleted {
		t.Fatalf("delete = %v, %v", deleted, err)
	}
	deleted, err = c.DeleteWebhookListener(ctx, created.ID)
	if err != nil || deleted {
		t.Fatalf("second delete = %v, %v; want false without error", deleted, err)
	}
}

func TestWebhookListenerServerRefusals(t *testing.T) {
	ctx := context.Background()
	fake := ncfake.New(ncfake.Options{Major: 30, Apps: []string{"files", "dav", "webhook_listeners"}})
	c := webhookClient(t, fake, "admin", "admin-app-password")
	cases := []struct {
		name string
		reg  nextcloud.WebhookRegistration
		want string
	}{
		{"unknown class", nextcloud.WebhookRegistration{URI: "https://h.example/", Event: `OCA\Nope\Event`}, "is not an event class compatible with webhooks"},
		{"app not installed", nextcloud.WebhookRegistration{URI: "https://h.example/", Event: nextcloud.EventTablesRowAdded}, "is not an event class compatible with webhooks"},
		{"calendar before 32", nextcloud.WebhookRegistration{URI: "https://h.example/", Event: nextcloud.EventCalendarObjectCreated}, "is not an event class compatible with webhooks"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.CreateWebhookListener(ctx, tc.reg)
			if nextcloud.StatusOf(err) != http.StatusBadRequest || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want 400 %q", err, tc.want)
			}
		})
	}
	if n := len(fake.Webhooks()); n != 0 {
		t.Fatalf("%d registrations after refusals", n)
	}
}

func TestWebhookRegistrationChecksBeforeSending(t *testing.T) {
	ctx := context.Background()
	fake := ncfake.New(ncfake.Options{Major: 30})
	c := webhookClient(t, fake, "admin", "admin-app-password")
	cases := []struct {
		name string
		reg  nextcloud.WebhookRegistration
		want string
	}{
		{"no uri", nextcloud.WebhookRegistration{Event: nextcloud.EventNodeCreated}, "needs a uri"},
		{"no event", nextcloud.WebhookRegistration{URI: "https://h.example/"}, "needs an event"},
		{"header without data", nextcloud.WebhookRegistration{URI: "https://h.example/", Event: nextcloud.EventNodeCreated, AuthMethod: nextcloud.WebhookAuthHeader}, "needs auth data"},
		{"data without header", nextcloud.WebhookRegistration{URI: "https://h.example/", Event: nextcloud.EventNodeCreated, AuthData: nextcloud.BearerSecret("x")}, `needs authMethod "header"`},
		{"unknown method", nextcloud.WebhookRegistration{URI: "https://h.example/", Event: nextcloud.EventNodeCreated, AuthMethod: "headers"}, "unknown webhook auth method"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.CreateWebhookListener(ctx, tc.reg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
	if n := fake.RequestCount(); n != 0 {
		t.Fatalf("%d requests sent for invalid registrations", n)
	}
}

func TestWebhooksNotAdmin(t *testing.T) {
	fake := ncfake.New(ncfake.Options{Major: 30})
	c := webhookClient(t, fake, "alice", "alice-app-password")
	_, err := c.WebhookListeners(context.Background(), "")
	if !errors.Is(err, nextcloud.ErrNotAdmin) || !errors.Is(err, nextcloud.ErrForbidden) {
		t.Fatalf("err = %v, want ErrNotAdmin", err)
	}
	if !strings.Contains(err.Error(), `"alice"`) || !strings.Contains(err.Error(), "admin") {
		t.Fatalf("message %q should name the account and say admin", err)
	}
}

func TestWebhooksUnavailable(t *testing.T) {
	noApp := slices.DeleteFunc(ncfake.AllApps(), func(a string) bool { return a == "webhook_listeners" })
	cases := []struct {
		name  string
		major int
		want  string
	}{
		{"nextcloud 29", 29, "29.0.0"},
		{"app disabled on 30", 30, "occ app:enable webhook_listeners"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fake := ncfake.New(ncfake.Options{Major: tc.major, Apps: noApp})
			c := webhookClient(t, fake, "admin", "admin-app-password")
			_, err := c.CreateWebhookListener(context.Background(), nextcloud.WebhookRegistration{URI: "https://h.example/", Event: nextcloud.EventNodeCreated})
			if !errors.Is(err, nextcloud.ErrWebhooksUnavailable) || !errors.Is(err, nextcloud.ErrAppMissing) {
				t.Fatalf("err = %v, want ErrWebhooksUnavailable", err)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "30") {
				t.Fatalf("message %q should contain %q and name Nextcloud 30", err, tc.want)
			}
		})
	}
}

func TestWebhookListenerDecodesServerQuirks(t *testing.T) {
	cases := []struct {
		name string
		json string
		want nextcloud.WebhookListener
	}{
		{"id as string, empty filter as []", `{"id":"7","appId":null,"userId":"admin","httpMethod":"POST","uri":"https://h/","event":"E","eventFilter":[],"userIdFilter":"","headers":null,"authMethod":"none","authData":null}`,
			nextcloud.WebhookListener{ID: 7, UserID: "admin", HTTPMethod: "POST", URI: "https://h/", Event: "E", AuthMethod: "none"}},
		{"number id, object filter, no authMethod", `{"id":3,"httpMethod":"POST","uri":"u","event":"E","eventFilter":{"user.uid":"bob"},"headers":[]}`,
			nextcloud.WebhookListener{ID: 3, HTTPMethod: "POST", URI: "u", Event: "E", AuthMethod: "none", EventFilter: map[string]any{"user.uid": "bob"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got nextcloud.WebhookListener
			if err := json.Unmarshal([]byte(tc.json), &got); err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
	var bad nextcloud.WebhookListener
	if err := json.Unmarshal([]byte(`{"id":1,"eventFilter":[1]}`), &bad); err == nil {
		t.Fatal("a non-empty list as eventFilter decoded without error")
	}
}

func TestWebhookSecretsNeverFormatted(t *testing.T) {
	const secret = "sentinel-7f3a9"
	reg := nextcloud.WebhookRegistration{URI: "https://h/", Event: "E", AuthMethod: nextcloud.WebhookAuthHeader, AuthData: nextcloud.BearerSecret(secret)}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		if out := fmt.Sprintf(verb, reg); strings.Contains(out, secret) {
			t.Errorf("%s printed the secret: %s", verb, out)
		}
		if out := fmt.Sprintf(verb, reg.AuthData); strings.Contains(out, secret) {
			t.Errorf("%s printed the auth data: %s", verb, out)
		}
	}
}
