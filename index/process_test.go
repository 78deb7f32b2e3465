package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// TestHelperProcessSync is not a test: TestTwoProcessesDoNotDoubleSync runs
// the test binary again with INDEX_HELPER set, to have a second process.
func TestHelperProcessSync(t *testing.T) {
	if os.Getenv("INDEX_HELPER") != "1" {
		return // only a helper process, run by TestTwoProcessesDoNotDoubleSync
	}
	c, err := nextcloud.New(nextcloud.Options{BaseURL: os.Getenv("INDEX_HELPER_URL"), Credentials: nextcloud.BasicAuth{User: "admin", Password: "admin-app-password"}})
	if err != nil {
		t.Fatal(err)
	}
	ix, err := Open(context.Background(), os.Getenv("INDEX_HELPER_DIR"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	_, err = ix.Sync(context.Background(), c, SyncOptions{})
	switch {
	case errors.Is(err, ErrBusy):
		fmt.Println("RESULT busy")
	case err != nil:
		fmt.Println("RESULT error", err)
	default:
		fmt.Println("RESULT synced")
	}
}

// TestTwoProcessesDoNotDoubleSync: two processes syncing the same index at
// once: one syncs, the other is told another process is busy; every file is
// downloaded once and the file stays sound.
func TestTwoProcessesDoNotDoubleSync(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	for i := range 120 {
		_ = fake.PutFile("admin", fmt.Sprintf("/Docs/f%03d.txt", i), []byte(fmt.Sprintf("file number %d", i)))
	}
	fake.AddFault(ncfake.Fault{Method: "GET", PathPrefix: "/remote.php/dav/files/", Delay: 5 * time.Millisecond})
	ts := fake.Start()
	defer ts.Close()
	dir := t.TempDir()
	ix, err := Open(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if _, _, err := ix.AddFolder("/Docs"); err != nil {
		t.Fatal(err)
	}
	var cmds []*exec.Cmd
	var outs []*strings.Builder
	for range 2 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcessSync$", "-test.count=1")
		cmd.Env = append(os.Environ(), "INDEX_HELPER=1", "INDEX_HELPER_URL="+ts.URL, "INDEX_HELPER_DIR="+dir)
		var b strings.Builder
		cmd.Stdout, cmd.Stderr = &b, &b
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds, outs = append(cmds, cmd), append(outs, &b)
	}
	results := map[string]int{}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("helper %d: %v\n%s", i, err, outs[i])
		}
		for _, line := range strings.Split(outs[i].String(), "\n") {
			if r, ok := strings.CutPrefix(line, "RESULT "); ok {
				results[r]++
			}
		}
	}
	if results["synced"] < 1 || results["synced"]+results["busy"] != 2 {
		t.Fatalf("results %v\n%s\n%s", results, outs[0], outs[1])
	}
	gets := 0
	for _, r := range fake.Requests() {
		if r.Method == "GET" && strings.HasPrefix(r.Path, "/remote.php/dav/files/") {
			gets++
		}
	}
	if gets != 120 {
		t.Errorf("%d downloads for 120 files: the processes synced twice", gets)
	}
	consistent(t, ix)
	if hits, err := ix.Search(context.Background(), Query{Text: "number", Limit: 200}); err != nil || len(hits) != 120 {
		t.Errorf("%d hits, %v", len(hits), err)
	}
}
