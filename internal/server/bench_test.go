package server_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"qalam/internal/demo"
	"qalam/internal/servertest"
)

// BenchmarkCachedStoryPage measures the handler cost of a cached story page
// (no network): the hot path on a breaking-news day.
//
//	go test -run '^$' -bench CachedStoryPage -benchmem ./internal/server/
func BenchmarkCachedStoryPage(b *testing.B) {
	e := servertest.Demo(b)
	path := storyURL(b, e, demo.LeadStoryKK)
	resp, _ := e.Get(b, path)
	if resp.StatusCode != 200 {
		b.Fatal(resp.Status)
	}
	for _, enc := range []string{"identity", "gzip"} {
		b.Run(enc, func(b *testing.B) {
			req := httptest.NewRequest("GET", path, nil)
			req.Host = e.Host
			req.Header.Set("Accept-Encoding", enc)
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				e.Server.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatal(w.Code)
				}
			}
		})
	}
}
