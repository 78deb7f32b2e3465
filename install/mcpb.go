package install

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// MCPB bundles (manifest spec 0.3, github.com/modelcontextprotocol/mcpb) are
// zip files Claude Desktop installs with a double click. Ours holds the
// manifest and this one binary: a bundle is per platform.

// ManifestVersion is the MCPB manifest spec the bundle conforms to.
const ManifestVersion = "0.3"

// BundleOptions describes the bundle to build.
type BundleOptions struct {
	// Binary is the executable to pack.
	Binary string
	// Platform is the MCPB platform the binary runs on: darwin, win32 or linux.
	Platform string
	// Version is the bundle version; a leading "v" is dropped and anything
	// that is not semver becomes 0.0.0-dev.
	Version string
}

// PlatformFor maps a GOOS to an MCPB platform name.
func PlatformFor(goos string) (string, error) {
	switch goos {
	case "darwin", "linux":
		return goos, nil
	case "windows":
		return "win32", nil
	}
	return "", fmt.Errorf("MCPB bundles support macOS, Windows and Linux, not %s", goos)
}

const (
	bundleBinary = "nextcloud-mcp"
	serverDir    = "server"
)

// Manifest is the subset of the MCPB 0.3 manifest this project uses.
type Manifest struct {
	ManifestVersion string                `json:"manifest_version"`
	Name            string                `json:"name"`
	DisplayName     string                `json:"display_name"`
	Version         string                `json:"version"`
	Description     string                `json:"description"`
	LongDescription string                `json:"long_description"`
	Author          ManifestAuthor        `json:"author"`
	Repository      *ManifestRepository   `json:"repository,omitempty"`
	Homepage        string                `json:"homepage,omitempty"`
	Support         string                `json:"support,omitempty"`
	Server          ManifestServer        `json:"server"`
	ToolsGenerated  bool                  `json:"tools_generated"`
	Keywords        []string              `json:"keywords,omitempty"`
	License         string                `json:"license,omitempty"`
	Compatibility   ManifestCompatibility `json:"compatibility"`
	UserConfig      map[string]UserOption `json:"user_config"`
}

