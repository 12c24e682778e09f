package server_test

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"qalam/internal/config"
	"qalam/internal/media"
	"qalam/internal/server"
	"qalam/internal/sqlite"
)

// Until migrations and seeding are done, /healthz and every reader page
// answer 503 with Retry-After.
func TestNotReadyUntilSetReady(t *testing.T) {
	dir := t.TempDir()
	st, err := sqlite.Open(filepath.Join(dir, "qalam.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	lib, err := media.New(filepath.Join(dir, "media"), st)
	if err != nil {
		t.Fatal(err)
	}
	opts, err := config.ParseServe([]string{"--addr", "127.0.0.1:8080", "--data", dir}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(opts, st, lib, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", path, nil)
		req.Host = "127.0.0.1:8080"
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		return rec
	}
	for _, p := range []string{"/healthz", "/kk/", "/api/v1/services", "/media/x"} {
		if rec := get(p); rec.Code != 503 || (p != "/healthz" && rec.Header().Get("Retry-After") == "") {
			t.Errorf("%s before ready: %d, Retry-After %q", p, rec.Code, rec.Header().Get("Retry-After"))
		}
	}
	srv.SetReady()
	if rec := get("/healthz"); rec.Code != 200 {
		t.Errorf("/healthz after ready: %d", rec.Code)
	}
	// An empty newsroom has no services: "/" is a 404, not a crash.
	if rec := get("/"); rec.Code >= 500 {
		t.Errorf("/ on an empty newsroom: %d", rec.Code)
	}
}

// An unknown role in --require-2fa stops the server from starting.
func TestRequire2FAUnknownRole(t *testing.T) {
	dir := t.TempDir()
	st, err := sqlite.Open(filepath.Join(dir, "qalam.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	lib, err := media.New(filepath.Join(dir, "media"), st)
	if err != nil {
		t.Fatal(err)
	}
	opts, err := config.ParseServe([]string{"--data", dir, "--require-2fa", "admin,intern"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := server.New(opts, st, lib, slog.New(slog.NewTextHandler(io.Discard, nil)), nil); err == nil || !strings.Contains(err.Error(), "require-2fa") {
		t.Errorf("server.New with an unknown role: %v", err)
	}
}
