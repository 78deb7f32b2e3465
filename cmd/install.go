package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nextcloud-mcp/nextcloud-mcp/install"
	"github.com/nextcloud-mcp/nextcloud-mcp/store"
)

// installDeps are the seams of install and uninstall. Production uses
// defaultInstallDeps; tests swap the binary path, the writer and the login
// check so they never touch the real machine.
type installDeps struct {
	// executable returns the absolute, symlink-resolved running binary.
	executable func() (string, error)
	// tempDirs are where `go run` builds binaries that vanish afterwards.
	tempDirs func() []string
	// env resolves client config paths.
	env func(getenv func(string) string) (install.Env, error)
	// writer does the backup and the atomic replace.
	writer install.Writer
	// storedLogin reports whether a stored login exists for cfg.
	storedLogin func(ctx context.Context, cfg *Config) (bool, error)
}

func defaultInstallDeps() installDeps {
	return installDeps{
		executable: install.ExecutablePath,
		tempDirs: func() []string {
			return []string{os.TempDir(), os.Getenv("GOTMPDIR")}
		},
		env:         install.SystemEnv,
		storedLogin: storedLoginExists,
	}
}

// storedLoginExists looks for a default account in the credential store.
// It needs no encryption key, and never creates the database.
func storedLoginExists(ctx context.Context, cfg *Config) (bool, error) {
	if _, err := os.Stat(filepath.Join(cfg.ConfigDir, store.FileName)); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return false, nil
		}
		return false, err
	}
	st, err := store.Open(ctx, cfg.ConfigDir)
	if err != nil {
		return false, err
	}
	defer st.Close()
	_, ok, err := st.DefaultAccount(ctx)
	return ok, err
}

func newInstallCmd(a *App) *cobra.Command   { return newInstallCmdWith(a, defaultInstallDeps()) }
func newUninstallCmd(a *App) *cobra.Command { return newUninstallCmdWith(a, defaultInstallDeps()) }

// installFlags are the flags install and uninstall share.
type installFlags struct {
	name       string
	configPath string
	dryRun     bool
}

func (f *installFlags) bind(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.name, "name", install.DefaultName, "name of the entry in the client's server list")
	cmd.Flags().StringVar(&f.configPath, "config-path", "", "edit this config file instead of the client's usual one")
	cmd.Flags().BoolVar(&f.dryRun, "dry-run", false, "show the change as a diff and write nothing")
}

func newInstallCmdWith(a *App, deps installDeps) *cobra.Command {
	var f installFlags
	var envPairs []string
	var create bool
	var command string
	cmd := &cobra.Command{
		Use:   "install [CLIENT] [-- SERVE-FLAGS...]",
		Short: "Add nextcloud-mcp to Claude Desktop or another MCP client",
		Long: "Add an entry that starts this binary (`nextcloud-mcp serve`) to an MCP client's config file.\n\n" +
			"CLIENT is one of: " + strings.Join(install.ClientIDs(), ", ") + " (default " + install.DefaultClient + ").\n" +
			"Flags after -- are passed to `serve`, e.g. `nextcloud-mcp install -- --read-only --toolsets notes,files`.\n\n" +
			"The file is parsed first: if it is not valid JSON nothing is changed. Every other server and setting is kept,\n" +
			"a timestamped backup is written next to it, and the new file replaces the old one atomically.\n" +
			"No secret is written: sign in with `nextcloud-mcp login` and the server finds the stored login by itself.",
		Example: "  nextcloud-mcp login https://cloud.example.com && nextcloud-mcp install\n" +
			"  nextcloud-mcp install cursor -- --read-only\n" +
			"  nextcloud-mcp install zed --dry-run\n" +
			"  nextcloud-mcp install mcpb --out nextcloud.mcpb",
		Args: clientArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			clientID, extra := splitClientArgs(cmd, args)
			env, err := install.ParseEnv(envPairs)
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			return a.runInstall(cmd, deps, installRequest{
				flags: f, clientID: clientID, extra: extra, env: env, create: create, command: command,
			})
		},
	}
	f.bind(cmd)
	cmd.Flags().StringArrayVar(&envPairs, "env", nil, "KEY=VALUE to set in the entry's env (repeatable; non-secret values only)")
	cmd.Flags().BoolVar(&create, "create", false, "create the client's config folder when it does not exist yet")
	cmd.Flags().StringVar(&command, "command", "", "binary path to write instead of this one (e.g. a stable symlink such as /opt/homebrew/bin/nextcloud-mcp)")
	cmd.AddCommand(newInstallMCPBCmd(a, deps))
	return cmd
}

