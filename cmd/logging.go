package cmd

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
)

// newLogger writes text to stderr, or JSON to the log file when one is set.
// It never writes to stdout, which belongs to JSON-RPC in serve.
func newLogger(cfg *Config, stderr io.Writer) (*slog.Logger, func() error, error) {
	level := slog.LevelInfo
	switch strings.ToLower(cfg.LogLevel) {
	case "debug":
		level = slog.LevelDebug
	case "warn", "warning":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	}
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFile == "" {
		return slog.New(slog.NewTextHandler(stderr, opts)), func() error { return nil }, nil
	}
	f, err := os.OpenFile(cfg.LogFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("open log file %s (check --log-file / NEXTCLOUD_MCP_LOG_FILE): %w", cfg.LogFile, err)
	}
	return slog.New(slog.NewJSONHandler(f, opts)), f.Close, nil
}
