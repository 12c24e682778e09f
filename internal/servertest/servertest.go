// Package servertest starts the real qalam server on loopback over a real
// SQLite file and media folder, for tests of the HTTP surfaces and the
// browser tests. The demo newsroom is seeded once per test binary and
// copied for each test that asks for it, so tests may change their copy.
package servertest

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"qalam/internal/config"
	"qalam/internal/demo"
	"qalam/internal/media"
	"qalam/internal/server"
	"qalam/internal/sqlite"
)

// Env is one running server.
type Env struct {
	Dir    string // data dir
	Store  *sqlite.DB
	Media  *media.Library
	Server *server.Server
	URL    string // http://127.0.0.1:port
	Host   string // 127.0.0.1:port
	Client *http.Client
	Clock  *Clock
	Opts   config.Options
}

// Clock is a settable now.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Set moves the clock.
func (c *Clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// DemoNow is the instant the shared demo newsroom is seeded at.
var DemoNow = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

var (
	seedOnce sync.Once
	seedDir  string
	seedErr  error
)

// Demo starts a server on a private copy of the demo newsroom. Its clock
// stands an hour after the demo was seeded.
func Demo(t testing.TB, modify ...func(*config.Options)) *Env {
	t.Helper()
	seedOnce.Do(func() {
		seedDir, seedErr = os.MkdirTemp("", "qalam-demo-seed-")
		if seedErr != nil {
			return
		}
		var st *sqlite.DB
		st, seedErr = sqlite.Open(filepath.Join(seedDir, "qalam.db"))
		if seedErr != nil {
			return
		}
		lib, err := media.New(filepath.Join(seedDir, "media"), st)
		if err == nil {
			err = demo.Seed(context.Background(), st, lib, DemoNow)
		}
		seedErr = err
		if cerr := st.Close(); seedErr == nil {
			seedErr = cerr
		}
	})
	if seedErr != nil {
		t.Fatalf("seeding the demo newsroom: %v", seedErr)
	}
	dir := t.TempDir()
	if err := copyDir(seedDir, dir); err != nil {
		t.Fatal(err)
	}
	return Start(t, dir, DemoNow.Add(time.Hour), modify...)
}

// Start serves the newsroom in dir with the clock at now.
func Start(t testing.TB, dir string, now time.Time, modify ...func(*config.Options)) *Env {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(dir, "qalam.db"))
	if err != nil {
		t.Fatal(err)
	}
	lib, err := media.New(filepath.Join(dir, "media"), st)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	opts, err := config.ParseServe([]string{"--addr", addr, "--data", dir, "--access-log=false", "--poll", "20ms"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range modify {
		m(&opts)
	}
	clock := &Clock{t: now}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	srv, err := server.New(opts, st, lib, logger, clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	srv.SetReady()
	hs := httptest.NewUnstartedServer(srv)
	hs.Listener.Close()
	hs.Listener = ln
	hs.Start()
	// The first content check purges; make it before any request so the
	// watcher's later checks only purge on real changes.
	if _, err := srv.Poll(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go srv.Watch(ctx, opts.PollInterval)
	t.Cleanup(func() {
		cancel()
		hs.Close()
		st.Close()
	})
	return &Env{Dir: dir, Store: st, Media: lib, Server: srv, URL: "http://" + addr, Host: addr, Clock: clock, Opts: opts,
		Client: &http.Client{
			Timeout:       20 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}}
}

// Get fetches a path (or absolute URL) without following redirects.
func (e *Env) Get(t testing.TB, path string, header ...string) (*http.Response, string) {
	t.Helper()
	u := path
	if !strings.HasPrefix(u, "http") {
		u = e.URL + path
	}
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		if strings.EqualFold(header[i], "Host") {
			req.Host = header[i+1]
			continue
		}
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := e.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

// Fresh runs one check of the content version, as the watcher does at
// least once a second, so a test sees the effect of its writes without
// waiting on a clock.
func (e *Env) Fresh(t testing.TB) {
	t.Helper()
	if _, err := e.Server.Poll(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func copyDir(src, dst string) error {
	return filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if info.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.Create(target)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
}
