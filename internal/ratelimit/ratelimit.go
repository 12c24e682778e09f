// Package ratelimit counts attempts per key (an IP address, an account) in
// memory only. Keys are never kept as given: each is replaced by an HMAC
// under a random key that is rotated daily and never written anywhere, so
// the limiter's memory says nothing about who asked, and nothing survives
// a day or a restart. The staff sign-in uses it; readers' comment and
// subscription limits can too.
//
// Each key has a token bucket: Burst attempts at once, then one more every
// Every.
package ratelimit

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"math"
	"sync"
	"time"
)

// Config sets one limiter's rule: Burst attempts at once, then one more
// every Every.
type Config struct {
	Burst int
	Every time.Duration
	// MaxKeys bounds memory; when it is reached, keys back to a full
	// bucket are dropped, and if none are, new keys are refused (failing
	// closed) until some are. Default 100 000.
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
	buckets map[[32]byte]*bucket
}

// bucket holds tokens as of last.
type bucket struct {
	tokens float64
	last   time.Time
}

// New returns a limiter; a Burst below 1 is taken as 1, a zero Every as a
// minute.
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
	return &Limiter{cfg: cfg, buckets: map[[32]byte]*bucket{}}
}

// Check reports whether name has an attempt left, without using it, and if
// not, how long until it will.
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

// Fail uses up one attempt of name (a failed sign-in, say), if any is left.
func (l *Limiter) Fail(name string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.cfg.Now()
	if b, ok := l.bucket(name, now, true); ok {
		l.refill(b, now)
		b.tokens = max(0, b.tokens-1)
	}
}

// Allow uses up one attempt of name if one is left; otherwise it reports
// how long until one is. It suits limits on every attempt, failed or not.
func (l *Limiter) Allow(name string) (ok bool, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.take(name)
}

// Begin uses up one attempt of name before the attempt is made, so that
// parallel requests cannot all pass a check before any failure is counted.
// Call done(true) when the attempt succeeded, to give it back: then only
// failures count. done(false) keeps it used.
func (l *Limiter) Begin(name string) (done func(succeeded bool), ok bool, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if ok, wait := l.take(name); !ok {
		return func(bool) {}, false, wait
	}
	var once sync.Once
	return func(succeeded bool) {
		if !succeeded {
			return
		}
		once.Do(func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			now := l.cfg.Now()
			if b, ok := l.bucket(name, now, false); ok && b != nil {
				l.refill(b, now)
				b.tokens = min(float64(l.cfg.Burst), b.tokens+1)
			}
		})
	}, true, 0
}

// Len returns the number of keys held (for tests and metrics).
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// take uses one token of name if there is one; l.mu is held.
func (l *Limiter) take(name string) (bool, time.Duration) {
	now := l.cfg.Now()
	b, ok := l.bucket(name, now, true)
	if !ok {
		return false, l.cfg.Every
	}
	if ok, wait := l.wait(b, now); !ok {
		return false, wait
	}
	b.tokens--
	return true, 0
}

// refill adds the tokens earned since b.last, up to Burst.
func (l *Limiter) refill(b *bucket, now time.Time) {
	if now.After(b.last) {
		b.tokens = min(float64(l.cfg.Burst), b.tokens+float64(now.Sub(b.last))/float64(l.cfg.Every))
	}
	b.last = now
}

// wait refills b and says whether it has an attempt left and, if not,
// when it will.
func (l *Limiter) wait(b *bucket, now time.Time) (bool, time.Duration) {
	l.refill(b, now)
	if b.tokens >= 1 {
		return true, 0
	}
	// Whole seconds, as Retry-After counts them; the epsilon absorbs
	// floating-point dust so 20 s is not reported as 21.
	s := math.Ceil((1-b.tokens)*l.cfg.Every.Seconds() - 1e-6)
	return false, max(time.Duration(s)*time.Second, time.Second)
}

// bucket finds name's bucket, rotating the key when due. With create it
// makes a missing one (full); ok is false when a new key finds memory
// full, so a flood of new keys is refused rather than let through.
func (l *Limiter) bucket(name string, now time.Time, create bool) (*bucket, bool) {
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
			if l.refill(b, now); b.tokens >= float64(l.cfg.Burst) {
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
	b := &bucket{tokens: float64(l.cfg.Burst), last: now}
	l.buckets[k] = b
	return b, true
}
