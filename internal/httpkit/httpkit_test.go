package httpkit

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"qalam/internal/config"
)

func TestHosts(t *testing.T) {
	h := NewHosts([]config.Origin{{Scheme: "http", Host: "127.0.0.1:8080"}, {Scheme: "https", Host: "news.example.org"}},
		[]netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")})
	ok := h.Check(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(h.Origin(r))) }))
	for _, c := range []struct {
		host, remote, proto string
		status              int
		origin              string
	}{
		{"127.0.0.1:8080", "192.0.2.1:5000", "", 200, "http://127.0.0.1:8080"},
		{"NEWS.example.org", "192.0.2.1:5000", "", 200, "https://news.example.org"},
		{"news.example.org:443", "192.0.2.1:5000", "", 200, "https://news.example.org"},
		{"news.example.org", "192.0.2.1:5000", "http", 200, "https://news.example.org"}, // untrusted peer
		{"news.example.org", "10.1.2.3:5000", "http", 200, "http://news.example.org"},   // trusted proxy
		{"evil.example.com", "10.1.2.3:5000", "", 421, ""},
		{"127.0.0.1:9999", "10.1.2.3:5000", "", 421, ""},
	} {
		req := httptest.NewRequest("GET", "/", nil)
		req.Host, req.RemoteAddr = c.host, c.remote
		if c.proto != "" {
			req.Header.Set("X-Forwarded-Proto", c.proto)
		}
		rec := httptest.NewRecorder()
		ok.ServeHTTP(rec, req)
		if rec.Code != c.status || (c.status == 200 && rec.Body.String() != c.origin) {
			t.Errorf("%s from %s (%q): %d %q, want %d %q", c.host, c.remote, c.proto, rec.Code, rec.Body.String(), c.status, c.origin)
		}
	}
}

func TestAccessLogHasNoReaderIdentity(t *testing.T) {
	var buf bytes.Buffer
	h := AccessLog(slog.New(slog.NewTextHandler(&buf, nil)), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(204)
	}))
	req := httptest.NewRequest("GET", "/kk/", nil)
	req.RemoteAddr = "203.0.113.77:4242"
	req.Header.Set("User-Agent", "MarkerAgent/9")
	req.Header.Set("X-Forwarded-For", "198.51.100.9")
	h.ServeHTTP(httptest.NewRecorder(), req)
	line := buf.String()
	if !strings.Contains(line, "path=/kk/") || !strings.Contains(line, "status=204") {
		t.Fatalf("log line lacks the request: %s", line)
	}
	for _, secret := range []string{"203.0.113.77", "MarkerAgent", "198.51.100.9"} {
		if strings.Contains(line, secret) {
			t.Errorf("access log holds %q: %s", secret, line)
		}
	}
}

func TestSecureHeadersAndRecover(t *testing.T) {
	var buf bytes.Buffer
	h := Recover(slog.New(slog.NewTextHandler(&buf, nil)), Secure(10, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		panic("boom at secret.go:42")
	})))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != 500 || strings.Contains(rec.Body.String(), "secret.go") {
		t.Errorf("panic answered %d %q", rec.Code, rec.Body.String())
	}
	if rec.Header().Get("Content-Security-Policy") != ReaderCSP || rec.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("security headers missing: %v", rec.Header())
	}
}