func newUninstallCmdWith(a *App, deps installDeps) *cobra.Command {
	var f installFlags
	cmd := &cobra.Command{
		Use:   "uninstall [CLIENT]",
		Short: "Remove nextcloud-mcp's entry from an MCP client's config",
		Long: "Remove only our entry (named \"nextcloud\" unless --name says otherwise) from the client's config file.\n" +
			"Everything else is kept and a timestamped backup is written first. The stored login is not touched: use `logout` for that.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientID := install.DefaultClient
			if len(args) == 1 {
				clientID = args[0]
			}
			return a.runUninstall(cmd, deps, f, clientID)
		},
	}
	f.bind(cmd)
	return cmd
}

// clientArgs allows one CLIENT before `--` and anything after it.
func clientArgs(cmd *cobra.Command, args []string) error {
	client, _ := splitClientArgs(cmd, args)
	if n := countBeforeDash(cmd, args); n > 1 {
		return usageError("install takes one CLIENT, got %d (%s); put flags for the server after --", n, strings.Join(args[:n], " "))
	}
	if _, err := install.Lookup(client); err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	return nil
}

func countBeforeDash(cmd *cobra.Command, args []string) int {
	if d := cmd.ArgsLenAtDash(); d >= 0 {
		return d
	}
	return len(args)
}

func splitClientArgs(cmd *cobra.Command, args []string) (string, []string) {
	n := countBeforeDash(cmd, args)
	client := install.DefaultClient
	if n >= 1 {
		client = args[0]
	}
	return client, append([]string(nil), args[n:]...)
}

type installRequest struct {
	flags    installFlags
	clientID string
	extra    []string
	env      map[string]string
	create   bool
	command  string
}

func (a *App) runInstall(cmd *cobra.Command, deps installDeps, req installRequest) error {
	client, err := install.Lookup(req.clientID)
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	binary, err := a.binaryFor(deps, req.command)
	if err != nil {
		return err
	}
	path, err := a.configFile(deps, client, req.flags.configPath, req.create, req.flags.dryRun)
	if err != nil {
		return err
	}
	if a.cfg.LocalDirsFromFlag {
		dirs, err := install.LocalDirArgs(a.cfg.LocalDirs)
		if err != nil {
			return &ExitError{Code: ExitUsage, Err: err}
		}
		req.extra = append(req.extra, dirs...)
	}
	req.extra = append(req.extra, safetyInstallArgs(cmd, a.cfg, req.extra)...)
	if err := checkServeSelection(req.extra); err != nil {
		return err
	}
	req.extra, req.env = a.staticForClient(client, req.extra, req.env)
	entry := install.NewEntry(binary, req.extra, req.env)

	a.preflight(cmd, deps, client, req.extra)

	for attempt := 0; ; attempt++ {
		plan, err := install.PlanInstall(client, path, req.flags.name, entry)
		if err != nil {
			return err
		}
		if req.flags.dryRun {
			return a.showDryRun(plan)
		}
		if plan.Result == install.Unchanged {
			fmt.Fprintf(a.Out, "%s is already up to date: %q in %s runs %s. Nothing was written.\n",
				client.Name, plan.Name, path, commandLine(entry))
			return nil
		}
		backup, err := deps.writer.Commit(plan)
		if errors.Is(err, install.ErrChangedMeanwhile) && attempt < 2 {
			continue // the client rewrote its file under us: plan again on the new content
		}
		if err != nil {
			return err
		}
		verb := "Added %q to %s's config: %s\n"
		if plan.Result == install.Replaced {
			verb = "Updated %q in %s's config: %s\n"
		}
		fmt.Fprintf(a.Out, verb, plan.Name, client.Name, path)
		fmt.Fprintf(a.Out, "  runs:   %s\n", commandLine(entry))
		if backup != "" {
			fmt.Fprintf(a.Out, "  backup: %s\n", backup)
		}
		fmt.Fprintf(a.Out, "Next: %s\n", client.Restart)
		return nil
	}
}

