package cmd

import (
	"context"
	"errors"
	"sync"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/store"
	"github.com/nextcloud-mcp/nextcloud-mcp/tools"
)

// storeWebhooks gives nc_webhooks_list read access to the webhook records.
// The database opens on the first call, not at startup, so a server whose
// assistant never asks about webhooks never touches it.
type storeWebhooks struct {
	dir string

	mu     sync.Mutex
	s      *store.Store
	closed bool // after Close nothing opens the store again
}

var errStoreClosed = errors.New("the server is shutting down")

func newStoreWebhooks(dir string) *storeWebhooks { return &storeWebhooks{dir: dir} }

// RegisteredWebhooks implements tools.WebhookLister.
func (w *storeWebhooks) RegisteredWebhooks(ctx context.Context, c *nextcloud.Client) ([]tools.WebhookRecord, error) {
	s, err := w.open(ctx)
	if err != nil {
		return nil, err
	}
	recs, err := s.Webhooks(ctx, webhookAccount(c))
	if err != nil {
		return nil, err
	}
	return webhookRecords(recs), nil
}

// open keeps only a successful open, so a fixed problem (a permission, a
// full disk) is picked up by the next call.
func (w *storeWebhooks) open(ctx context.Context) (*store.Store, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.s != nil {
		return w.s, nil
	}
	if w.closed {
		return nil, errStoreClosed
	}
	s, err := store.Open(ctx, w.dir)
	if err != nil {
		return nil, err
	}
	w.s = s
	return s, nil
}

// Close releases the database if it was opened.
func (w *storeWebhooks) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closed = true
	if w.s == nil {
		return nil
	}
	err := w.s.Close()
	w.s = nil
	return err
}
