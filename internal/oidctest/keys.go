package oidctest

import (
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"sync"
	"testing"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// keyRing holds the provider's RSA signing keys: the newest signs, all are
// published, as during a key rotation.
type keyRing struct {
	mu   sync.Mutex
	keys []*signingKey
}

type signingKey struct {
	id  string
	key *rsa.PrivateKey
}

func (k *signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k *signingKey) Key() any                                    { return k.key }
func (k *signingKey) ID() string                                  { return k.id }

type publicKey struct{ k *signingKey }

func (p publicKey) ID() string                         { return p.k.id }
func (p publicKey) Algorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (p publicKey) Use() string                        { return "sig" }
func (p publicKey) Key() any                           { return &p.k.key.PublicKey }

func newKeyRing(t testing.TB) *keyRing {
	r := &keyRing{}
	r.rotate(t)
	return r
}

func (r *keyRing) rotate(t testing.TB) string {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatalf("oidctest: generate key: %v", err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	id := fmt.Sprintf("oidctest-key-%d", len(r.keys)+1)
	r.keys = append(r.keys, &signingKey{id: id, key: key})
	return id
}

func (r *keyRing) current() *signingKey {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.keys[len(r.keys)-1]
}

func (r *keyRing) public() []op.Key {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]op.Key, len(r.keys))
	for i, k := range r.keys {
		out[i] = publicKey{k}
	}
	return out
}
