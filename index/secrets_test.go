package index

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// TestIndexHoldsNoSecret: the credential a sync uses never lands in the
// index directory, not even in a recorded error.
func TestIndexHoldsNoSecret(t *testing.T) {
	const sentinel = "SENTINEL-app-password-7f3c9e"
	fake := ncfake.New(ncfake.Options{})
	fake.AddAppPassword("admin", sentinel)
	fake.AddNote("admin", "a note", "some text", "")
	_ = fake.PutFile("admin", "/Docs/a.txt", []byte("file text"))
	ts := fake.Start()
	defer ts.Close()
	c, err := nextcloud.New(nextcloud.Options{BaseURL: ts.URL, Credentials: nextcloud.BasicAuth{User: "admin", Password: sentinel}})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ix, err := Open(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ix.AddFolder("/Docs")
	ix.AddFolder("/Missing")
	if _, err := ix.Sync(context.Background(), c, SyncOptions{}); err != nil {
		t.Fatal(err)
	}
	// A failing sync records its error in the index.
	fake.AddFault(ncfake.Fault{Status: 500, Body: "boom"})
	_, _ = ix.Sync(context.Background(), c, SyncOptions{})
	ix.Close()
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte(sentinel)) {
			t.Errorf("%s holds the app password", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
