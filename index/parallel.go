package index

import (
	"context"
	"sync"
)

// fetchEach runs fetch on the items with up to workers at a time and hands
// each result to handle in the calling goroutine, in completion order, so
// handle may write to the index without locking. It stops at the first
// error handle returns, or when ctx ends; fetch errors go to handle, which
// decides whether they are fatal.
func fetchEach[T, R any](ctx context.Context, workers int, items []T, fetch func(context.Context, T) (R, error), handle func(T, R, error) error) error {
	if len(items) == 0 {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		item T
		val  R
		err  error
	}
	jobs := make(chan T)
	results := make(chan result)
	var wg sync.WaitGroup
	for range min(workers, len(items)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range jobs {
				v, err := fetch(ctx, it)
				select {
				case results <- result{it, v, err}:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for _, it := range items {
			select {
			case jobs <- it:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() {
		wg.Wait()
		close(results)
	}()
	var firstErr error
	for res := range results {
		if firstErr != nil {
			continue
		}
		if err := handle(res.item, res.val, res.err); err != nil {
			firstErr = err
			cancel()
		}
	}
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}
