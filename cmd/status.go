package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/nextcloud-mcp/nextcloud-mcp/auth"
	"github.com/nextcloud-mcp/nextcloud-mcp/install"
	"github.com/nextcloud-mcp/nextcloud-mcp/localfs"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/store"
	"github.com/nextcloud-mcp/nextcloud-mcp/tools"
)

// statusReport is what `status` finds; --json prints it as is. It never
// holds a secret or the key.
type statusReport struct {
	Version        string                 `json:"version"`
	ConfigDir      string                 `json:"config_dir"`
	Database       databaseStatus         `json:"database"`
	Keyring        keyringStatus          `json:"keyring"`
	DefaultAccount *accountStatus         `json:"default_account,omitempty"`
	Accounts       int                    `json:"accounts"`
	Auth           authStatus             `json:"auth"`
	OAuth          *oauthStatus           `json:"oauth,omitempty"`
	Server         *serverStatus          `json:"server,omitempty"`
	Toolsets       []string               `json:"toolsets,omitempty"`
	Selection      *selectionStatus       `json:"selection,omitempty"`
	ContextCost    *contextCost           `json:"context_cost,omitempty"`
	LocalDirs      []string               `json:"local_dirs"`
	Clients        []install.ClientStatus `json:"clients"`
	Problems       []*statusProblem       `json:"problems"`
	OK             bool                   `json:"ok"`
}

type databaseStatus struct {
	Path          string `json:"path"`
	Exists        bool   `json:"exists"`
	SchemaVersion int    `json:"schema_version,omitempty"`
	Error         string `json:"error,omitempty"`
}

type keyringStatus struct {
	// Source is "env" (TOKEN_ENCRYPTION_KEY) or "keyring" (the OS keyring).
	Source string `json:"source"`
	// Works is true when the key can be had (the keyring answers or the env key is valid).
	Works bool `json:"works"`
	// HasKey is true when a key exists already (it is created on first login).
	HasKey bool `json:"has_key"`
	// OpensSecrets is set when there are stored secrets to try the key on.
	OpensSecrets *bool  `json:"opens_secrets,omitempty"`
	Error        string `json:"error,omitempty"`
}

type accountStatus struct {
	Server      string    `json:"server"`
	Login       string    `json:"login"`
	DisplayName string    `json:"display_name"`
	Kind        string    `json:"kind"`
	VerifiedAt  time.Time `json:"verified_at,omitzero"`
}

type authStatus struct {
	Mode string `json:"mode"`
	// ModeSource is where the mode came from: "flag", "env" or "default".
	ModeSource string `json:"mode_source"`
	// Credential is where serve takes the credential from: "env", "login" or "none".
	Credential string `json:"credential"`
}

type serverStatus struct {
	URL         string  `json:"url"`
	Reachable   bool    `json:"reachable"`
	Version     string  `json:"version,omitempty"`
	LatencyMS   float64 `json:"latency_ms"`
	User        string  `json:"user,omitempty"`
	DisplayName string  `json:"display_name,omitempty"`
	Error       string  `json:"error,omitempty"`
}

type statusProblem struct {
	Problem string `json:"problem"`
	Fix     string `json:"fix"`
	code    int
}

func (r *statusReport) problem(code int, problem, fix string) {
	r.Problems = append(r.Problems, &statusProblem{Problem: problem, Fix: fix, code: code})
}

func newStatusCmd(a *App) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "status",
		Aliases: []string{"doctor"},
		Short:   "Show configuration, stored login, keyring and server reachability",
		Long: "Check everything serve needs: the config directory, the credential store and its\n" +
			"encryption key (never shown), the account and auth mode in effect, whether the server\n" +
			"answers and accepts the credential, and which toolsets its apps enable. Exits non-zero\n" +
			"with a fix for each problem (4 when the credential is missing or rejected).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r := a.collectStatus(cmd.Context())
			if asJSON {
				enc := json.NewEncoder(a.Out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(r); err != nil {
					return err
				}
			} else {
				printStatus(a.Out, r)
			}
			return r.exitError()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	return cmd
}

func (r *statusReport) exitError() error {
	if len(r.Problems) == 0 {
		return nil
	}
	code := ExitFailure
	for _, p := range r.Problems {
		if p.code == ExitAuth {
			code = ExitAuth
		}
	}
	noun := "problem"
	if len(r.Problems) > 1 {
		noun = "problems"
	}
	return &ExitError{Code: code, Err: fmt.Errorf("status found %d %s; see the fixes above", len(r.Problems), noun)}
}

