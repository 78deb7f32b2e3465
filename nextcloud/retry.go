package nextcloud

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"
)

// RetryPolicy bounds how a request is retried. Only idempotent requests are
// retried, only on 429/503, and on connection resets and gateway errors
// (502/504) only when they merely read; 423 has its own short budget;
// 401 is never retried because each failed login feeds brute-force throttling.
// A Retry-After longer than MaxDelay is not waited for: the error goes back
// at once with the server's wait in it, rather than retrying too early.
type RetryPolicy struct {
	MaxAttempts       int           // total attempts for 429/503/reset, including the first
	LockedMaxAttempts int           // total attempts for 423 Locked
	BaseDelay         time.Duration // first backoff
	MaxDelay          time.Duration // cap for any single wait, Retry-After included
}

// DefaultRetryPolicy is used when Options.Retry is zero.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxAttempts: 3, LockedMaxAttempts: 2, BaseDelay: 200 * time.Millisecond, MaxDelay: 5 * time.Second}
}

func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete,
		"PROPFIND", "REPORT", "SEARCH", "MKCOL", "MKCALENDAR", "PROPPATCH", "MOVE", "COPY":
		return true
	}
	return false
}

// safe methods only read: repeating one can never be observed.
func safe(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, "PROPFIND", "REPORT", "SEARCH":
		return true
	}
	return false
}

// retryable reports whether the outcome of one attempt may be retried, and
// which budget it draws on. A 429 or 503 means the server did not act, so
// any idempotent request may go again. A connection that broke mid-request
// is different: the server may have acted already, and a repeated MOVE,
// MKCOL or conditional PUT would then fail (or report "exists") although
// the first one worked; so only requests that merely read are repeated.
func retryable(method string, resp *http.Response, err error) (retry bool, locked bool) {
	if err != nil {
		return safe(method) && isConnReset(err), false
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return true, false
	case http.StatusLocked:
		return true, true
	case http.StatusBadGateway, http.StatusGatewayTimeout:
		// A proxy could not get (or wait for) Nextcloud's answer; Nextcloud
		// may have acted, so only a read may go again.
		return safe(method), false
	}
	return false, false
}

func isConnReset(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	if errors.Is(err, io.EOF) {
		return true
	}
	var ne *net.OpError
	return errors.As(err, &ne) && ne.Op == "read"
}

// backoff returns the wait before attempt n (1-based retry number): the
// server's Retry-After when given, else jittered exponential, capped. ok is
// false when the server asks for a longer wait than MaxDelay: retrying
// sooner than asked would only be refused again.
func (p RetryPolicy) backoff(n int, resp *http.Response) (wait time.Duration, ok bool) {
	if resp != nil {
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return d, d <= p.MaxDelay
		}
	}
	d := p.BaseDelay << (n - 1)
	if d <= 0 || d > p.MaxDelay {
		d = p.MaxDelay
	}
	// Full jitter between d/2 and d keeps concurrent clients from retrying in lockstep.
	half := d / 2
	return half + time.Duration(rand.Int64N(int64(half)+1)), true
}

// delay is the jittered wait before retry n when the server named none.
func (p RetryPolicy) delay(n int) time.Duration {
	d, _ := p.backoff(n, nil)
	return d
}

func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d, true
		}
		return 0, true
	}
	return 0, false
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
