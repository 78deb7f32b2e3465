package tools

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// resultDump is everything a client could read from a result.
func resultDump(t *testing.T, h *harness, name string, args map[string]any) string {
	t.Helper()
	res := h.call(name, args)
	b, _ := json.Marshal(res.StructuredContent)
	return resultText(res) + string(b)
}

func TestSharingToolsEndToEnd(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.fake.AddShareablePath("admin", "/Reports/q3.txt", false)
	h.fake.AddShareablePath("admin", "/Photos/trip.jpg", false)

	var sharees SharingShareesOutput
	h.ok("nc_sharing_search_sharees", map[string]any{"query": "ali"}, &sharees)
	if len(sharees.Sharees) != 1 || sharees.Sharees[0].ShareWith != "alice" || sharees.Sharees[0].Type != "user" {
		t.Fatalf("sharees: %+v", sharees)
	}

	var user ShareInfo
	h.ok("nc_sharing_create", map[string]any{"path": "Reports/q3.txt", "share_with": "alice", "permissions": []string{"read"}, "note": "for Monday"}, &user)
	if user.Type != "user" || user.SharedWith != "alice" || !slices.Equal(user.Permissions, []string{"read"}) || user.Path != "/Reports/q3.txt" || user.Note != "for Monday" {
		t.Fatalf("user share: %+v", user)
	}

	const secret = "Tr1p-Secret!"
	args := map[string]any{"path": "Photos", "password": secret, "expire_date": "2099-01-31", "label": "trip"}
	dump := resultDump(t, h, "nc_sharing_create_link", args)
	if strings.Contains(dump, secret) || strings.Contains(dump, "$2y$") {
		t.Fatalf("a link result must carry neither the password nor its hash: %s", dump)
	}
	var links SharingListOutput
	h.ok("nc_sharing_list", map[string]any{"type": "link"}, &links)
	if len(links.Shares) != 1 {
		t.Fatalf("links: %+v", links)
	}
	link := links.Shares[0]
	// Read-only by default: the server adds the share bit to read.
	if !link.PasswordProtected || link.URL == "" || link.Expires != "2099-01-31" || !slices.Equal(link.Permissions, []string{"read", "share"}) || link.SharedWith != "" {
		t.Fatalf("link: %+v", link)
	}

	var all SharingListOutput
	h.ok("nc_sharing_list", map[string]any{}, &all)
	if len(all.Shares) != 2 {
		t.Fatalf("all shares: %+v", all)
	}
	var byPath SharingListOutput
	h.ok("nc_sharing_list", map[string]any{"path": "/Reports", "subfiles": true}, &byPath)
	if len(byPath.Shares) != 1 || byPath.Shares[0].ID != user.ID {
		t.Fatalf("subfiles of /Reports: %+v", byPath)
	}

	alice := newHarness(t, harnessOpts{fake: h.fake, user: "alice", password: "alice-app-password"})
	var received SharingListOutput
	alice.ok("nc_sharing_list", map[string]any{"shared_with_me": true}, &received)
	if len(received.Shares) != 1 || received.Shares[0].Owner != "admin" || received.Shares[0].Path != "/q3.txt" {
		t.Fatalf("alice's received shares: %+v", received)
	}

	var got ShareInfo
	h.ok("nc_sharing_get", map[string]any{"id": user.ID}, &got)
	if got.ID != user.ID || got.SharedWith != "alice" {
		t.Fatalf("get: %+v", got)
	}

	var upd ShareInfo
	h.ok("nc_sharing_update", map[string]any{"id": link.ID, "password": "", "expire_date": ""}, &upd)
	if upd.PasswordProtected || upd.Expires != "" {
		t.Fatalf("cleared password and expiry: %+v", upd)
	}
	h.ok("nc_sharing_update", map[string]any{"id": user.ID, "permissions": []string{"read", "update"}}, &upd)
	if !slices.Equal(upd.Permissions, []string{"read", "update"}) {
		t.Fatalf("permissions: %+v", upd)
	}

	var del SharingDeleteOutput
	h.ok("nc_sharing_delete", map[string]any{"id": user.ID}, &del)
	if !del.Deleted {
		t.Fatalf("delete: %+v", del)
	}
	if msg := h.fails("nc_sharing_get", map[string]any{"id": user.ID}); !strings.Contains(strings.ToLower(msg), "share "+user.ID) || !strings.Contains(msg, "404") {
		t.Fatalf("get after delete: %s", msg)
	}
}

func TestSharingToolErrors(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.fake.AddShareablePath("admin", "/doc.txt", false)
	cases := []struct {
		tool string
		args map[string]any
		want string
	}{
		{"nc_sharing_create", map[string]any{"path": "doc.txt", "share_with": "nosuchuser"}, "valid account"},
		{"nc_sharing_create", map[string]any{"path": "nope.txt", "share_with": "alice"}, "Wrong path"},
		{"nc_sharing_create", map[string]any{"path": "doc.txt", "share_with": "alice", "permissions": []string{"admin"}}, "unknown permission"},
		{"nc_sharing_create", map[string]any{"path": "doc.txt", "share_with": "not-an-address", "type": "email"}, "not an email"},
		{"nc_sharing_create_link", map[string]any{"path": "doc.txt", "expire_date": "2020-01-01"}, "in the past"},
		{"nc_sharing_create_link", map[string]any{"path": "doc.txt", "expire_date": "tomorrow"}, "2030-12-31"},
		{"nc_sharing_update", map[string]any{"id": "1"}, "nothing to change"},
		{"nc_sharing_delete", map[string]any{"id": "999"}, "404"},
		{"nc_sharing_list", map[string]any{"subfiles": true}, "need a path"},
	}
	for _, c := range cases {
		if msg := h.fails(c.tool, c.args); !strings.Contains(msg, c.want) {
			t.Errorf("%s %v: %q lacks %q", c.tool, c.args, msg, c.want)
		}
	}
}
