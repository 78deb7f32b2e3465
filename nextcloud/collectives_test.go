package nextcloud_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

func TestCollectivesPagesAndLayout(t *testing.T) {
	ctx := context.Background()
	fake := ncfake.New(ncfake.Options{})
	cid := fake.AddCollective("admin", "Handbook", "📘")
	c := dtClient(t, fake, "admin", "admin-app-password")
	col := c.Collectives()

	list, err := col.List(ctx)
	if err != nil || len(list) != 1 || list[0].Name != "Handbook" || list[0].Level != 9 {
		t.Fatalf("list: %v %+v", err, list)
	}
	pages, err := col.Pages(ctx, cid)
	if err != nil || len(pages) != 1 || pages[0].Title != "Readme" || pages[0].ParentID != 0 {
		t.Fatalf("pages: %v %+v", err, pages)
	}
	landing := pages[0]
	onb, err := col.CreatePage(ctx, cid, landing.ID, "Onboarding")
	if err != nil {
		t.Fatal(err)
	}
	p, _ := onb.FilesPath()
	if p != "/Collectives/Handbook/Onboarding.md" {
		t.Fatalf("leaf page path %q", p)
	}
	if _, err := c.WriteFile(ctx, p, []byte("# Onboarding\n"), nextcloud.WriteOptions{ContentType: "text/markdown"}); err != nil {
		t.Fatal(err)
	}
	sub, err := col.CreatePage(ctx, cid, onb.ID, "First week")
	if err != nil {
		t.Fatal(err)
	}
	if sp, _ := sub.FilesPath(); sp != "/Collectives/Handbook/Onboarding/First week.md" {
		t.Errorf("subpage path %q", sp)
	}
	// The parent became a folder with Readme.md, same page id, content kept.
	onb2, err := col.Page(ctx, cid, onb.ID)
	if err != nil {
		t.Fatal(err)
	}
	p2, _ := onb2.FilesPath()
	if p2 != "/Collectives/Handbook/Onboarding/Readme.md" || onb2.Size != int64(len("# Onboarding\n")) || len(onb2.SubpageOrder) != 1 {
		t.Fatalf("parent after its first subpage: %q %+v", p2, onb2)
	}
	if got, _ := fake.ReadFile("admin", p2); string(got) != "# Onboarding\n" {
		t.Errorf("content after the move: %q", got)
	}
	dup, _ := col.CreatePage(ctx, cid, landing.ID, "Onboarding")
	if dup.Title != "Onboarding (2)" {
		t.Errorf("duplicate title: %q", dup.Title)
	}

	if _, err := c.WriteFile(ctx, "/Collectives/Handbook/Onboarding/First week.md", []byte("Set up your laptop."), nextcloud.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	hits, _ := col.Search(ctx, cid, "laptop")
	if len(hits) != 0 {
		t.Errorf("content search before the index job: %+v", hits)
	}
	fake.IndexCollectives()
	hits, err = col.Search(ctx, cid, "laptop")
	if err != nil || len(hits) != 1 || hits[0].ID != sub.ID {
		t.Errorf("content search after the index job: %v %+v", err, hits)
	}
	touched, err := col.Touch(ctx, cid, sub.ID)
	if err != nil || touched.LastUserID != "admin" || touched.Size != int64(len("Set up your laptop.")) {
		t.Errorf("touch: %v %+v", err, touched)
	}

	if _, err := col.Page(ctx, cid, 999999); nextcloud.StatusOf(err) != http.StatusNotFound {
		t.Errorf("unknown page: %v", err)
	}
	alice := dtClient(t, fake, "alice", "alice-app-password").Collectives()
	if _, err := alice.Pages(ctx, cid); !errors.Is(err, nextcloud.ErrCollectiveNotFound) {
		t.Errorf("non-member: %v", err)
	}
	if l, _ := alice.List(ctx); len(l) != 0 {
		t.Errorf("alice sees %+v", l)
	}
}
