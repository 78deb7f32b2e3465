package nextcloud

import (
	"context"
	"sync"
	"time"
)

// SearchOutcome is one provider's part of a SearchMany.
type SearchOutcome struct {
	Provider string
	Result   *SearchResult
	// Err is set when the provider failed; TimedOut when it ran out of time.
	Err      error
	TimedOut bool
	Elapsed  time.Duration
}

// SearchManyOptions bound a fan-out search.
type SearchManyOptions struct {
	// Timeout bounds each provider on its own; 0 means 10 s.
	Timeout time.Duration
	// Concurrency caps providers asked at once; 0 means 4, which keeps a
	// small server (PHP workers) responsive while still overlapping waits.
	Concurrency int
	// Done, when set, is called after each provider answers or gives up,
	// with how many have finished; calls never overlap.
	Done func(finished, total int)
}

// SearchMany asks every provider the same query at once, each under its own
// timeout, and returns one outcome per provider in the order given. A slow or
// failing provider never holds back or spoils the others.
func (c *Client) SearchMany(ctx context.Context, providers []string, q SearchQuery, o SearchManyOptions) []SearchOutcome {
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	out := make([]SearchOutcome, len(providers))
	sem := make(chan struct{}, o.Concurrency)
	var wg sync.WaitGroup
	var doneMu sync.Mutex
	finished := 0
	report := func() {
		if o.Done == nil {
			return
		}
		doneMu.Lock()
		defer doneMu.Unlock()
		finished++
		o.Done(finished, len(providers))
	}
	for i, id := range providers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer report()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				out[i] = SearchOutcome{Provider: id, Err: ctx.Err()}
				return
			}
			defer func() { <-sem }()
			pctx, cancel := context.WithTimeout(ctx, o.Timeout)
			defer cancel()
			start := time.Now()
			res, err := c.Search(pctx, id, q)
			oc := SearchOutcome{Provider: id, Result: res, Err: err, Elapsed: time.Since(start)}
			// Only this provider's own deadline counts as a timeout; the caller
			// cancelling is reported as the error it is.
			if err != nil && pctx.Err() == context.DeadlineExceeded && ctx.Err() == nil {
				oc.TimedOut = true
			}
			out[i] = oc
		}()
	}
	wg.Wait()
	return out
}
