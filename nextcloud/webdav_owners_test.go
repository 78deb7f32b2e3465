package nextcloud_test

import (
	"context"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// TestFileOwnersOfNotes: a note names its file, and one PROPFIND tells
// whose each note is: the user's own, or alice's shared one.
func TestFileOwnersOfNotes(t *testing.T) {
	ctx := context.Background()
	fake := ncfake.New(ncfake.Options{})
	c := newFakeClient(t, fake)
	mine := fake.AddNote("admin", "Mine", "my words", "Work")
	shared := fake.AddNote("alice", "Hers", "her words", "Team")
	if err := fake.ShareNote("alice", shared, "admin"); err != nil {
		t.Fatal(err)
	}
	n, err := c.GetNote(ctx, shared)
	if err != nil || n.InternalPath != "/Notes/Team/Hers.md" {
		t.Fatalf("shared note: %+v %v", n, err)
	}
	one, err := c.FileOwners(ctx, n.InternalPath, nextcloud.DepthZero)
	if err != nil || len(one) != 1 || one[int64(shared)] != "alice" {
		t.Fatalf("depth 0: %v %v", one, err)
	}
	all, err := c.FileOwners(ctx, "/Notes", nextcloud.DepthInfinity)
	if err != nil || all[int64(shared)] != "alice" || all[int64(mine)] != "admin" {
		t.Fatalf("depth infinity: %v %v", all, err)
	}
	top, err := c.FileOwners(ctx, "/Notes", nextcloud.DepthOne)
	if err != nil || top[int64(mine)] != "" || len(top) != 3 {
		t.Fatalf("depth 1 lists the folder and its two category folders: %v %v", top, err)
	}
	if _, err := c.FileOwners(ctx, "/Notes", "2"); err == nil {
		t.Error("depth 2 accepted")
	}
}
