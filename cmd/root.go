// Package cmd holds the cobra commands of the nextcloud-mcp binary: flag and
// environment binding, human output and exit codes.
package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/nextcloud-mcp/nextcloud-mcp/auth"
)

// App is the process environment a command runs in. Tests build their own
// with buffers and a fake environment instead of touching the real process.
type App struct {
	In     io.Reader
	Out    io.Writer
	Err    io.Writer
	Getenv func(string) string
	// Keyring holds the store key; nil means the OS keyring.
	Keyring auth.Keyring
	// OpenBrowser shows a URL to the user; nil means the system opener
	// (xdg-open, open, rundll32). Tests set it so nothing is opened.
	OpenBrowser func(ctx context.Context, url string) error

	flags globalFlags
	// cfg is filled by the root command's PersistentPreRunE.
	cfg *Config
}

// NewApp returns an App bound to the real process.
func NewApp() *App {
	return &App{In: os.Stdin, Out: os.Stdout, Err: os.Stderr, Getenv: os.Getenv}
}

// Config returns the resolved configuration; valid once a command runs.
func (a *App) Config() *Config { return a.cfg }

// Execute runs the CLI against the real process and returns the exit code.
func Execute(ctx context.Context) int {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	app := NewApp()
	return app.Run(ctx, os.Args[1:])
}

// Run executes the command line args and returns the exit code.
func (a *App) Run(ctx context.Context, args []string) int {
	root := NewRootCmd(a)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err != nil {
		if isUsage(err) {
			err = &ExitError{Code: ExitUsage, Err: err}
		}
		fmt.Fprintf(a.Err, "Error: %v\n", err)
	}
	return exitCode(err)
}

// NewRootCmd builds the command tree.
func NewRootCmd(a *App) *cobra.Command {
	b := Build()
	root := &cobra.Command{
		Use:   "nextcloud-mcp",
		Short: "MCP server for your Nextcloud: notes, files, calendar, contacts and more",
		Long: "nextcloud-mcp gives desktop AI assistants safe access to your own Nextcloud over MCP (stdio).\n" +
			"Run without arguments it serves MCP, which is how desktop clients start it.",
		Version:       b.Version,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := a.flags.resolve(cmd, a.Getenv)
			if err != nil {
				return err
			}
			a.cfg = cfg
			return nil
		},
	}
	root.SetVersionTemplate(b.String() + "\n")
	root.SetIn(a.In)
	root.SetOut(a.Out)
	root.SetErr(a.Err)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &ExitError{Code: ExitUsage, Err: err}
	})
	a.flags.bind(root)

	serve := newServeCmd(a)
	// A bare `nextcloud-mcp` serves: desktop clients launch it without arguments.
	root.Flags().AddFlagSet(serve.Flags())
	root.RunE = serve.RunE

	root.AddCommand(serve)
	root.AddCommand(newLoginCmd(a))
	root.AddCommand(newLogoutCmd(a))
	root.AddCommand(newStatusCmd(a))
	root.AddCommand(newInstallCmd(a))
	root.AddCommand(newUninstallCmd(a))
	root.AddCommand(newWebhooksCmd(a))
	root.AddCommand(newIndexCmd(a))
	root.AddCommand(newFilesCmd(a))
	return root
}

func isUsage(err error) bool {
	var ee *ExitError
	if errors.As(err, &ee) {
		return false
	}
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "accepts ", "requires at least", "requires at most", "invalid argument", "flag needs an argument"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}
