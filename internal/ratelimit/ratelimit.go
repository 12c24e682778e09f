// Package ratelimit counts attempts per key (an IP address, an account) in
// memory only. Keys are never kept as given: each is replaced by an HMAC
// under a random key that is rotated daily and never written anywhere, so
// the limiter's memory says nothing about who asked, and nothing survives
// a day or a restart. The staff login uses it; readers' comment and
// subscription limits can too.
package ratelimit

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Config sets one limiter's rule: Burst attempts at once, then one more
// every Every.
type Config struct {
	Burst int
	Every time.Duration
	// MaxKeys bounds memory; when it is reached, keys back to a full
	// bucket are dropped, and if none are, the limiter refuses new keys
	// (failing closed) until some are. Default 100 000.
	MaxKeys int
	// Rotate is how often the HMAC key changes (default 24 h); counts
	// start afresh then.
	Rotate time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Limiter is a set of token buckets keyed by HMAC(key, name). It is safe
// for concurrent use.
type Limiter struct {
	cfg     Config
	mu      sync.Mutex
	key     [32]byte
	rotated time.Time
	buckets map[[32]byte]*rate.Limiter
}

// New returns a limiter. Burst must be at least 1 and Every positive.
func New(cfg Config) *Limiter {
	if cfg.Burst < 1 {
		cfg.Burst = 1
	}
	if cfg.Every <= 0 {
		cfg.Every = time.Minute
	}
	if cfg.MaxKeys <= 0 {
		cfg.MaxKeys = 100_000
	}
	if cfg.Rotate <= 0 {
		cfg.Rotate = 24 * time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Limiter{cfg: cfg, buckets: map[[32]byte]*rate.Limiter{}}
}

// Check reports whether name may try now without using up an attempt, and
// if not, how long until it may.
func (l *Limiter) Check(name string) (ok bool, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.cfg.Now()
	b, ok := l.bucket(name, now, false)
	if !ok {
		return false, l.cfg.Every
	}
	if b == nil {
		return true, 0
	}
	return l.wait(b, now)
}

// Fail uses up one attempt of name (a failed login, say).
func (l *Limiter) Fail(name string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.cfg.Now()
	if b, ok := l.bucket(name, now, true); ok {
		b.AllowN(now, 1)
	}
}

// Allow uses up one attempt of name if one is left; otherwise it reports
// how long until one is. It suits limits on every attempt, failed or not.
func (l *Limiter) Allow(name string) (ok bool, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.cfg.Now()
	b, ok := l.bucket(name, now, true)
	if !ok {
		return false, l.cfg.Every
	}
	if b.AllowN(now, 1) {
		return true, 0
	}
	return l.wait(b, now)
}

// Len returns the number of keys held (for tests and metrics).
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// wait says whether b has an attempt left at now and, if not, when it will.
func (l *Limiter) wait(b *rate.Limiter, now time.Time) (bool, time.Duration) {
	tokens := b.TokensAt(now)
	if tokens >= 1 {
		return true, 0
	}
	// Whole seconds, as Retry-After counts them; the epsilon absorbs
	// floating-point dust so 20 s is not reported as 21.
	s := math.Ceil((1-tokens)*l.cfg.Every.Seconds() - 1e-6)
	return false, max(time.Duration(s)*time.Second, time.Second)
}

// bucket finds name's bucket, rotating the key when due. With create it
// makes a missing one; ok is false when a new key finds memory full, so a
// flood of new keys is refused rather than let through.
func (l *Limiter) bucket(name string, now time.Time, create bool) (*rate.Limiter, bool) {
	if l.rotated.IsZero() || now.Sub(l.rotated) >= l.cfg.Rotate || now.Before(l.rotated) {
		if _, err := rand.Read(l.key[:]); err != nil {
			panic("ratelimit: no randomness: " + err.Error())
		}
		l.rotated = now
		clear(l.buckets)
	}
	m := hmac.New(sha256.New, l.key[:])
	m.Write([]byte(name))
	var k [32]byte
	m.Sum(k[:0])
	if b, ok := l.buckets[k]; ok {
		return b, true
	}
	if len(l.buckets) >= l.cfg.MaxKeys {
		for k, b := range l.buckets {
			if b.TokensAt(now) >= float64(l.cfg.Burst) {
				delete(l.buckets, k)
			}
		}
		if len(l.buckets) >= l.cfg.MaxKeys {
			return nil, false
		}
	}
	if !create {
		return nil, true
	}
	b := rate.NewLimiter(rate.Every(l.cfg.Every), l.cfg.Burst)
	l.buckets[k] = b
	return b, true
}
