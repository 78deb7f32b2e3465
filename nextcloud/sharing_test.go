package nextcloud_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// collabClient starts fake (once per test) and signs in as user ("admin" or "alice").
func collabClient(t *testing.T, fake *ncfake.Server, url, user string) *nextcloud.Client {
	t.Helper()
	c, err := nextcloud.New(nextcloud.Options{
		BaseURL:     url,
		Credentials: nextcloud.BasicAuth{User: user, Password: user + "-app-password"},
		Version:     "test",
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func collabFake(t *testing.T, o ncfake.Options) (*ncfake.Server, string) {
	t.Helper()
	fake := ncfake.New(o)
	ts := fake.Start()
	t.Cleanup(ts.Close)
	return fake, ts.URL
}

func TestSharesLifecycle(t *testing.T) {
	ctx := context.Background()
	fake, url := collabFake(t, ncfake.Options{})
	fake.AddShareablePath("admin", "/Reports/q3.txt", false)
	admin := collabClient(t, fake, url, "admin")
	alice := collabClient(t, fake, url, "alice")

	sh, err := admin.CreateShare(ctx, nextcloud.NewShare{Path: "Reports/q3.txt", Type: nextcloud.ShareUser, ShareWith: "alice", Permissions: nextcloud.PermAll})
	if err != nil {
		t.Fatal(err)
	}
	// Files cannot grant create or delete: the server caps 31 to 19.
	if sh.ID == "" || sh.Permissions != nextcloud.PermRead|nextcloud.PermUpdate|nextcloud.PermShare || sh.ShareWith != "alice" || sh.Path != "/Reports/q3.txt" || sh.ItemType != "file" {
		t.Fatalf("created share: %+v", sh)
	}
	again, err := admin.CreateShare(ctx, nextcloud.NewShare{Path: "/Reports/q3.txt", Type: nextcloud.ShareUser, ShareWith: "alice"})
	if err != nil || again.ID != sh.ID {
		t.Fatalf("a duplicate user share must come back as the existing one: %+v %v", again, err)
	}

	got, err := admin.GetShare(ctx, sh.ID)
	if err != nil || got.ID != sh.ID || got.ShareWith != "alice" {
		t.Fatalf("get (a one-element list on the wire): %+v %v", got, err)
	}
	mine, err := admin.ListShares(ctx, nextcloud.ShareListOptions{Path: "/Reports/q3.txt"})
	if err != nil || len(mine) != 1 {
		t.Fatalf("list by path: %+v %v", mine, err)
	}
	inFolder, err := admin.ListShares(ctx, nextcloud.ShareListOptions{Path: "/Reports", Subfiles: true})
	if err != nil || len(inFolder) != 1 || inFolder[0].ID != sh.ID {
		t.Fatalf("list subfiles: %+v %v", inFolder, err)
	}
	received, err := alice.ListShares(ctx, nextcloud.ShareListOptions{SharedWithMe: true})
	if err != nil || len(received) != 1 || received[0].Path != "/q3.txt" || received[0].Owner != "admin" {
		t.Fatalf("alice's received shares: %+v %v", received, err)
	}

	note := "please review"
	perms := nextcloud.PermRead
	upd, err := admin.UpdateShare(ctx, sh.ID, nextcloud.ShareUpdate{Permissions: &perms, Note: &note})
	if err != nil || upd.Permissions != nextcloud.PermRead || upd.Note != note {
		t.Fatalf("update: %+v %v", upd, err)
	}
	bad := 64
	_, err = admin.UpdateShare(ctx, sh.ID, nextcloud.ShareUpdate{Permissions: &bad})
	var ne *nextcloud.Error
	if !errors.As(err, &ne) || ne.Status != 404 || !strings.Contains(ne.Message, "Cannot increase permissions") {
		t.Fatalf("invalid permissions must fail with the server's 404: %v", err)
	}

	if err := admin.DeleteShare(ctx, sh.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.GetShare(ctx, sh.ID); !errors.Is(err, nextcloud.ErrNotFound) {
		t.Fatalf("deleted share: want ErrNotFound, got %v", err)
	}
	if err := admin.DeleteShare(ctx, sh.ID); !errors.Is(err, nextcloud.ErrNotFound) {
		t.Fatalf("delete again: want ErrNotFound, got %v", err)
	}
}

func TestShareValidationErrors(t *testing.T) {
	ctx := context.Background()
	fake, url := collabFake(t, ncfake.Options{})
	fake.AddShareablePath("admin", "/doc.txt", false)
	admin := collabClient(t, fake, url, "admin")
	cases := []struct {
		n    nextcloud.NewShare
		want string
	}{
		{nextcloud.NewShare{Path: "/doc.txt", Type: nextcloud.ShareUser, ShareWith: "nosuchuser"}, "valid account"},
		{nextcloud.NewShare{Path: "/missing.txt", Type: nextcloud.ShareUser, ShareWith: "alice"}, "Wrong path"},
		{nextcloud.NewShare{Path: "/doc.txt", Type: nextcloud.ShareLink, ExpireDate: "2020-01-01"}, "in the past"},
		{nextcloud.NewShare{Path: "/doc.txt", Type: nextcloud.ShareLink, ExpireDate: "31.12.2030"}, "YYYY-MM-DD"},
	}
	for _, c := range cases {
		_, err := admin.CreateShare(ctx, c.n)
		var ne *nextcloud.Error
		if !errors.As(err, &ne) || ne.Status != 404 || !strings.Contains(ne.Message, c.want) {
			t.Errorf("%+v: want 404 %q, got %v", c.n, c.want, err)
		}
	}
	if _, err := admin.CreateShare(ctx, nextcloud.NewShare{Path: "../etc/passwd", Type: nextcloud.ShareLink}); err == nil {
		t.Error("a path with .. must be refused before sending")
	}
}

// The server returns a link's password hash in password and share_with;
// the client must keep neither.
func TestLinkShareNeverKeepsPasswordHash(t *testing.T) {
	ctx := context.Background()
	fake, url := collabFake(t, ncfake.Options{})
	fake.AddShareablePath("admin", "/Photos", true)
	admin := collabClient(t, fake, url, "admin")
	link, err := admin.CreateShare(ctx, nextcloud.NewShare{Path: "/Photos", Type: nextcloud.ShareLink, Permissions: nextcloud.PermRead, Password: "s3cret-Pass", ExpireDate: "2099-12-31", Label: "trip"})
	if err != nil {
		t.Fatal(err)
	}
	if !link.HasPassword || link.ShareWith != "" || link.Token == "" || !strings.HasSuffix(link.URL, "/index.php/s/"+link.Token) {
		t.Fatalf("link: %+v", link)
	}
	if link.Permissions != nextcloud.PermRead|nextcloud.PermShare || link.Expiration != "2099-12-31 00:00:00" || link.Label != "trip" {
		t.Fatalf("link fields: %+v", link)
	}
	if s := fmt.Sprintf("%v %+v %#v", nextcloud.NewShare{Password: "s3cret-Pass"}, nextcloud.NewShare{Password: "s3cret-Pass"}, nextcloud.NewShare{Password: "s3cret-Pass"}); strings.Contains(s, "s3cret-Pass") {
		t.Fatalf("NewShare prints its password: %s", s)
	}
	dump, _ := json.Marshal(link)
	for _, s := range []string{string(dump), fmt.Sprintf("%+v", link)} {
		if strings.Contains(s, "$2y$") || strings.Contains(s, "s3cret-Pass") {
			t.Fatalf("the share keeps a password or its hash: %s", s)
		}
	}
	empty := ""
	upd, err := admin.UpdateShare(ctx, link.ID, nextcloud.ShareUpdate{Password: &empty})
	if err != nil || upd.HasPassword {
		t.Fatalf("remove password: %+v %v", upd, err)
	}
}

func TestSearchSharees(t *testing.T) {
	ctx := context.Background()
	fake, url := collabFake(t, ncfake.Options{})
	admin := collabClient(t, fake, url, "admin")
	res, err := admin.SearchSharees(ctx, nextcloud.ShareeQuery{Search: "ali"})
	if err != nil || len(res.Sharees) != 1 || res.Sharees[0].ShareWith != "alice" || res.Sharees[0].Type != nextcloud.ShareUser || res.Sharees[0].Exact {
		t.Fatalf("search ali: %+v %v", res, err)
	}
	res, err = admin.SearchSharees(ctx, nextcloud.ShareeQuery{Search: "alice"})
	if err != nil || len(res.Sharees) != 1 || !res.Sharees[0].Exact {
		t.Fatalf("search alice (exact): %+v %v", res, err)
	}
	res, err = admin.SearchSharees(ctx, nextcloud.ShareeQuery{Search: "bob@example.org", Types: []nextcloud.ShareType{nextcloud.ShareEmail}})
	if err != nil || len(res.Sharees) != 1 || res.Sharees[0].Type != nextcloud.ShareEmail {
		t.Fatalf("email only: %+v %v", res, err)
	}
	res, err = admin.SearchSharees(ctx, nextcloud.ShareeQuery{Search: "zzz-nobody"})
	if err != nil || len(res.Sharees) != 0 || res.Full {
		t.Fatalf("no match: %+v %v", res, err)
	}
}
