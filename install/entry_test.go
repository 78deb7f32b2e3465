package install

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseEnvRefusesSecrets(t *testing.T) {
	for _, k := range []string{"NEXTCLOUD_PASSWORD", "nextcloud_password", "GITHUB_TOKEN", "CLIENT_SECRET", "TOKEN_ENCRYPTION_KEY", "API_KEY"} {
		_, err := ParseEnv([]string{k + "=hunter2"})
		if err == nil {
			t.Errorf("%s accepted", k)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, "nextcloud-mcp login") || !strings.Contains(msg, "plain text") {
			t.Errorf("%s: message should say why and what to do: %s", k, msg)
		}
		if strings.Contains(msg, "hunter2") {
			t.Errorf("%s: the value leaked into the error: %s", k, msg)
		}
	}
	env, err := ParseEnv([]string{"NEXTCLOUD_HOST=https://cloud.example.com", "NEXTCLOUD_MCP_LOG_LEVEL=debug", "EMPTY="})
	if err != nil || env["NEXTCLOUD_HOST"] != "https://cloud.example.com" || len(env) != 3 {
		t.Errorf("%v %v", env, err)
	}
	for _, bad := range []string{"NOEQUALS", "=value"} {
		if _, err := ParseEnv([]string{bad}); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestCheckNotTemporary(t *testing.T) {
	tmp := t.TempDir()
	goRun := filepath.Join(tmp, "go-build123456", "b001", "exe", "nextcloud-mcp")
	err := CheckNotTemporary(goRun, tmp)
	if !errors.Is(err, ErrTemporaryBinary) {
		t.Fatalf("go run binary accepted: %v", err)
	}
	for _, want := range []string{"go install github.com/nextcloud-mcp/nextcloud-mcp@latest", "go build -o ~/bin/nextcloud-mcp ."} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message lacks %q: %v", want, err)
		}
	}
	for _, ok := range []string{filepath.Join(tmp, "mybin", "nextcloud-mcp"), "/usr/local/bin/nextcloud-mcp", tmp + "-go-build/x"} {
		if err := CheckNotTemporary(ok, tmp, ""); err != nil {
			t.Errorf("%s refused: %v", ok, err)
		}
	}
}

func TestResolveBinaryFollowsSymlinks(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "Cellar", "nextcloud-mcp")
	os.MkdirAll(filepath.Dir(real), 0o755)
	os.WriteFile(real, []byte("bin"), 0o755)
	link := filepath.Join(dir, "nextcloud-mcp")
	if err := os.Symlink(real, link); err != nil {
		t.Skip(err)
	}
	got, err := ResolveBinary(link)
	want, _ := filepath.EvalSymlinks(real)
	if err != nil || got != want {
		t.Errorf("got %s, %v; want %s", got, err, want)
	}
	if !filepath.IsAbs(got) {
		t.Error("not absolute")
	}
}
