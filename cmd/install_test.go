package cmd

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/install"
	"github.com/nextcloud-mcp/nextcloud-mcp/store"
)

// installWorld is a temp HOME with a fake binary, so install runs against
// nothing of the real machine.
type installWorld struct {
	t      *testing.T
	home   string
	bin    string
	cfgDir string
	env    map[string]string
	deps   installDeps
}

func newInstallWorld(t *testing.T) *installWorld {
	t.Helper()
	root := t.TempDir()
	w := &installWorld{t: t, home: filepath.Join(root, "home"), cfgDir: filepath.Join(root, "ncmcp")}
	w.bin = filepath.Join(root, "opt", "nextcloud-mcp")
	for _, d := range []string{w.home, filepath.Dir(w.bin), w.cfgDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(w.bin, []byte("binary"), 0o755); err != nil {
		t.Fatal(err)
	}
	w.env = map[string]string{
		"HOME":                     w.home,
		"NEXTCLOUD_MCP_CONFIG_DIR": w.cfgDir,
	}
	w.deps = installDeps{
		executable:  func() (string, error) { return w.bin, nil },
		tempDirs:    func() []string { return []string{filepath.Join(root, "tmp")} },
		env:         install.SystemEnv,
		writer:      install.Writer{},
		storedLogin: storedLoginExists,
	}
	return w
}

// run executes the CLI in-process with the install commands built on w's seams.
func (w *installWorld) run(args ...string) (int, string, string) {
	w.t.Helper()
	var out, errb bytes.Buffer
	a := &App{In: strings.NewReader(""), Out: &out, Err: &errb, Getenv: envMap(w.env)}
	root := NewRootCmd(a)
	for _, c := range root.Commands() {
		if c.Name() == "install" || c.Name() == "uninstall" {
			root.RemoveCommand(c)
		}
	}
	root.AddCommand(newInstallCmdWith(a, w.deps), newUninstallCmdWith(a, w.deps))
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	if err != nil {
		if isUsage(err) {
			err = &ExitError{Code: ExitUsage, Err: err}
		}
		fmt.Fprintf(&errb, "Error: %v\n", err)
	}
	return exitCode(err), out.String(), errb.String()
}

func (w *installWorld) claudeDir() string {
	d := filepath.Join(w.home, ".config", "Claude")
	if err := os.MkdirAll(d, 0o700); err != nil {
		w.t.Fatal(err)
	}
	return d
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

const existingClaudeConfig = `{
  "globalShortcut": "Alt+Space",
  "mcpServers": {
    "filesystem": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-filesystem", "/home/ann/Documents"]
    }
  }
}
`

func TestInstallClaudeDesktopRoundTrip(t *testing.T) {
	w := newInstallWorld(t)
	dir := w.claudeDir()
	path := filepath.Join(dir, "claude_desktop_config.json")
	os.WriteFile(path, []byte(existingClaudeConfig), 0o644)

	code, out, stderr := w.run("install")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, `Added "nextcloud" to Claude Desktop's config: `+path) || !strings.Contains(out, "Quit Claude Desktop completely") {
		t.Errorf("stdout:\n%s", out)
	}
	var cfg struct {
		GlobalShortcut string `json:"globalShortcut"`
		MCPServers     map[string]struct {
			Command string            `json:"command"`
			Args    []string          `json:"args"`
			Env     map[string]string `json:"env"`
		} `json:"mcpServers"`
	}
	if err := json.Unmarshal([]byte(mustRead(t, path)), &cfg); err != nil {
		t.Fatal(err)
	}
	ours := cfg.MCPServers["nextcloud"]
	if cfg.GlobalShortcut != "Alt+Space" || cfg.MCPServers["filesystem"].Command != "npx" {
		t.Errorf("other settings lost: %+v", cfg)
	}
	if ours.Command != w.bin || strings.Join(ours.Args, " ") != "serve" || ours.Env == nil || len(ours.Env) != 0 {
		t.Errorf("entry = %+v", ours)
	}
	files := dirNames(t, dir)
	if len(files) != 2 || !strings.HasPrefix(files[1], "claude_desktop_config.json.") || !strings.HasSuffix(files[1], ".bak") {
		t.Fatalf("want the config and one backup, got %v", files)
	}
	if got := mustRead(t, filepath.Join(dir, files[1])); got != existingClaudeConfig {
		t.Errorf("backup holds:\n%s", got)
	}
	info, _ := os.Stat(path)
	if info.Mode().Perm() != 0o644 {
		t.Errorf("mode changed to %v", info.Mode().Perm())
	}

	// Second run: already up to date, nothing written.
	installed := mustRead(t, path)
	before, _ := os.Stat(path)
	time.Sleep(10 * time.Millisecond)
	code, out, _ = w.run("install")
	if code != 0 || !strings.Contains(out, "already up to date") {
		t.Errorf("second run: exit %d\n%s", code, out)
	}
	after, _ := os.Stat(path)
	if !after.ModTime().Equal(before.ModTime()) || mustRead(t, path) != installed || len(dirNames(t, dir)) != 2 {
		t.Error("second run wrote something")
	}

	// Uninstall brings back the original bytes.
	code, out, stderr = w.run("uninstall")
	if code != 0 || !strings.Contains(out, `Removed "nextcloud"`) {
		t.Fatalf("uninstall: exit %d\n%s%s", code, out, stderr)
	}
	if got := mustRead(t, path); got != existingClaudeConfig {
		t.Errorf("after uninstall:\n%s", got)
	}
	code, out, _ = w.run("uninstall")
	if code != 0 || !strings.Contains(out, "nothing to remove") {
		t.Errorf("second uninstall: exit %d\n%s", code, out)
	}
}

func TestInstallDryRunWritesNothing(t *testing.T) {
	w := newInstallWorld(t)
	dir := w.claudeDir()
	path := filepath.Join(dir, "claude_desktop_config.json")
	os.WriteFile(path, []byte(existingClaudeConfig), 0o644)

	code, out, stderr := w.run("install", "--dry-run", "--", "--read-only")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"Dry run: would add", `+    "nextcloud": {`, `+        "--read-only"`, "--- " + path} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out)
		}
	}
	if mustRead(t, path) != existingClaudeConfig || len(dirNames(t, dir)) != 1 {
		t.Error("dry run wrote something")
	}

	// With no file yet, a dry run does not create one either.
	os.Remove(path)
	if code, _, _ := w.run("install", "--dry-run"); code != 0 || len(dirNames(t, dir)) != 0 {
		t.Errorf("dry run on a missing file: exit %d, files %v", code, dirNames(t, dir))
	}
	// Nor does an uninstall dry run.
	w.run("install")
	installed := mustRead(t, path)
	code, out, _ = w.run("uninstall", "--dry-run")
	if code != 0 || !strings.Contains(out, `-    "nextcloud": {`) || mustRead(t, path) != installed {
		t.Errorf("uninstall dry run: exit %d\n%s", code, out)
	}
}

