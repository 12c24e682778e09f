package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qalam/internal/config"
	"qalam/internal/news"
	"qalam/internal/signing"
	"qalam/internal/sqlite"
)

// serve with an SMTP server mounts the newsletter pages, runs its jobs
// (the scheduler queues the prune job at once), prints the signing key's
// fingerprint in editions, and never logs the SMTP password.
func TestServeWithNewsletters(t *testing.T) {
	dir := t.TempDir()
	st, err := sqlite.Open(filepath.Join(dir, "qalam.db"))
	if err != nil {
		t.Fatal(err)
	}
	err = st.PutService(context.Background(), news.Service{Code: "en", Name: "News", Lang: "en", Dir: "ltr", TimeZone: "UTC", Position: 1, Default: true})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	t.Setenv("QALAM_SMTP_USER", "newsroom")
	t.Setenv("QALAM_SMTP_PASSWORD", "pa55-w0rd-never-logged")
	ctx, cancel := context.WithCancel(context.Background())
	var logs syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, nil, []string{"serve", "--addr", addr, "--data", dir, "--smtp-addr", "127.0.0.1:1",
			"--smtp-from", "News <news@example.org>", "--smtp-tls", "none"}, &logs, &logs)
	}()
	client := &http.Client{Timeout: 5 * time.Second}
	deadline := time.Now().Add(time.Minute)
	var resp *http.Response
	for {
		resp, err = client.Get("http://" + addr + "/newsletter/en/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("/newsletter/en/ never answered 200 (%v); log:\n%s", err, logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	// The scheduler's first pass queues the prune job and the runner runs it.
	store, err := sqlite.Open(filepath.Join(dir, "qalam.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	for {
		js, err := store.Jobs(context.Background(), news.JobFilter{Kind: news.JobNewsletterPrune, State: news.JobDone})
		if err == nil && len(js) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the prune job never ran: %v; log:\n%s", err, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	log := logs.String()
	if !strings.Contains(log, "newsletters on") || strings.Contains(log, "pa55-w0rd") {
		t.Errorf("log:\n%s", log)
	}
	pub, err := signing.DataPublicKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	opts, err := config.ParseServe([]string{"--data", dir, "--smtp-addr", "127.0.0.1:1", "--smtp-from", "n@example.org", "--smtp-tls", "none"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	j, err := newsletterJobs(opts, store, nil)
	if err != nil {
		t.Fatal(err)
	}
	if j.Fingerprint != signing.Fingerprint(pub) || j.Fingerprint == "" {
		t.Errorf("fingerprint %q, want the data dir key's %q", j.Fingerprint, signing.Fingerprint(pub))
	}
}
