package tools

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// TestFilesToolsLoseNoUpdateWithinOneSecond: Nextcloud keeps a file's etag
// when it is overwritten within the same second (webdav-etag/). Through the
// tools, write → conditional write → stale conditional write refuses the
// stale write every time, with every write landing in one second of the
// server's clock, whether or not the server honours X-OC-Mtime.
func TestFilesToolsLoseNoUpdateWithinOneSecond(t *testing.T) {
	for _, ignore := range []bool{false, true} {
		fake := ncfake.New(ncfake.Options{})
		t0 := time.Now().Truncate(time.Second)
		fake.SetFilesClock(func() time.Time { return t0 })
		fake.IgnoreClientMtime(ignore)
		h := newHarness(t, harnessOpts{fake: fake})
		var w FilesWriteOutput
		h.ok("nc_webdav_write_file", map[string]any{"path": "race.txt", "content": "v0"}, &w)
		etag := w.ETag
		for round := 1; round <= 3; round++ {
			var next FilesWriteOutput
			h.ok("nc_webdav_write_file", map[string]any{"path": "race.txt", "content": "newer", "if_match": etag}, &next)
			if next.ETag == etag {
				t.Fatalf("ignore=%v round %d: the etag stayed %s", ignore, round, etag)
			}
			msg := h.fails("nc_webdav_write_file", map[string]any{"path": "race.txt", "content": "stale", "if_match": etag})
			if !strings.Contains(msg, "412") {
				t.Errorf("ignore=%v round %d: refusal %q", ignore, round, msg)
			}
			if got := fakeContent(t, h, "race.txt"); got != "newer" {
				t.Fatalf("ignore=%v round %d: content %q, the newer write was lost", ignore, round, got)
			}
			etag = next.ETag
		}
		// An overwrite and a move over the file move the etag too.
		h.ok("nc_webdav_write_file", map[string]any{"path": "race.txt", "content": "mine", "overwrite": true}, &w)
		if w.ETag == etag {
			t.Fatalf("ignore=%v: overwrite kept the etag", ignore)
		}
		h.fails("nc_webdav_write_file", map[string]any{"path": "race.txt", "content": "stale", "if_match": etag})
		putFile(t, h, "other.txt", []byte("other"))
		var mv FilesMoveOutput
		h.ok("nc_webdav_copy_resource", map[string]any{"source_path": "other.txt", "destination_path": "race.txt", "overwrite": true}, &mv)
		if mv.ETag == "" || mv.ETag == w.ETag {
			t.Fatalf("ignore=%v: copy over race.txt: etag %q (before %q)", ignore, mv.ETag, w.ETag)
		}
		h.fails("nc_webdav_write_file", map[string]any{"path": "race.txt", "content": "stale", "if_match": w.ETag})
		if got := fakeContent(t, h, "race.txt"); got != "other" {
			t.Fatalf("ignore=%v: content %q", ignore, got)
		}
	}
}

// TestFilesUnprotectedWriteSaysWritten: when the kept etag cannot be
// renewed, the model hears that the content was written and to re-read.
func TestFilesUnprotectedWriteSaysWritten(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	t0 := time.Now().Truncate(time.Second)
	fake.SetFilesClock(func() time.Time { return t0 })
	fake.IgnoreClientMtime(true)
	h := newHarness(t, harnessOpts{fake: fake})
	var w FilesWriteOutput
	h.ok("nc_webdav_write_file", map[string]any{"path": "u.txt", "content": "v0"}, &w)
	fake.AddFault(ncfake.Fault{Method: "PROPPATCH", Status: http.StatusInternalServerError})
	msg := h.fails("nc_webdav_write_file", map[string]any{"path": "u.txt", "content": "v1", "if_match": w.ETag})
	for _, want := range []string{`"/u.txt"`, "was written", "nc_webdav_get_info"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
}