func TestInstallLeavesInvalidJSONByteIdentical(t *testing.T) {
	w := newInstallWorld(t)
	dir := w.claudeDir()
	path := filepath.Join(dir, "claude_desktop_config.json")
	broken := "{\n  \"mcpServers\": {\n    \"a\": {\"command\": \"a\"}\n    \"b\": {}\n  }\n}\n"
	os.WriteFile(path, []byte(broken), 0o600)

	for _, args := range [][]string{{"install"}, {"uninstall"}, {"install", "--dry-run"}} {
		code, _, stderr := w.run(args...)
		if code != ExitFailure {
			t.Errorf("%v: exit %d", args, code)
		}
		if !strings.Contains(stderr, "line 4, column 5") || !strings.Contains(stderr, "Nothing was changed") {
			t.Errorf("%v: stderr lacks the position:\n%s", args, stderr)
		}
	}
	if mustRead(t, path) != broken || len(dirNames(t, dir)) != 1 {
		t.Error("the broken file was touched")
	}
}

func TestInstallRefusesSecretEnv(t *testing.T) {
	w := newInstallWorld(t)
	dir := w.claudeDir()
	code, _, stderr := w.run("install", "--env", "NEXTCLOUD_HOST=https://cloud.example.com", "--env", "NEXTCLOUD_PASSWORD=s3cret-app-pass")
	if code != ExitUsage {
		t.Errorf("exit %d", code)
	}
	if !strings.Contains(stderr, "NEXTCLOUD_PASSWORD") || !strings.Contains(stderr, "nextcloud-mcp login") {
		t.Errorf("stderr should say why and what to do:\n%s", stderr)
	}
	if strings.Contains(stderr, "s3cret-app-pass") {
		t.Error("the secret value was printed")
	}
	if len(dirNames(t, dir)) != 0 {
		t.Error("a file was written")
	}
}

