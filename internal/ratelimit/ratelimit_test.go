package ratelimit

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestFailuresThenWait(t *testing.T) {
	c := &clock{time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)}
	l := New(Config{Burst: 3, Every: time.Minute, Now: c.now})
	for i := 0; i < 3; i++ {
		if ok, _ := l.Check("a"); !ok {
			t.Fatalf("attempt %d refused", i+1)
		}
		l.Fail("a")
	}
	ok, wait := l.Check("a")
	if ok || wait != time.Minute {
		t.Fatalf("after 3 failures: ok=%v wait=%v, want refused for 1m", ok, wait)
	}
	if ok, _ := l.Check("b"); !ok {
		t.Fatal("another key is refused")
	}
	c.t = c.t.Add(40 * time.Second)
	if ok, wait := l.Check("a"); ok || wait != 20*time.Second {
		t.Fatalf("40 s later: ok=%v wait=%v, want 20s", ok, wait)
	}
	c.t = c.t.Add(20 * time.Second)
	if ok, _ := l.Check("a"); !ok {
		t.Fatal("a minute later one attempt should be back")
	}
	l.Fail("a")
	if ok, _ := l.Check("a"); ok {
		t.Fatal("the returned attempt was not used up")
	}
}

func TestAllow(t *testing.T) {
	c := &clock{time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)}
	l := New(Config{Burst: 2, Every: 10 * time.Second, Now: c.now})
	for i := 0; i < 2; i++ {
		if ok, _ := l.Allow("x"); !ok {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	if ok, wait := l.Allow("x"); ok || wait != 10*time.Second {
		t.Fatalf("third attempt: ok=%v wait=%v", ok, wait)
	}
}

func TestKeysAreHashedAndRotated(t *testing.T) {
	c := &clock{time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)}
	l := New(Config{Burst: 1, Every: time.Hour, Now: c.now})
	l.Fail("203.0.113.7")
	if ok, _ := l.Check("203.0.113.7"); ok {
		t.Fatal("not limited")
	}
	for k := range l.buckets {
		if string(k[:len("203.0.113.7")]) == "203.0.113.7" {
			t.Fatal("key kept in clear")
		}
	}
	key := l.key
	c.t = c.t.Add(24 * time.Hour)
	if ok, _ := l.Check("203.0.113.7"); !ok {
		t.Fatal("counts survive the daily rotation")
	}
	if l.key == key {
		t.Fatal("HMAC key not rotated after a day")
	}
	if l.Len() != 0 {
		t.Fatalf("%d buckets kept across rotation", l.Len())
	}
}

func TestMemoryBound(t *testing.T) {
	c := &clock{time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)}
	l := New(Config{Burst: 1, Every: time.Hour, MaxKeys: 10, Now: c.now})
	for i := 0; i < 10; i++ {
		l.Fail(fmt.Sprint("k", i))
	}
	// Memory is full of live buckets: a new key is refused, not let through.
	if ok, _ := l.Check("new"); ok {
		t.Fatal("new key allowed with memory full")
	}
	if ok, _ := l.Allow("new"); ok {
		t.Fatal("new key allowed with memory full")
	}
	// Once the buckets have refilled they are dropped to make room.
	c.t = c.t.Add(2 * time.Hour)
	if ok, _ := l.Allow("new"); !ok {
		t.Fatal("refilled buckets not evicted")
	}
	if l.Len() != 1 {
		t.Fatalf("Len = %d, want 1", l.Len())
	}
}

// Begin counts an attempt before it is made: parallel attempts cannot all
// pass before the first failure is recorded. Succeeded attempts are given
// back, so only failures count.
func TestBeginRefundsSuccess(t *testing.T) {
	c := &clock{time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)}
	l := New(Config{Burst: 3, Every: time.Minute, Now: c.now})
	var dones []func(bool)
	for i := 0; i < 3; i++ {
		done, ok, _ := l.Begin("a")
		if !ok {
			t.Fatalf("attempt %d refused", i+1)
		}
		dones = append(dones, done)
	}
	if _, ok, wait := l.Begin("a"); ok || wait != time.Minute {
		t.Fatalf("a 4th attempt in flight: ok=%v wait=%v", ok, wait)
	}
	dones[0](true)
	dones[0](true) // once only
	dones[1](false)
	if _, ok, _ := l.Begin("a"); !ok {
		t.Fatal("the succeeded attempt was not given back")
	}
	if _, ok, _ := l.Begin("a"); ok {
		t.Fatal("given back twice, or a failure given back")
	}
}

func TestConcurrentBegin(t *testing.T) {
	l := New(Config{Burst: 5, Every: time.Hour})
	var wg sync.WaitGroup
	var mu sync.Mutex
	passed := 0
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, ok, _ := l.Begin("x"); ok {
				mu.Lock()
				passed++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if passed != 5 {
		t.Fatalf("%d of 50 parallel attempts passed, want 5", passed)
	}
}
