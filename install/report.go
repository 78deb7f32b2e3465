package install

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ClientStatus says whether one client is set up to run nextcloud-mcp.
type ClientStatus struct {
	// Client is the client ID ("claude-desktop") and Name its human name.
	Client string `json:"client"`
	Name   string `json:"name"`
	// Path is the config file looked at.
	Path string `json:"path"`
	// Installed means the client's config directory exists.
	Installed bool `json:"installed"`
	// HasEntry means the config has an entry for nextcloud-mcp: the one
	// named as asked, or else any entry whose command is a nextcloud-mcp binary.
	HasEntry bool `json:"has_entry"`
	// EntryName and Command describe that entry.
	EntryName string `json:"entry_name,omitempty"`
	Command   string `json:"command,omitempty"`
	// PointsHere means the entry's command is this very binary.
	PointsHere bool `json:"points_here"`
	// Error explains why the file could not be read (e.g. invalid JSON).
	Error string `json:"error,omitempty"`
}

// Report checks every client's config for our entry. self is this binary's
// resolved path (see ExecutablePath) and name the entry name to look for
// (DefaultName unless the user chose another).
func Report(env Env, self, name string) []ClientStatus {
	var out []ClientStatus
	for _, c := range Clients() {
		out = append(out, reportOne(env, c, self, name))
	}
	return out
}

func reportOne(env Env, c Client, self, name string) ClientStatus {
	st := ClientStatus{Client: c.ID, Name: c.Name}
	file, dir, err := c.ConfigPath(env)
	if err != nil {
		st.Error = err.Error()
		return st
	}
	st.Path = file
	if info, err := os.Stat(dir); err == nil && info.IsDir() {
		st.Installed = true
	}
	raw, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return st
	}
	if err != nil {
		st.Error = err.Error()
		return st
	}
	d, err := parseConfig(raw, c.JSONC)
	if err != nil {
		st.Error = "not valid JSON: " + err.Error()
		return st
	}
	if d.root == nil {
		return st
	}
	sec, err := d.section(c.Section)
	if err != nil {
		st.Error = err.Error()
		return st
	}
	if sec == nil {
		return st
	}
	pick := func(m member) bool {
		obj, ok := m.val.value.(map[string]any)
		if !ok {
			return false
		}
		cmd, _ := obj["command"].(string)
		st.HasEntry, st.EntryName, st.Command = true, m.key, cmd
		st.PointsHere = cmd != "" && samePath(cmd, self)
		return true
	}
	for _, m := range sec.val.members {
		if m.key == name && pick(m) {
			return st
		}
	}
	for _, m := range sec.val.members {
		obj, _ := m.val.value.(map[string]any)
		cmd, _ := obj["command"].(string)
		base := strings.TrimSuffix(strings.ToLower(filepath.Base(filepath.FromSlash(strings.ReplaceAll(cmd, `\`, "/")))), ".exe")
		if base == "nextcloud-mcp" && pick(m) {
			return st
		}
	}
	return st
}

// samePath compares two binary paths, following symlinks when it can.
func samePath(a, b string) bool {
	if a == b {
		return true
	}
	ra, errA := filepath.EvalSymlinks(a)
	rb, errB := filepath.EvalSymlinks(b)
	return errA == nil && errB == nil && ra == rb
}
