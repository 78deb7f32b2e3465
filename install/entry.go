package install

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// DefaultName is the key our entry gets in the client's server map.
const DefaultName = "nextcloud"

// Entry is what a client needs to start the server.
type Entry struct {
	Command string
	Args    []string
	Env     map[string]string
}

// NewEntry builds the entry for binary: `<binary> serve <extra...>`.
func NewEntry(binary string, extra []string, env map[string]string) Entry {
	args := append([]string{"serve"}, extra...)
	e := Entry{Command: binary, Args: args, Env: map[string]string{}}
	for k, v := range env {
		e.Env[k] = v
	}
	return e
}

// render returns the entry as the client wants it, as an ordered JSON
// object: type/source first (when the client has one), then command, args, env.
func (c Client) render(e Entry) orderedObject {
	var o orderedObject
	if c.source != "" {
		o = append(o, kv{"source", c.source})
	}
	if c.entryType != "" {
		o = append(o, kv{"type", c.entryType})
	}
	args := e.Args
	if args == nil {
		args = []string{}
	}
	env := e.Env
	if env == nil {
		env = map[string]string{}
	}
	return append(o, kv{"command", e.Command}, kv{"args", args}, kv{"env", env})
}

type kv struct {
	key string
	val any
}

// orderedObject marshals its keys in order (maps would sort them).
type orderedObject []kv

// marshalIndent renders o the way json.MarshalIndent would, keeping order.
func (o orderedObject) marshalIndent(prefix, indent string) ([]byte, error) {
	var b strings.Builder
	b.WriteString("{")
	for i, f := range o {
		if i > 0 {
			b.WriteString(",")
		}
		if indent != "" {
			b.WriteString("\n" + prefix + indent)
		}
		k, _ := json.Marshal(f.key)
		b.Write(k)
		b.WriteString(":")
		if indent != "" {
			b.WriteString(" ")
		}
		var v []byte
		var err error
		switch val := f.val.(type) {
		case orderedObject:
			v, err = val.marshalIndent(prefix+indent, indent)
		default:
			if indent == "" {
				v, err = json.Marshal(val)
			} else {
				v, err = json.MarshalIndent(val, prefix+indent, indent)
			}
		}
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	if indent != "" && len(o) > 0 {
		b.WriteString("\n" + prefix)
	}
	b.WriteString("}")
	return []byte(b.String()), nil
}

// secretWords are the parts of an environment variable name that mark it as
// a secret. Client config files are plain text, so such values never go there.
var secretWords = []string{"PASSWORD", "PASSWD", "TOKEN", "SECRET", "KEY", "CREDENTIAL"}

// ParseEnv turns K=V pairs into a map, refusing secret-looking names.
func ParseEnv(pairs []string) (map[string]string, error) {
	env := map[string]string{}
	for _, p := range pairs {
		k, v, ok := strings.Cut(p, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, fmt.Errorf("--env %q: use KEY=VALUE, e.g. --env NEXTCLOUD_HOST=https://cloud.example.com", p)
		}
		upper := strings.ToUpper(k)
		for _, w := range secretWords {
			if strings.Contains(upper, w) {
				return nil, fmt.Errorf("--env %s: refusing to write a variable whose name contains %s: client config files are plain text that other apps and backups can read. "+
					"Store credentials with `nextcloud-mcp login` instead (the app password is kept encrypted and the server finds it by itself)", k, w)
			}
		}
		env[k] = v
	}
	return env, nil
}

// SortedKeys returns m's keys in order, for stable output.
func SortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// ErrTemporaryBinary is returned when the running binary would vanish after
// this command (a `go run` build).
var ErrTemporaryBinary = errors.New("this binary lives in a temporary build directory")

// ExecutablePath returns the absolute, symlink-resolved path of the running
// binary, so the client keeps working when a package manager swaps links.
func ExecutablePath() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("find the running binary: %w", err)
	}
	return ResolveBinary(exe)
}

// ResolveBinary makes p absolute and resolves symlinks.
func ResolveBinary(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", fmt.Errorf("binary path %s: %w", p, err)
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", fmt.Errorf("resolve binary path %s: %w", abs, err)
	}
	return real, nil
}

// CheckNotTemporary refuses a binary that `go run` built into a go-build
// directory under the temp dir (or $GOTMPDIR): it is deleted when go run
// exits, and the client would then fail to start the server.
func CheckNotTemporary(binary string, tempDirs ...string) error {
	for _, tmp := range tempDirs {
		if tmp == "" {
			continue
		}
		for _, base := range []string{tmp, resolvedOrSame(tmp)} {
			rel, err := filepath.Rel(base, binary)
			if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
				continue
			}
			first := strings.SplitN(filepath.ToSlash(rel), "/", 2)[0]
			if strings.HasPrefix(first, "go-build") {
				return fmt.Errorf("%w (%s), which `go run` deletes when it exits. Install it first, then run install from the installed binary:\n"+
					"  go install github.com/nextcloud-mcp/nextcloud-mcp@latest   (then run: $(go env GOPATH)/bin/nextcloud-mcp install)\n"+
					"or\n"+
					"  go build -o ~/bin/nextcloud-mcp . && ~/bin/nextcloud-mcp install", ErrTemporaryBinary, binary)
			}
		}
	}
	return nil
}

func resolvedOrSame(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return p
}
