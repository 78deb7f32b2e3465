package tools

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

func TestActivityToolEndToEnd(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	base := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	for i, name := range []string{"/a.txt", "/b.txt", "/a.txt"} {
		h.fake.AddActivity("admin", ncfake.ActivityEntry{App: "files", Type: "file_changed", User: "alice", Subject: "alice changed " + name[1:],
			ObjectType: "files", ObjectID: int64(len(name) + i%2), ObjectName: name, Link: "/index.php/apps/files/?dir=/", Time: base.Add(time.Duration(i) * time.Hour)})
	}
	var page ActivityListOutput
	h.ok("nc_activity_list", map[string]any{"limit": 2}, &page)
	if len(page.Activities) != 2 || page.Activities[0].ID != 3 || page.NextSinceID != 2 || page.Activities[0].User != "alice" {
		t.Fatalf("newest first: %+v", page)
	}
	if !strings.HasPrefix(page.Activities[0].Link, h.url+"/index.php/apps/files") || page.Activities[0].Time != "2026-11-20T10:00:00Z" {
		t.Fatalf("link and time: %+v", page.Activities[0])
	}
	var rest ActivityListOutput
	h.ok("nc_activity_list", map[string]any{"limit": 2, "since_id": page.NextSinceID}, &rest)
	if len(rest.Activities) != 1 || rest.Activities[0].ID != 1 || rest.NextSinceID != 0 {
		t.Fatalf("rest: %+v", rest)
	}
	var one ActivityListOutput
	h.ok("nc_activity_list", map[string]any{"object_type": "files", "object_id": "6"}, &one)
	var ids []int
	for _, a := range one.Activities {
		ids = append(ids, a.ID)
	}
	if !slices.Equal(ids, []int{3, 1}) {
		t.Fatalf("object filter: %v", ids)
	}
	if msg := h.fails("nc_activity_list", map[string]any{"object_type": "files"}); !strings.Contains(msg, "go together") {
		t.Fatalf("object_type alone: %s", msg)
	}
}

func TestNotificationsToolsEndToEnd(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	older := h.fake.AddNotification("admin", ncfake.NotificationEntry{App: "files_sharing", Subject: "alice shared q3.txt with you", Link: "/index.php/f/7"})
	h.fake.AddNotification("admin", ncfake.NotificationEntry{App: "spreed", Subject: "alice mentioned you in Launch"})
	var list NotificationsListOutput
	h.ok("nc_notifications_list", map[string]any{}, &list)
	if len(list.Notifications) != 2 || list.Notifications[0].App != "spreed" || list.Notifications[1].ID != older {
		t.Fatalf("list: %+v", list)
	}
	var dis NotificationsDismissOutput
	h.ok("nc_notifications_dismiss", map[string]any{"id": older}, &dis)
	if !dis.Dismissed {
		t.Fatalf("dismiss: %+v", dis)
	}
	h.ok("nc_notifications_list", map[string]any{}, &list)
	if len(list.Notifications) != 1 {
		t.Fatalf("after dismiss: %+v", list)
	}
	if msg := h.fails("nc_notifications_dismiss", map[string]any{"id": older}); !strings.Contains(strings.ToLower(msg), "notification "+strconv.Itoa(older)) || !strings.Contains(msg, "404") {
		t.Fatalf("dismiss again: %s", msg)
	}
}

// A server without the apps does not list their tools (capability gate).
func TestCollabToolsHiddenWithoutApps(t *testing.T) {
	fake := ncfake.New(ncfake.Options{Apps: []string{"files", "notes"}})
	h := newHarness(t, harnessOpts{fake: fake})
	names := h.toolNames()
	for _, hidden := range []string{"nc_activity_list", "nc_notifications_list", "nc_notifications_dismiss", "nc_talk_list_conversations", "nc_talk_send_message", "nc_sharing_list", "nc_sharing_create_link"} {
		if slices.Contains(names, hidden) {
			t.Errorf("%s is listed on a server without its app", hidden)
		}
	}
	// Unified search is part of every server.
	if !slices.Contains(names, "nc_search_unified") || !slices.Contains(names, "nc_search_providers") {
		t.Errorf("search tools missing: %v", names)
	}
}
