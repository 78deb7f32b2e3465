package install

import (
	"errors"
	"fmt"
	"os"
	"path"
	"runtime"
	"sort"
	"strings"
)

// Env is everything path resolution looks at. It is a value so tests can
// resolve macOS and Windows paths on Linux: nothing here asks the real OS.
type Env struct {
	// GOOS is "darwin", "windows", "linux", ...
	GOOS string
	// Home is the user's home directory.
	Home string
	// Getenv looks up an environment variable ("" when unset).
	Getenv func(string) string
	// ReadDir lists the names in a directory; used to find the MSIX package
	// of Claude Desktop, whose folder name carries a publisher hash.
	ReadDir func(dir string) ([]string, error)
}

// SystemEnv returns the Env of this process, with environment lookups going
// through getenv so callers can inject their own.
func SystemEnv(getenv func(string) string) (Env, error) {
	home := getenv("HOME")
	if runtime.GOOS == "windows" {
		home = getenv("USERPROFILE")
	}
	if home == "" {
		return Env{}, errors.New("cannot find your home directory: set HOME (USERPROFILE on Windows) or pass --config-path")
	}
	return Env{GOOS: runtime.GOOS, Home: home, Getenv: getenv, ReadDir: readDirNames}, nil
}

func readDirNames(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names, nil
}

func (e Env) check() error {
	if e.Home == "" {
		return errors.New("cannot find your home directory: set HOME or pass --config-path")
	}
	if e.Getenv == nil || e.ReadDir == nil {
		return errors.New("install: Env needs Getenv and ReadDir")
	}
	return nil
}

// join builds a path in the target OS's syntax, whatever OS runs the code.
func (e Env) join(elem ...string) string {
	if e.GOOS != "windows" {
		return path.Join(elem...)
	}
	var parts []string
	for i, p := range elem {
		p = strings.ReplaceAll(p, "/", `\`)
		if i > 0 {
			p = strings.Trim(p, `\`)
		} else {
			p = strings.TrimRight(p, `\`)
		}
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, `\`)
}

// appData is %APPDATA% (Roaming) on Windows.
func (e Env) appData() string {
	if v := e.Getenv("APPDATA"); v != "" {
		return v
	}
	return e.join(e.Home, "AppData", "Roaming")
}

// localAppData is %LOCALAPPDATA% on Windows.
func (e Env) localAppData() string {
	if v := e.Getenv("LOCALAPPDATA"); v != "" {
		return v
	}
	return e.join(e.Home, "AppData", "Local")
}

// xdgConfig is $XDG_CONFIG_HOME, defaulting to ~/.config as the spec says
// (a relative value is invalid per the spec and ignored).
func (e Env) xdgConfig() string {
	if v := e.Getenv("XDG_CONFIG_HOME"); v != "" && strings.HasPrefix(v, "/") {
		return v
	}
	return e.join(e.Home, ".config")
}

const claudeDesktopFile = "claude_desktop_config.json"

// claudeDesktopPath: macOS Application Support, Linux $XDG_CONFIG_HOME, and
// on Windows the MSIX package's redirected folder when that package exists
// (the packaged app never reads %APPDATA%\Claude), else %APPDATA%\Claude.
func claudeDesktopPath(e Env) (string, string, error) {
	var dir string
	switch e.GOOS {
	case "darwin":
		dir = e.join(e.Home, "Library", "Application Support", "Claude")
	case "windows":
		msix, err := claudeMSIXDir(e)
		if err != nil {
			return "", "", err
		}
		dir = msix
		if dir == "" {
			dir = e.join(e.appData(), "Claude")
		}
	default:
		dir = e.join(e.xdgConfig(), "Claude")
	}
	return e.join(dir, claudeDesktopFile), dir, nil
}

// claudeMSIXDir finds %LOCALAPPDATA%\Packages\Claude_*\LocalCache\Roaming\Claude.
// It returns "" when no package exists. With several packages it prefers the
// one that already has a config file and refuses to guess otherwise.
func claudeMSIXDir(e Env) (string, error) {
	pkgs := e.join(e.localAppData(), "Packages")
	names, err := e.ReadDir(pkgs)
	if err != nil {
		return "", nil // no Packages folder: not an MSIX install
	}
	var candidates []string
	for _, n := range names {
		if strings.HasPrefix(n, "Claude_") {
			candidates = append(candidates, e.join(pkgs, n, "LocalCache", "Roaming", "Claude"))
		}
	}
	sort.Strings(candidates)
	switch len(candidates) {
	case 0:
		return "", nil
	case 1:
		return candidates[0], nil
	}
	var withConfig []string
	for _, c := range candidates {
		if files, err := e.ReadDir(c); err == nil && contains(files, claudeDesktopFile) {
			withConfig = append(withConfig, c)
		}
	}
	if len(withConfig) == 1 {
		return withConfig[0], nil
	}
	return "", fmt.Errorf("found %d Claude Desktop packages (%s); pass --config-path with the %s of the one you use",
		len(candidates), strings.Join(candidates, ", "), claudeDesktopFile)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// claudeCodePath is ~/.claude.json, or $CLAUDE_CONFIG_DIR/.claude.json when
// Claude Code is pointed at another config directory. Claude Code counts as
// installed when its ~/.claude directory (or the override) exists.
func claudeCodePath(e Env) (string, string, error) {
	if d := e.Getenv("CLAUDE_CONFIG_DIR"); d != "" {
		return e.join(d, ".claude.json"), d, nil
	}
	return e.join(e.Home, ".claude.json"), e.join(e.Home, ".claude"), nil
}

// homeDotPath is for clients that keep their config under a dot folder in
// the home directory on every OS (Cursor, Windsurf).
func homeDotPath(elem ...string) func(Env) (string, string, error) {
	return func(e Env) (string, string, error) {
		parts := append([]string{e.Home}, elem...)
		file := e.join(parts...)
		dir := e.join(parts[:len(parts)-1]...)
		return file, dir, nil
	}
}

// vscodePath is the user-profile mcp.json next to settings.json.
func vscodePath(e Env) (string, string, error) {
	var dir string
	switch e.GOOS {
	case "darwin":
		dir = e.join(e.Home, "Library", "Application Support", "Code", "User")
	case "windows":
		dir = e.join(e.appData(), "Code", "User")
	default:
		dir = e.join(e.xdgConfig(), "Code", "User")
	}
	return e.join(dir, "mcp.json"), dir, nil
}

// zedPath is Zed's user settings.json: ~/.config/zed on macOS and Linux
// (honouring $XDG_CONFIG_HOME on Linux), %APPDATA%\Zed on Windows.
func zedPath(e Env) (string, string, error) {
	var dir string
	switch e.GOOS {
	case "darwin":
		dir = e.join(e.Home, ".config", "zed")
	case "windows":
		dir = e.join(e.appData(), "Zed")
	default:
		dir = e.join(e.xdgConfig(), "zed")
	}
	return e.join(dir, "settings.json"), dir, nil
}
