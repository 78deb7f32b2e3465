package cmd

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nextcloud-mcp/nextcloud-mcp/localfs"
	"github.com/nextcloud-mcp/nextcloud-mcp/tools"
)

// Config is everything the commands need from flags and the environment,
// resolved once: flags win over environment, environment over defaults.
type Config struct {
	ServerURL string
	// Username and Password come only from NEXTCLOUD_USERNAME/NEXTCLOUD_PASSWORD:
	// there is deliberately no flag, so a secret never lands in a process list.
	Username string
	Password string
	AuthMode string
	// AuthModeSource says where AuthMode came from: "flag", "env" or "default".
	AuthModeSource string
	ConfigDir      string
	TokenKey       string
	Insecure       bool
	CAFile         string
	ReadOnly       bool
	Toolsets       []string
	LogFile        string
	LogLevel       string
	ClientID       string
	// TokenAudience is the audience asked for in a token exchange (NEXTCLOUD_MCP_TOKEN_AUDIENCE).
	TokenAudience string
	// NoIndex turns the local content index off (--no-index, NEXTCLOUD_MCP_INDEX=off).
	NoIndex bool
	// LocalDirs are the local folders file transfers may use (--local-dir,
	// NEXTCLOUD_MCP_LOCAL_DIRS); LocalDirsFromFlag says they came from flags.
	LocalDirs         []string
	LocalDirsFromFlag bool
	// Tools and ExcludeTools select single tools (--tools, --exclude-tools,
	// NEXTCLOUD_MCP_TOOLS, NEXTCLOUD_MCP_EXCLUDE_TOOLS).
	Tools        []string
	ExcludeTools []string
	// Confirm is --confirm (NEXTCLOUD_MCP_CONFIRM): auto, always or never.
	Confirm tools.ConfirmPolicy
	// Lockdown withholds text by guests, federated users and public-link
	// uploads (--lockdown, NEXTCLOUD_MCP_LOCKDOWN).
	Lockdown bool
	// AuditLog is the file calls that change data are logged to
	// (--audit-log, NEXTCLOUD_MCP_AUDIT_LOG), absolute; "" logs nothing.
	AuditLog string
	// DynamicToolsets starts serve with a small core and lets the model turn
	// toolsets on (stdio only).
	DynamicToolsets bool
}

// HasEnvCredentials reports whether both halves of the env BasicAuth pair are set.
func (c *Config) HasEnvCredentials() bool { return c.Username != "" && c.Password != "" }

// globalFlags are bound on the root command and shared by every subcommand.
type globalFlags struct {
	server    string
	authMode  string
	configDir string
	insecure  bool
	caFile    string
	readOnly  bool
	toolsets  string
	dynamic   bool
	logFile   string
	logLevel  string
	noIndex   bool
	localDirs []string
	safety    safetyFlags
}

func (g *globalFlags) bind(cmd *cobra.Command) {
	f := cmd.PersistentFlags()
	f.StringVar(&g.server, "server", "", "Nextcloud base URL, e.g. https://cloud.example.com (env NEXTCLOUD_HOST)")
	f.StringVar(&g.authMode, "auth-mode", "", "basic, oauth or token-exchange (env NEXTCLOUD_MCP_AUTH_MODE)")
	f.StringVar(&g.configDir, "config-dir", "", "directory for the credential store (env NEXTCLOUD_MCP_CONFIG_DIR)")
	f.BoolVar(&g.insecure, "insecure", false, "skip TLS certificate verification (env NEXTCLOUD_VERIFY_SSL=false)")
	f.StringVar(&g.caFile, "ca-file", "", "PEM file with extra CA certificates to trust (env NEXTCLOUD_CA_BUNDLE)")
	f.BoolVar(&g.readOnly, "read-only", false, "expose only tools that never change data (env NEXTCLOUD_MCP_READ_ONLY)")
	f.StringVar(&g.toolsets, "toolsets", "", "comma list of apps to expose, e.g. notes,files (env NEXTCLOUD_MCP_TOOLSETS)")
	f.BoolVar(&g.dynamic, "dynamic-toolsets", false, "start with search and sign-in tools only; the model turns toolsets on as needed (env NEXTCLOUD_MCP_DYNAMIC_TOOLSETS; stdio only)")
	f.StringVar(&g.logFile, "log-file", "", "write JSON logs to this file instead of text to stderr (env NEXTCLOUD_MCP_LOG_FILE)")
	f.StringVar(&g.logLevel, "log-level", "", "debug, info, warn or error (env NEXTCLOUD_MCP_LOG_LEVEL)")
	f.BoolVar(&g.noIndex, "no-index", false, "turn the local content index off: no nc_search_content (env NEXTCLOUD_MCP_INDEX=off)")
	f.StringArrayVar(&g.localDirs, "local-dir", nil, "local folder file transfers may read and write (repeatable; env NEXTCLOUD_MCP_LOCAL_DIRS, separated like PATH)")
	g.safety.bind(f)
}

