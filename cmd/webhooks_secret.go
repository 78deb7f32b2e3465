package cmd

import (
	"bufio"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// webhookSecretEnv supplies a delivery secret without a flag, so it never
// shows in a process list.
const webhookSecretEnv = "NEXTCLOUD_MCP_WEBHOOK_SECRET"

// minSecretLen keeps a supplied secret from being guessable.
const minSecretLen = 16

// webhookSecret returns the delivery secret: from --secret-file ("-" reads
// stdin), else from NEXTCLOUD_MCP_WEBHOOK_SECRET, else 32 random bytes.
// generated tells the caller to show it, because nobody else knows it.
func (a *App) webhookSecret(secretFile string) (secret string, generated bool, err error) {
	switch {
	case secretFile != "":
		var r io.Reader = a.In
		if secretFile != "-" {
			f, err := os.Open(secretFile)
			if err != nil {
				return "", false, fmt.Errorf("read the delivery secret: %w", err)
			}
			defer f.Close()
			r = f
		}
		line, err := bufio.NewReader(io.LimitReader(r, 4096)).ReadString('\n')
		if err != nil && err != io.EOF {
			return "", false, fmt.Errorf("read the delivery secret from %s: %w", secretFile, err)
		}
		secret = strings.TrimSpace(line)
	case a.Getenv(webhookSecretEnv) != "":
		secret = strings.TrimSpace(a.Getenv(webhookSecretEnv))
	default:
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return "", false, fmt.Errorf("generate a delivery secret: %w", err)
		}
		return base64.RawURLEncoding.EncodeToString(b), true, nil
	}
	if len(secret) < minSecretLen {
		return "", false, usageError("the delivery secret must be at least %d characters", minSecretLen)
	}
	for _, r := range secret {
		if r <= ' ' || r == 0x7f {
			return "", false, usageError("the delivery secret must not contain spaces or control characters: it travels in an HTTP header")
		}
	}
	return secret, false, nil
}

// checkWebhookURI enforces where deliveries may go: https, or http only to
// this machine, since a delivery carries the secret and the event data.
func checkWebhookURI(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", usageError("--uri is required: the https URL Nextcloud should call")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "", usageError("--uri %q is not an absolute URL such as https://hooks.example.org/nextcloud", raw)
	}
	if u.User != nil {
		return "", usageError("--uri must not carry a user or password: the delivery secret authenticates deliveries instead")
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && nextcloud.IsLoopback(u):
	case u.Scheme == "http":
		return "", usageError("--uri %s uses plain http: deliveries carry the secret and your data, so use https (http is allowed only for localhost)", u.Redacted())
	default:
		return "", usageError("--uri must be an https URL, not %s:", u.Scheme)
	}
	return u.String(), nil
}
