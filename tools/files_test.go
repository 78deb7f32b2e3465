package tools

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"slices"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

func putFile(t *testing.T, h *harness, p string, data []byte) {
	t.Helper()
	if err := h.fake.PutFile("admin", p, data); err != nil {
		t.Fatal(err)
	}
}

func fakeContent(t *testing.T, h *harness, p string) string {
	t.Helper()
	b, err := h.fake.ReadFile("admin", p)
	if err != nil {
		t.Fatalf("read %s from the fake: %v", p, err)
	}
	return string(b)
}

func TestFilesToolsListed(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	names := h.toolNames()
	for _, want := range []string{"nc_webdav_list_directory", "nc_webdav_get_info", "nc_webdav_read_file", "nc_webdav_write_file",
		"nc_webdav_create_directory", "nc_webdav_delete_resource", "nc_webdav_move_resource", "nc_webdav_copy_resource",
		"nc_webdav_search_files", "nc_webdav_list_favorites"} {
		if !slices.Contains(names, want) {
			t.Errorf("%s not listed", want)
		}
	}
	ro := newHarness(t, harnessOpts{opts: Options{ReadOnly: true}})
	for _, n := range ro.toolNames() {
		if n == "nc_webdav_write_file" || n == "nc_webdav_delete_resource" || n == "nc_webdav_move_resource" {
			t.Errorf("read-only server lists %s", n)
		}
	}
}

func TestFilesWriteIsCreateOnlyByDefault(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	var created FilesWriteOutput
	h.ok("nc_webdav_write_file", map[string]any{"path": "notes.txt", "content": "v1"}, &created)
	if !created.Created || created.ETag == "" || created.FileID == 0 || created.Size != 2 {
		t.Fatalf("create = %+v", created)
	}

	// Existing file, no if_match / overwrite: refused, file unchanged.
	msg := h.fails("nc_webdav_write_file", map[string]any{"path": "notes.txt", "content": "clobber"})
	for _, want := range []string{`"/notes.txt"`, "already exists", "if_match", "overwrite"} {
		if !strings.Contains(msg, want) {
			t.Errorf("refusal %q lacks %q", msg, want)
		}
	}
	if got := fakeContent(t, h, "notes.txt"); got != "v1" {
		t.Fatalf("file changed to %q", got)
	}

	// Stale if_match: refused with re-read advice, file unchanged.
	msg = h.fails("nc_webdav_write_file", map[string]any{"path": "notes.txt", "content": "stale", "if_match": `"0123456789abcdef0123456789abcdef"`})
	for _, want := range []string{`"/notes.txt"`, "re-read", "etag", created.ETag} {
		if !strings.Contains(msg, want) {
			t.Errorf("stale refusal %q lacks %q", msg, want)
		}
	}
	if got := fakeContent(t, h, "notes.txt"); got != "v1" {
		t.Fatalf("file changed to %q", got)
	}

	// The current etag, even without its quotes, replaces the file.
	var replaced FilesWriteOutput
	h.ok("nc_webdav_write_file", map[string]any{"path": "notes.txt", "content": "v2", "if_match": strings.Trim(created.ETag, `"`)}, &replaced)
	if replaced.Created || replaced.ETag == created.ETag || replaced.FileID != created.FileID {
		t.Fatalf("replace = %+v after %+v", replaced, created)
	}
	h.ok("nc_webdav_write_file", map[string]any{"path": "notes.txt", "content": "v3", "overwrite": true}, nil)
	if got := fakeContent(t, h, "notes.txt"); got != "v3" {
		t.Fatalf("after overwrite %q", got)
	}

	// Missing parent folder: says to create it.
	msg = h.fails("nc_webdav_write_file", map[string]any{"path": "no/such/dir/x.txt", "content": "x"})
	if !strings.Contains(msg, `"/no/such/dir"`) || !strings.Contains(msg, "nc_webdav_create_directory") {
		t.Errorf("missing parent message %q", msg)
	}
	// Binary content through base64.
	h.ok("nc_webdav_write_file", map[string]any{"path": "blob.bin", "content": base64.StdEncoding.EncodeToString([]byte{0, 1, 2, 255}), "encoding": "base64"}, nil)
	if got := fakeContent(t, h, "blob.bin"); got != "\x00\x01\x02\xff" {
		t.Fatalf("binary content %q", got)
	}
	if msg := h.fails("nc_webdav_write_file", map[string]any{"path": "bad.bin", "content": "!!!", "encoding": "base64"}); !strings.Contains(msg, "base64") {
		t.Errorf("bad base64 message %q", msg)
	}
}

