package store

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// KeySize is the length of the sealing key: AES-256.
const KeySize = 32

// sealFormat is the first byte of every sealed value, so the format can
// change later without guessing.
const sealFormat byte = 1

// sealer seals values under one key. The key id is stored next to every
// sealed value, so a later key rotation knows which values still need the
// old key, and a wrong key is recognised before any decryption is tried.
type sealer struct {
	id   string
	aead cipher.AEAD
}

// KeyID is the public name of a key: a truncated hash that identifies it
// without revealing anything usable about it.
func KeyID(key []byte) string {
	sum := sha256.Sum256(append([]byte("nextcloud-mcp store key id\x00"), key...))
	return hex.EncodeToString(sum[:8])
}

func newSealer(key []byte) (*sealer, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("the encryption key must be %d bytes, got %d", KeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("init AES: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("init GCM: %w", err)
	}
	return &sealer{id: KeyID(key), aead: aead}, nil
}

// binding is the associated data of a sealed value: it ties the ciphertext
// to its table, column, row and key, so a value copied into another row or
// column fails to open instead of yielding someone else's secret.
func binding(table, column, row, keyID string) []byte {
	return []byte("nextcloud-mcp/v1\x00" + table + "\x00" + column + "\x00" + row + "\x00" + keyID)
}

// seal encrypts plaintext with a fresh random nonce: format || nonce || ciphertext+tag.
func (s *sealer) seal(plaintext []byte, table, column, row string) ([]byte, error) {
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("read random nonce: %w", err)
	}
	out := make([]byte, 0, 1+len(nonce)+len(plaintext)+s.aead.Overhead())
	out = append(out, sealFormat)
	out = append(out, nonce...)
	return s.aead.Seal(out, nonce, plaintext, binding(table, column, row, s.id)), nil
}

// open reverses seal. A value sealed under another key, moved from another
// row or column, or tampered with yields ErrKeyMismatch; the message never
// includes any part of the value.
func (s *sealer) open(sealed []byte, keyID, table, column, row string) ([]byte, error) {
	if keyID != s.id {
		return nil, fmt.Errorf("%w: %s.%s was sealed with key %s, the current key is %s", ErrKeyMismatch, table, column, keyID, s.id)
	}
	ns := s.aead.NonceSize()
	if len(sealed) < 1+ns+s.aead.Overhead() || sealed[0] != sealFormat {
		return nil, fmt.Errorf("%w: %s.%s holds no sealed value of a known format", ErrKeyMismatch, table, column)
	}
	nonce, ct := sealed[1:1+ns], sealed[1+ns:]
	pt, err := s.aead.Open(nil, nonce, ct, binding(table, column, row, keyID))
	if err != nil {
		return nil, fmt.Errorf("%w: %s.%s failed authentication (wrong key, or the value was moved or altered)", ErrKeyMismatch, table, column)
	}
	return pt, nil
}

// key returns the sealer, asking the KeyFunc on first use. A failed attempt
// is not remembered: the keyring may be unlocked by the next call.
func (s *Store) key(ctx context.Context) (*sealer, error) {
	s.keyMu.Lock()
	defer s.keyMu.Unlock()
	if s.sealer != nil {
		return s.sealer, nil
	}
	if s.keyFn == nil {
		return nil, ErrNoKey
	}
	k, err := s.keyFn(ctx)
	if err != nil {
		return nil, err
	}
	sl, err := newSealer(k)
	if err != nil {
		return nil, err
	}
	s.sealer = sl
	return sl, nil
}

// Unlock fetches the key now, so a caller can fail before starting work
// whose result it could not store (a browser sign-in, for instance).
func (s *Store) Unlock(ctx context.Context) error {
	_, err := s.key(ctx)
	return err
}
