package cmd

import (
	"fmt"
	"strings"

	"github.com/nextcloud-mcp/nextcloud-mcp/localfs"
	"github.com/nextcloud-mcp/nextcloud-mcp/tools"
)

// selectionStatus is the tool selection and the safety switches in effect.
type selectionStatus struct {
	*tools.SelectionReport
	ReadOnly bool   `json:"read_only"`
	Confirm  string `json:"confirm"`
	Lockdown bool   `json:"lockdown"`
	AuditLog string `json:"audit_log,omitempty"`
}

// selectionStatusOf reports what serve would expose (before the server's
// apps are known), or a problem for an unknown name.
func (a *App) selectionStatusOf(r *statusReport) {
	cfg := a.cfg
	roots, _ := localfs.New(cfg.LocalDirs)
	defer roots.Close()
	sel, err := tools.Select(tools.All(&tools.Deps{LocalRoots: roots}), cfg.selection())
	if err != nil {
		r.problem(ExitUsage, err.Error(), "Fix the name in --toolsets / --tools / --exclude-tools (or NEXTCLOUD_MCP_TOOLSETS, NEXTCLOUD_MCP_TOOLS, NEXTCLOUD_MCP_EXCLUDE_TOOLS); serve refuses to start with it.")
		return
	}
	r.Selection = &selectionStatus{SelectionReport: sel, ReadOnly: cfg.ReadOnly, Confirm: string(cfg.Confirm), Lockdown: cfg.Lockdown, AuditLog: cfg.AuditLog}
}

func printSelection(line func(label, format string, args ...any), s *selectionStatus) {
	if s == nil {
		return
	}
	n := 0
	for _, ts := range s.Toolsets {
		n += len(ts.Tools)
	}
	line("Tools", "%d selected (before the server's apps are checked)", n)
	for _, ts := range s.Toolsets {
		line("  "+ts.Name, "%s", strings.Join(ts.Tools, ", "))
	}
	var out []string
	if len(s.Excluded) > 0 {
		out = append(out, strings.Join(s.Excluded, ", ")+" (--exclude-tools)")
	}
	if len(s.ReadOnlyHidden) > 0 {
		out = append(out, fmt.Sprintf("%d that change data (--read-only)", len(s.ReadOnlyHidden)))
	}
	if len(s.NotSelected) > 0 {
		out = append(out, fmt.Sprintf("%d outside --toolsets/--tools", len(s.NotSelected)))
	}
	if len(out) == 0 {
		out = append(out, "none")
	}
	line("Excluded", "%s", strings.Join(out, "; "))
	confirm := map[string]string{
		"auto":   "auto: irreversible calls are put to the user where the client can ask",
		"always": "always: irreversible tools are hidden from clients that cannot ask",
		"never":  "never: nothing is confirmed",
	}[s.Confirm]
	line("Confirm", "%s (%d irreversible tools selected)", confirm, len(s.Irreversible))
	lock := "off"
	if s.Lockdown {
		lock = "on: text by guests, federated users and public-link uploads is withheld"
	}
	line("Lockdown", "%s", lock)
	if s.AuditLog != "" {
		line("Audit log", "%s", s.AuditLog)
	} else {
		line("Audit log", "off (enable with --audit-log FILE)")
	}
}