type ManifestAuthor struct {
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

type ManifestRepository struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

type ManifestServer struct {
	Type       string    `json:"type"`
	EntryPoint string    `json:"entry_point"`
	MCPConfig  MCPConfig `json:"mcp_config"`
}

type MCPConfig struct {
	Command           string                       `json:"command"`
	Args              []string                     `json:"args"`
	Env               map[string]string            `json:"env"`
	PlatformOverrides map[string]PlatformOverrides `json:"platform_overrides,omitempty"`
}

type PlatformOverrides struct {
	Command string `json:"command,omitempty"`
}

type ManifestCompatibility struct {
	Platforms []string `json:"platforms"`
}

// UserOption is one field Claude Desktop asks the user for at install time.
type UserOption struct {
	Type        string `json:"type"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Required    bool   `json:"required"`
	Sensitive   bool   `json:"sensitive,omitempty"`
	// Multiple lets a directory or file option hold several; hosts expand
	// the list only where a whole args item is its placeholder.
	Multiple bool `json:"multiple,omitempty"`
	// Default is a string, a bool or a []string, and is written even when
	// empty: without a default, an unanswered optional field would reach
	// the server as the literal text "${user_config.x}".
	Default any `json:"default,omitempty"`
}

// NewManifest returns the manifest for a bundle of opts.Platform.
func NewManifest(opts BundleOptions) (Manifest, error) {
	switch opts.Platform {
	case "darwin", "linux", "win32":
	default:
		return Manifest{}, fmt.Errorf("unknown MCPB platform %q: use darwin, win32 or linux", opts.Platform)
	}
	entry := serverDir + "/" + bundleBinary
	if opts.Platform == "win32" {
		entry += ".exe"
	}
	return Manifest{
		ManifestVersion: ManifestVersion,
		Name:            "nextcloud-mcp",
		DisplayName:     "Nextcloud",
		Version:         bundleVersion(opts.Version),
		Description:     "Your own Nextcloud in Claude: notes, files, calendar, contacts, Deck and more.",
		LongDescription: "Gives Claude safe access to your own Nextcloud: read and write notes, browse and edit files, " +
			"manage calendar events, contacts and Deck cards. Writes are conflict-safe, and the tools shown match the " +
			"apps your server has. Use an app password (Nextcloud: Settings → Security → Devices & sessions), never your " +
			"main password; or leave the credentials empty after running `nextcloud-mcp login` on this computer.",
		Author:     ManifestAuthor{Name: "nextcloud-mcp contributors", URL: "https://github.com/nextcloud-mcp/nextcloud-mcp"},
		Repository: &ManifestRepository{Type: "git", URL: "https://github.com/nextcloud-mcp/nextcloud-mcp.git"},
		Homepage:   "https://github.com/nextcloud-mcp/nextcloud-mcp",
		Support:    "https://github.com/nextcloud-mcp/nextcloud-mcp/issues",
		Server: ManifestServer{
			Type:       "binary",
			EntryPoint: entry,
			MCPConfig: MCPConfig{
				Command: "${__dirname}/" + serverDir + "/" + bundleBinary,
				// The local folders follow serve as arguments: a host expands a
				// list only into args, never inside an environment variable.
				Args: []string{"serve", "${user_config.local_dirs}"},
				Env: map[string]string{
					"NEXTCLOUD_HOST":          "${user_config.server_url}",
					"NEXTCLOUD_USERNAME":      "${user_config.username}",
					"NEXTCLOUD_PASSWORD":      "${user_config.app_password}",
					"NEXTCLOUD_MCP_CONFIRM":   "${user_config.confirm}",
					"NEXTCLOUD_MCP_READ_ONLY": "${user_config.read_only}",
					"NEXTCLOUD_MCP_LOCKDOWN":  "${user_config.lockdown}",
				},
				PlatformOverrides: map[string]PlatformOverrides{
					"win32": {Command: "${__dirname}/" + serverDir + "/" + bundleBinary + ".exe"},
				},
			},
		},
		// The tool list depends on which apps the user's server has.
		ToolsGenerated: true,
		Keywords:       []string{"nextcloud", "notes", "files", "webdav", "calendar", "contacts", "deck"},
		License:        "Apache-2.0",
		Compatibility:  ManifestCompatibility{Platforms: []string{opts.Platform}},
		UserConfig: map[string]UserOption{
			"server_url": {
				Type: "string", Title: "Nextcloud server URL",
				Description: "The address you open Nextcloud at, e.g. https://cloud.example.com",
				Required:    true,
			},
			"username": {
				Type: "string", Title: "Username",
				Description: "Your Nextcloud login name. Leave empty to use the login stored by `nextcloud-mcp login`.",
				Default:     "",
			},
			"app_password": {
				Type: "string", Title: "App password",
				Description: "An app password from Nextcloud → Settings → Security → Devices & sessions (not your main password). Kept in your system keychain.",
				Sensitive:   true,
				Default:     "",
			},
			"local_dirs": {
				Type: "directory", Title: "Local folders",
				Description: "Folders on this computer that files may be uploaded from and downloaded to. None: file transfers stay off.",
				Multiple:    true,
				Default:     []string{},
			},
			"confirm": {
				Type: "string", Title: "Confirm irreversible actions",
				Description: "auto (ask where Claude can), always (hide irreversible tools when it cannot ask) or never.",
				Default:     "auto",
			},
			"read_only": {
				Type: "boolean", Title: "Read-only",
				Description: "Offer only tools that change nothing.",
				Default:     false,
			},
			"lockdown": {
				Type: "boolean", Title: "Lockdown",
				Description: "Withhold text by guests, users of other servers and uploads through public links.",
				Default:     false,
			},
		},
	}, nil
}

// defaultFits reports whether a decoded default suits the option's type.
func defaultFits(o UserOption) bool {
	switch d := o.Default.(type) {
	case string:
		return !o.Multiple && o.Type != "boolean" && o.Type != "number"
	case bool:
		return o.Type == "boolean"
	case float64, int:
		return o.Type == "number"
	case []string:
		return o.Multiple
	case []any:
		for _, e := range d {
			if _, ok := e.(string); !ok {
				return false
			}
		}
		return o.Multiple
	}
	return false
}

var semverRE = regexp.MustCompile(`^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)

func bundleVersion(v string) string {
	v = strings.TrimPrefix(strings.TrimSpace(v), "v")
	if semverRE.MatchString(v) {
		return v
	}
	return "0.0.0-dev"
}

// CheckManifest is the Go-side structural check of a manifest: the fields
// and values the MCPB 0.3 schema requires of a binary bundle. The published
// schema itself is applied by `mcpb validate` in the tests.
func CheckManifest(raw []byte) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var m Manifest
	if err := dec.Decode(&m); err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	var problems []string
	need := func(ok bool, msg string) {
		if !ok {
			problems = append(problems, msg)
		}
	}
	need(m.ManifestVersion == ManifestVersion, "manifest_version must be "+ManifestVersion)
	need(m.Name != "", "name is required")
	need(semverRE.MatchString(m.Version), "version must be semver")
	need(m.Description != "", "description is required")
	need(m.Author.Name != "", "author.name is required")
	need(m.Server.Type == "binary", "server.type must be binary")
	need(strings.HasPrefix(m.Server.EntryPoint, serverDir+"/"), "server.entry_point must be inside server/")
	need(m.Server.MCPConfig.Command != "", "server.mcp_config.command is required")
	for p := range m.Server.MCPConfig.PlatformOverrides {
		need(p == "darwin" || p == "win32" || p == "linux", "unknown platform override "+p)
	}
	need(len(m.Compatibility.Platforms) > 0, "compatibility.platforms is required")
	for _, p := range m.Compatibility.Platforms {
		need(p == "darwin" || p == "win32" || p == "linux", "unknown platform "+p)
	}
	for key, o := range m.UserConfig {
		need(o.Type == "string" || o.Type == "number" || o.Type == "boolean" || o.Type == "directory" || o.Type == "file",
			"user_config."+key+".type is invalid")
		need(o.Title != "" && o.Description != "", "user_config."+key+" needs a title and a description")
		need(o.Required || o.Default != nil, "optional user_config."+key+" needs a default, or the placeholder reaches the server verbatim")
		need(!o.Multiple || o.Type == "directory" || o.Type == "file", "user_config."+key+": only directory and file options take multiple")
		need(o.Default == nil || defaultFits(o), "user_config."+key+".default does not fit its type")
	}
	// Every ${user_config.x} used must be declared; a list may only be a
	// whole args item, the one place hosts expand it.
	refs := regexp.MustCompile(`\$\{user_config\.([^}]+)\}`)
	check := func(where, v string, whole bool) {
		for _, ref := range refs.FindAllStringSubmatch(v, -1) {
			o, ok := m.UserConfig[ref[1]]
			need(ok, where+" uses undeclared user_config."+ref[1])
			need(!o.Multiple || (whole && v == ref[0]), where+" uses the list user_config."+ref[1]+" inside a string; only a whole args item expands")
		}
	}
	for k, v := range m.Server.MCPConfig.Env {
		check("env "+k, v, false)
	}
	for _, v := range m.Server.MCPConfig.Args {
		check("args", v, true)
	}
	if len(problems) > 0 {
		return errors.New("manifest: " + strings.Join(problems, "; "))
	}
	return nil
}

