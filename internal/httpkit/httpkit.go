// Package httpkit holds the HTTP plumbing every surface shares: host
// checking and the request's origin, security headers, body limits, panic
// recovery and an access log that never records who the reader is.
package httpkit

import (
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"
	"time"

	"qalam/internal/config"
)

// Hosts knows the host names the site answers on and the origin each one
// builds absolute URLs from, so links stay on the host the reader used.
type Hosts struct {
	fixed   []config.Origin
	byHost  atomic.Pointer[map[string]hostOrigins]
	trusted []netip.Prefix
}

// hostOrigins are made once per host so a request costs no allocation.
type hostOrigins struct {
	configured, http, https string
}

// NewHosts returns the table for the configured hosts; X-Forwarded-Proto
// is believed only from peers in trusted.
func NewHosts(hosts []config.Origin, trusted []netip.Prefix) *Hosts {
	h := &Hosts{fixed: hosts, trusted: trusted}
	h.SetExtra(nil)
	return h
}

// SetExtra replaces the hosts added beside the configured ones (the
// mirrors kept in the database); requests in flight see the old table or
// the new one, never a mix. A configured host keeps its configured scheme.
func (h *Hosts) SetExtra(extra []config.Origin) {
	m := make(map[string]hostOrigins, len(h.fixed)+len(extra))
	for _, list := range [][]config.Origin{extra, h.fixed} {
		for _, o := range list {
			host := strings.ToLower(o.Host)
			m[host] = hostOrigins{configured: o.Scheme + "://" + host, http: "http://" + host, https: "https://" + host}
		}
	}
	h.byHost.Store(&m)
}

func (h *Hosts) lookup(host string) (hostOrigins, bool) {
	m := *h.byHost.Load()
	o, ok := m[host]
	if !ok {
		host = strings.ToLower(host)
		o, ok = m[host]
	}
	if !ok {
		// A default port may be left out or sent explicitly.
		if hn, p, err := net.SplitHostPort(host); err == nil && (p == "80" || p == "443") {
			o, ok = m[hn]
		}
	}
	return o, ok
}

// Known reports whether the site answers on host.
func (h *Hosts) Known(host string) bool {
	_, ok := h.lookup(host)
	return ok
}

// Origin returns the origin ("https://news.example.org") the request came
// in on: the configured scheme, or X-Forwarded-Proto when the peer is a
// trusted proxy. It is "" for a host the site does not serve.
func (h *Hosts) Origin(r *http.Request) string {
	o, ok := h.lookup(r.Host)
	if !ok {
		return ""
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p != "" && peerTrusted(r.RemoteAddr, h.trusted) {
		switch p {
		case "https":
			return o.https
		case "http":
			return o.http
		}
	}
	return o.configured
}

// Check refuses requests for host names the site is not configured for
// with 421 Misdirected Request, before any cache is consulted.
func (h *Hosts) Check(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := h.lookup(r.Host); !ok {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Header().Set("Cache-Control", "no-store")
			w.WriteHeader(http.StatusMisdirectedRequest)
			w.Write([]byte("421 Misdirected Request: this server does not serve that host name.\n"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

func peerTrusted(remote string, trusted []netip.Prefix) bool {
	if len(trusted) == 0 {
		return false
	}
	ap, err := netip.ParseAddrPort(remote)
	if err != nil {
		return false
	}
	a := ap.Addr().Unmap()
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// ReaderCSP allows only qalam's own assets: no third-party request can
// come from a reader page, and no inline script runs.
const ReaderCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
	"connect-src 'self'; manifest-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'self'"

// EmbedFrameSources are the only origins a reader page may frame: the
// privacy-friendlier embed addresses of YouTube, Telegram, X, Instagram and
// Facebook (internal/render.FrameSources, whose test holds the two lists
// equal).
const EmbedFrameSources = "https://www.youtube-nocookie.com https://t.me https://platform.twitter.com https://www.instagram.com https://www.facebook.com"

// ReaderEmbedCSP is ReaderCSP for the pages that show an embed card with a
// frame behind a click (internal/site sets it on those pages only; every
// other page keeps frame-src at 'none' through default-src). Nothing else is
// loosened: the frame is made only after the reader's click, by qalam's own
// assets/static/embed.js.
const ReaderEmbedCSP = ReaderCSP + "; frame-src " + EmbedFrameSources

// secureHeaders are set on every response. Values are shared slices, set
// by canonical key, so the hot path allocates nothing for them.
var secureHeaders = map[string][]string{
	"Content-Security-Policy":    {ReaderCSP},
	"X-Content-Type-Options":     {"nosniff"},
	"Referrer-Policy":            {"strict-origin-when-cross-origin"},
	"Permissions-Policy":         {"interest-cohort=(), browsing-topics=(), geolocation=(), camera=(), microphone=()"},
	"Cross-Origin-Opener-Policy": {"same-origin"},
}

// Secure sets the security headers every response carries and bounds
// request bodies.
func Secure(maxBody int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for k, v := range secureHeaders {
			h[k] = v
		}
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		}
		next.ServeHTTP(w, r)
	})
}

// Recover turns a panic into a plain 500 and a log line, never a stack
// trace sent to the reader.
func Recover(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				log.Error("panic serving request", "method", r.Method, "path", r.URL.Path, "panic", p)
				w.Header().Set("Content-Type", "text/plain; charset=utf-8")
				w.Header().Set("Cache-Control", "no-store")
				w.WriteHeader(http.StatusInternalServerError)
				w.Write([]byte("500 Internal Server Error\n"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// AccessLog logs method, path, status, size and duration. It deliberately
// has no field for the client address or User-Agent: readers can be
// punished for reading us, and a log is something that can be seized.
func AccessLog(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		log.Info("request", "method", r.Method, "path", r.URL.Path, "status", sw.status,
			"bytes", sw.bytes, "ms", float64(time.Since(start).Microseconds())/1000)
	})
}
