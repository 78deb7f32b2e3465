package install

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// mcpbVersion is the @anthropic-ai/mcpb release the bundle is validated with.
// CI installs it with: npm install -g @anthropic-ai/mcpb@2.1.2
const mcpbVersion = "2.1.2"

func fakeBinary(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "nextcloud-mcp")
	if err := os.WriteFile(p, []byte("#!/bin/sh\necho not really\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func buildBundle(t *testing.T, platform string) (string, []byte) {
	t.Helper()
	bin := fakeBinary(t)
	out := filepath.Join(t.TempDir(), "nextcloud-mcp.mcpb")
	if err := WriteBundleFile(out, BundleOptions{Binary: bin, Platform: platform, Version: "v1.2.3"}); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return out, raw
}

func TestBundleContents(t *testing.T) {
	for _, platform := range []string{"darwin", "linux", "win32"} {
		t.Run(platform, func(t *testing.T) {
			_, raw := buildBundle(t, platform)
			zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
			if err != nil {
				t.Fatal(err)
			}
			files := map[string]*zip.File{}
			for _, f := range zr.File {
				files[f.Name] = f
			}
			wantBin := "server/nextcloud-mcp"
			if platform == "win32" {
				wantBin += ".exe"
			}
			if len(files) != 2 || files["manifest.json"] == nil || files[wantBin] == nil {
				t.Fatalf("bundle holds %v", files)
			}
			if mode := files[wantBin].Mode(); mode.Perm() != 0o755 {
				t.Errorf("binary mode %v, want 0755", mode)
			}
			rc, _ := files[wantBin].Open()
			body, _ := io.ReadAll(rc)
			rc.Close()
			if !strings.Contains(string(body), "not really") {
				t.Error("binary content not packed")
			}

			rc, _ = files["manifest.json"].Open()
			manifest, _ := io.ReadAll(rc)
			rc.Close()
			if err := CheckManifest(manifest); err != nil {
				t.Fatal(err)
			}
			var m map[string]any
			json.Unmarshal(manifest, &m)
			server := m["server"].(map[string]any)
			cfg := server["mcp_config"].(map[string]any)
			if m["manifest_version"] != "0.3" || m["version"] != "1.2.3" || server["type"] != "binary" || server["entry_point"] != wantBin {
				t.Errorf("manifest: %s", manifest)
			}
			if cfg["command"] != "${__dirname}/server/nextcloud-mcp" {
				t.Errorf("command = %v", cfg["command"])
			}
			if args, _ := json.Marshal(cfg["args"]); string(args) != `["serve","${user_config.local_dirs}"]` {
				t.Errorf("args = %s", args)
			}
			win := cfg["platform_overrides"].(map[string]any)["win32"].(map[string]any)
			if win["command"] != "${__dirname}/server/nextcloud-mcp.exe" {
				t.Errorf("win32 override = %v", win)
			}
			env := cfg["env"].(map[string]any)
			if env["NEXTCLOUD_HOST"] != "${user_config.server_url}" || env["NEXTCLOUD_PASSWORD"] != "${user_config.app_password}" ||
				env["NEXTCLOUD_MCP_CONFIRM"] != "${user_config.confirm}" || env["NEXTCLOUD_MCP_READ_ONLY"] != "${user_config.read_only}" ||
				env["NEXTCLOUD_MCP_LOCKDOWN"] != "${user_config.lockdown}" {
				t.Errorf("env = %v", env)
			}
			uc := m["user_config"].(map[string]any)
			pw := uc["app_password"].(map[string]any)
			if pw["sensitive"] != true || pw["default"] != "" {
				t.Errorf("app_password option = %v", pw)
			}
			if uc["server_url"].(map[string]any)["required"] != true {
				t.Error("server_url should be required")
			}
			dirs := uc["local_dirs"].(map[string]any)
			if dirs["type"] != "directory" || dirs["multiple"] != true || dirs["required"] != false || fmt.Sprint(dirs["default"]) != "[]" {
				t.Errorf("local_dirs option = %v", dirs)
			}
			if uc["confirm"].(map[string]any)["default"] != "auto" || uc["read_only"].(map[string]any)["default"] != false ||
				uc["lockdown"].(map[string]any)["type"] != "boolean" {
				t.Errorf("safety options = %v / %v / %v", uc["confirm"], uc["read_only"], uc["lockdown"])
			}
			if got := m["compatibility"].(map[string]any)["platforms"]; len(got.([]any)) != 1 || got.([]any)[0] != platform {
				t.Errorf("platforms = %v", got)
			}
		})
	}
}

func TestBundleVersionFallback(t *testing.T) {
	for in, want := range map[string]string{"v1.0.0": "1.0.0", "1.2.3-rc.1": "1.2.3-rc.1", "dev": "0.0.0-dev", "": "0.0.0-dev", "(devel)": "0.0.0-dev"} {
		if got := bundleVersion(in); got != want {
			t.Errorf("%q -> %q, want %q", in, got, want)
		}
	}
}

func TestCheckManifestCatchesMistakes(t *testing.T) {
	good, _ := NewManifest(BundleOptions{Platform: "linux", Version: "1.0.0"})
	mutate := map[string]func(m *Manifest){
		"wrong version":          func(m *Manifest) { m.ManifestVersion = "0.2" },
		"node server":            func(m *Manifest) { m.Server.Type = "node" },
		"no platforms":           func(m *Manifest) { m.Compatibility.Platforms = nil },
		"bad platform":           func(m *Manifest) { m.Compatibility.Platforms = []string{"windows"} },
		"undeclared user config": func(m *Manifest) { m.Server.MCPConfig.Env["X"] = "${user_config.nope}" },
		"optional without default": func(m *Manifest) {
			o := m.UserConfig["username"]
			o.Default = nil
			m.UserConfig["username"] = o
		},
		"list in env": func(m *Manifest) { m.Server.MCPConfig.Env["NEXTCLOUD_MCP_LOCAL_DIRS"] = "${user_config.local_dirs}" },
		"list inside an arg": func(m *Manifest) {
			m.Server.MCPConfig.Args = []string{"serve", "--local-dir=${user_config.local_dirs}"}
		},
		"undeclared in args":   func(m *Manifest) { m.Server.MCPConfig.Args = []string{"serve", "${user_config.nope}"} },
		"multiple string":      func(m *Manifest) { o := m.UserConfig["confirm"]; o.Multiple = true; m.UserConfig["confirm"] = o },
		"boolean with text":    func(m *Manifest) { o := m.UserConfig["read_only"]; o.Default = "no"; m.UserConfig["read_only"] = o },
		"list default of text": func(m *Manifest) { o := m.UserConfig["local_dirs"]; o.Default = "/tmp"; m.UserConfig["local_dirs"] = o },
	}
	for name, f := range mutate {
		m, _ := NewManifest(BundleOptions{Platform: "linux", Version: "1.0.0"})
		f(&m)
		raw, _ := json.Marshal(m)
		if err := CheckManifest(raw); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	raw, _ := json.Marshal(good)
	if err := CheckManifest(raw); err != nil {
		t.Errorf("good manifest refused: %v", err)
	}
	if err := CheckManifest([]byte(`{"manifest_version":"0.3","surprise":1}`)); err == nil {
		t.Error("unknown field accepted")
	}
}

// mcpbCLI returns the command that runs the official MCPB CLI, which holds
// the published manifest schema. Without it the test skips, except under
// CI=true where it must run.
func mcpbCLI(t *testing.T) []string {
	t.Helper()
	if p, err := exec.LookPath("mcpb"); err == nil {
		return []string{p}
	}
	if p, err := exec.LookPath("npx"); err == nil {
		probe := exec.Command(p, "--no-install", "@anthropic-ai/mcpb@"+mcpbVersion, "--version")
		if probe.Run() == nil {
			return []string{p, "--no-install", "@anthropic-ai/mcpb@" + mcpbVersion}
		}
	}
	msg := "the MCPB CLI is not installed; run: npm install -g @anthropic-ai/mcpb@" + mcpbVersion
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return nil
}

func runMCPB(t *testing.T, cli []string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(cli[0], append(cli[1:], args...)...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestBundleValidatesWithOfficialCLI unpacks our bundle with the official
// tool and validates its manifest against the published schema.
func TestBundleValidatesWithOfficialCLI(t *testing.T) {
	t.Parallel() // node starts slowly; overlap it with the rest of the package
	cli := mcpbCLI(t)
	// One bundle goes through the official unpacker too, which also proves
	// the executable bit survives the zip.
	bundle, _ := buildBundle(t, "linux")
	dir := filepath.Join(t.TempDir(), "unpacked")
	if out, err := runMCPB(t, cli, "unpack", bundle, dir); err != nil {
		t.Fatalf("mcpb unpack: %v\n%s", err, out)
	}
	if info, err := os.Stat(filepath.Join(dir, "server", "nextcloud-mcp")); err != nil || info.Mode().Perm()&0o111 == 0 {
		t.Errorf("unpacked binary is not executable: %v %v", info, err)
	}
	manifests := []string{filepath.Join(dir, "manifest.json")}
	for _, platform := range []string{"darwin", "win32"} {
		_, raw := buildBundle(t, platform)
		zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
		if err != nil {
			t.Fatal(err)
		}
		rc, err := zr.Open("manifest.json")
		if err != nil {
			t.Fatal(err)
		}
		m, _ := io.ReadAll(rc)
		rc.Close()
		p := filepath.Join(t.TempDir(), "manifest.json")
		os.WriteFile(p, m, 0o644)
		manifests = append(manifests, p)
	}
	for _, m := range manifests {
		out, err := runMCPB(t, cli, "validate", m)
		if err != nil || !strings.Contains(out, "validation passes") {
			t.Errorf("mcpb validate %s: %v\n%s", m, err, out)
		}
	}
	// The same check must be able to fail, or it proves nothing.
	bad, _ := NewManifest(BundleOptions{Platform: "linux", Version: "1.0.0"})
	bad.Server.Type = "go"
	raw, _ := json.Marshal(bad)
	path := filepath.Join(t.TempDir(), "manifest.json")
	os.WriteFile(path, raw, 0o644)
	if out, err := runMCPB(t, cli, "validate", path); err == nil {
		t.Errorf("mcpb validate accepted server.type \"go\":\n%s", out)
	}
}