// WriteBundle writes the .mcpb zip for opts to w.
func WriteBundle(w io.Writer, opts BundleOptions) error {
	m, err := NewManifest(opts)
	if err != nil {
		return err
	}
	manifest, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("encode manifest: %w", err)
	}
	manifest = append(manifest, '\n')
	if err := CheckManifest(manifest); err != nil {
		return err
	}
	bin, err := os.Open(opts.Binary)
	if err != nil {
		return fmt.Errorf("open binary: %w", err)
	}
	defer bin.Close()
	info, err := bin.Stat()
	if err != nil {
		return fmt.Errorf("stat binary: %w", err)
	}

	zw := zip.NewWriter(w)
	modified := time.Now()
	mh := &zip.FileHeader{Name: "manifest.json", Method: zip.Deflate, Modified: modified}
	mh.SetMode(0o644)
	f, err := zw.CreateHeader(mh)
	if err != nil {
		return fmt.Errorf("add manifest: %w", err)
	}
	if _, err := f.Write(manifest); err != nil {
		return fmt.Errorf("add manifest: %w", err)
	}
	// The executable bit travels in the zip's Unix attributes; MCPB
	// unpackers restore it, so the host can start the binary.
	bh := &zip.FileHeader{Name: m.Server.EntryPoint, Method: zip.Deflate, Modified: info.ModTime()}
	bh.SetMode(0o755)
	f, err = zw.CreateHeader(bh)
	if err != nil {
		return fmt.Errorf("add binary: %w", err)
	}
	if _, err := io.Copy(f, bin); err != nil {
		return fmt.Errorf("add binary: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("finish bundle: %w", err)
	}
	return nil
}

// WriteBundleFile writes the bundle to path atomically.
func WriteBundleFile(path string, opts BundleOptions) error {
	var buf bytes.Buffer
	if err := WriteBundle(&buf, opts); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".nextcloud-mcp.mcpb.tmp-*")
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
