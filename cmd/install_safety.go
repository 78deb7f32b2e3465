package cmd

import (
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/nextcloud-mcp/nextcloud-mcp/tools"
)

// safetyInstallArgs turns the selection and safety flags given to install
// itself (not after --) into serve arguments for the client's config, so
// `install --exclude-tools nc_sharing_delete` does what it says.
func safetyInstallArgs(cmd *cobra.Command, cfg *Config, extra []string) []string {
	var out []string
	for _, name := range []string{"toolsets", "tools", "exclude-tools", "read-only", "confirm", "lockdown", "audit-log"} {
		fl := cmd.Flags().Lookup(name)
		if fl == nil || !fl.Changed || hasFlag(extra, name) {
			continue
		}
		if name == "lockdown" || name == "read-only" {
			out = append(out, "--"+name+"="+fl.Value.String())
			continue
		}
		v := fl.Value.String()
		if name == "audit-log" {
			// The client starts serve in another directory: write the path absolute.
			v = cfg.AuditLog
		}
		out = append(out, "--"+name, v)
	}
	return out
}

// checkServeSelection refuses to write serve arguments naming an unknown
// tool or toolset, or a bad --confirm, into a client's config (exit 2): the
// client would only show a server that does not start.
func checkServeSelection(args []string) error {
	fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
	fs.ParseErrorsWhitelist.UnknownFlags = true
	fs.SetOutput(discard{})
	var sf safetyFlags
	sf.bind(fs)
	var toolsets string
	var readOnly bool
	fs.StringVar(&toolsets, "toolsets", "", "")
	fs.BoolVar(&readOnly, "read-only", false, "")
	if err := fs.Parse(args); err != nil {
		return usageError("the serve flags after -- do not parse: %v", err)
	}
	if _, err := tools.ParseConfirmPolicy(sf.confirm); err != nil {
		return usageError("--confirm: %v", err)
	}
	o := tools.Options{ReadOnly: readOnly, Toolsets: nameList(toolsets), Tools: nameList(sf.tools), ExcludeTools: nameList(sf.excludeTools)}
	if err := tools.CheckSelection(o); err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	return nil
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
