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
	"github.com/nextcloud-mcp/nextcloud-mcp/localfs"
	"github.com/nextcloud-mcp/nextcloud-mcp/tools"
)

func newServeCmd(a *App) *cobra.Command {
	var demo bool
	var workers int
	var hf httpFlags
	cmd := &cobra.Command{
		Use:   "serve [LOCAL-DIR...]",
		Short: "Serve MCP over stdio (what desktop clients run), or over HTTP with --http",
		Long: "Serve the Model Context Protocol on stdin/stdout. stdout carries JSON-RPC only;\n" +
			"logs go to stderr or --log-file. With --demo it serves a built-in demo Nextcloud,\n" +
			"so no server or credentials are needed.\n\n" +
			"With --http ADDR it serves Streamable HTTP at /mcp for many users instead: each request\n" +
			"carries its caller's own credentials (see docs/http.md).\n\n" +
			"Folders named after serve are local folders for file transfers, like --local-dir\n" +
			"(the MCPB bundle passes the folders chosen in Claude Desktop this way).",
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, dirs []string) error {
			hc, err := hf.resolve(cmd.Flags(), a.Getenv)
			if err != nil {
				return err
			}
			if len(dirs) > 0 {
				if hc != nil {
					return usageError("local folders (%s) work over stdio only: drop them, or --http", strings.Join(dirs, ", "))
				}
				a.cfg.addLocalDirArgs(dirs)
			}
			if hc != nil {
				if demo {
					return usageError("--demo serves stdio only: drop --demo, or --http")
				}
				if a.cfg.DynamicToolsets {
					return usageError("--dynamic-toolsets works over stdio only (HTTP mode serves a fixed tool list): drop it, and narrow the tools with --toolsets")
				}
				return a.serveHTTPLogged(cmd.Context(), hc)
			}
			return a.serve(cmd.Context(), demo, workers)
		},
	}
	cmd.Flags().BoolVar(&demo, "demo", false, "serve a built-in demo Nextcloud with sample notes and files")
	cmd.Flags().IntVar(&workers, "workers", 8, "how many tool calls run at once")
	hf.bind(cmd.Flags())
	return cmd
}

// instructionsBase is what the server tells every client, in stdio and HTTP mode.
const instructionsBase = `This server reaches the user's own Nextcloud. Tools are named nc_<app>_<verb>. What every tool shares:
- Ids and names come from the app's list tools (calendar_name from nc_calendar_list_calendars, board_id from nc_deck_list_boards...).
- Paths are relative to the user's files root, like Documents/report.pdf; / or nothing is the root.
- Times: RFC 3339 with offset, a local time (2026-03-29T09:00) with an IANA timezone (default UTC), or a date (YYYY-MM-DD) for whole days. Ends are exclusive.
- Updates change only the fields given; a list given replaces the old list; an empty string clears a field.
- Writes are conflict-safe: reads return an etag; pass it back (etag or if_match) and a changed item is not overwritten. A 412 result means it changed: re-read and retry. File writes never replace a file without its etag or overwrite=true.
- Paging: limit caps a result; pass next_offset, next_cursor or next_since_id from a result to continue.
- Deleting, sending, sharing and publishing reach other people or cannot be undone: confirm with the user first.
- Errors come back as results with one sentence saying what to do.
- ` + tools.SafetyInstructions

func (a *App) serve(ctx context.Context, demo bool, workers int) error {
	cfg := a.cfg
	if err := cfg.checkSelection(); err != nil {
		return err
	}
	logger, closeLog, err := newLogger(cfg, a.Err)
	if err != nil {
		return err
	}
	defer closeLog()
	safety, closeAudit, err := openSafety(cfg, logger)
	if err != nil {
		return err
	}
	defer closeAudit()

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

	deps := &tools.Deps{Factory: factory, Logger: logger, Demo: demo, SignIn: signInFor(factory), Safety: safety}
	deps.Extract = newExtractor()
	defer deps.Extract.Close()
	idx, stopIndex := startIndex(ctx, cfg, demo, deps.Extract, logger)
	defer stopIndex()
	deps.Index = idx
	if demo && idx != nil {
		defer warmIndex(ctx, idx, factory, logger)()
	}
	if !demo {
		webhooks := newStoreWebhooks(cfg.ConfigDir)
		defer webhooks.Close()
		deps.Webhooks = webhooks
		deps.Capabilities = &storeCapabilities{st: webhooks, cfg: cfg, logger: logger}
	}
	roots, err := localfs.New(cfg.LocalDirs)
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	defer roots.Close()
	if !roots.Empty() {
		deps.LocalRoots = roots
		instructions += transferInstructions(roots)
		if !demo {
			uploads := newStoreUploads(cfg.ConfigDir)
			defer uploads.Close()
			deps.UploadSessions = uploads
		}
	}
	opts := cfg.selection()
	opts.Dynamic = cfg.DynamicToolsets
	reg, err := tools.NewRegistry(deps, toolsetsForMode(factory.Mode(), tools.All(deps)), opts)
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	s := tools.NewServer(reg, Build().Version, instructions)

	reg.Prefetch(ctx)
	logger.Info("serving MCP on stdio", "version", Build().Version, "mode", factory.Mode(), "tools", len(reg.Tools()), "read_only", cfg.ReadOnly,
		"dynamic_toolsets", cfg.DynamicToolsets, "confirm", cfg.Confirm, "lockdown", cfg.Lockdown)

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

// transferInstructions tells the model which local folders it may use.
func transferInstructions(roots *localfs.Roots) string {
	return "\nLocal files: nc_webdav_upload_file and nc_webdav_download_file move files of any size between Nextcloud and these local folders only: " +
		strings.Join(roots.Dirs(), ", ") + ". An interrupted transfer resumes when called again with the same arguments."
}

// slogWriter lets mcp-go's *log.Logger write through slog, so its errors land
// where every other log line goes and never on stdout.
type slogWriter struct{ l *slog.Logger }

func (w slogWriter) Write(p []byte) (int, error) {
	w.l.Error(strings.TrimSpace(string(p)), "component", "mcp-stdio")
	return len(p), nil
}