func (a *App) runUninstall(cmd *cobra.Command, deps installDeps, f installFlags, clientID string) error {
	client, err := install.Lookup(clientID)
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	path := f.configPath
	if path == "" {
		env, err := deps.env(a.Getenv)
		if err != nil {
			return err
		}
		if path, _, err = client.ConfigPath(env); err != nil {
			return err
		}
	}
	for attempt := 0; ; attempt++ {
		plan, err := install.PlanUninstall(client, path, f.name)
		if err != nil {
			return err
		}
		if plan.Result == install.Unchanged {
			fmt.Fprintf(a.Out, "%s's config has no %q entry (%s); nothing to remove.\n", client.Name, f.name, path)
			return nil
		}
		if f.dryRun {
			return a.showDryRun(plan)
		}
		backup, err := deps.writer.Commit(plan)
		if errors.Is(err, install.ErrChangedMeanwhile) && attempt < 2 {
			continue
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(a.Out, "Removed %q from %s's config: %s\n", f.name, client.Name, path)
		if backup != "" {
			fmt.Fprintf(a.Out, "  backup: %s\n", backup)
		}
		fmt.Fprintf(a.Out, "Next: %s\n", client.Restart)
		return nil
	}
}

// binaryFor returns the path the entry should start: --command when given,
// else this binary, refusing a `go run` build that is about to disappear.
func (a *App) binaryFor(deps installDeps, override string) (string, error) {
	if override != "" {
		abs, err := filepath.Abs(override)
		if err != nil {
			return "", usageError("--command %s: %v", override, err)
		}
		info, err := os.Stat(abs)
		if err != nil || info.IsDir() {
			return "", usageError("--command %s: not an existing file", abs)
		}
		return abs, nil
	}
	binary, err := deps.executable()
	if err != nil {
		return "", err
	}
	if err := install.CheckNotTemporary(binary, deps.tempDirs()...); err != nil {
		return "", err
	}
	return binary, nil
}

// configFile resolves the file to edit and makes sure its folder exists:
// a missing folder usually means the client is not installed, so we refuse
// rather than create files for an app that will never read them.
// With dryRun, a folder --create would make is only pretended.
func (a *App) configFile(deps installDeps, client install.Client, override string, create, dryRun bool) (string, error) {
	var path, dir string
	if override != "" {
		abs, err := filepath.Abs(override)
		if err != nil {
			return "", usageError("--config-path %s: %v", override, err)
		}
		path, dir = abs, filepath.Dir(abs)
	} else {
		env, err := deps.env(a.Getenv)
		if err != nil {
			return "", err
		}
		if path, dir, err = client.ConfigPath(env); err != nil {
			return "", err
		}
		// Some clients count as installed by a folder other than the one
		// holding the file (Claude Code: ~/.claude vs ~/.claude.json).
		if _, err := os.Stat(dir); err != nil && !create {
			return "", fmt.Errorf("%s's config folder %s does not exist, so %s looks not installed (or never started). "+
				"Start %s once, or pass --create to create the folder, or --config-path FILE to choose the file", client.Name, dir, client.Name, client.Name)
		}
		if create && !dryRun {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return "", fmt.Errorf("create %s: %w", dir, err)
			}
		}
		dir = filepath.Dir(path)
	}
	if _, err := os.Stat(dir); err != nil {
		if !create {
			return "", fmt.Errorf("folder %s does not exist; pass --create to create it", dir)
		}
		if dryRun {
			return path, nil
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return "", fmt.Errorf("create %s: %w", dir, err)
		}
	}
	return path, nil
}

// preflight warns, on stderr, about setups that would install fine but not
// work: no login the server can find, or flags meant for the server given
// to install itself.
func (a *App) preflight(cmd *cobra.Command, deps installDeps, client install.Client, extra []string) {
	cfg := a.Config()
	stored, err := deps.storedLogin(cmd.Context(), cfg)
	switch {
	case err != nil:
		fmt.Fprintf(a.Err, "warning: could not check for a stored login: %v\n", err)
	case stored:
	case cfg.HasEnvCredentials():
		fmt.Fprintf(a.Err, "note: NEXTCLOUD_USERNAME/NEXTCLOUD_PASSWORD are set in this shell, but %s starts the server without your shell's environment.\n"+
			"      To give the server a login it can find, run: %s\n", client.Name, loginHint(cfg))
	default:
		fmt.Fprintf(a.Err, "warning: no Nextcloud login found, so every tool will ask you to sign in first.\n"+
			"         Fix: %s\n", loginHint(cfg))
	}

	var misplaced []string
	for _, name := range []string{"server", "auth-mode", "config-dir", "insecure", "ca-file", "log-file", "log-level"} {
		if fl := cmd.Flags().Lookup(name); fl != nil && fl.Changed && !hasFlag(extra, name) {
			misplaced = append(misplaced, "--"+name)
		}
	}
	if len(misplaced) > 0 {
		fmt.Fprintf(a.Err, "note: %s only affect(s) this install command. To pass flags to the server, put them after --,\n"+
			"      e.g. nextcloud-mcp install %s -- %s\n", strings.Join(misplaced, " "), client.ID, strings.Join(misplaced, " "))
	} else if a.Getenv("NEXTCLOUD_MCP_CONFIG_DIR") != "" && !hasFlag(extra, "config-dir") {
		fmt.Fprintf(a.Err, "note: NEXTCLOUD_MCP_CONFIG_DIR is set in this shell, but %s will not pass it to the server.\n"+
			"      If you logged in with it, add: -- --config-dir %s\n", client.Name, cfg.ConfigDir)
	}
}

