package tools

import (
	"slices"
	"testing"
)

// --read-only hides every write tool of sharing, Talk, search, activity and
// notifications, and keeps their read tools.
func TestCollabReadOnly(t *testing.T) {
	h := newHarness(t, harnessOpts{opts: Options{ReadOnly: true}})
	names := h.toolNames()
	writes := []string{
		"nc_sharing_create", "nc_sharing_create_link", "nc_sharing_update", "nc_sharing_delete",
		"nc_talk_create_conversation", "nc_talk_send_message", "nc_talk_mark_read", "nc_talk_react",
		"nc_notifications_dismiss",
	}
	reads := []string{
		"nc_sharing_list", "nc_sharing_get", "nc_sharing_search_sharees",
		"nc_talk_list_conversations", "nc_talk_get_conversation", "nc_talk_list_participants", "nc_talk_read_messages",
		"nc_search_providers", "nc_search_unified", "nc_activity_list", "nc_notifications_list",
	}
	for _, w := range writes {
		if slices.Contains(names, w) {
			t.Errorf("--read-only lists the write tool %s", w)
		}
	}
	for _, r := range reads {
		if !slices.Contains(names, r) {
			t.Errorf("--read-only hides the read tool %s", r)
		}
	}
	// Every tool of these apps is either a listed read or a hidden write.
	all := newHarness(t, harnessOpts{})
	for _, n := range all.toolNames() {
		for _, prefix := range []string{"nc_sharing_", "nc_talk_", "nc_search_", "nc_activity_", "nc_notifications_"} {
			if len(n) > len(prefix) && n[:len(prefix)] == prefix && !slices.Contains(writes, n) && !slices.Contains(reads, n) {
				t.Errorf("%s is not classified in this test: add it to reads or writes", n)
			}
		}
	}
}
