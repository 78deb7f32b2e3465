package cmd

import (
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/nextcloud-mcp/nextcloud-mcp/tools"
)

// safetyFlags are the per-tool selection and safety switches (docs/safety.md).
type safetyFlags struct {
	tools        string
	excludeTools string
	confirm      string
	lockdown     bool
	auditLog     string
}

func (s *safetyFlags) bind(f *pflag.FlagSet) {
	f.StringVar(&s.tools, "tools", "", "comma list of tools to expose on top of --toolsets; alone, only these (env NEXTCLOUD_MCP_TOOLS)")
	f.StringVar(&s.excludeTools, "exclude-tools", "", "comma list of tools never to expose; wins over --toolsets and --tools (env NEXTCLOUD_MCP_EXCLUDE_TOOLS)")
	f.StringVar(&s.confirm, "confirm", "", "ask the user before irreversible calls: auto (where the client can), always, never (env NEXTCLOUD_MCP_CONFIRM)")
	f.BoolVar(&s.lockdown, "lockdown", false, "withhold text by guests, federated users and public-link uploads (env NEXTCLOUD_MCP_LOCKDOWN)")
	f.StringVar(&s.auditLog, "audit-log", "", "append one JSON line per call that changes data to this file (env NEXTCLOUD_MCP_AUDIT_LOG)")
}

func (s *safetyFlags) resolve(c *Config, changed func(string) bool, pick func(flag, flagVal, env string) string, getenv func(string) string) error {
	c.Tools = nameList(pick("tools", s.tools, "NEXTCLOUD_MCP_TOOLS"))
	c.ExcludeTools = nameList(pick("exclude-tools", s.excludeTools, "NEXTCLOUD_MCP_EXCLUDE_TOOLS"))
	confirm := pick("confirm", s.confirm, "NEXTCLOUD_MCP_CONFIRM")
	policy, err := tools.ParseConfirmPolicy(confirm)
	if err != nil {
		return usageError("--confirm / NEXTCLOUD_MCP_CONFIRM: %v", err)
	}
	c.Confirm = policy
	if changed("lockdown") {
		c.Lockdown = s.lockdown
	} else if v := strings.TrimSpace(getenv("NEXTCLOUD_MCP_LOCKDOWN")); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return usageError("NEXTCLOUD_MCP_LOCKDOWN=%q is not a boolean: use true or false", v)
		}
		c.Lockdown = b
	}
	if p := pick("audit-log", s.auditLog, "NEXTCLOUD_MCP_AUDIT_LOG"); p != "" {
		abs, err := filepath.Abs(p)
		if err != nil {
			return usageError("--audit-log %s: %v", p, err)
		}
		c.AuditLog = abs
	}
	return nil
}

// nameList splits a comma list of tool or toolset names.
func nameList(v string) []string {
	var out []string
	for _, n := range strings.Split(v, ",") {
		if n = strings.ToLower(strings.TrimSpace(n)); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// selection is the tool selection the configuration asks for.
func (c *Config) selection() tools.Options {
	return tools.Options{ReadOnly: c.ReadOnly, Toolsets: c.Toolsets, Tools: c.Tools, ExcludeTools: c.ExcludeTools}
}

// checkSelection fails with exit code 2 on an unknown tool or toolset
// name, before anything is served.
func (c *Config) checkSelection() error {
	if err := tools.CheckSelection(c.selection()); err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	return nil
}