func TestInstallServeFlagsAndEnv(t *testing.T) {
	w := newInstallWorld(t)
	os.MkdirAll(filepath.Join(w.home, ".cursor"), 0o700)
	code, out, stderr := w.run("install", "cursor", "--env", "NEXTCLOUD_HOST=https://cloud.example.com", "--", "--read-only", "--toolsets", "notes,files")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, "NEXTCLOUD_HOST=https://cloud.example.com "+w.bin+" serve --read-only --toolsets notes,files") {
		t.Errorf("stdout:\n%s", out)
	}
	var cfg map[string]map[string]struct {
		Args []string          `json:"args"`
		Env  map[string]string `json:"env"`
	}
	json.Unmarshal([]byte(mustRead(t, filepath.Join(w.home, ".cursor", "mcp.json"))), &cfg)
	e := cfg["mcpServers"]["nextcloud"]
	if strings.Join(e.Args, " ") != "serve --read-only --toolsets notes,files" || e.Env["NEXTCLOUD_HOST"] != "https://cloud.example.com" {
		t.Errorf("entry = %+v", e)
	}
}

func TestInstallNeedsTheClientFolder(t *testing.T) {
	w := newInstallWorld(t)
	code, _, stderr := w.run("install", "windsurf")
	if code != ExitFailure || !strings.Contains(stderr, "--create") || !strings.Contains(stderr, "--config-path") {
		t.Errorf("exit %d:\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(w.home, ".codeium")); err == nil {
		t.Error("refusal created the folder")
	}

	if code, out, _ := w.run("install", "windsurf", "--create", "--dry-run"); code != 0 || !strings.Contains(out, "would add") {
		t.Errorf("--create --dry-run: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(filepath.Join(w.home, ".codeium")); err == nil {
		t.Error("a dry run created the folder")
	}
	if code, _, stderr := w.run("install", "windsurf", "--create"); code != 0 {
		t.Fatalf("--create: exit %d %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(w.home, ".codeium", "windsurf", "mcp_config.json")); err != nil {
		t.Error(err)
	}

	custom := filepath.Join(w.home, "custom", "claude.json")
	if code, _, _ := w.run("install", "--config-path", custom); code != ExitFailure {
		t.Error("a --config-path in a missing folder was accepted without --create")
	}
	os.MkdirAll(filepath.Dir(custom), 0o700)
	if code, _, stderr := w.run("install", "--config-path", custom); code != 0 {
		t.Fatalf("--config-path: exit %d %s", code, stderr)
	}
	if !strings.Contains(mustRead(t, custom), `"nextcloud"`) {
		t.Error("custom path not written")
	}
}

func TestInstallRefusesGoRunBinary(t *testing.T) {
	w := newInstallWorld(t)
	w.claudeDir()
	tmp := t.TempDir()
	w.deps.tempDirs = func() []string { return []string{tmp} }
	w.deps.executable = func() (string, error) {
		return filepath.Join(tmp, "go-build2938475", "b001", "exe", "nextcloud-mcp"), nil
	}
	code, _, stderr := w.run("install")
	if code != ExitFailure || !strings.Contains(stderr, "go install github.com/nextcloud-mcp/nextcloud-mcp@latest") ||
		!strings.Contains(stderr, "go build -o ~/bin/nextcloud-mcp .") {
		t.Errorf("exit %d:\n%s", code, stderr)
	}
	// --command points the entry at an installed binary instead.
	if code, out, stderr := w.run("install", "--command", w.bin); code != 0 || !strings.Contains(out, w.bin+" serve") {
		t.Errorf("--command: exit %d\n%s%s", code, out, stderr)
	}
}

func TestInstallPreflight(t *testing.T) {
	w := newInstallWorld(t)
	w.claudeDir()
	_, _, stderr := w.run("install", "--dry-run")
	if !strings.Contains(stderr, "no Nextcloud login found") || !strings.Contains(stderr, "nextcloud-mcp login https://cloud.example.com") {
		t.Errorf("want the no-login warning with its fix:\n%s", stderr)
	}

	w.env["NEXTCLOUD_HOST"] = "https://cloud.ann.example"
	w.env["NEXTCLOUD_USERNAME"] = "ann"
	w.env["NEXTCLOUD_PASSWORD"] = "app-pass"
	_, _, stderr = w.run("install", "--dry-run")
	if strings.Contains(stderr, "no Nextcloud login found") || !strings.Contains(stderr, "without your shell's environment") ||
		!strings.Contains(stderr, "nextcloud-mcp login https://cloud.ann.example") {
		t.Errorf("env credentials only:\n%s", stderr)
	}
	if strings.Contains(stderr, "app-pass") {
		t.Error("password printed")
	}

	seedStoredLogin(t, w.cfgDir)
	_, _, stderr = w.run("install", "--dry-run", "--", "--config-dir", w.cfgDir)
	if strings.Contains(stderr, "login") {
		t.Errorf("a stored login exists, yet:\n%s", stderr)
	}

	// A server flag given to install itself is pointed out; selection flags
	// are written into the entry instead.
	_, _, stderr = w.run("install", "--dry-run", "--log-level", "debug")
	if !strings.Contains(stderr, "--log-level only affect(s) this install command") {
		t.Errorf("misplaced flag not pointed out:\n%s", stderr)
	}
	_, stdout, stderr := w.run("install", "--dry-run", "--read-only", "--toolsets", "notes,files")
	if strings.Contains(stderr, "only affect") || !strings.Contains(stdout, `"--read-only=true"`) || !strings.Contains(stdout, `"--toolsets"`) {
		t.Errorf("selection flags not written:\n%s\n%s", stdout, stderr)
	}
	// The login check is a seam the store package plugs into.
	w.deps.storedLogin = func(context.Context, *Config) (bool, error) { return false, fmt.Errorf("store locked") }
	_, _, stderr = w.run("install", "--dry-run")
	if !strings.Contains(stderr, "could not check for a stored login: store locked") {
		t.Errorf("check error not reported:\n%s", stderr)
	}
}

// TestInstallEveryClient writes each client's file where that client reads
// it, then checks with install.Report that the entry is found and points here.
func TestInstallEveryClient(t *testing.T) {
	w := newInstallWorld(t)
	env, err := install.SystemEnv(envMap(w.env))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range install.Clients() {
		_, dir, err := c.ConfigPath(env)
		if err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(dir, 0o700)
		if code, _, stderr := w.run("install", c.ID); code != 0 {
			t.Errorf("%s: exit %d %s", c.ID, code, stderr)
		}
	}
	for _, st := range install.Report(env, w.bin, install.DefaultName) {
		if !st.Installed || !st.HasEntry || !st.PointsHere || st.Error != "" {
			t.Errorf("%s: %+v", st.Client, st)
		}
	}
	zed := mustRead(t, filepath.Join(w.home, ".config", "zed", "settings.json"))
	if !strings.Contains(zed, `"context_servers"`) || !strings.Contains(zed, `"source": "custom"`) {
		t.Errorf("zed settings:\n%s", zed)
	}
	vscode := mustRead(t, filepath.Join(w.home, ".config", "Code", "User", "mcp.json"))
	if !strings.Contains(vscode, `"servers"`) || !strings.Contains(vscode, `"type": "stdio"`) {
		t.Errorf("vscode mcp.json:\n%s", vscode)
	}
	if !strings.Contains(mustRead(t, filepath.Join(w.home, ".claude.json")), `"type": "stdio"`) {
		t.Error("claude code entry lacks type stdio")
	}
}

func TestInstallUnknownClient(t *testing.T) {
	w := newInstallWorld(t)
	code, _, stderr := w.run("install", "emacs")
	if code != ExitUsage || !strings.Contains(stderr, "claude-desktop") {
		t.Errorf("exit %d: %s", code, stderr)
	}
	if code, _, _ := w.run("uninstall", "emacs"); code != ExitUsage {
		t.Errorf("uninstall: exit %d", code)
	}
}

func TestInstallMCPB(t *testing.T) {
	w := newInstallWorld(t)
	out := filepath.Join(t.TempDir(), "nc.mcpb")
	code, stdout, stderr := w.run("install", "mcpb", "--out", out, "--platform", "linux")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "Wrote "+out) {
		t.Errorf("stdout: %s", stdout)
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if f.Name == "manifest.json" {
			rc, _ := f.Open()
			var buf bytes.Buffer
			buf.ReadFrom(rc)
			rc.Close()
			if err := install.CheckManifest(buf.Bytes()); err != nil {
				t.Error(err)
			}
		}
	}
	if strings.Join(names, ",") != "manifest.json,server/nextcloud-mcp" {
		t.Errorf("bundle holds %v", names)
	}
	if code, _, _ := w.run("install", "mcpb", "--out", out, "--platform", "beos"); code == 0 {
		t.Error("unknown platform accepted")
	}
}

// seedStoredLogin creates a real credential store with a default account.
func seedStoredLogin(t *testing.T, dir string) {
	t.Helper()
	ctx := context.Background()
	key := func(context.Context) ([]byte, error) { return make([]byte, store.KeySize), nil }
	st, err := store.Open(ctx, dir, store.WithKey(key))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.SaveAccount(ctx, store.Account{ServerURL: "https://cloud.ann.example", Login: "ann", Kind: store.KindAppPassword, IsDefault: true}, "app-password"); err != nil {
		t.Fatal(err)
	}
}
