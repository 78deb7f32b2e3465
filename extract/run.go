package extract

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
)

// run executes one engine call under the time limit. The engine runs in its
// own goroutine so that a call that stops checking ctx still returns on
// time; a panic inside an engine becomes a KindMalformed error instead of
// taking the process down.
func (x *Extractor) run(ctx context.Context, format string, fn func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, x.cfg.Timeout)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- &Error{Format: format, Kind: KindMalformed, Reason: fmt.Sprintf("the file is malformed: the reader failed on it (%v)", p),
					Err: fmt.Errorf("%w: panic: %v\n%s", ErrMalformed, p, debug.Stack())}
			}
		}()
		done <- fn(ctx)
	}()
	select {
	case err := <-done:
		if err != nil && ctx.Err() != nil && !isExtractError(err) {
			return x.timeoutError(ctx, format)
		}
		return err
	case <-ctx.Done():
		return x.timeoutError(ctx, format)
	}
}

func (x *Extractor) timeoutError(ctx context.Context, format string) error {
	if errors.Is(ctx.Err(), context.Canceled) {
		return &Error{Format: format, Kind: KindTimeout, Reason: "reading was cancelled", Err: ctx.Err()}
	}
	return &Error{Format: format, Kind: KindTimeout, Reason: fmt.Sprintf("reading took longer than the %s limit, so it was stopped", x.cfg.Timeout), Err: ErrTimeout}
}

func isExtractError(err error) bool {
	var e *Error
	return errors.As(err, &e)
}
