package install

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// HostCommand is the process an MCPB host starts for a bundle.
type HostCommand struct {
	Command string
	Args    []string
	Env     map[string]string
}

// placeholder is one ${name} in a manifest string.
var placeholder = regexp.MustCompile(`\$\{([^}]+)\}`)

// HostConfig resolves the manifest for the user's answers as the reference
// host code does (getMcpConfigForManifest in @anthropic-ai/mcpb): the platform's override replaces the command;
// defaults fill unanswered options; booleans become "true" or "false"; a
// list expands into several args only where a whole args item is its
// placeholder, and stays the literal placeholder anywhere else, as an
// unknown name does. It lets tests prove what the server receives.
func HostConfig(m Manifest, platform, dirname string, answers map[string]any) (HostCommand, error) {
	vars := map[string]any{"__dirname": dirname}
	for key, o := range m.UserConfig {
		v, ok := answers[key]
		if !ok {
			v = o.Default
		}
		if o.Required && (v == nil || v == "") {
			return HostCommand{}, fmt.Errorf("user_config.%s is required", key)
		}
		switch t := v.(type) {
		case nil:
		case bool:
			vars["user_config."+key] = fmt.Sprint(t)
		case []string:
			vars["user_config."+key] = slices.Clone(t)
		case []any:
			list := []string{}
			for _, e := range t {
				list = append(list, fmt.Sprint(e))
			}
			vars["user_config."+key] = list
		default:
			vars["user_config."+key] = fmt.Sprint(t)
		}
	}
	cfg := m.Server.MCPConfig
	out := HostCommand{Command: substitute(cfg.Command, vars), Env: map[string]string{}}
	if o, ok := cfg.PlatformOverrides[platform]; ok && o.Command != "" {
		out.Command = substitute(o.Command, vars)
	}
	for _, a := range cfg.Args {
		if sub := placeholder.FindStringSubmatch(a); sub != nil && sub[0] == a {
			switch v := vars[sub[1]].(type) {
			case []string:
				out.Args = append(out.Args, v...)
			case string:
				if v == "" {
					// The reference code tests the value's truth: an empty
					// one leaves the placeholder as it was.
					out.Args = append(out.Args, a)
				} else {
					out.Args = append(out.Args, v)
				}
			default:
				out.Args = append(out.Args, a)
			}
			continue
		}
		out.Args = append(out.Args, substitute(a, vars))
	}
	for k, v := range cfg.Env {
		out.Env[k] = substitute(v, vars)
	}
	return out, nil
}

// substitute replaces the placeholders of known single values.
func substitute(s string, vars map[string]any) string {
	return placeholder.ReplaceAllStringFunc(s, func(p string) string {
		if v, ok := vars[strings.TrimSuffix(strings.TrimPrefix(p, "${"), "}")].(string); ok {
			return v
		}
		return p
	})
}
