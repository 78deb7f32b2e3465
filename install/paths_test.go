package install

import (
	"errors"
	"strings"
	"testing"
)

// fakeFS is a directory lister for path resolution tests: dir -> names.
type fakeFS map[string][]string

func (f fakeFS) readDir(dir string) ([]string, error) {
	names, ok := f[dir]
	if !ok {
		return nil, errors.New("no such directory")
	}
	return names, nil
}

func testEnv(goos, home string, vars map[string]string, fs fakeFS) Env {
	return Env{
		GOOS:    goos,
		Home:    home,
		Getenv:  func(k string) string { return vars[k] },
		ReadDir: fs.readDir,
	}
}

func TestConfigPathsPerOS(t *testing.T) {
	winVars := map[string]string{`APPDATA`: `C:\Users\ann\AppData\Roaming`, `LOCALAPPDATA`: `C:\Users\ann\AppData\Local`}
	tests := []struct {
		client, goos string
		vars         map[string]string
		wantFile     string
		wantDir      string
	}{
		{"claude-desktop", "darwin", nil, "/Users/ann/Library/Application Support/Claude/claude_desktop_config.json", "/Users/ann/Library/Application Support/Claude"},
		{"claude-desktop", "linux", nil, "/home/ann/.config/Claude/claude_desktop_config.json", "/home/ann/.config/Claude"},
		{"claude-desktop", "linux", map[string]string{"XDG_CONFIG_HOME": "/xdg"}, "/xdg/Claude/claude_desktop_config.json", "/xdg/Claude"},
		// A relative XDG_CONFIG_HOME is invalid per the XDG spec and ignored.
		{"claude-desktop", "linux", map[string]string{"XDG_CONFIG_HOME": "rel/dir"}, "/home/ann/.config/Claude/claude_desktop_config.json", "/home/ann/.config/Claude"},
		{"claude-desktop", "windows", winVars, `C:\Users\ann\AppData\Roaming\Claude\claude_desktop_config.json`, `C:\Users\ann\AppData\Roaming\Claude`},
		{"claude-desktop", "windows", nil, `C:\Users\ann\AppData\Roaming\Claude\claude_desktop_config.json`, `C:\Users\ann\AppData\Roaming\Claude`},
		{"claude-code", "linux", nil, "/home/ann/.claude.json", "/home/ann/.claude"},
		{"claude-code", "darwin", map[string]string{"CLAUDE_CONFIG_DIR": "/work/cc"}, "/work/cc/.claude.json", "/work/cc"},
		{"claude-code", "windows", winVars, `C:\Users\ann\.claude.json`, `C:\Users\ann\.claude`},
		{"cursor", "darwin", nil, "/Users/ann/.cursor/mcp.json", "/Users/ann/.cursor"},
		{"cursor", "windows", winVars, `C:\Users\ann\.cursor\mcp.json`, `C:\Users\ann\.cursor`},
		{"vscode", "darwin", nil, "/Users/ann/Library/Application Support/Code/User/mcp.json", "/Users/ann/Library/Application Support/Code/User"},
		{"vscode", "linux", map[string]string{"XDG_CONFIG_HOME": "/xdg"}, "/xdg/Code/User/mcp.json", "/xdg/Code/User"},
		{"vscode", "windows", winVars, `C:\Users\ann\AppData\Roaming\Code\User\mcp.json`, `C:\Users\ann\AppData\Roaming\Code\User`},
		{"windsurf", "linux", nil, "/home/ann/.codeium/windsurf/mcp_config.json", "/home/ann/.codeium/windsurf"},
		{"windsurf", "windows", winVars, `C:\Users\ann\.codeium\windsurf\mcp_config.json`, `C:\Users\ann\.codeium\windsurf`},
		{"zed", "linux", nil, "/home/ann/.config/zed/settings.json", "/home/ann/.config/zed"},
		{"zed", "linux", map[string]string{"XDG_CONFIG_HOME": "/xdg"}, "/xdg/zed/settings.json", "/xdg/zed"},
		{"zed", "darwin", nil, "/Users/ann/.config/zed/settings.json", "/Users/ann/.config/zed"},
		{"zed", "windows", winVars, `C:\Users\ann\AppData\Roaming\Zed\settings.json`, `C:\Users\ann\AppData\Roaming\Zed`},
	}
	for _, tt := range tests {
		home := "/home/ann"
		switch tt.goos {
		case "darwin":
			home = "/Users/ann"
		case "windows":
			home = `C:\Users\ann`
		}
		t.Run(tt.client+"/"+tt.goos, func(t *testing.T) {
			c, err := Lookup(tt.client)
			if err != nil {
				t.Fatal(err)
			}
			file, dir, err := c.ConfigPath(testEnv(tt.goos, home, tt.vars, fakeFS{}))
			if err != nil {
				t.Fatal(err)
			}
			if file != tt.wantFile || dir != tt.wantDir {
				t.Errorf("got (%s, %s), want (%s, %s)", file, dir, tt.wantFile, tt.wantDir)
			}
		})
	}
}

