package cmd

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"

	"github.com/mark3labs/mcp-go/server"

	"github.com/nextcloud-mcp/nextcloud-mcp/auth"
)

// Session ids in HTTP mode are stateless, so any replica accepts any of
// them, and bound to the user who opened the session: the id carries a
// digest of the user's (hashed) identity, and a request presenting it must
// come from the same user. No secret is needed for that, since the digest is
// compared with the identity the request itself authenticated as; a leaked
// id is useless to anyone else.
type userSessions struct{}

const sessionPrefix = "mcp-session-"

// ResolveSessionIdManager implements server.SessionIdManagerResolver.
func (userSessions) ResolveSessionIdManager(r *http.Request) server.SessionIdManager {
	if r != nil {
		if c, ok := auth.CallerFrom(r.Context()); ok {
			return boundSessions{owner: c.ID}
		}
	}
	return boundSessions{}
}

type boundSessions struct{ owner string }

func sessionTag(owner, nonce string) string {
	sum := sha256.Sum256([]byte(owner + "\x00" + nonce))
	return hex.EncodeToString(sum[:8])
}

// Generate implements server.SessionIdManager.
func (b boundSessions) Generate() string {
	nonce := strings.ToLower(rand.Text())
	return sessionPrefix + nonce + "-" + sessionTag(b.owner, nonce)
}

var errForeignSession = errors.New("this session belongs to another user or is malformed")

// Validate implements server.SessionIdManager: the id must be well formed
// and, when the request is authenticated, opened by the same user.
func (b boundSessions) Validate(id string) (bool, error) {
	rest, ok := strings.CutPrefix(id, sessionPrefix)
	if !ok {
		return false, errForeignSession
	}
	nonce, tag, ok := strings.Cut(rest, "-")
	if !ok || len(nonce) < 16 || len(tag) != 16 {
		return false, errForeignSession
	}
	if b.owner != "" && sessionTag(b.owner, nonce) != tag {
		return false, errForeignSession
	}
	return false, nil
}

// Terminate implements server.SessionIdManager: nothing is tracked.
func (b boundSessions) Terminate(id string) (bool, error) {
	_, err := b.Validate(id)
	return false, err
}
