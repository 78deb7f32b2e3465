package nextcloud_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// TestUploadWithinOneSecondLosesNothing: Upload (one PUT and chunked) moves
// the etag on every replace, even when the local file keeps its mtime and
// the server keeps etags within one second (webdav-etag/), so a writer
// holding the etag from before is refused. With X-OC-Mtime dropped on the
// way, the etag is renewed with PROPPATCH before the upload is reported.
func TestUploadWithinOneSecondLosesNothing(t *testing.T) {
	ctx := context.Background()
	for _, size := range []int{3000, 100 << 10} {
		for _, ignore := range []bool{false, true} {
			t.Run(fmt.Sprintf("size=%d/ignore-mtime=%v", size, ignore), func(t *testing.T) {
				fake, c := filesClient(t)
				freezeFiles(fake)
				fake.IgnoreClientMtime(ignore)
				opts := func(o nextcloud.UploadOptions) nextcloud.UploadOptions {
					if size > 8<<10 {
						ch := chunked(nil)
						ch.IfMatch, ch.Overwrite = o.IfMatch, o.Overwrite
						return ch
					}
					return o
				}
				version := func(b byte) *memSource {
					src := newMemSource(size)
					src.data[0] = b // same size, same mtime, other content
					return src
				}
				first, err := c.Upload(ctx, "/u.bin", version('a'), opts(nextcloud.UploadOptions{}))
				if err != nil {
					t.Fatal(err)
				}
				second, err := c.Upload(ctx, "/u.bin", version('b'), opts(nextcloud.UploadOptions{IfMatch: first.ETag}))
				if err != nil {
					t.Fatal(err)
				}
				if second.ETag == first.ETag || second.Chunked != (size > 8<<10) {
					t.Fatalf("the conditional upload kept the etag %s (%+v)", first.ETag, second)
				}
				if _, err := c.Upload(ctx, "/u.bin", version('c'), opts(nextcloud.UploadOptions{IfMatch: first.ETag})); !errors.Is(err, nextcloud.ErrPreconditionFailed) {
					t.Fatalf("stale upload: %v", err)
				}
				// An unconditional replace also takes the etag away from whoever read it before.
				if _, err := c.Upload(ctx, "/u.bin", version('d'), opts(nextcloud.UploadOptions{Overwrite: true})); err != nil {
					t.Fatal(err)
				}
				if _, err := c.WriteFile(ctx, "/u.bin", []byte("stale"), nextcloud.WriteOptions{IfMatch: second.ETag}); !errors.Is(err, nextcloud.ErrPreconditionFailed) {
					t.Fatalf("a write with the etag from before the overwrite: %v", err)
				}
				if got, _ := fake.ReadFile("admin", "/u.bin"); len(got) != size || got[0] != 'd' || !bytes.Equal(got[1:], newMemSource(size).data[1:]) {
					t.Fatal("the newest upload was lost")
				}
				var writes, proppatches int
				for _, r := range fake.Requests() {
					switch {
					case r.Method == "PROPPATCH":
						proppatches++
					case (r.Method == "PUT" && size <= 8<<10) || r.Method == "MOVE":
						writes++
						mt, err := strconv.ParseInt(r.Header.Get("X-Oc-Mtime"), 10, 64)
						// The local mtime is kept where it differs from the file's; the
						// replace with the same mtime is one second later.
						if err != nil || (writes == 1 && mt != 1_700_000_000) || (writes == 2 && !ignore && mt != 1_700_000_001) {
							t.Errorf("write %d: X-OC-Mtime %q", writes, r.Header.Get("X-Oc-Mtime"))
						}
					}
				}
				if want := map[bool]int{false: 0, true: 2}[ignore]; proppatches != want {
					t.Errorf("%d PROPPATCHes, want %d", proppatches, want)
				}
			})
		}
	}
}