func TestClaudeDesktopWindowsMSIX(t *testing.T) {
	c, _ := Lookup("claude-desktop")
	vars := map[string]string{`APPDATA`: `C:\Users\ann\AppData\Roaming`, `LOCALAPPDATA`: `C:\Users\ann\AppData\Local`}
	pkgs := `C:\Users\ann\AppData\Local\Packages`
	msix := pkgs + `\Claude_pzs8sxrjxfjjc\LocalCache\Roaming\Claude`

	t.Run("package preferred over roaming", func(t *testing.T) {
		fs := fakeFS{pkgs: {"Microsoft.WindowsTerminal_8wekyb3d8bbwe", "Claude_pzs8sxrjxfjjc"}}
		file, dir, err := c.ConfigPath(testEnv("windows", `C:\Users\ann`, vars, fs))
		if err != nil {
			t.Fatal(err)
		}
		if dir != msix || file != msix+`\claude_desktop_config.json` {
			t.Errorf("got %s, want the MSIX folder %s", file, msix)
		}
	})
	t.Run("LOCALAPPDATA unset falls back to the profile", func(t *testing.T) {
		fs := fakeFS{pkgs: {"Claude_pzs8sxrjxfjjc"}}
		_, dir, err := c.ConfigPath(testEnv("windows", `C:\Users\ann`, map[string]string{}, fs))
		if err != nil || dir != msix {
			t.Errorf("got %s, %v; want %s", dir, err, msix)
		}
	})
	t.Run("no package means classic install", func(t *testing.T) {
		fs := fakeFS{pkgs: {"Microsoft.WindowsTerminal_8wekyb3d8bbwe"}}
		_, dir, err := c.ConfigPath(testEnv("windows", `C:\Users\ann`, vars, fs))
		if err != nil || dir != `C:\Users\ann\AppData\Roaming\Claude` {
			t.Errorf("got %s, %v", dir, err)
		}
	})
	t.Run("two packages: the one with a config wins", func(t *testing.T) {
		other := pkgs + `\Claude_otherhash\LocalCache\Roaming\Claude`
		fs := fakeFS{
			pkgs:  {"Claude_otherhash", "Claude_pzs8sxrjxfjjc"},
			msix:  {"claude_desktop_config.json", "logs"},
			other: {"logs"},
		}
		_, dir, err := c.ConfigPath(testEnv("windows", `C:\Users\ann`, vars, fs))
		if err != nil || dir != msix {
			t.Errorf("got %s, %v; want %s", dir, err, msix)
		}
	})
	t.Run("two packages and no way to tell refuses", func(t *testing.T) {
		fs := fakeFS{pkgs: {"Claude_a", "Claude_b"}}
		_, _, err := c.ConfigPath(testEnv("windows", `C:\Users\ann`, vars, fs))
		if err == nil || !strings.Contains(err.Error(), "--config-path") {
			t.Errorf("want a refusal naming --config-path, got %v", err)
		}
	})
}

func TestLookupUnknownClient(t *testing.T) {
	_, err := Lookup("emacs")
	if err == nil || !strings.Contains(err.Error(), "claude-desktop") {
		t.Errorf("want the list of clients in the error, got %v", err)
	}
	if c, err := Lookup(" Cursor "); err != nil || c.ID != "cursor" {
		t.Errorf("lookup should be case-insensitive: %v", err)
	}
}
