package cmd

import (
	"context"
	"log/slog"
	"os"

	"github.com/nextcloud-mcp/nextcloud-mcp/auth"
	"github.com/nextcloud-mcp/nextcloud-mcp/extract"
	"github.com/nextcloud-mcp/nextcloud-mcp/index"
)

// startIndex builds the content index service for serve, or nil when the
// index is off. It extracts documents with x, the extractor the tools share. Its background syncs end with the returned stop func. The
// demo keeps its index in a temporary directory that stop deletes, so the
// sample data never lands in the user's cache.
func startIndex(ctx context.Context, cfg *Config, demo bool, x *extract.Extractor, logger *slog.Logger) (*index.Service, func()) {
	if cfg.NoIndex {
		logger.Info("content index is off")
		return nil, func() {}
	}
	var base string
	cleanup := func() {}
	if demo {
		dir, err := os.MkdirTemp("", "nextcloud-mcp-demo-index-*")
		if err != nil {
			logger.Warn("content index unavailable: cannot create a temporary directory", "err", err)
			return nil, func() {}
		}
		base, cleanup = dir, func() { _ = os.RemoveAll(dir) }
	} else {
		b, err := index.DefaultCacheBase()
		if err != nil {
			logger.Warn("content index unavailable", "err", err)
			return nil, func() {}
		}
		base = b
	}
	bg, cancel := context.WithCancel(ctx)
	o := index.DefaultOptions()
	o.Extractor, o.Logger = x, logger
	svc := index.NewService(bg, index.ServiceOptions{CacheBase: base, Index: o, Demo: demo, Logger: logger})
	return svc, func() {
		cancel()
		_ = svc.Close()
		cleanup()
	}
}

// warmIndex starts the index's first sync in the background, so the demo's
// first content search finds a warm index instead of starting the sync
// itself (reading the sample PDFs takes seconds, the first one compiles
// the PDF engine). It returns at once; the returned func waits until the
// sync was handed to the index, so the index is not closed under it.
func warmIndex(ctx context.Context, idx *index.Service, f auth.Factory, logger *slog.Logger) (wait func()) {
	started := make(chan struct{})
	go func() {
		defer close(started)
		c, err := f.Client(ctx)
		if err == nil {
			err = idx.Refresh(ctx, c)
		}
		if err != nil && ctx.Err() == nil {
			logger.Warn("could not start indexing the demo data", "err", err)
		}
	}()
	return func() { <-started }
}
