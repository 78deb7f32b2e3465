package nextcloud_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

func TestActivitiesPagingAndObjectFilter(t *testing.T) {
	ctx := context.Background()
	fake, url := collabFake(t, ncfake.Options{})
	base := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	for i := range 5 {
		fake.AddActivity("admin", ncfake.ActivityEntry{App: "files", Type: "file_changed", User: "admin", Subject: "You changed a.txt",
			ObjectType: "files", ObjectID: int64(10 + i%2), ObjectName: "/a.txt", Time: base.Add(time.Duration(i) * time.Hour)})
	}
	fake.AddActivity("alice", ncfake.ActivityEntry{App: "files", Type: "file_created", User: "alice", Subject: "not admin's"})
	c := collabClient(t, fake, url, "admin")

	page, err := c.Activities(ctx, nextcloud.ActivityQuery{Limit: 2})
	if err != nil || len(page.Activities) != 2 || page.Activities[0].ID != 5 || page.Next != 4 {
		t.Fatalf("first page, newest first: %+v %v", page, err)
	}
	var seen []int
	for q := (nextcloud.ActivityQuery{Limit: 2}); ; {
		p, err := c.Activities(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range p.Activities {
			seen = append(seen, a.ID)
		}
		if p.Next == 0 {
			break
		}
		q.Since = p.Next
	}
	if !slices.Equal(seen, []int{5, 4, 3, 2, 1}) {
		t.Fatalf("paging saw %v", seen)
	}
	obj, err := c.Activities(ctx, nextcloud.ActivityQuery{ObjectType: "files", ObjectID: "11"})
	if err != nil || len(obj.Activities) != 2 || obj.Activities[0].ObjectID != 11 || obj.Activities[0].Datetime == "" {
		t.Fatalf("object filter: %+v %v", obj, err)
	}
	none, err := c.Activities(ctx, nextcloud.ActivityQuery{ObjectType: "files", ObjectID: "999"})
	if err != nil || len(none.Activities) != 0 {
		t.Fatalf("no match (304): %+v %v", none, err)
	}
}

func TestNotificationsListDismiss(t *testing.T) {
	ctx := context.Background()
	fake, url := collabFake(t, ncfake.Options{})
	first := fake.AddNotification("admin", ncfake.NotificationEntry{App: "files_sharing", Subject: "alice shared a file with you"})
	second := fake.AddNotification("admin", ncfake.NotificationEntry{App: "spreed", Subject: "alice mentioned you"})
	c := collabClient(t, fake, url, "admin")
	list, err := c.Notifications(ctx)
	if err != nil || len(list) != 2 || list[0].ID != second {
		t.Fatalf("list, newest first: %+v %v", list, err)
	}
	if err := c.DismissNotification(ctx, first); err != nil {
		t.Fatal(err)
	}
	if err := c.DismissNotification(ctx, first); !errors.Is(err, nextcloud.ErrNotFound) || errors.Is(err, nextcloud.ErrAppMissing) {
		t.Fatalf("dismiss again: want not found (not app missing), got %v", err)
	}
	list, _ = c.Notifications(ctx)
	if len(list) != 1 || list[0].ID != second {
		t.Fatalf("after dismiss: %+v", list)
	}
}

// Without the apps the server answers 404 "Invalid query" (ocs/26-27).
func TestActivityAndNotificationsAppMissing(t *testing.T) {
	fake, url := collabFake(t, ncfake.Options{Apps: []string{"files"}})
	c := collabClient(t, fake, url, "admin")
	ctx := context.Background()
	if _, err := c.Activities(ctx, nextcloud.ActivityQuery{}); !errors.Is(err, nextcloud.ErrAppMissing) {
		t.Fatalf("activity: %v", err)
	}
	if _, err := c.Notifications(ctx); !errors.Is(err, nextcloud.ErrAppMissing) {
		t.Fatalf("notifications: %v", err)
	}
	if err := c.DismissNotification(ctx, 1); !errors.Is(err, nextcloud.ErrAppMissing) {
		t.Fatalf("dismiss: %v", err)
	}
}
