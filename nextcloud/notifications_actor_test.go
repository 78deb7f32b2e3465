package nextcloud_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// The parameter shapes are those of notifications/01 and talk/22: [] for
// none, an object keyed by placeholder otherwise, the actor under "user".
func TestNotificationActor(t *testing.T) {
	for _, c := range []struct {
		name, params string
		want         nextcloud.NotificationActor
	}{
		{"admin notice", `[]`, nextcloud.NotificationActor{}},
		{"absent", ``, nextcloud.NotificationActor{}},
		{"highlight only", `{"token":{"type":"highlight","id":2,"name":"cli"}}`, nextcloud.NotificationActor{}},
		{"talk mention", `{"user":{"type":"user","id":"alice","name":"Alice"},"call":{"type":"call","id":"15","name":"Project Apollo"}}`,
			nextcloud.NotificationActor{ID: "alice", Kind: nextcloud.ActorUser}},
		{"forms answer, actor after the form", `{"formTitle":{"type":"forms-form","id":"BCas","name":"Team lunch"},"user":{"type":"user","id":"alice","name":"Alice"}}`,
			nextcloud.NotificationActor{ID: "alice", Kind: nextcloud.ActorUser}},
		{"actor under another key", `{"actor":{"type":"user","id":"bob","name":"Bob"},"file":{"type":"file","id":"7","name":"a.txt"}}`,
			nextcloud.NotificationActor{ID: "bob", Kind: nextcloud.ActorUser}},
		{"federated", `{"user":{"type":"user","id":"carol","name":"Carol","server":"other.example"}}`,
			nextcloud.NotificationActor{ID: "carol@other.example", Kind: nextcloud.ActorFederated}},
		{"guest", `{"user":{"type":"guest","id":"guest/3f1a","name":"Mallory"}}`,
			nextcloud.NotificationActor{ID: "Mallory", Kind: nextcloud.ActorGuest}},
		{"nameless guest", `{"user":{"type":"guest","id":"guest/3f1a","name":""}}`,
			nextcloud.NotificationActor{ID: "guest", Kind: nextcloud.ActorGuest}},
	} {
		t.Run(c.name, func(t *testing.T) {
			n := nextcloud.Notification{SubjectRich: json.RawMessage(c.params)}
			if got := n.Actor(); got != c.want {
				t.Errorf("Actor() = %+v, want %+v", got, c.want)
			}
		})
	}
}

// A Talk mention through the fake reaches the client with its actor; the
// server's own notices have none.
func TestNotificationActorThroughFake(t *testing.T) {
	ctx := context.Background()
	fake, url := collabFake(t, ncfake.Options{})
	fake.AddNotification("admin", ncfake.NotificationEntry{App: "admin_notifications", Subject: "Backup finished"})
	fake.AddNotification("admin", ncfake.NotificationEntry{App: "files_sharing", Actor: "alice", Subject: "alice shared q3.txt with you"})
	fake.AddNotification("admin", ncfake.NotificationEntry{App: "spreed", Actor: "Mallory", ActorType: "guest", Subject: "Mallory mentioned you"})
	list, err := collabClient(t, fake, url, "admin").Notifications(ctx)
	if err != nil || len(list) != 3 {
		t.Fatalf("list: %+v %v", list, err)
	}
	want := []nextcloud.NotificationActor{{ID: "Mallory", Kind: nextcloud.ActorGuest}, {ID: "alice", Kind: nextcloud.ActorUser}, {}}
	for i, n := range list {
		if got := n.Actor(); got != want[i] {
			t.Errorf("%q: actor %+v, want %+v", n.Subject, got, want[i])
		}
	}
}
