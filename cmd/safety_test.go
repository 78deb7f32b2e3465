package cmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/tools"
)

// TestServeUnknownNamesExit2: a misspelt tool or toolset name stops serve
// before it serves, with exit 2 and one stderr line naming the bad name and
// the closest valid ones.
func TestServeUnknownNamesExit2(t *testing.T) {
	for _, c := range []struct {
		args []string
		env  map[string]string
		want []string
	}{
		{[]string{"serve", "--demo", "--tools", "nc_notes_get_notes"}, nil, []string{`"nc_notes_get_notes"`, "--tools", "nc_notes_get_note"}},
		{[]string{"serve", "--demo", "--exclude-tools", "nc_sharing_delet"}, nil, []string{"--exclude-tools", "nc_sharing_delete"}},
		{[]string{"serve", "--demo", "--toolsets", "calender"}, nil, []string{"--toolsets", "calendar"}},
		{[]string{"serve", "--demo"}, map[string]string{"NEXTCLOUD_MCP_EXCLUDE_TOOLS": "nc_contacts_delete"}, []string{"nc_contacts_delete_contact"}},
		{[]string{"serve", "--http", "127.0.0.1:0", "--server", "https://cloud.example.com", "--tools", "nc_webdav_red_file"}, nil, []string{"nc_webdav_read_file"}},
	} {
		env := map[string]string{"NEXTCLOUD_MCP_CONFIG_DIR": t.TempDir()}
		for k, v := range c.env {
			env[k] = v
		}
		code, stdout, stderr, _ := runApp(t, env, "", c.args...)
		if code != ExitUsage {
			t.Errorf("%v: exit %d, want 2; stderr %s", c.args, code, stderr)
		}
		if stdout != "" {
			t.Errorf("%v: stdout %q", c.args, stdout)
		}
		if lines := strings.Split(strings.TrimSpace(stderr), "\n"); len(lines) != 1 {
			t.Errorf("%v: want one stderr line, got %q", c.args, stderr)
		}
		for _, w := range c.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%v: stderr %q lacks %q", c.args, stderr, w)
			}
		}
	}
}

// TestSafetyConfig: flags win over env; bad values are usage errors.
func TestSafetyConfig(t *testing.T) {
	env := map[string]string{"NEXTCLOUD_MCP_CONFIG_DIR": t.TempDir(), "NEXTCLOUD_MCP_TOOLS": "nc_notes_get_note, NC_NOTES_LIST_NOTES",
		"NEXTCLOUD_MCP_EXCLUDE_TOOLS": "nc_sharing_delete", "NEXTCLOUD_MCP_CONFIRM": "always", "NEXTCLOUD_MCP_LOCKDOWN": "true",
		"NEXTCLOUD_MCP_AUDIT_LOG": "audit.jsonl"}
	_, _, _, a := runApp(t, env, "", "completion", "bash")
	c := a.cfg
	wd, _ := os.Getwd()
	if !slices.Equal(c.Tools, []string{"nc_notes_get_note", "nc_notes_list_notes"}) || !slices.Equal(c.ExcludeTools, []string{"nc_sharing_delete"}) ||
		c.Confirm != tools.ConfirmAlways || !c.Lockdown || c.AuditLog != filepath.Join(wd, "audit.jsonl") {
		t.Errorf("from env: %+v", c)
	}
	_, _, _, a = runApp(t, env, "", "--confirm", "never", "--lockdown=false", "--tools", "nc_webdav_read_file", "completion", "bash")
	if c := a.cfg; c.Confirm != tools.ConfirmNever || c.Lockdown || !slices.Equal(c.Tools, []string{"nc_webdav_read_file"}) {
		t.Errorf("flags win: %+v", c)
	}
	if code, _, stderr, _ := runApp(t, env, "", "--confirm", "sometimes", "completion", "bash"); code != ExitUsage || !strings.Contains(stderr, "auto, always or never") {
		t.Errorf("bad --confirm: %d %s", code, stderr)
	}
	env["NEXTCLOUD_MCP_LOCKDOWN"] = "maybe"
	if code, _, stderr, _ := runApp(t, env, "", "completion", "bash"); code != ExitUsage || !strings.Contains(stderr, "NEXTCLOUD_MCP_LOCKDOWN") {
		t.Errorf("bad lockdown: %d %s", code, stderr)
	}
}

