package main

import (
	"archive/tar"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// TestImageRoundTrip builds an image from a stand-in binary, writes it,
// reads the tarball back and checks what a container runtime would run.
func TestImageRoundTrip(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "nextcloud-mcp")
	ca := filepath.Join(dir, "ca.pem")
	os.WriteFile(bin, []byte("#!stand-in binary"), 0o755)
	os.WriteFile(ca, []byte("-----BEGIN CERTIFICATE-----\n"), 0o644)
	img, err := Build(Options{Binary: bin, CABundle: ca, Tag: "nextcloud-mcp:test", Arch: "amd64", Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "image.tar")
	if err := Write(img, "nextcloud-mcp:test", out); err != nil {
		t.Fatal(err)
	}
	tag, _ := name.NewTag("nextcloud-mcp:test")
	back, err := tarball.ImageFromPath(out, &tag)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := back.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if cf.OS != "linux" || cf.Config.User != "65532:65532" || len(cf.Config.Entrypoint) != 1 || cf.Config.Entrypoint[0] != "/nextcloud-mcp" {
		t.Fatalf("config %+v", cf.Config)
	}
	if _, ok := cf.Config.ExposedPorts["8080/tcp"]; !ok {
		t.Fatal("port 8080 not exposed")
	}
	files := map[string]*tar.Header{}
	tr := tar.NewReader(mutate.Extract(back))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		files[strings.TrimSuffix(h.Name, "/")] = h
	}
	for name, mode := range map[string]int64{"nextcloud-mcp": 0o755, "etc/ssl/certs/ca-certificates.crt": 0o644, "etc/passwd": 0o644, "tmp": 0o1777} {
		h := files[name]
		if h == nil || h.Mode != mode {
			t.Errorf("%s: %+v, want mode %o", name, h, mode)
		}
	}
}
