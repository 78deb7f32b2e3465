package tools

import (
	"bytes"
	"crypto/rand"
	"strings"
	"testing"
	"time"
)

// TestUndoDeletedFile: a file deleted through the tools comes back
// byte-identical from the trash bin, and the delete's result names the way.
func TestUndoDeletedFile(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	data := make([]byte, 70_000)
	_, _ = rand.Read(data)
	if err := h.fake.PutFile("admin", "/Docs/photo.bin", data); err != nil {
		t.Fatal(err)
	}
	res := h.call("nc_webdav_delete_resource", map[string]any{"path": "Docs/photo.bin"})
	if res.IsError || structured(t, res)["restore_with"] != "nc_webdav_restore_trash" {
		t.Fatalf("delete result must name the restore tool: %s", resultText(res))
	}
	var trash TrashListOutput
	h.ok("nc_webdav_list_trash", map[string]any{}, &trash)
	if len(trash.Items) != 1 || trash.Items[0].OriginalPath != "/Docs/photo.bin" || trash.Items[0].Size != int64(len(data)) || trash.Items[0].Deleted == "" {
		t.Fatalf("trash: %+v", trash)
	}
	var out TrashRestoreOutput
	h.ok("nc_webdav_restore_trash", map[string]any{"id": trash.Items[0].ID}, &out)
	if out.RestoredPath != "/Docs/photo.bin" {
		t.Fatalf("restored to %s", out.RestoredPath)
	}
	got, err := h.fake.ReadFile("admin", "/Docs/photo.bin")
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("restored file differs (%d bytes, %v)", len(got), err)
	}
	msg := h.fails("nc_webdav_restore_trash", map[string]any{"id": trash.Items[0].ID})
	if !strings.Contains(msg, "nc_webdav_list_trash") {
		t.Errorf("restoring twice: %s", msg)
	}
}

// TestUndoRestoreNeverOverwrites: when the original place is taken the
// restore refuses without destination_path and uses it when given.
func TestUndoRestoreNeverOverwrites(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	_ = h.fake.PutFile("admin", "/a.txt", []byte("old"))
	h.ok("nc_webdav_delete_resource", map[string]any{"path": "a.txt"}, nil)
	_ = h.fake.PutFile("admin", "/a.txt", []byte("new"))
	var trash TrashListOutput
	h.ok("nc_webdav_list_trash", map[string]any{}, &trash)
	id := trash.Items[0].ID
	msg := h.fails("nc_webdav_restore_trash", map[string]any{"id": id})
	if !strings.Contains(msg, "destination_path") || !strings.Contains(msg, "taken") {
		t.Errorf("taken place: %s", msg)
	}
	var out TrashRestoreOutput
	h.ok("nc_webdav_restore_trash", map[string]any{"id": id, "destination_path": "a-old.txt"}, &out)
	if out.RestoredPath != "/a-old.txt" {
		t.Fatalf("restored to %s", out.RestoredPath)
	}
	if b, _ := h.fake.ReadFile("admin", "/a.txt"); string(b) != "new" {
		t.Errorf("the file in the way was changed: %q", b)
	}
	if b, _ := h.fake.ReadFile("admin", "/a-old.txt"); string(b) != "old" {
		t.Errorf("restored content %q", b)
	}
	if len(h.fake.Trash("admin")) != 0 {
		t.Errorf("trash not empty: %+v", h.fake.Trash("admin"))
	}
}

// TestUndoOverwrittenFile: an overwritten file comes back from its
// versions, and what it replaced becomes a version itself.
func TestUndoOverwrittenFile(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	now := time.Unix(1_800_000_000, 0)
	h.fake.SetFilesClock(func() time.Time { return now })
	h.ok("nc_webdav_write_file", map[string]any{"path": "plan.md", "content": "first draft"}, nil)
	now = now.Add(time.Minute)
	h.ok("nc_webdav_write_file", map[string]any{"path": "plan.md", "content": "overwritten", "overwrite": true}, nil)
	var vs VersionsListOutput
	h.ok("nc_webdav_list_versions", map[string]any{"path": "plan.md"}, &vs)
	if len(vs.Versions) != 1 || vs.Versions[0].Size != int64(len("first draft")) {
		t.Fatalf("versions: %+v", vs)
	}
	now = now.Add(time.Minute)
	var out VersionRestoreOutput
	h.ok("nc_webdav_restore_version", map[string]any{"path": "plan.md", "version_id": vs.Versions[0].VersionID}, &out)
	if b, _ := h.fake.ReadFile("admin", "/plan.md"); string(b) != "first draft" {
		t.Fatalf("restored content %q", b)
	}
	h.ok("nc_webdav_list_versions", map[string]any{"path": "plan.md"}, &vs)
	if len(vs.Versions) != 1 || vs.Versions[0].Size != int64(len("overwritten")) {
		t.Fatalf("the replaced content must become a version: %+v", vs)
	}
	if msg := h.fails("nc_webdav_restore_version", map[string]any{"path": "plan.md", "version_id": "1"}); !strings.Contains(msg, "nc_webdav_list_versions") {
		t.Errorf("unknown version: %s", msg)
	}
}

// TestUndoDeletedEvent: a deleted event comes back with nc_calendar_restore,
// and so does a deleted calendar.
func TestUndoDeletedEvent(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	var ev struct {
		UID string `json:"uid"`
	}
	h.ok("nc_calendar_create_event", map[string]any{"calendar_name": "personal", "title": "Dentist", "start": "2030-03-04T09:00:00Z"}, &ev)
	res := h.call("nc_calendar_delete_event", map[string]any{"calendar_name": "personal", "event_uid": ev.UID})
	if res.IsError || structured(t, res)["restore_with"] != "nc_calendar_restore" {
		t.Fatalf("delete: %s", resultText(res))
	}
	h.fails("nc_calendar_get_event", map[string]any{"calendar_name": "personal", "event_uid": ev.UID})
	var trash CalendarTrashOutput
	h.ok("nc_calendar_list_trash", map[string]any{}, &trash)
	if len(trash.Items) != 1 || trash.Items[0].Kind != "event" || trash.Items[0].Title != "Dentist" || trash.Items[0].UID != ev.UID || trash.Items[0].Calendar != "personal" {
		t.Fatalf("calendar trash: %+v", trash)
	}
	h.ok("nc_calendar_restore", map[string]any{"id": trash.Items[0].ID}, nil)
	var got struct {
		Title string `json:"title"`
	}
	h.ok("nc_calendar_get_event", map[string]any{"calendar_name": "personal", "event_uid": ev.UID}, &got)
	if got.Title != "Dentist" {
		t.Fatalf("restored event: %+v", got)
	}

	h.ok("nc_calendar_create_calendar", map[string]any{"name": "trips", "display_name": "Trips"}, nil)
	h.ok("nc_calendar_delete_calendar", map[string]any{"calendar_name": "trips"}, nil)
	h.ok("nc_calendar_list_trash", map[string]any{}, &trash)
	if len(trash.Items) != 1 || trash.Items[0].Kind != "calendar" || trash.Items[0].ID != "calendar/trips" || trash.Items[0].Title != "Trips" {
		t.Fatalf("calendar trash: %+v", trash)
	}
	h.ok("nc_calendar_restore", map[string]any{"id": "calendar/trips"}, nil)
	h.ok("nc_calendar_list_events", map[string]any{"calendar_name": "trips", "start": "2030-01-01", "end": "2030-02-01"}, nil)
}
