package cmd

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

func filesEnv(t *testing.T) (*ncfake.Server, map[string]string) {
	t.Helper()
	fake := ncfake.New(ncfake.Options{})
	ts := fake.Start()
	t.Cleanup(ts.Close)
	return fake, map[string]string{
		"NEXTCLOUD_HOST": ts.URL, "NEXTCLOUD_USERNAME": "admin", "NEXTCLOUD_PASSWORD": "admin-app-password",
		"NEXTCLOUD_MCP_CONFIG_DIR": t.TempDir(),
	}
}

func TestFilesPutGetLs(t *testing.T) {
	fake, env := filesEnv(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "slides.pdf")
	data := bytes.Repeat([]byte("slide "), 5000)
	if err := os.WriteFile(src, data, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errb, _ := runApp(t, env, "", "files", "put", src, "slides.pdf")
	if code != 0 || !strings.Contains(out, "Uploaded "+src+" → /slides.pdf: 30000 bytes") || !strings.Contains(out, "file id") {
		t.Fatalf("put: %d %q %q", code, out, errb)
	}
	if got, _ := fake.ReadFile("admin", "/slides.pdf"); !bytes.Equal(got, data) {
		t.Fatal("uploaded content differs")
	}
	code, _, errb, _ = runApp(t, env, "", "files", "put", src, "slides.pdf")
	if code != ExitFailure || !strings.Contains(errb, "already exists") || !strings.Contains(errb, "overwrite") {
		t.Fatalf("put again: %d %q", code, errb)
	}
	dst := filepath.Join(dir, "copy.pdf")
	code, out, errb, _ = runApp(t, env, "", "files", "get", "slides.pdf", dst, "--json")
	var res map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil || res["bytes"].(float64) != 30000 {
		t.Fatalf("get: %d %q %q", code, out, errb)
	}
	if got, _ := os.ReadFile(dst); !bytes.Equal(got, data) {
		t.Fatal("downloaded content differs")
	}
	code, out, _, _ = runApp(t, env, "", "files", "ls", "/")
	if code != 0 || !strings.Contains(out, "30000") || !strings.Contains(out, "slides.pdf") {
		t.Fatalf("ls: %d %q", code, out)
	}
	code, _, errb, _ = runApp(t, env, "", "files", "ls", "/nope")
	if code != ExitFailure || !strings.Contains(errb, "404") {
		t.Fatalf("ls missing: %d %q", code, errb)
	}
}

// An interrupted chunked upload resumes on the next run: the session is in
// the store (schema 4), not in the process.
func TestFilesPutResumesAcrossRuns(t *testing.T) {
	fake, env := filesEnv(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "big.iso")
	data := bytes.Repeat([]byte("0123456789abcdef"), 8192) // 128 KiB
	_ = os.WriteFile(src, data, 0o644)
	chunks := []string{"--chunk-threshold", "1024", "--chunk-size", "16384"}
	fake.AddFault(ncfake.Fault{Method: "PUT", PathPrefix: "/remote.php/dav/uploads/", CutAfter: 4096})
	code, _, errb, _ := runApp(t, env, "", append([]string{"files", "put", src, "big.iso"}, chunks...)...)
	if code != ExitFailure || !strings.Contains(errb, "continues where it stopped") {
		t.Fatalf("interrupted put: %d %q", code, errb)
	}
	ids := fake.Uploads("admin")
	if len(ids) != 1 {
		t.Fatalf("one upload folder kept: %v", ids)
	}
	fake.ClearFaults()
	// Let the first two chunks in, then cut the third.
	fake.AddFault(ncfake.Fault{Method: "PUT", PathPrefix: "/remote.php/dav/uploads/admin/" + ids[0] + "/00003", CutAfter: 4096})
	code, _, errb, _ = runApp(t, env, "", append([]string{"files", "put", src, "big.iso"}, chunks...)...)
	if code != ExitFailure || !strings.Contains(errb, "after 0.0 MiB of 0.1 MiB") {
		t.Fatalf("second interruption: %d %q", code, errb)
	}
	fake.ClearFaults()
	code, out, errb, _ := runApp(t, env, "", append([]string{"files", "put", src, "big.iso", "--json"}, chunks...)...)
	var res map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil {
		t.Fatalf("resume: %d %q %q", code, out, errb)
	}
	if res["resumed"] != true || res["transferred"].(float64) != float64(len(data)-2*16384) {
		t.Fatalf("resume sends only the missing chunks: %v", res)
	}
	if got, _ := fake.ReadFile("admin", "/big.iso"); !bytes.Equal(got, data) {
		t.Fatal("content differs")
	}
}

func TestLocalDirConfig(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	_, _, _, app := runApp(t, map[string]string{"NEXTCLOUD_MCP_LOCAL_DIRS": a + string(os.PathListSeparator) + b}, "", "status")
	if c := app.Config(); !slices.Equal(c.LocalDirs, []string{a, b}) || c.LocalDirsFromFlag {
		t.Fatalf("env: %+v", c.LocalDirs)
	}
	_, out, _, app := runApp(t, map[string]string{"NEXTCLOUD_MCP_LOCAL_DIRS": a}, "", "status", "--local-dir", b)
	if c := app.Config(); !slices.Equal(c.LocalDirs, []string{b}) || !c.LocalDirsFromFlag {
		t.Fatalf("flag wins: %+v", c.LocalDirs)
	}
	if !strings.Contains(out, "Local folders:") || !strings.Contains(out, "(file transfers on)") {
		t.Fatalf("status shows the folders: %s", out)
	}
	_, out, _, _ = runApp(t, nil, "", "status")
	if !strings.Contains(out, "none, so the file transfer tools are off (enable with --local-dir DIR") {
		t.Fatalf("status explains how to enable transfers: %s", out)
	}
	_, out, _, _ = runApp(t, nil, "", "status", "--local-dir", filepath.Join(a, "missing"))
	if !strings.Contains(out, "A local folder for file transfers is not usable") {
		t.Fatalf("status reports a missing folder: %s", out)
	}
}

func TestInstallWritesLocalDirs(t *testing.T) {
	w := newInstallWorld(t)
	dir := t.TempDir()
	cfg := filepath.Join(w.claudeDir(), "claude_desktop_config.json")
	code, out, errb := w.run("install", "--local-dir", dir, "--", "--read-only")
	if code != 0 {
		t.Fatalf("install: %d %q %q", code, out, errb)
	}
	b, _ := os.ReadFile(cfg)
	var doc struct {
		MCPServers map[string]struct {
			Args []string `json:"args"`
		} `json:"mcpServers"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if got := doc.MCPServers["nextcloud"].Args; !slices.Equal(got, []string{"serve", "--read-only", "--local-dir", dir}) {
		t.Fatalf("entry args: %v", got)
	}
	code, _, errb = w.run("install", "--local-dir", filepath.Join(dir, "missing"))
	if code != ExitUsage || !strings.Contains(errb, "does not exist") {
		t.Fatalf("missing folder: %d %q", code, errb)
	}
}

func TestServeRefusesABadLocalDir(t *testing.T) {
	code, _, errb, _ := runApp(t, map[string]string{"NEXTCLOUD_MCP_LOCAL_DIRS": filepath.Join(t.TempDir(), "missing")}, "", "serve", "--demo")
	if code != ExitUsage || !strings.Contains(errb, "does not exist") {
		t.Fatalf("serve with a missing local folder: %d %q", code, errb)
	}
}

// serve --local-dir offers the transfer tools, names the folders in the
// instructions, and they work end to end over stdio.
func TestServeWithLocalDir(t *testing.T) {
	dir, _ := filepath.EvalSymlinks(t.TempDir())
	s := startServe(t, nil, "serve", "--demo", "--local-dir", dir)
	m := s.initialize()
	instr, _ := m["result"].(map[string]any)["instructions"].(string)
	if !strings.Contains(instr, dir) || !strings.Contains(instr, "nc_webdav_upload_file") {
		t.Fatalf("instructions must name the local folders: %q", instr)
	}
	s.send("tools/list", nil)
	var names []string
	for _, raw := range s.recv()["result"].(map[string]any)["tools"].([]any) {
		names = append(names, raw.(map[string]any)["name"].(string))
	}
	if !slices.Contains(names, "nc_webdav_upload_file") || !slices.Contains(names, "nc_webdav_download_file") {
		t.Fatalf("tools: %v", names)
	}
	res := s.callTool("nc_webdav_download_file", map[string]any{"path": "Documents/Welcome.md", "local_path": "welcome.md"})
	if r, _ := res["result"].(map[string]any); r == nil || r["isError"] == true {
		t.Fatalf("download: %v", res)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "welcome.md")); err != nil || len(b) == 0 {
		t.Fatalf("downloaded file: %v", err)
	}
	s.in.Close()
	s.wait()

	s = startServe(t, nil, "serve", "--demo")
	s.initialize()
	s.send("tools/list", nil)
	for _, raw := range s.recv()["result"].(map[string]any)["tools"].([]any) {
		if n := raw.(map[string]any)["name"].(string); strings.HasSuffix(n, "_upload_file") || strings.HasSuffix(n, "_download_file") {
			t.Fatalf("without --local-dir %s must not be listed", n)
		}
	}
	s.in.Close()
	s.wait()
}
