package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"qalam/internal/demo"
	"qalam/internal/servertest"
)

// Through the whole server's handler chain, the event streams are never
// compressed or buffered, whatever encodings the reader's browser offers.
// The client here asks for gzip itself and never decompresses, so a
// compressed stream would show its Content-Encoding and binary bytes.
func TestLiveStreamsNeverCompressedOrBuffered(t *testing.T) {
	e := servertest.Demo(t)
	ctx := context.Background()
	if err := e.Store.SetLiveBlog(ctx, demo.LeadStoryKK, true, e.Clock.Now().Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	liveEntry(t, e, demo.LeadStoryKK, "Сот басталды", "Сот отырысы сағат онда басталды.", e.Clock.Now().Add(-30*time.Minute))
	e.Fresh(t)

	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	t.Cleanup(client.CloseIdleConnections)
	streams := []struct{ path, first string }{
		{"/live/kk/events", "data: "},
		{"/live/kk-latn/events", "data: "},
		{"/live/en/events", "data: "},
		{"/live/kk/story/" + demo.LeadStoryKK + "/events", "event: entry"},
	}
	for _, s := range streams {
		for _, enc := range []string{"gzip", "gzip, deflate, br", "*"} {
			t.Run(strings.TrimPrefix(s.path, "/live/")+" "+enc, func(t *testing.T) {
				rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				defer cancel()
				req, err := http.NewRequestWithContext(rctx, "GET", e.URL+s.path, nil)
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Accept-Encoding", enc)
				resp, err := client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				h := resp.Header
				if resp.StatusCode != 200 {
					t.Fatalf("status %d", resp.StatusCode)
				}
				if ce := h.Get("Content-Encoding"); ce != "" {
					t.Errorf("Content-Encoding %q on an event stream", ce)
				}
				if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
					t.Errorf("Content-Type %q", ct)
				}
				if v := h.Get("X-Accel-Buffering"); v != "no" {
					t.Errorf("X-Accel-Buffering %q, want no", v)
				}
				cc := h.Get("Cache-Control")
				if !strings.Contains(cc, "no-store") && !strings.Contains(cc, "no-cache") {
					t.Errorf("Cache-Control %q, want no-store or no-cache", cc)
				}
				if strings.Contains(cc, "public") || h.Get("ETag") != "" {
					t.Errorf("a cacheable stream: Cache-Control %q ETag %q", cc, h.Get("ETag"))
				}
				// The stream stays open: read what arrives until the first
				// event of its kind, which the server sends on connect.
				var got []byte
				buf := make([]byte, 4096)
				for !strings.Contains(string(got), s.first) {
					n, err := resp.Body.Read(buf)
					got = append(got, buf[:n]...)
					if err != nil {
						t.Fatalf("stream ended (%v) before %q; got %q", err, s.first, got)
					}
					if len(got) > 1<<16 {
						t.Fatalf("no %q in the first %d bytes: %q", s.first, len(got), got[:256])
					}
				}
				if len(got) >= 2 && got[0] == 0x1f && got[1] == 0x8b {
					t.Fatalf("the stream is gzip-compressed: % x", got[:16])
				}
				text := string(got)
				if !utf8.ValidString(text) || !strings.HasPrefix(text, "retry: ") && !strings.HasPrefix(text, "data: ") && !strings.HasPrefix(text, ":") {
					t.Errorf("the stream does not begin as event-stream text: %q", text)
				}
			})
		}
	}
}
