package cmd

import (
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// userLimits is a token bucket per user (golang.org/x/time/rate). Buckets
// of users idle for a while are dropped, so the map does not grow with
// every user ever seen.
type userLimits struct {
	limit rate.Limit
	burst int

	mu      sync.Mutex
	buckets map[string]*userBucket
	swept   time.Time
}

type userBucket struct {
	lim  *rate.Limiter
	used time.Time
}

// newUserLimits returns nil (no limit) when perSecond is 0.
func newUserLimits(perSecond float64, burst int) *userLimits {
	if perSecond <= 0 {
		return nil
	}
	return &userLimits{limit: rate.Limit(perSecond), burst: burst, buckets: map[string]*userBucket{}, swept: time.Now()}
}

// allow takes a token for user; when none is left it returns how long to
// wait for one.
func (u *userLimits) allow(user string, now time.Time) (bool, time.Duration) {
	if u == nil {
		return true, 0
	}
	u.mu.Lock()
	b, ok := u.buckets[user]
	if !ok {
		b = &userBucket{lim: rate.NewLimiter(u.limit, u.burst)}
		u.buckets[user] = b
	}
	b.used = now
	if now.Sub(u.swept) > time.Minute {
		u.sweep(now)
	}
	u.mu.Unlock()
	r := b.lim.ReserveN(now, 1)
	if !r.OK() {
		return false, time.Second
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// sweep drops buckets idle long enough to have refilled; u.mu is held.
func (u *userLimits) sweep(now time.Time) {
	full := time.Duration(float64(u.burst)/float64(u.limit)*float64(time.Second)) + time.Minute
	for k, b := range u.buckets {
		if now.Sub(b.used) > full {
			delete(u.buckets, k)
		}
	}
	u.swept = now
}

// retryAfterSeconds rounds up for the Retry-After header (at least 1).
func retryAfterSeconds(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}