func TestFilesDotDotRefused(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	putFile(t, h, "a.txt", []byte("a"))
	h.ok("nc_webdav_list_directory", nil, nil) // capabilities and principal are fetched once, up front
	before := h.fake.RequestCount()
	for tool, args := range map[string]map[string]any{
		"nc_webdav_read_file":        {"path": "../etc/passwd"},
		"nc_webdav_write_file":       {"path": "x/../../a.txt", "content": "x", "overwrite": true},
		"nc_webdav_list_directory":   {"path": ".."},
		"nc_webdav_delete_resource":  {"path": "a/../.."},
		"nc_webdav_move_resource":    {"source_path": "a.txt", "destination_path": "../a.txt"},
		"nc_webdav_copy_resource":    {"source_path": "../a.txt", "destination_path": "b.txt"},
		"nc_webdav_create_directory": {"path": "../x"},
		"nc_webdav_search_files":     {"name_pattern": "a", "scope": "../other"},
	} {
		if msg := h.fails(tool, args); !strings.Contains(msg, "..") {
			t.Errorf("%s: %q does not explain the '..' refusal", tool, msg)
		}
	}
	if n := h.fake.RequestCount(); n != before {
		t.Errorf("%d requests reached Nextcloud for refused paths", n-before)
	}
	if got := fakeContent(t, h, "a.txt"); got != "a" {
		t.Errorf("a.txt changed to %q", got)
	}
}

func TestFilesSpecialNamesRoundTrip(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	dir, name := "Ünïcode dir", "a #1 100%.txt"
	var mk FilesMkdirOutput
	h.ok("nc_webdav_create_directory", map[string]any{"path": dir + "/sub"}, &mk)
	if !mk.Created || mk.Path != "/"+dir+"/sub" {
		t.Fatalf("mkdir = %+v", mk)
	}
	h.ok("nc_webdav_create_directory", map[string]any{"path": dir}, &mk)
	if mk.Created {
		t.Errorf("existing folder reported as created")
	}
	h.ok("nc_webdav_write_file", map[string]any{"path": dir + "/" + name, "content": "grüße ✓"}, nil)
	if got := fakeContent(t, h, dir+"/"+name); got != "grüße ✓" {
		t.Fatalf("stored %q", got)
	}

	var list FilesListOutput
	h.ok("nc_webdav_list_directory", map[string]any{"path": dir}, &list)
	if list.Path != "/"+dir || list.Total != 2 || list.Entries[0].Name != "sub" || !list.Entries[0].IsDir || list.Entries[1].Name != name || list.Entries[1].Path != "/"+dir+"/"+name {
		t.Fatalf("list = %+v", list)
	}

	var read FilesReadOutput
	h.ok("nc_webdav_read_file", map[string]any{"path": dir + "/" + name}, &read)
	if read.Content != "grüße ✓" || read.Encoding != "text" || !read.Complete || read.Size != int64(len("grüße ✓")) || read.ETag == "" {
		t.Fatalf("read = %+v", read)
	}

	var mv FilesMoveOutput
	h.ok("nc_webdav_move_resource", map[string]any{"source_path": dir + "/" + name, "destination_path": dir + "/sub/ß & #2 50%.txt"}, &mv)
	if mv.Replaced || mv.DestinationPath != "/"+dir+"/sub/ß & #2 50%.txt" {
		t.Fatalf("move = %+v", mv)
	}
	h.ok("nc_webdav_read_file", map[string]any{"path": dir + "/sub/ß & #2 50%.txt"}, &read)
	if read.Content != "grüße ✓" {
		t.Fatalf("read after move = %+v", read)
	}
	if _, err := h.fake.ReadFile("admin", dir+"/"+name); err == nil {
		t.Error("the source still exists after the move")
	}

	var info nextcloud.FileEntry
	h.ok("nc_webdav_get_info", map[string]any{"path": dir + "/sub"}, &info)
	if !info.IsDir || info.Size != int64(len("grüße ✓")) || info.Name != "sub" {
		t.Errorf("info = %+v", info)
	}
}

