// Command image builds the nextcloud-mcp container image without a Docker
// daemon and without pulling a base image: one layer on an empty base with
// the static binary, the CA bundle and a non-root user, written as a
// tarball that `docker load`, `podman load` or `crane push` accept.
//
//	CGO_ENABLED=0 go build -trimpath -o /tmp/nextcloud-mcp .
//	(cd deploy && go run ./image -binary /tmp/nextcloud-mcp -tag nextcloud-mcp:dev -out /tmp/nextcloud-mcp.tar)
package main

import (
	"archive/tar"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// Options describe the image.
type Options struct {
	Binary   string // the static nextcloud-mcp binary for linux
	CABundle string
	Tag      string
	Arch     string
	Version  string
}

const (
	uid      = 65532
	binPath  = "nextcloud-mcp"
	caPath   = "etc/ssl/certs/ca-certificates.crt"
	homePath = "home/nonroot"
)

func main() {
	var o Options
	var out string
	flag.StringVar(&o.Binary, "binary", "", "static linux build of nextcloud-mcp (CGO_ENABLED=0)")
	flag.StringVar(&o.CABundle, "ca", "/etc/ssl/certs/ca-certificates.crt", "PEM bundle of trusted CA certificates")
	flag.StringVar(&o.Tag, "tag", "nextcloud-mcp:dev", "image reference written into the tarball")
	flag.StringVar(&o.Arch, "arch", "amd64", "architecture the binary was built for")
	flag.StringVar(&o.Version, "version", "dev", "version label")
	flag.StringVar(&out, "out", "nextcloud-mcp.tar", "where to write the image tarball")
	flag.Parse()
	if o.Binary == "" {
		fmt.Fprintln(os.Stderr, "image: -binary is required (build with CGO_ENABLED=0 GOOS=linux)")
		os.Exit(2)
	}
	img, err := Build(o)
	if err == nil {
		err = Write(img, o.Tag, out)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "image:", err)
		os.Exit(1)
	}
	d, _ := img.Digest()
	fmt.Printf("wrote %s (%s, %s)\n", out, o.Tag, d)
}

// Build assembles the image.
func Build(o Options) (v1.Image, error) {
	bin, err := os.ReadFile(o.Binary)
	if err != nil {
		return nil, fmt.Errorf("read the binary: %w", err)
	}
	ca, err := os.ReadFile(o.CABundle)
	if err != nil {
		return nil, fmt.Errorf("read the CA bundle (install ca-certificates or pass -ca): %w", err)
	}
	layerTar, err := rootfs(bin, ca)
	if err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(layerTar)), nil })
	if err != nil {
		return nil, err
	}
	img, err := mutate.AppendLayers(empty.Image, layer)
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", o.Arch
	cf.Config.Entrypoint = []string{"/" + binPath}
	cf.Config.Cmd = []string{"serve", "--http", "0.0.0.0:8080"}
	cf.Config.User = fmt.Sprintf("%d:%d", uid, uid)
	cf.Config.WorkingDir = "/" + homePath
	cf.Config.Env = []string{"SSL_CERT_FILE=/" + caPath, "HOME=/" + homePath}
	cf.Config.ExposedPorts = map[string]struct{}{"8080/tcp": {}}
	cf.Config.Labels = map[string]string{
		"org.opencontainers.image.title":       "nextcloud-mcp",
		"org.opencontainers.image.description": "MCP server for Nextcloud; serve --http for organisations",
		"org.opencontainers.image.version":     o.Version,
	}
	return mutate.ConfigFile(img, cf)
}

// Write saves img as a docker-archive tarball tagged tag.
func Write(img v1.Image, tag, out string) error {
	ref, err := name.NewTag(tag)
	if err != nil {
		return fmt.Errorf("tag %q: %w", tag, err)
	}
	return tarball.WriteToFile(out, ref, img)
}

// rootfs is the single layer: the binary, the CA bundle, a passwd/group
// naming the non-root user, a sticky /tmp and the user's home.
func rootfs(bin, ca []byte) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	epoch := time.Unix(0, 0)
	dir := func(name string, mode int64, owner int) error {
		return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: name + "/", Mode: mode, Uid: owner, Gid: owner, ModTime: epoch})
	}
	file := func(name string, mode int64, data []byte) error {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: mode, Size: int64(len(data)), ModTime: epoch}); err != nil {
			return err
		}
		_, err := tw.Write(data)
		return err
	}
	passwd := fmt.Sprintf("root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:%d:%d:nonroot:/%s:/sbin/nologin\n", uid, uid, homePath)
	group := fmt.Sprintf("root:x:0:\nnonroot:x:%d:\n", uid)
	steps := []func() error{
		func() error { return dir("etc", 0o755, 0) },
		func() error { return file("etc/passwd", 0o644, []byte(passwd)) },
		func() error { return file("etc/group", 0o644, []byte(group)) },
		func() error { return dir("etc/ssl", 0o755, 0) },
		func() error { return dir("etc/ssl/certs", 0o755, 0) },
		func() error { return file(caPath, 0o644, ca) },
		func() error { return dir("home", 0o755, 0) },
		func() error { return dir(homePath, 0o700, uid) },
		func() error { return dir("tmp", 0o1777, 0) },
		func() error { return file(binPath, 0o755, bin) },
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
