package cmd

import (
	"log/slog"

	"github.com/nextcloud-mcp/nextcloud-mcp/tools"
)

// openSafety builds the safety settings serve uses in stdio and HTTP mode
// alike, opening the audit log when one is asked for.
func openSafety(cfg *Config, logger *slog.Logger) (tools.Safety, func(), error) {
	s := tools.Safety{Confirm: cfg.Confirm, Lockdown: cfg.Lockdown}
	if cfg.AuditLog == "" {
		return s, func() {}, nil
	}
	audit, err := tools.OpenAuditLog(cfg.AuditLog, func(err error) {
		logger.Error("writing the audit log failed; later lines may be missing", "path", cfg.AuditLog, "error", err)
	})
	if err != nil {
		return s, func() {}, &ExitError{Code: ExitFailure, Err: err}
	}
	s.Audit = audit
	logger.Info("audit log on", "path", cfg.AuditLog)
	return s, func() { _ = audit.Close() }, nil
}