func TestFilesMoveCopyNeverReplaceSilently(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	putFile(t, h, "a.txt", []byte("A"))
	putFile(t, h, "b.txt", []byte("B"))
	for _, tool := range []string{"nc_webdav_move_resource", "nc_webdav_copy_resource"} {
		msg := h.fails(tool, map[string]any{"source_path": "a.txt", "destination_path": "b.txt"})
		if !strings.Contains(msg, `"/b.txt" already exists`) || !strings.Contains(msg, "overwrite") {
			t.Errorf("%s refusal %q", tool, msg)
		}
		if got := fakeContent(t, h, "b.txt"); got != "B" {
			t.Fatalf("%s replaced b.txt with %q", tool, got)
		}
	}
	msg := h.fails("nc_webdav_move_resource", map[string]any{"source_path": "a.txt", "destination_path": "missing/a.txt"})
	if !strings.Contains(msg, `"/missing"`) || !strings.Contains(msg, "nc_webdav_create_directory") {
		t.Errorf("missing destination folder message %q", msg)
	}
	msg = h.fails("nc_webdav_copy_resource", map[string]any{"source_path": "nope.txt", "destination_path": "x.txt"})
	if !strings.Contains(msg, `"/nope.txt"`) || !strings.Contains(msg, "404") {
		t.Errorf("missing source message %q", msg)
	}

	var cp FilesMoveOutput
	h.ok("nc_webdav_copy_resource", map[string]any{"source_path": "a.txt", "destination_path": "b.txt", "overwrite": true}, &cp)
	if !cp.Replaced || fakeContent(t, h, "b.txt") != "A" || fakeContent(t, h, "a.txt") != "A" {
		t.Fatalf("copy with overwrite = %+v", cp)
	}
	h.ok("nc_webdav_copy_resource", map[string]any{"source_path": "a.txt", "destination_path": "c.txt"}, &cp)
	if cp.Replaced || cp.FileID == 0 || fakeContent(t, h, "c.txt") != "A" {
		t.Fatalf("copy = %+v", cp)
	}
}

func TestFilesDelete(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	putFile(t, h, "dir/a.txt", []byte("A"))
	var del FilesDeleteOutput
	h.ok("nc_webdav_delete_resource", map[string]any{"path": "dir"}, &del)
	if !del.Deleted || del.Path != "/dir" {
		t.Fatalf("delete = %+v", del)
	}
	if _, err := h.fake.ReadFile("admin", "dir/a.txt"); err == nil {
		t.Fatal("the file survived the delete")
	}
	if msg := h.fails("nc_webdav_delete_resource", map[string]any{"path": "dir"}); !strings.Contains(msg, `"/dir"`) || !strings.Contains(msg, "404") {
		t.Errorf("second delete %q", msg)
	}
	if msg := h.fails("nc_webdav_delete_resource", map[string]any{"path": "/"}); !strings.Contains(msg, "root") {
		t.Errorf("root delete %q", msg)
	}
}

func TestFilesReadLargeIsWindowedNeverTruncated(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	big := strings.Repeat("0123456789", 30<<10) // 300 KiB of text
	putFile(t, h, "big.txt", []byte(big))

	msg := h.fails("nc_webdav_read_file", map[string]any{"path": "big.txt"})
	for _, want := range []string{`"/big.txt"`, "307200 bytes", "offset", "max_bytes"} {
		if !strings.Contains(msg, want) {
			t.Errorf("refusal %q lacks %q", msg, want)
		}
	}

	var w FilesReadOutput
	h.ok("nc_webdav_read_file", map[string]any{"path": "big.txt", "max_bytes": 100000}, &w)
	if w.Offset != 0 || w.BytesReturned != 100000 || w.NextOffset != 100000 || w.Complete || w.Size != int64(len(big)) || w.Content != big[:100000] {
		t.Fatalf("first window: offset %d returned %d next %d complete %v size %d", w.Offset, w.BytesReturned, w.NextOffset, w.Complete, w.Size)
	}
	var got strings.Builder
	got.WriteString(w.Content)
	for !w.Complete {
		next := w.NextOffset
		w = FilesReadOutput{}
		h.ok("nc_webdav_read_file", map[string]any{"path": "big.txt", "offset": next, "max_bytes": 100000}, &w)
		if w.Offset != next {
			t.Fatalf("window starts at %d, asked %d", w.Offset, next)
		}
		got.WriteString(w.Content)
	}
	if got.String() != big {
		t.Fatalf("windows reassemble to %d bytes, want %d", got.Len(), len(big))
	}

	// A window that cuts a multi-byte rune is trimmed, and says so.
	putFile(t, h, "utf8.txt", []byte("aü€b"))
	h.ok("nc_webdav_read_file", map[string]any{"path": "utf8.txt", "max_bytes": 4}, &w) // "a" + "ü" + first byte of "€"
	if w.Content != "aü" || w.BytesReturned != 3 || w.NextOffset != 3 || w.Complete {
		t.Fatalf("rune-cut window = %+v", w)
	}
	h.ok("nc_webdav_read_file", map[string]any{"path": "utf8.txt", "offset": 2}, &w) // starts inside "ü"
	if w.Content != "€b" || w.Offset != 3 || !w.Complete {
		t.Fatalf("mid-rune start = %+v", w)
	}
}

