package cmd

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// TestConfigurationDocCoversEverything keeps docs/configuration.md true to
// its promise: every command's flags and every environment variable the
// code reads are named there.
func TestConfigurationDocCoversEverything(t *testing.T) {
	doc, err := os.ReadFile("../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)

	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		check := func(f *pflag.Flag) {
			if f.Name == "help" || f.Name == "version" || f.Hidden {
				return
			}
			if !strings.Contains(text, "--"+f.Name) {
				t.Errorf("flag --%s of `%s` is not in docs/configuration.md", f.Name, c.CommandPath())
			}
		}
		c.LocalFlags().VisitAll(check)
		c.PersistentFlags().VisitAll(check)
		for _, sub := range c.Commands() {
			if sub.Name() == "help" || sub.Name() == "completion" {
				continue
			}
			if !documented(text, c.CommandPath(), sub.Name()) {
				t.Errorf("command %s %s is not in docs/configuration.md", c.CommandPath(), sub.Name())
			}
			walk(sub)
		}
	}
	walk(NewRootCmd(&App{}))

	env := regexp.MustCompile(`"((?:NEXTCLOUD|TOKEN_ENCRYPTION|ENABLE_TOKEN)_[A-Z0-9_]+)"`)
	for _, dir := range []string{".", "../auth", "../tools", "../index", "../localfs"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range env.FindAllStringSubmatch(string(src), -1) {
				if !strings.Contains(text, m[1]) {
					t.Errorf("environment variable %s (read in %s) is not in docs/configuration.md", m[1], f)
				}
			}
		}
	}
}

// documented reports whether a line of the doc that names the parent
// command also names the subcommand, e.g. "nextcloud-mcp index status|add".
func documented(text, parent, sub string) bool {
	for _, line := range strings.Split(text, "\n") {
		if i := strings.Index(line, parent+" "); i >= 0 && strings.Contains(line[i:], sub) {
			return true
		}
	}
	return false
}
