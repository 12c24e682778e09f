package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"qalam/internal/news"
	"qalam/internal/sqlite"
	"qalam/internal/webhook"
)

func webhooksCLI(t *testing.T, dir string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), nil, append(append([]string{"webhooks"}, args...), "--data", dir), &out, &errOut)
	return out.String(), errOut.String(), err
}

var secretRE = regexp.MustCompile(`qwhs_[A-Za-z0-9_-]{43}`)

func TestWebhooksCommand(t *testing.T) {
	dir := t.TempDir()
	st, err := sqlite.Open(filepath.Join(dir, "qalam.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PutService(context.Background(), news.Service{Code: "kk", Name: "Kk", Lang: "kk", Dir: "ltr", TimeZone: "UTC", Position: 1, Default: true}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	mustRun := func(args ...string) (string, string) {
		t.Helper()
		out, errOut, err := webhooksCLI(t, dir, args...)
		if err != nil {
			t.Fatalf("webhooks %v: %v\n%s%s", args, err, out, errOut)
		}
		return out, errOut
	}

	out, _ := mustRun("list")
	if !strings.Contains(out, "No webhook endpoints") {
		t.Errorf("empty list:\n%s", out)
	}
	out, _ = mustRun("add", "https://partner.example.org/in/T0KEN?k=v", "--service", "kk", "--events", "publish,unpublish", "--note", "syndication")
	secret := secretRE.FindString(out)
	id := regexp.MustCompile(`Webhook (\S+) added`).FindStringSubmatch(out)
	if secret == "" || id == nil || !strings.Contains(out, "shown once") || strings.Contains(out, "T0KEN") {
		t.Fatalf("add printed:\n%s", out)
	}
	_, note := mustRun("add", "http://127.0.0.1:9/hook")
	if !strings.Contains(note, "loopback") || !strings.Contains(note, "--outbound-allow") {
		t.Errorf("adding a loopback endpoint gives no warning: %q", note)
	}

	out, _ = mustRun("list")
	flat := strings.Join(strings.Fields(out), " ")
	if !strings.Contains(flat, id[1]+" kk publish,unpublish active https://partner.example.org/… syndication") ||
		!strings.Contains(flat, "all publish,update,unpublish active http://127.0.0.1:9/…") {
		t.Errorf("list:\n%s", out)
	}
	if secretRE.MatchString(out) || strings.Contains(out, "T0KEN") {
		t.Errorf("list shows a secret or a URL's token:\n%s", out)
	}
	if out, _ := mustRun("list", "--full-urls"); !strings.Contains(out, "T0KEN") {
		t.Errorf("--full-urls:\n%s", out)
	}

	mustRun("disable", id[1])
	if out, _ := mustRun("list"); !strings.Contains(strings.Join(strings.Fields(out), " "), id[1]+" kk publish,unpublish off") {
		t.Errorf("after disable:\n%s", out)
	}
	mustRun("enable", id[1])

	out, _ = mustRun("secret", id[1])
	rotated := secretRE.FindString(out)
	if rotated == "" || rotated == secret {
		t.Errorf("secret printed:\n%s", out)
	}
	st, err = sqlite.Open(filepath.Join(dir, "qalam.db"))
	if err != nil {
		t.Fatal(err)
	}
	if s, err := st.WebhookSecret(context.Background(), id[1]); err != nil || s != rotated {
		t.Errorf("stored secret %q, %v; want the printed one", s, err)
	}
	st.Close()

	mustRun("remove", id[1])
	if out, _ := mustRun("list"); strings.Contains(out, id[1]) {
		t.Errorf("removed endpoint listed:\n%s", out)
	}
	if out, _ := mustRun("deliveries"); !strings.Contains(out, "DELIVERY") {
		t.Errorf("deliveries:\n%s", out)
	}

	for _, bad := range [][]string{
		{"add", "ftp://partner.example.org/"},
		{"add", "partner.example.org"},
		{"add", "https://partner.example.org/", "--events", "delete"},
		{"add", "https://partner.example.org/", "--service", "xx"},
		{"add"},
		{"remove"},
		{"remove", "nope"},
		{"secret", "nope"},
		{"deliveries", "--state", "lost"},
		{"frobnicate"},
	} {
		if _, _, err := webhooksCLI(t, dir, bad...); err == nil {
			t.Errorf("webhooks %v: no error", bad)
		}
	}
	if _, _, err := webhooksCLI(t, t.TempDir(), "list"); err == nil || !strings.Contains(err.Error(), "no newsroom") {
		t.Errorf("list without a newsroom: %v", err)
	}
}

// serve runs the webhook jobs: a story published while it runs reaches an
// endpoint added with the command, signed with the secret it printed, on
// the primary origin; with --outbound-allow for the receiver's loopback.
func TestServeDeliversWebhooks(t *testing.T) {
	var mu sync.Mutex
	var got []*http.Request
	var bodies [][]byte
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got, bodies = append(got, r), append(bodies, b)
		mu.Unlock()
	}))
	defer rcv.Close()

	dir := t.TempDir()
	ctx := context.Background()
	st, err := sqlite.Open(filepath.Join(dir, "qalam.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.PutService(ctx, news.Service{Code: "en", Name: "News", Lang: "en", Dir: "ltr", TimeZone: "UTC", Position: 1, Default: true}))
	sec := news.Section{Service: "en", Slug: "world", Name: "World", Position: 1}
	must(st.PutSection(ctx, &sec))
	out, _, err := webhooksCLI(t, dir, "add", rcv.URL+"/hook", "--events", "publish")
	must(err)
	secret := secretRE.FindString(out)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(err)
	addr := ln.Addr().String()
	ln.Close()
	runCtx, cancel := context.WithCancel(ctx)
	var logs syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(runCtx, nil, []string{"serve", "--addr", addr, "--data", dir, "--access-log=false",
			"--hosts", "https://news.example.org", "--outbound-allow", "127.0.0.1/32"}, &logs, &logs)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		if log := logs.String(); strings.Contains(log, secret) {
			t.Errorf("the log holds the secret:\n%s", log)
		}
	}()

	s, err := st.CreateStory(ctx, news.NewStory{Service: "en", SectionID: sec.ID, Slug: "fresh", Created: time.Now(),
		Content: news.Content{Headline: news.Text("Fresh news"),
			Body: news.Doc{Version: news.DocVersion, Blocks: []news.Block{{Type: news.BlockParagraph, Text: news.Text("Text.")}}}}})
	must(err)
	must(st.Publish(ctx, s.ID, s.HeadRev, time.Now()))

	deadline := time.Now().Add(time.Minute)
	for {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no delivery; log:\n%s", logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 {
		t.Fatalf("%d deliveries, want 1", len(got))
	}
	if err := webhook.Verify(secret, got[0].Header, bodies[0], time.Now(), webhook.DefaultTolerance); err != nil {
		t.Fatalf("signature: %v", err)
	}
	var p webhook.Payload
	must(json.Unmarshal(bodies[0], &p))
	if p.Event != news.WebhookPublish || p.Story.URL != "https://news.example.org/en/world/fresh-"+s.ID || p.Story.Headline != "Fresh news" {
		t.Errorf("payload %s", bodies[0])
	}
}
