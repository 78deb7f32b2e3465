package tools

import (
	"encoding/pem"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/auth"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// A self-signed server: the default refuses it with the fix, the CA file
// and the insecure switch each make it work.
func TestSelfSignedTLS(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	ts := httptest.NewTLSServer(fake.Handler())
	defer ts.Close()
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw})
	if err := os.WriteFile(caFile, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		opts auth.ClientOptions
		ok   bool
	}{
		{"untrusted", auth.ClientOptions{}, false},
		{"ca file", auth.ClientOptions{CAFile: caFile}, true},
		{"insecure", auth.ClientOptions{Insecure: true}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := auth.NewBasicFactory(ts.URL, "admin", "admin-app-password", c.opts)
			h := newHarnessWithFactory(t, fake, ts.URL, f, Options{})
			if c.ok {
				h.ok("nc_webdav_list_directory", map[string]any{"path": "/"}, nil)
				return
			}
			msg := h.fails("nc_webdav_list_directory", map[string]any{"path": "/"})
			if !strings.Contains(msg, "NEXTCLOUD_CA_BUNDLE") || !strings.Contains(msg, "NEXTCLOUD_VERIFY_SSL=false") {
				t.Fatalf("untrusted certificate message lacks the fix: %s", msg)
			}
		})
	}
}

func TestUnreachableServerSentence(t *testing.T) {
	ts := httptest.NewServer(nil)
	url := ts.URL
	ts.Close() // nothing listens there any more
	f := auth.NewBasicFactory(url, "admin", "pw", auth.ClientOptions{})
	h := newHarnessWithFactory(t, ncfake.New(ncfake.Options{}), url, f, Options{})
	msg := h.fails("nc_webdav_list_directory", map[string]any{"path": "/"})
	if !strings.Contains(msg, "refused the connection") {
		t.Fatalf("unreachable server: %s", msg)
	}
}