// resolve applies the precedence rules. getenv is injected so tests control the environment.
func (g *globalFlags) resolve(cmd *cobra.Command, getenv func(string) string) (*Config, error) {
	changed := func(name string) bool {
		fl := cmd.Flags().Lookup(name)
		if fl == nil {
			fl = cmd.InheritedFlags().Lookup(name)
		}
		return fl != nil && fl.Changed
	}
	pick := func(flag, flagVal, env string) string {
		if changed(flag) {
			return flagVal
		}
		return strings.TrimSpace(getenv(env))
	}
	c := &Config{
		ServerURL: pick("server", g.server, "NEXTCLOUD_HOST"),
		Username:  getenv("NEXTCLOUD_USERNAME"),
		Password:  getenv("NEXTCLOUD_PASSWORD"),
		TokenKey:  getenv("TOKEN_ENCRYPTION_KEY"),
		CAFile:    pick("ca-file", g.caFile, "NEXTCLOUD_CA_BUNDLE"),
		LogFile:   pick("log-file", g.logFile, "NEXTCLOUD_MCP_LOG_FILE"),
		LogLevel:  pick("log-level", g.logLevel, "NEXTCLOUD_MCP_LOG_LEVEL"),
		ClientID:  strings.TrimSpace(getenv("NEXTCLOUD_MCP_CLIENT_ID")),

		TokenAudience: strings.TrimSpace(getenv("NEXTCLOUD_MCP_TOKEN_AUDIENCE")),
	}

	switch {
	case changed("auth-mode"):
		c.AuthMode, c.AuthModeSource = g.authMode, "flag"
	case getenv("NEXTCLOUD_MCP_AUTH_MODE") != "":
		c.AuthMode, c.AuthModeSource = strings.TrimSpace(getenv("NEXTCLOUD_MCP_AUTH_MODE")), "env"
	case isTrue(getenv("ENABLE_TOKEN_EXCHANGE")):
		c.AuthMode, c.AuthModeSource = "token-exchange", "env"
	default:
		c.AuthMode, c.AuthModeSource = "basic", "default"
	}
	c.AuthMode = strings.ToLower(c.AuthMode)
	switch c.AuthMode {
	case "basic", "oauth", "token-exchange":
	default:
		return nil, usageError("unknown auth mode %q: use basic, oauth or token-exchange", c.AuthMode)
	}

	if changed("insecure") {
		c.Insecure = g.insecure
	} else if v := getenv("NEXTCLOUD_VERIFY_SSL"); v != "" {
		verify, err := strconv.ParseBool(v)
		if err != nil {
			return nil, usageError("NEXTCLOUD_VERIFY_SSL=%q is not a boolean: use true or false", v)
		}
		c.Insecure = !verify
	}

	if changed("read-only") {
		c.ReadOnly = g.readOnly
	} else if v := getenv("NEXTCLOUD_MCP_READ_ONLY"); v != "" {
		ro, err := strconv.ParseBool(v)
		if err != nil {
			return nil, usageError("NEXTCLOUD_MCP_READ_ONLY=%q is not a boolean: use true or false", v)
		}
		c.ReadOnly = ro
	}

	if changed("dynamic-toolsets") {
		c.DynamicToolsets = g.dynamic
	} else if v := getenv("NEXTCLOUD_MCP_DYNAMIC_TOOLSETS"); v != "" {
		dyn, err := strconv.ParseBool(v)
		if err != nil {
			return nil, usageError("NEXTCLOUD_MCP_DYNAMIC_TOOLSETS=%q is not a boolean: use true or false", v)
		}
		c.DynamicToolsets = dyn
	}

	for _, t := range strings.Split(pick("toolsets", g.toolsets, "NEXTCLOUD_MCP_TOOLSETS"), ",") {
		if t = strings.ToLower(strings.TrimSpace(t)); t != "" {
			c.Toolsets = append(c.Toolsets, t)
		}
	}

	if changed("no-index") {
		c.NoIndex = g.noIndex
	} else if v := strings.ToLower(strings.TrimSpace(getenv("NEXTCLOUD_MCP_INDEX"))); v != "" {
		switch v {
		case "off", "false", "0", "no":
			c.NoIndex = true
		case "on", "true", "1", "yes":
		default:
			return nil, usageError("NEXTCLOUD_MCP_INDEX=%q: use on or off", v)
		}
	}
	if changed("local-dir") {
		c.LocalDirs, c.LocalDirsFromFlag = g.localDirs, true
	} else {
		c.LocalDirs = localfs.SplitList(getenv("NEXTCLOUD_MCP_LOCAL_DIRS"))
	}

	if err := g.safety.resolve(c, changed, pick, getenv); err != nil {
		return nil, err
	}

	dir := pick("config-dir", g.configDir, "NEXTCLOUD_MCP_CONFIG_DIR")
	if dir == "" {
		base, err := os.UserConfigDir()
		if err != nil {
			return nil, fmt.Errorf("find the user config directory (set NEXTCLOUD_MCP_CONFIG_DIR or --config-dir): %w", err)
		}
		dir = filepath.Join(base, "nextcloud-mcp")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("config dir %q: %w", dir, err)
	}
	c.ConfigDir = abs

	switch strings.ToLower(c.LogLevel) {
	case "", "debug", "info", "warn", "warning", "error":
	default:
		return nil, usageError("unknown log level %q: use debug, info, warn or error", c.LogLevel)
	}
	return c, nil
}

func isTrue(v string) bool {
	b, err := strconv.ParseBool(strings.TrimSpace(v))
	return err == nil && b
}

// addLocalDirArgs adds the folders given as serve's arguments: they count
// as --local-dir, so they join the flags and replace the environment's.
func (c *Config) addLocalDirArgs(dirs []string) {
	if !c.LocalDirsFromFlag {
		c.LocalDirs = nil
	}
	c.LocalDirs = append(c.LocalDirs, dirs...)
	c.LocalDirsFromFlag = true
}
