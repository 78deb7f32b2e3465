package cmd

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"strings"

	"github.com/mark3labs/mcp-go/server"
	"github.com/spf13/cobra"

	"github.com/nextcloud-mcp/nextcloud-mcp/auth"
	"github.com/nextcloud-mcp/nextcloud-mcp/tools"
)

func newServeCmd(a *App) *cobra.Command {
	var demo bool
	var workers int
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve MCP over stdio (what desktop clients run)",
		Long: "Serve the Model Context Protocol on stdin/stdout. stdout carries JSON-RPC only;\n" +
			"logs go to stderr or --log-file. With --demo it serves a built-in demo Nextcloud,\n" +
			"so no server or credentials are needed.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.serve(cmd.Context(), demo, workers)
		},
	}
	cmd.Flags().BoolVar(&demo, "demo", false, "serve a built-in demo Nextcloud with sample notes and files")
	cmd.Flags().IntVar(&workers, "workers", 8, "how many tool calls run at once")
	return cmd
}

const instructionsBase = `This server reaches the user's own Nextcloud. Tools are named nc_<app>_<verb>: notes, files (WebDAV), and any other app the server has installed.
Writes are conflict-safe: reads return an etag; pass it back when updating (notes, files) so a concurrent change is never overwritten. A 412 result means the item changed: re-read it and retry with the new etag. File writes never replace an existing file unless you pass its etag (if_match) or overwrite=true.
Errors come back as results with one sentence saying what to do.`

func (a *App) serve(ctx context.Context, demo bool, workers int) error {
	cfg := a.cfg
	logger, closeLog, err := newLogger(cfg, a.Err)
	if err != nil {
		return err
	}
	defer closeLog()

	var factory auth.Factory
	instructions := instructionsBase
	if demo {
		f, stop, url := startDemo(cfg)
		defer stop()
		factory = f
		instructions = "DEMO MODE: this is a built-in demo Nextcloud with sample data, not the user's real server; changes vanish when the server stops.\n" + instructions
		logger.Warn("demo mode: serving a built-in demo Nextcloud with sample data; nothing reaches a real server", "url", url)
	} else {
		factory, err = buildFactory(ctx, cfg, logger, withKeyring(a.Keyring))
		if err != nil {
			return err
		}
	}

	deps := &tools.Deps{Factory: factory, Logger: logger, Demo: demo, SignIn: signInFor(factory)}
	if !demo {
		webhooks := newStoreWebhooks(cfg.ConfigDir)
		defer webhooks.Close()
		deps.Webhooks = webhooks
		deps.Capabilities = &storeCapabilities{st: webhooks, cfg: cfg, logger: logger}
	}
	reg, err := tools.NewRegistry(deps, toolsetsForMode(factory.Mode(), tools.All(deps)), tools.Options{ReadOnly: cfg.ReadOnly, Toolsets: cfg.Toolsets})
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	s := tools.NewServer(reg, Build().Version, instructions)

	reg.Prefetch(ctx)
	logger.Info("serving MCP on stdio", "version", Build().Version, "mode", factory.Mode(), "tools", len(reg.Tools()), "read_only", cfg.ReadOnly)

	stdio := server.NewStdioServer(s)
	stdio.SetErrorLogger(log.New(slogWriter{logger}, "", 0))
	server.WithWorkerPoolSize(max(workers, 1))(stdio)
	err = stdio.Listen(ctx, a.In, a.Out)
	if err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("serve stdio: %w", err)
	}
	logger.Info("stopped serving")
	return nil
}

// slogWriter lets mcp-go's *log.Logger write through slog, so its errors land
// where every other log line goes and never on stdout.
type slogWriter struct{ l *slog.Logger }

func (w slogWriter) Write(p []byte) (int, error) {
	w.l.Error(strings.TrimSpace(string(p)), "component", "mcp-stdio")
	return len(p), nil
}