func TestFilesReadBinaryAndImage(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	var buf bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	img.Set(0, 0, color.RGBA{R: 255, A: 255})
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	putFile(t, h, "pic.png", buf.Bytes())

	res := h.call("nc_webdav_read_file", map[string]any{"path": "pic.png"})
	if res.IsError {
		t.Fatalf("image read failed: %s", resultText(res))
	}
	var imgContent *mcp.ImageContent
	for _, c := range res.Content {
		if ic, ok := c.(mcp.ImageContent); ok {
			imgContent = &ic
		}
	}
	if imgContent == nil || imgContent.MIMEType != "image/png" {
		t.Fatalf("no PNG image content in %+v", res.Content)
	}
	if raw, err := base64.StdEncoding.DecodeString(imgContent.Data); err != nil || !bytes.Equal(raw, buf.Bytes()) {
		t.Fatalf("image bytes differ (%v)", err)
	}
	if !strings.Contains(resultText(res), `"encoding":"image"`) {
		t.Errorf("metadata text %q", resultText(res))
	}

	putFile(t, h, "data.bin", []byte{0, 1, 2, 3, 0xff, 0xfe})
	msg := h.fails("nc_webdav_read_file", map[string]any{"path": "data.bin"})
	if !strings.Contains(msg, "binary") || !strings.Contains(msg, "base64") {
		t.Errorf("binary refusal %q", msg)
	}
	var b FilesReadOutput
	h.ok("nc_webdav_read_file", map[string]any{"path": "data.bin", "encoding": "base64", "offset": 4}, &b)
	if b.Encoding != "base64" || b.Content != base64.StdEncoding.EncodeToString([]byte{0xff, 0xfe}) || b.Offset != 4 || !b.Complete {
		t.Fatalf("base64 window = %+v", b)
	}

	big := make([]byte, (1<<20)+10)
	copy(big, buf.Bytes())
	putFile(t, h, "huge.png", big)
	// Over 1 MiB an image comes back downscaled (files_documents.go), saying so.
	var huge FilesReadOutput
	h.ok("nc_webdav_read_file", map[string]any{"path": "huge.png"}, &huge)
	if huge.Encoding != "image" || !strings.Contains(huge.Window, "the original is 1048586 bytes") {
		t.Errorf("huge image: %+v", huge)
	}
}