func loginHint(cfg *Config) string {
	server := cfg.ServerURL
	if server == "" {
		server = "https://cloud.example.com"
	}
	return "nextcloud-mcp login " + server
}

func hasFlag(args []string, name string) bool {
	for _, a := range args {
		if a == "--"+name || strings.HasPrefix(a, "--"+name+"=") {
			return true
		}
	}
	return false
}

func (a *App) showDryRun(plan *install.Plan) error {
	switch plan.Result {
	case install.Unchanged:
		fmt.Fprintf(a.Out, "Dry run: %s is already up to date (%s). Nothing would change.\n", plan.Client.Name, plan.Path)
		return nil
	case install.Added:
		fmt.Fprintf(a.Out, "Dry run: would add %q to %s's config. Nothing was written.\n", plan.Name, plan.Client.Name)
	case install.Replaced:
		fmt.Fprintf(a.Out, "Dry run: would update %q in %s's config. Nothing was written.\n", plan.Name, plan.Client.Name)
	case install.Removed:
		fmt.Fprintf(a.Out, "Dry run: would remove %q from %s's config. Nothing was written.\n", plan.Name, plan.Client.Name)
	}
	_, err := io.WriteString(a.Out, plan.Diff())
	return err
}

func commandLine(e install.Entry) string {
	parts := []string{quoteArg(e.Command)}
	for _, arg := range e.Args {
		parts = append(parts, quoteArg(arg))
	}
	line := strings.Join(parts, " ")
	for _, k := range install.SortedKeys(e.Env) {
		line = k + "=" + quoteArg(e.Env[k]) + " " + line
	}
	return line
}

func quoteArg(s string) string {
	if s == "" || strings.ContainsAny(s, " \t\"'$\\") {
		return fmt.Sprintf("%q", s)
	}
	return s
}

func newInstallMCPBCmd(a *App, deps installDeps) *cobra.Command {
	var out, binary, platform string
	cmd := &cobra.Command{
		Use:   "mcpb",
		Short: "Build a .mcpb bundle (manifest + this binary) that Claude Desktop installs with a double click",
		Long: "Build an MCP Bundle: a zip with manifest.json (MCPB manifest 0.3) and this binary. Opening it in Claude Desktop\n" +
			"installs the server and asks for the Nextcloud URL, and optionally a username and app password, which\n" +
			"Claude Desktop keeps in the system keychain. Leave those empty to use the login from `nextcloud-mcp login`.\n" +
			"It also offers local folders for file transfers, the confirm policy, read-only and lockdown.\n" +
			"A bundle holds one binary, so it is for one platform: this one unless --binary/--platform say otherwise.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if binary == "" {
				exe, err := deps.executable()
				if err != nil {
					return err
				}
				binary = exe
			}
			if platform == "" {
				p, err := install.PlatformFor(runtime.GOOS)
				if err != nil {
					return err
				}
				platform = p
			}
			version := Build().Version
			if out == "" {
				out = fmt.Sprintf("nextcloud-mcp-%s.mcpb", platform)
				if !cmd.Flags().Changed("binary") {
					out = fmt.Sprintf("nextcloud-mcp-%s-%s.mcpb", platform, runtime.GOARCH)
				}
			}
			if err := install.WriteBundleFile(out, install.BundleOptions{Binary: binary, Platform: platform, Version: version}); err != nil {
				return err
			}
			abs, _ := filepath.Abs(out)
			fmt.Fprintf(a.Out, "Wrote %s (%s, binary %s).\nOpen it with Claude Desktop (double-click, or Settings → Extensions → Install Extension).\n", abs, platform, binary)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "bundle file to write (default nextcloud-mcp-<platform>-<arch>.mcpb)")
	cmd.Flags().StringVar(&binary, "binary", "", "binary to pack instead of this one (e.g. a cross-compiled build)")
	cmd.Flags().StringVar(&platform, "platform", "", "platform of --binary: darwin, win32 or linux (default this one)")
	return cmd
}
