package pagecache

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

func page(s string) *Entry {
	h := http.Header{"Content-Type": {"text/html; charset=utf-8"}}
	return NewEntry(200, h, []byte(strings.Repeat(s, 100)))
}

func TestSingleRenderForConcurrentMisses(t *testing.T) {
	c := New(1 << 20)
	var renders atomic.Int32
	start := make(chan struct{})
	release := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < 64; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			e, err := c.Get("k", func() (*Entry, error) {
				renders.Add(1)
				<-release
				return page("x"), nil
			})
			if err != nil || e == nil {
				t.Error("no entry", err)
			}
		}()
	}
	close(start)
	// Let the goroutines pile up on the in-flight render, then finish it.
	for {
		c.mu.Lock()
		n := len(c.inflight)
		c.mu.Unlock()
		if n == 1 {
			break
		}
	}
	close(release)
	wg.Wait()
	if n := renders.Load(); n != 1 {
		t.Errorf("%d renders for 64 concurrent misses, want 1", n)
	}
}

func TestPurgeDropsAndDiscardsStaleRenders(t *testing.T) {
	c := New(1 << 20)
	c.Get("k", func() (*Entry, error) { return page("old"), nil })
	c.Purge()
	if n, _ := c.Stats(); n != 0 {
		t.Fatalf("%d entries after purge", n)
	}
	// A render that started before a purge is not kept.
	c.Get("k", func() (*Entry, error) { c.Purge(); return page("stale"), nil })
	e, _ := c.Get("k", func() (*Entry, error) { return page("new"), nil })
	if !bytes.HasPrefix(e.Plain, []byte("new")) {
		t.Errorf("got stale entry %q", e.Plain[:10])
	}
}

func TestBoundedInBytes(t *testing.T) {
	c := New(64 << 10)
	for i := 0; i < 200; i++ {
		key := string(rune('a'+i%26)) + strings.Repeat("k", i)
		c.Get(key, func() (*Entry, error) { return NewEntry(200, nil, bytes.Repeat([]byte{byte(i)}, 4000)), nil })
	}
	if _, size := c.Stats(); size > 64<<10 {
		t.Errorf("cache holds %d bytes, bound 64 KiB", size)
	}
}

func TestServeEncodingsAndETags(t *testing.T) {
	e := page("Сәлем ")
	if e.ETag == e.GzipETag || e.Gzip == nil {
		t.Fatalf("want distinct ETags per encoding: %s %s", e.ETag, e.GzipETag)
	}
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Accept-Encoding", "br, gzip;q=0.8")
	rec := httptest.NewRecorder()
	e.Serve(rec, req)
	if rec.Header().Get("Content-Encoding") != "gzip" || rec.Header().Get("ETag") != e.GzipETag || rec.Header().Get("Vary") != "Accept-Encoding" {
		t.Fatalf("gzip response headers: %v", rec.Header())
	}
	zr, err := gzip.NewReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if !bytes.Equal(plain, e.Plain) {
		t.Error("gzip body does not decode to the plain body")
	}

	req = httptest.NewRequest("GET", "/", nil)
	req.Header.Set("If-None-Match", e.ETag)
	rec = httptest.NewRecorder()
	e.Serve(rec, req)
	if rec.Code != 304 || rec.Body.Len() != 0 {
		t.Errorf("If-None-Match: got %d with %d bytes", rec.Code, rec.Body.Len())
	}
	// The plain ETag does not validate the gzip representation.
	req.Header.Set("Accept-Encoding", "gzip")
	rec = httptest.NewRecorder()
	e.Serve(rec, req)
	if rec.Code != 200 {
		t.Errorf("plain ETag matched the gzip representation: %d", rec.Code)
	}
}

func TestAcceptsGzip(t *testing.T) {
	for ae, want := range map[string]bool{
		"": false, "gzip": true, "GZIP": true, "deflate, gzip;q=1.0": true, "gzip;q=0": false,
		"identity": false, "*": true, "br;q=1, gzip; q=0": false,
	} {
		if got := AcceptsGzip(ae); got != want {
			t.Errorf("AcceptsGzip(%q) = %v", ae, got)
		}
	}
}

// An entry that varies on more than the encoding (a CDN's country header)
// keeps its own Vary beside Accept-Encoding, plain or compressed.
func TestServeKeepsEntryVary(t *testing.T) {
	h := http.Header{}
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Vary", "CF-IPCountry")
	e := NewEntry(200, h, []byte(strings.Repeat("Қазақстан ", 100)))
	for _, ae := range []string{"gzip", ""} {
		req := httptest.NewRequest("GET", "/", nil)
		req.Header.Set("Accept-Encoding", ae)
		rec := httptest.NewRecorder()
		e.Serve(rec, req)
		got := strings.Join(rec.Header().Values("Vary"), ", ")
		if got != "Accept-Encoding, CF-IPCountry" {
			t.Errorf("Accept-Encoding %q: Vary %q", ae, got)
		}
	}
}