func (a *App) collectStatus(ctx context.Context) *statusReport {
	cfg := a.cfg
	r := &statusReport{Version: Build().Version, ConfigDir: cfg.ConfigDir, Problems: []*statusProblem{}}
	r.Database.Path = filepath.Join(cfg.ConfigDir, store.FileName)
	r.Auth = authStatus{Mode: cfg.AuthMode, ModeSource: cfg.AuthModeSource, Credential: "none"}
	keys := keySource(cfg, a.Keyring)
	r.Keyring.Source = keys.Source()

	var st *store.Store
	if _, err := os.Stat(r.Database.Path); err == nil {
		r.Database.Exists = true
		opener := storeOpener(cfg, a.Keyring)
		defer opener.Close()
		if st, err = opener.Open(ctx); err != nil {
			r.Database.Error = err.Error()
			r.problem(ExitFailure, "The credential store cannot be opened: "+err.Error(), "Fix the file or directory as the message says, or move the file away and run `nextcloud-mcp login` again.")
			st = nil
		}
	}
	if st != nil {
		r.Database.SchemaVersion, _ = st.SchemaVersion(ctx)
		if accts, err := st.Accounts(ctx); err == nil {
			r.Accounts = len(accts)
		}
		if def, ok, err := st.DefaultAccount(ctx); err == nil && ok {
			r.DefaultAccount = &accountStatus{Server: def.ServerURL, Login: def.Login, DisplayName: def.DisplayName, Kind: def.Kind, VerifiedAt: def.VerifiedAt}
		}
	}

	usesStore := !cfg.HasEnvCredentials()
	found, kerr := keys.Check(ctx)
	r.Keyring.Works, r.Keyring.HasKey = kerr == nil, found
	if kerr != nil {
		r.Keyring.Error = kerr.Error()
		if usesStore {
			fix := "Start a Secret Service (gnome-keyring, KeePassXC) in your session, or set TOKEN_ENCRYPTION_KEY to a base64 32-byte key (`openssl rand -base64 32`)."
			if keys.Source() == auth.KeySourceEnv {
				fix = "Set TOKEN_ENCRYPTION_KEY to a base64-encoded 32-byte key, e.g. the output of `openssl rand -base64 32`."
			}
			r.problem(ExitFailure, "The store's encryption key is not available: "+kerr.Error(), fix)
		}
	} else if st != nil && r.Accounts > 0 && found {
		err := st.VerifyKey(ctx)
		opens := err == nil
		r.Keyring.OpensSecrets = &opens
		if !opens {
			r.problem(ExitAuth, "The encryption key does not open the stored credentials (the key or keyring changed).",
				"Restore the old key, or run `nextcloud-mcp logout --all` to reset the store and then `nextcloud-mcp login` again.")
		}
	} else if st != nil && r.Accounts > 0 && !found {
		no := false
		r.Keyring.OpensSecrets = &no
		r.problem(ExitAuth, "Credentials are stored but their encryption key is gone from the keyring.",
			"Set TOKEN_ENCRYPTION_KEY to the key they were sealed with, or run `nextcloud-mcp logout --all` and `nextcloud-mcp login` again.")
	}

	serverURL := cfg.ServerURL
	switch {
	case cfg.AuthMode != auth.ModeBasic:
		serverURL = a.oauthCredentialStatus(ctx, r, st)
	case cfg.HasEnvCredentials():
		r.Auth.Credential = "env"
		if serverURL == "" {
			r.problem(ExitAuth, "NEXTCLOUD_USERNAME and NEXTCLOUD_PASSWORD are set but NEXTCLOUD_HOST is not.", "Set NEXTCLOUD_HOST to your server URL, e.g. https://cloud.example.com.")
		}
	case r.DefaultAccount != nil:
		r.Auth.Credential = "login"
		serverURL = r.DefaultAccount.Server
	default:
		r.problem(ExitAuth, "Not logged in: serve has no credential to use.", "Run `nextcloud-mcp login https://your.cloud` (or set NEXTCLOUD_HOST, NEXTCLOUD_USERNAME and NEXTCLOUD_PASSWORD).")
	}
	if serverURL != "" {
		a.checkServer(ctx, r, serverURL)
	}
	a.localDirsStatus(r)
	a.selectionStatusOf(r)
	r.ContextCost = a.contextCostOf(r.Toolsets)
	r.Clients = a.clientEntries()
	r.OK = len(r.Problems) == 0
	return r
}