func TestFilesSearchAndFavorites(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	for _, p := range []string{"Docs/Invoice-2024.pdf", "Docs/notes.md", "Photos/cat.png", "Photos/2024/dog.jpg", "invoice.txt"} {
		putFile(t, h, p, []byte(p))
	}
	var s FilesSearchOutput
	h.ok("nc_webdav_search_files", map[string]any{"name_pattern": "invoice"}, &s)
	var paths []string
	for _, r := range s.Results {
		paths = append(paths, r.Path)
	}
	slices.Sort(paths)
	if strings.Join(paths, ",") != "/Docs/Invoice-2024.pdf,/invoice.txt" || s.Count != 2 || s.NextOffset != 0 {
		t.Errorf("name search = %v %+v", paths, s)
	}
	h.ok("nc_webdav_search_files", map[string]any{"mime_type": "image", "scope": "Photos/2024"}, &s)
	if s.Count != 1 || s.Results[0].Path != "/Photos/2024/dog.jpg" || s.Results[0].ContentType != "image/jpeg" {
		t.Errorf("scoped mime search = %+v", s)
	}
	h.ok("nc_webdav_search_files", map[string]any{"mime_type": "image/%", "limit": 1}, &s)
	if s.Count != 1 || s.NextOffset != 1 {
		t.Errorf("paged search = %+v", s)
	}
	first := s.Results[0].Path
	h.ok("nc_webdav_search_files", map[string]any{"mime_type": "image/%", "limit": 1, "offset": 1}, &s)
	if s.Count != 1 || s.Results[0].Path == first {
		t.Errorf("second page = %+v (first %s)", s, first)
	}
	if msg := h.fails("nc_webdav_search_files", map[string]any{}); !strings.Contains(msg, "name_pattern") {
		t.Errorf("empty search %q", msg)
	}
	if msg := h.fails("nc_webdav_search_files", map[string]any{"name_pattern": "x", "scope": "invoice.txt"}); !strings.Contains(msg, `"/invoice.txt"`) {
		t.Errorf("search in a file %q", msg)
	}

	var favs FilesFavoritesOutput
	h.ok("nc_webdav_list_favorites", nil, &favs)
	if favs.Count != 0 || favs.Favorites == nil {
		t.Errorf("favorites before = %+v", favs)
	}
	if err := h.fake.SetFileFavorite("admin", "Docs/notes.md", true); err != nil {
		t.Fatal(err)
	}
	h.ok("nc_webdav_list_favorites", map[string]any{}, &favs)
	if favs.Count != 1 || favs.Favorites[0].Path != "/Docs/notes.md" || !favs.Favorites[0].Favorite {
		t.Errorf("favorites = %+v", favs)
	}
	h.ok("nc_webdav_list_favorites", map[string]any{"scope": "Photos"}, &favs)
	if favs.Count != 0 {
		t.Errorf("favorites in Photos = %+v", favs)
	}
}

func TestFilesListAndInfoErrors(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	putFile(t, h, "a.txt", []byte("A"))
	var root FilesListOutput
	h.ok("nc_webdav_list_directory", map[string]any{}, &root)
	if root.Path != "/" || root.Total != 1 || root.Entries[0].Name != "a.txt" || root.ETag == "" {
		t.Fatalf("root = %+v", root)
	}
	if msg := h.fails("nc_webdav_list_directory", map[string]any{"path": "a.txt"}); !strings.Contains(msg, "is a file") {
		t.Errorf("list a file %q", msg)
	}
	if msg := h.fails("nc_webdav_create_directory", map[string]any{"path": "a.txt/sub"}); !strings.Contains(msg, `"/a.txt" is a file`) {
		t.Errorf("mkdir below a file %q", msg)
	}
	if msg := h.fails("nc_webdav_get_info", map[string]any{"path": "nope/x.txt"}); !strings.Contains(msg, `"/nope/x.txt"`) || !strings.Contains(msg, "404") {
		t.Errorf("info on missing %q", msg)
	}
	unlock, err := h.fake.LockFile("admin", "a.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	if msg := h.fails("nc_webdav_read_file", map[string]any{"path": "a.txt"}); !strings.Contains(msg, `"/a.txt"`) || !strings.Contains(msg, "423") {
		t.Errorf("locked read %q", msg)
	}
}

func TestFilesResourceTemplate(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	putFile(t, h, "Docs/a b.md", []byte("# Hi ü"))
	putFile(t, h, "x.png", []byte("\x89PNG\r\n\x1a\nfake"))
	read := func(uri string) (mcp.ResourceContents, error) {
		req := mcp.ReadResourceRequest{}
		req.Params.URI = uri
		res, err := h.client.ReadResource(context.Background(), req)
		if err != nil {
			return nil, err
		}
		return res.Contents[0], nil
	}
	c, err := read("nc://files/Docs/a%20b.md")
	if err != nil {
		t.Fatal(err)
	}
	if tc, ok := c.(mcp.TextResourceContents); !ok || tc.Text != "# Hi ü" || tc.MIMEType != "text/markdown" {
		t.Errorf("text resource = %#v", c)
	}
	c, err = read("nc://files/x.png")
	if err != nil {
		t.Fatal(err)
	}
	if bc, ok := c.(mcp.BlobResourceContents); !ok || bc.MIMEType != "image/png" || bc.Blob != base64.StdEncoding.EncodeToString([]byte("\x89PNG\r\n\x1a\nfake")) {
		t.Errorf("image resource = %#v", c)
	}
	if _, err := read("nc://files/missing.txt"); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("missing resource: %v", err)
	}
}
