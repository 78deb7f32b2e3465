package auth

import (
	"context"
	"sync"
	"time"
)

// onceCache remembers the result of a slow check per key (a hash, never a
// secret) and runs at most one check per key at a time: a burst of requests
// from one user costs one round trip. A check runs under its own timeout
// rather than the first caller's ctx, so that caller leaving does not fail
// the others; each waiter still stops waiting when its own ctx ends.
type onceCache[V any] struct {
	mu      sync.Mutex
	entries map[[32]byte]*onceEntry[V]
	// max bounds the entries kept; expired ones go first.
	max int
}

type onceEntry[V any] struct {
	done  chan struct{}
	val   V
	err   error
	until time.Time
}

// loadFunc checks and says how long its answer holds (0: not at all).
type loadFunc[V any] func(ctx context.Context) (V, time.Duration, error)

func (c *onceCache[V]) get(ctx context.Context, key [32]byte, load loadFunc[V]) (V, error) {
	now := time.Now()
	c.mu.Lock()
	if c.entries == nil {
		c.entries = map[[32]byte]*onceEntry[V]{}
	}
	e, ok := c.entries[key]
	if ok {
		select {
		case <-e.done:
			if now.Before(e.until) {
				c.mu.Unlock()
				return e.val, e.err
			}
			ok = false
		default:
		}
	}
	if !ok {
		e = &onceEntry[V]{done: make(chan struct{})}
		c.prune(now)
		c.entries[key] = e
		c.mu.Unlock()
		lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		val, ttl, err := load(lctx)
		cancel()
		e.val, e.err, e.until = val, err, time.Now().Add(ttl)
		close(e.done)
		return val, err
	}
	c.mu.Unlock()
	select {
	case <-e.done:
		return e.val, e.err
	case <-ctx.Done():
		var zero V
		return zero, ctx.Err()
	}
}

// prune drops finished, expired entries once the cache is full; c.mu is held.
func (c *onceCache[V]) prune(now time.Time) {
	limit := c.max
	if limit <= 0 {
		limit = 10000
	}
	if len(c.entries) < limit {
		return
	}
	for k, e := range c.entries {
		select {
		case <-e.done:
			if !now.Before(e.until) {
				delete(c.entries, k)
			}
		default:
		}
	}
	if len(c.entries) < limit {
		return
	}
	// Still full of live answers: forget them all rather than grow; the
	// next request of each user checks again.
	for k, e := range c.entries {
		select {
		case <-e.done:
			delete(c.entries, k)
		default:
		}
	}
}
