package cmd

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

const noDBusChildEnv = "NEXTCLOUD_MCP_TEST_NODBUS_CHILD"

// TestLoginWithoutDBusNeedsEnvKey runs `login` in a child process that has
// no D-Bus session, so the real OS keyring is unreachable: the login must
// fail naming TOKEN_ENCRYPTION_KEY, and succeed once that is set.
func TestLoginWithoutDBusNeedsEnvKey(t *testing.T) {
	if os.Getenv(noDBusChildEnv) != "" {
		runNoDBusChild()
		return
	}
	fake := ncfake.New(ncfake.Options{})
	ts := fake.Start()
	defer ts.Close()
	dir := filepath.Join(t.TempDir(), "cfg")
	run := func(extra ...string) (string, string) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestLoginWithoutDBusNeedsEnvKey$", "-test.count=1")
		var env []string
		for _, kv := range os.Environ() {
			k, _, _ := strings.Cut(kv, "=")
			switch k {
			case "DBUS_SESSION_BUS_ADDRESS", "TOKEN_ENCRYPTION_KEY", "NEXTCLOUD_USERNAME", "NEXTCLOUD_PASSWORD", "DISPLAY", "WAYLAND_DISPLAY":
				continue
			}
			env = append(env, kv)
		}
		cmd.Env = append(env, append([]string{noDBusChildEnv + "=1", "NEXTCLOUD_MCP_CONFIG_DIR=" + dir, "NEXTCLOUD_HOST=" + ts.URL}, extra...)...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("child test failed: %v\n%s", err, out)
		}
		s := string(out)
		code, rest, _ := strings.Cut(s[strings.Index(s, "CHILD-EXIT=")+len("CHILD-EXIT="):], "\n")
		return code, rest
	}
	code, out := run()
	if code == "0" || !strings.Contains(out, "TOKEN_ENCRYPTION_KEY") {
		t.Fatalf("without D-Bus: exit %s, output %q", code, out)
	}
	key := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0x5a}, 32))
	code, out = run("TOKEN_ENCRYPTION_KEY=" + key)
	if code != "0" || !strings.Contains(out, "Logged in to "+ts.URL+" as Alice (alice)") {
		t.Fatalf("with TOKEN_ENCRYPTION_KEY: exit %s, output %q", code, out)
	}
}

func runNoDBusChild() {
	var out, errb bytes.Buffer
	a := &App{In: strings.NewReader("alice-app-password\n"), Out: &out, Err: &errb, Getenv: os.Getenv}
	code := a.Run(context.Background(), []string{"login", "--user", "alice", "--app-password-stdin"})
	fmt.Printf("CHILD-EXIT=%d\n%s%s\n", code, out.String(), errb.String())
}
