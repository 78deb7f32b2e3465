package cmd

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func envMap(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// runApp runs the CLI in-process and returns exit code, stdout and stderr.
func runApp(t *testing.T, env map[string]string, stdin string, args ...string) (int, string, string, *App) {
	t.Helper()
	var out, errb bytes.Buffer
	if env == nil {
		env = map[string]string{}
	}
	if _, ok := env["NEXTCLOUD_MCP_CONFIG_DIR"]; !ok {
		env["NEXTCLOUD_MCP_CONFIG_DIR"] = t.TempDir()
	}
	a := &App{In: strings.NewReader(stdin), Out: &out, Err: &errb, Getenv: envMap(env)}
	code := a.Run(context.Background(), args)
	return code, out.String(), errb.String(), a
}

func TestConfigPrecedence(t *testing.T) {
	tests := []struct {
		name  string
		env   map[string]string
		args  []string
		check func(t *testing.T, c *Config)
	}{
		{"defaults", nil, nil, func(t *testing.T, c *Config) {
			if c.AuthMode != "basic" || c.AuthModeSource != "default" || c.ReadOnly || c.Insecure || len(c.Toolsets) != 0 {
				t.Errorf("unexpected defaults: %+v", c)
			}
		}},
		{"env server", map[string]string{"NEXTCLOUD_HOST": "https://env.example"}, nil, func(t *testing.T, c *Config) {
			if c.ServerURL != "https://env.example" {
				t.Errorf("ServerURL = %q", c.ServerURL)
			}
		}},
		{"flag beats env", map[string]string{"NEXTCLOUD_HOST": "https://env.example", "NEXTCLOUD_MCP_READ_ONLY": "false", "NEXTCLOUD_MCP_TOOLSETS": "deck"},
			[]string{"--server", "https://flag.example", "--read-only", "--toolsets", "notes, Files"}, func(t *testing.T, c *Config) {
				if c.ServerURL != "https://flag.example" || !c.ReadOnly || strings.Join(c.Toolsets, ",") != "notes,files" {
					t.Errorf("flags did not win: %+v", c)
				}
			}},
		{"env read-only and toolsets", map[string]string{"NEXTCLOUD_MCP_READ_ONLY": "true", "NEXTCLOUD_MCP_TOOLSETS": "notes,files"}, nil, func(t *testing.T, c *Config) {
			if !c.ReadOnly || len(c.Toolsets) != 2 {
				t.Errorf("env not applied: %+v", c)
			}
		}},
		{"verify ssl false means insecure", map[string]string{"NEXTCLOUD_VERIFY_SSL": "false", "NEXTCLOUD_CA_BUNDLE": "/tmp/ca.pem"}, nil, func(t *testing.T, c *Config) {
			if !c.Insecure || c.CAFile != "/tmp/ca.pem" {
				t.Errorf("TLS env not applied: %+v", c)
			}
		}},
		{"token exchange switch", map[string]string{"ENABLE_TOKEN_EXCHANGE": "true"}, nil, func(t *testing.T, c *Config) {
			if c.AuthMode != "token-exchange" || c.AuthModeSource != "env" {
				t.Errorf("AuthMode = %q from %q", c.AuthMode, c.AuthModeSource)
			}
		}},
		{"auth mode flag beats env", map[string]string{"NEXTCLOUD_MCP_AUTH_MODE": "oauth"}, []string{"--auth-mode", "basic"}, func(t *testing.T, c *Config) {
			if c.AuthMode != "basic" || c.AuthModeSource != "flag" {
				t.Errorf("AuthMode = %q from %q", c.AuthMode, c.AuthModeSource)
			}
		}},
		{"env credentials", map[string]string{"NEXTCLOUD_USERNAME": "u", "NEXTCLOUD_PASSWORD": "p"}, nil, func(t *testing.T, c *Config) {
			if !c.HasEnvCredentials() {
				t.Error("env credentials not seen")
			}
		}},
		{"config dir env", map[string]string{"NEXTCLOUD_MCP_CONFIG_DIR": "/tmp/ncmcp-conf"}, nil, func(t *testing.T, c *Config) {
			if c.ConfigDir != "/tmp/ncmcp-conf" {
				t.Errorf("ConfigDir = %q", c.ConfigDir)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// `completion bash` runs the persistent pre-run (config resolution) without serving.
			code, _, stderr, a := runApp(t, tt.env, "", append(tt.args, "completion", "bash")...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			tt.check(t, a.Config())
		})
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{"no-such-command"},
		{"--no-such-flag"},
		{"--auth-mode", "magic", "completion", "bash"},
		{"--log-level", "loud", "completion", "bash"},
		{"serve", "extra-arg"},
	} {
		code, _, stderr, _ := runApp(t, nil, "", args...)
		if code != ExitUsage {
			t.Errorf("%v: exit %d, want %d (stderr %q)", args, code, ExitUsage, stderr)
		}
		if !strings.Contains(stderr, "Error:") {
			t.Errorf("%v: stderr does not explain: %q", args, stderr)
		}
	}
	code, _, stderr, _ := runApp(t, map[string]string{"NEXTCLOUD_VERIFY_SSL": "maybe"}, "", "completion", "bash")
	if code != ExitUsage || !strings.Contains(stderr, "NEXTCLOUD_VERIFY_SSL") {
		t.Errorf("bad boolean env: exit %d, %q", code, stderr)
	}
}

func TestVersionFlag(t *testing.T) {
	code, out, _, _ := runApp(t, nil, "", "--version")
	if code != 0 || !strings.HasPrefix(out, "nextcloud-mcp ") || !strings.Contains(out, "commit") {
		t.Fatalf("exit %d, output %q", code, out)
	}
}

func TestCompletionCommand(t *testing.T) {
	code, out, _, _ := runApp(t, nil, "", "completion", "zsh")
	if code != 0 || !strings.Contains(out, "nextcloud-mcp") {
		t.Fatalf("exit %d, output starts %q", code, out[:min(len(out), 80)])
	}
}
