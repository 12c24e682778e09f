package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"qalam/internal/news"
	"qalam/internal/sqlite"
)

func TestServeHelpDocumentsEverySetting(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), nil, []string{"serve", "--help"}, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "help") {
		t.Fatalf("serve --help: %v", err)
	}
	for _, want := range []string{"-addr", "QALAM_ADDR", "-data", "QALAM_DATA", "-demo", "QALAM_DEMO", "-hosts", "QALAM_HOSTS",
		"-trusted-proxies", "QALAM_TRUSTED_PROXIES", "-cache-mb", "-access-log"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("serve --help does not mention %s", want)
		}
	}
}

func TestUnknownCommand(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), nil, []string{"frobnicate"}, &out, &out); err == nil {
		t.Fatal("an unknown command succeeded")
	}
	if !strings.Contains(out.String(), "Usage") {
		t.Error("no usage printed for an unknown command")
	}
}

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// serve --demo on an empty data dir: /healthz says 503 until seeding is
// done, then 200; the access log never holds the reader's address or
// User-Agent.
func TestServeDemoEndToEnd(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	var logs syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, nil, []string{"serve", "--addr", addr, "--data", dir, "--demo"}, &logs, &logs)
	}()
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve returned %v", err)
			}
		}
	}
	defer stop()

	client := &http.Client{Timeout: 5 * time.Second}
	sawStarting := false
	deadline := time.Now().Add(2 * time.Minute)
	for {
		resp, err := client.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
			if resp.StatusCode == 503 {
				sawStarting = true
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("healthz never answered 200; log:\n%s", logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !sawStarting {
		t.Log("the demo seeded before the first health check; 503 not observed")
	}
	const ua = "ReaderAgentZZ/1.0"
	req, _ := http.NewRequest("GET", "http://"+addr+"/kk/", nil)
	req.Header.Set("User-Agent", ua)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("/kk/ answers %d", resp.StatusCode)
	}
	// The log line is written once the handler returns, which may be just
	// after the client has its answer.
	log := logs.String()
	for i := 0; i < 100 && !strings.Contains(log, "path=/kk/"); i++ {
		time.Sleep(10 * time.Millisecond)
		log = logs.String()
	}
	if !strings.Contains(log, "path=/kk/") {
		t.Errorf("the access log did not record the request:\n%s", log)
	}
	if strings.Contains(log, ua) || strings.Contains(log, "127.0.0.1:") && strings.Contains(log, "remote") {
		t.Errorf("the access log records who the reader is:\n%s", log)
	}
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, "msg=request") && strings.Contains(line, "127.0.0.1") {
			t.Errorf("an access log line holds the reader's address: %s", line)
		}
	}
	// A change made through another handle on the data dir (as another
	// process would) reaches the running server's pages: its watcher runs.
	other, err := sqlite.Open(filepath.Join(dir, "qalam.db"))
	if err != nil {
		t.Fatal(err)
	}
	err = other.SetBanner(context.Background(), news.Banner{Service: "kk", Label: "Шұғыл", Text: "zzwatchermarkerqq", Active: true})
	other.Close()
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		resp, err := client.Get("http://" + addr + "/kk/")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if bytes.Contains(body, []byte("zzwatchermarkerqq")) {
			break
		}
		if i > 500 {
			t.Fatal("the running server never showed a change made on its data dir")
		}
		time.Sleep(20 * time.Millisecond)
	}

	// Nothing about the reader reached the data dir either.
	stop()
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if bytes.Contains(data, []byte(ua)) {
			t.Errorf("%s holds the reader's User-Agent", p)
		}
		return nil
	})
}