// checkServer times one anonymous call (status.php, which carries the
// version), then checks the credential and the apps with it.
func (a *App) checkServer(ctx context.Context, r *statusReport, serverURL string) {
	cfg := a.cfg
	r.Server = &serverStatus{URL: serverURL}
	anon, err := clientOptions(cfg).NewClient(serverURL, nil)
	if err != nil {
		r.Server.Error = err.Error()
		r.problem(ExitFailure, "The server URL is not usable: "+err.Error(), "Fix NEXTCLOUD_HOST / --server, or run `nextcloud-mcp login` with the right URL.")
		return
	}
	cctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	start := time.Now()
	_, body, err := anon.Call(cctx, &nextcloud.Request{Method: http.MethodGet, Path: "/status.php", API: nextcloud.APIAnon})
	if err != nil {
		r.Server.Error = err.Error()
		r.problem(ExitFailure, fmt.Sprintf("Cannot reach %s: %v", serverURL, err), "Check that the server is running and the URL is right, and your network or VPN; then run `nextcloud-mcp status` again.")
		return
	}
	r.Server.LatencyMS = float64(time.Since(start).Microseconds()) / 1000
	r.Server.Reachable = true
	var sp struct {
		VersionString string `json:"versionstring"`
		Maintenance   bool   `json:"maintenance"`
	}
	if json.Unmarshal(body, &sp) == nil {
		r.Server.Version = sp.VersionString
		if sp.Maintenance {
			r.problem(ExitFailure, "The server is in maintenance mode.", "Wait until the admin finishes maintenance.")
		}
	}
	if r.Auth.Credential == "none" {
		return
	}
	f, err := buildFactory(cctx, cfg, nil, withKeyring(a.Keyring))
	if err != nil {
		r.problem(ExitFailure, err.Error(), "Check the configuration.")
		return
	}
	c, err := f.Client(cctx)
	if err != nil {
		// The key problems are reported above already.
		if !errors.Is(err, store.ErrKeyMismatch) && !errors.Is(err, auth.ErrKeyringUnavailable) {
			r.problem(ExitAuth, "No usable credential: "+err.Error(), "Run `nextcloud-mcp login` again.")
		}
		return
	}
	u, err := c.CurrentUser(cctx)
	if err != nil {
		r.Server.Error = err.Error()
		if a.oauthCheckFailed(r, err) {
			return
		}
		if errors.Is(err, nextcloud.ErrUnauthorized) {
			fix := "Run `nextcloud-mcp login " + serverURL + "` again: the app password was revoked or changed."
			if r.Auth.Credential == "env" {
				fix = "Fix NEXTCLOUD_USERNAME / NEXTCLOUD_PASSWORD (use an app password from Settings → Security)."
			}
			r.problem(ExitAuth, "The server rejected the credential (HTTP 401).", fix)
			return
		}
		r.problem(ExitFailure, "Signing in failed: "+err.Error(), "Try again; if it persists, check the server's log.")
		return
	}
	r.Server.User, r.Server.DisplayName = u.ID, u.DisplayName
	caps, err := c.Capabilities(cctx)
	if err != nil {
		return
	}
	roots, _ := localfs.New(cfg.LocalDirs)
	defer roots.Close()
	for _, ts := range tools.All(&tools.Deps{Factory: f, LocalRoots: roots}) {
		if len(ts.Tools) == 0 {
			continue
		}
		if ts.Available == nil || ts.Available(cctx, c, caps) {
			r.Toolsets = append(r.Toolsets, ts.Name)
		}
	}
}

