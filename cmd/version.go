package cmd

import (
	"fmt"
	"runtime/debug"
)

// Set by the linker: -ldflags "-X github.com/nextcloud-mcp/nextcloud-mcp/cmd.version=v1.0.0 ...".
// They are constants in spirit: nothing assigns them at run time.
var (
	version = ""
	commit  = ""
	date    = ""
)

// BuildInfo describes the running binary.
type BuildInfo struct {
	Version string
	Commit  string
	Date    string
}

// Build returns version, commit and date, falling back to the module and VCS data
// that a plain `go build` or `go install` embeds.
func Build() BuildInfo {
	b := BuildInfo{Version: version, Commit: commit, Date: date}
	if info, ok := debug.ReadBuildInfo(); ok {
		if b.Version == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			b.Version = info.Main.Version
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				if b.Commit == "" {
					b.Commit = s.Value
				}
			case "vcs.time":
				if b.Date == "" {
					b.Date = s.Value
				}
			}
		}
	}
	if b.Version == "" {
		b.Version = "dev"
	}
	if b.Commit == "" {
		b.Commit = "unknown"
	}
	if b.Date == "" {
		b.Date = "unknown"
	}
	return b
}

func (b BuildInfo) String() string {
	return fmt.Sprintf("nextcloud-mcp %s (commit %s, built %s)", b.Version, b.Commit, b.Date)
}
