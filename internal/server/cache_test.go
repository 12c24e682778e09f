package server_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"

	"qalam/internal/demo"
	"qalam/internal/httpkit"
	"qalam/internal/news"
	"qalam/internal/servertest"
)

func TestCacheHeaders(t *testing.T) {
	e := servertest.Demo(t)
	path := storyURL(t, e, demo.LeadStoryKK)
	resp, body := e.Get(t, path, "Accept-Encoding", "gzip")
	mustStatus(t, resp, 200, "story")
	h := resp.Header
	if h.Get("Content-Encoding") != "gzip" || h.Get("Vary") != "Accept-Encoding" {
		t.Errorf("gzip response: Content-Encoding %q Vary %q", h.Get("Content-Encoding"), h.Get("Vary"))
	}
	if !strings.Contains(h.Get("Cache-Control"), "public") || h.Get("Set-Cookie") != "" {
		t.Errorf("Cache-Control %q, Set-Cookie %q", h.Get("Cache-Control"), h.Get("Set-Cookie"))
	}
	gzTag := h.Get("ETag")
	resp, _ = e.Get(t, path, "Accept-Encoding", "identity")
	plainTag := resp.Header.Get("ETag")
	if gzTag == "" || plainTag == "" || gzTag == plainTag || !strings.HasPrefix(plainTag, `"`) {
		t.Errorf("want distinct strong ETags per encoding, got %q and %q", plainTag, gzTag)
	}
	resp, body = e.Get(t, path, "If-None-Match", plainTag, "Accept-Encoding", "identity")
	if resp.StatusCode != 304 || body != "" {
		t.Errorf("If-None-Match: %d with %d bytes", resp.StatusCode, len(body))
	}
	resp, _ = e.Get(t, path, "If-None-Match", gzTag, "Accept-Encoding", "gzip")
	mustStatus(t, resp, 304, "If-None-Match gzip")
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	// The lead story has an embed, so it may frame exactly the embed
	// providers (httpkit.ReaderEmbedCSP); nothing else may name a host.
	rest := strings.TrimSuffix(csp, "; frame-src "+httpkit.EmbedFrameSources)
	if strings.Contains(rest, "nonce-") || strings.Contains(rest, "unsafe-inline") || strings.Contains(rest, "http") {
		t.Errorf("CSP allows too much: %q", csp)
	}
}

// 1,000 requests with random query strings render the page once: unknown
// parameters are dropped from the cache key.
func TestRandomQueryStringsRenderOnce(t *testing.T) {
	e := servertest.Demo(t)
	path := storyURL(t, e, demo.LeadStoryKK)
	e.Get(t, path)
	before := e.Server.Site.Renders()
	for i := 0; i < 1000; i++ {
		q := fmt.Sprintf("?utm_source=%d&x%d=%d&fbclid=%x", rand.Int(), i, rand.Int(), rand.Int64())
		resp, _ := e.Get(t, path+q)
		mustStatus(t, resp, 200, "story with query")
	}
	if n := e.Server.Site.Renders() - before; n != 0 {
		t.Errorf("1,000 requests with random query strings caused %d renders after the first", n)
	}
}

// 64 simultaneous requests right after an invalidation cause one render.
func TestStampedeAfterInvalidationRendersOnce(t *testing.T) {
	e := servertest.Demo(t)
	path := storyURL(t, e, demo.LeadStoryKK)
	e.Get(t, path)
	// Another write invalidates every page.
	if err := e.Store.SetBanner(context.Background(), news.Banner{Service: "en", Text: "Test", Active: false}); err != nil {
		t.Fatal(err)
	}
	e.Fresh(t)
	before := e.Server.Site.Renders()
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < 64; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			req, _ := http.NewRequest("GET", e.URL+path, nil)
			resp, err := e.Client.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("status %d", resp.StatusCode)
			}
		}()
	}
	close(start)
	wg.Wait()
	if n := e.Server.Site.Renders() - before; n != 1 {
		t.Errorf("64 simultaneous requests after an invalidation caused %d renders, want 1", n)
	}
}

func TestChangesReachReadersWithinASecond(t *testing.T) {
	e := servertest.Demo(t)
	path := storyURL(t, e, demo.LeadStoryKK)
	e.Get(t, path)
	ctx := context.Background()
	if err := e.Store.SetBanner(ctx, news.Banner{Service: "kk", Label: "Шұғыл", Text: "Жаңа шұғыл хабар zzbannerqq", Active: true}); err != nil {
		t.Fatal(err)
	}
	afterPoll(t, e, path, "zzbannerqq", true)
	if err := e.Store.Unpublish(ctx, demo.LeadStoryKK, e.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	statusAfterPoll(t, e, path, http.StatusGone)
	afterPoll(t, e, "/kk/", demo.LeadStoryKK, false)
}