func printStatus(w io.Writer, r *statusReport) {
	line := func(label, format string, args ...any) {
		fmt.Fprintf(w, "%-17s%s\n", label+":", fmt.Sprintf(format, args...))
	}
	fmt.Fprintf(w, "nextcloud-mcp %s\n", r.Version)
	line("Config dir", "%s", r.ConfigDir)
	switch {
	case r.Database.Error != "":
		line("Database", "%s (cannot be opened)", r.Database.Path)
	case r.Database.Exists:
		line("Database", "%s (schema %d)", r.Database.Path, r.Database.SchemaVersion)
	default:
		line("Database", "%s (not created yet: `nextcloud-mcp login` creates it)", r.Database.Path)
	}
	from := "OS keyring"
	if r.Keyring.Source == auth.KeySourceEnv {
		from = "TOKEN_ENCRYPTION_KEY"
	}
	switch {
	case !r.Keyring.Works:
		line("Encryption key", "%s, not working", from)
	case r.Keyring.OpensSecrets != nil && !*r.Keyring.OpensSecrets:
		line("Encryption key", "%s, does not open the stored credentials", from)
	case r.Keyring.HasKey:
		line("Encryption key", "%s, working", from)
	default:
		line("Encryption key", "%s, working (a key is created at the first login)", from)
	}
	if d := r.DefaultAccount; d != nil {
		line("Default account", "%s at %s (%s)", d.Login, d.Server, d.DisplayName)
	} else {
		line("Default account", "none")
	}
	cred := map[string]string{"env": "from NEXTCLOUD_USERNAME/NEXTCLOUD_PASSWORD", "login": "from `nextcloud-mcp login`", "none": "none"}[r.Auth.Credential]
	line("Auth", "%s (mode from %s), credential %s", r.Auth.Mode, r.Auth.ModeSource, cred)
	printOAuthStatus(line, r.OAuth)
	if s := r.Server; s != nil {
		if s.Reachable {
			line("Server", "%s: Nextcloud %s, answered in %s", s.URL, s.Version, time.Duration(s.LatencyMS*float64(time.Millisecond)).Round(100*time.Microsecond))
		} else {
			line("Server", "%s: unreachable", s.URL)
		}
		if s.User != "" {
			line("Signed in as", "%s (%s)", s.DisplayName, s.User)
		}
	}
	if len(r.Toolsets) > 0 {
		line("Toolsets", "%s", strings.Join(r.Toolsets, ", "))
	}
	printSelection(line, r.Selection)
	if r.ContextCost != nil {
		line("Context cost", "%s", r.ContextCost)
	}
	if len(r.LocalDirs) > 0 {
		line("Local folders", "%s (file transfers on)", strings.Join(r.LocalDirs, ", "))
	} else {
		line("Local folders", "none, so the file transfer tools are off (enable with --local-dir DIR, NEXTCLOUD_MCP_LOCAL_DIRS or `nextcloud-mcp install --local-dir DIR`)")
	}
	printClients(line, r.Clients)
	fmt.Fprintln(w)
	if len(r.Problems) == 0 {
		fmt.Fprintln(w, "Everything works.")
		return
	}
	fmt.Fprintln(w, "Problems:")
	for _, p := range r.Problems {
		fmt.Fprintf(w, "  ✗ %s\n    Fix: %s\n", p.Problem, p.Fix)
	}
}

// localDirsStatus lists the allowed local folders, and reports a
// configured folder that serve would refuse to start with.
func (a *App) localDirsStatus(r *statusReport) {
	r.LocalDirs = []string{}
	roots, err := localfs.New(a.cfg.LocalDirs)
	if err != nil {
		r.problem(ExitFailure, "A local folder for file transfers is not usable: "+err.Error(),
			"Fix or remove it in --local-dir / NEXTCLOUD_MCP_LOCAL_DIRS (or the client entry `install --local-dir` wrote).")
		return
	}
	defer roots.Close()
	r.LocalDirs = append(r.LocalDirs, roots.Dirs()...)
}

// clientEntries reports which MCP clients have our entry and whether it
// points at this binary. It reads config files only.
func (a *App) clientEntries() []install.ClientStatus {
	env, err := install.SystemEnv(a.Getenv)
	if err != nil {
		return []install.ClientStatus{}
	}
	self, _ := install.ExecutablePath()
	return install.Report(env, self, install.DefaultName)
}

func printClients(line func(label, format string, args ...any), clients []install.ClientStatus) {
	var parts []string
	for _, c := range clients {
		switch {
		case c.Error != "":
			parts = append(parts, c.Name+": config unreadable ("+c.Error+")")
		case !c.HasEntry:
			continue
		case c.PointsHere:
			parts = append(parts, c.Name+": installed")
		default:
			parts = append(parts, c.Name+": installed, but runs "+c.Command+" (run `nextcloud-mcp install` to point it here)")
		}
	}
	if len(parts) == 0 {
		line("Clients", "none has nextcloud-mcp (run `nextcloud-mcp install`)")
		return
	}
	line("Clients", "%s", strings.Join(parts, "; "))
}