// TestInstallWritesSafetyFlags: install takes the selection and safety
// flags and writes them into the client's config; an unknown name writes
// nothing and exits 2.
func TestInstallWritesSafetyFlags(t *testing.T) {
	w := newInstallWorld(t)
	dir := w.claudeDir()
	path := filepath.Join(dir, "claude_desktop_config.json")
	code, out, stderr := w.run("install", "--exclude-tools", "nc_sharing_delete,nc_contacts_delete_addressbook", "--confirm", "always",
		"--lockdown", "--audit-log", filepath.Join(w.home, "audit.jsonl"), "--", "--toolsets", "notes,files,sharing,contacts")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var cfg map[string]map[string]struct {
		Args []string `json:"args"`
	}
	if err := json.Unmarshal([]byte(mustRead(t, path)), &cfg); err != nil {
		t.Fatal(err)
	}
	args := strings.Join(cfg["mcpServers"]["nextcloud"].Args, " ")
	for _, want := range []string{"--toolsets notes,files,sharing,contacts", "--exclude-tools nc_sharing_delete,nc_contacts_delete_addressbook",
		"--confirm always", "--lockdown=true", "--audit-log " + filepath.Join(w.home, "audit.jsonl")} {
		if !strings.Contains(args, want) {
			t.Errorf("args %q lack %q (stdout %s)", args, want, out)
		}
	}
	before := mustRead(t, path)
	for _, bad := range [][]string{{"install", "--tools", "nc_notes_get_notes"}, {"install", "--", "--exclude-tools", "nc_nope"}, {"install", "--", "--toolsets", "note"}} {
		code, _, stderr = w.run(bad...)
		if code != ExitUsage || !strings.Contains(stderr, "unknown") {
			t.Errorf("%v: exit %d %s", bad, code, stderr)
		}
	}
	if mustRead(t, path) != before {
		t.Error("a refused install changed the config")
	}
}

// TestStatusShowsSelection: status lists the tools per toolset and what
// was excluded, and the safety switches.
func TestStatusShowsSelection(t *testing.T) {
	env := map[string]string{"NEXTCLOUD_MCP_CONFIG_DIR": t.TempDir(), "TOKEN_ENCRYPTION_KEY": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}
	_, out, _, _ := runApp(t, env, "", "status", "--toolsets", "notes,sharing", "--exclude-tools", "nc_sharing_delete", "--read-only", "--confirm", "always")
	for _, want := range []string{"notes:", "nc_notes_get_note", "nc_sharing_delete (--exclude-tools)", "(--read-only)", "Confirm:", "always", "Lockdown:", "Audit log:"} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "nc_notes_create_note") {
		t.Errorf("--read-only tool listed:\n%s", out)
	}
	_, out, _, _ = runApp(t, env, "", "status", "--json", "--tools", "nc_notes_get_note")
	var r struct {
		Selection struct {
			Toolsets []struct {
				Name  string   `json:"name"`
				Tools []string `json:"tools"`
			} `json:"toolsets"`
			NotSelected []string `json:"not_selected"`
			Confirm     string   `json:"confirm"`
		} `json:"selection"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(r.Selection.Toolsets) != 1 || !slices.Equal(r.Selection.Toolsets[0].Tools, []string{"nc_notes_get_note"}) || len(r.Selection.NotSelected) == 0 || r.Selection.Confirm != "auto" {
		t.Errorf("json selection: %+v", r.Selection)
	}
	_, out, _, _ = runApp(t, env, "", "status", "--tools", "nc_nope")
	if !strings.Contains(out, `unknown tool "nc_nope"`) {
		t.Errorf("unknown name not reported:\n%s", out)
	}
}
