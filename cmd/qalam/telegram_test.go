package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"qalam/internal/news"
	"qalam/internal/sqlite"
	"qalam/internal/telegram"
)

// serve with --telegram runs the sync job: the archive is not posted, a
// story published while it runs is, once, on the primary origin, and the
// bot token never reaches the log.
func TestServeWithTelegram(t *testing.T) {
	const token = "42424242:AAF-serve-test-token-xyz0"
	var mu sync.Mutex
	var calls []string
	var texts []string
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		method, ok := strings.CutPrefix(r.URL.Path, "/bot"+token+"/")
		if !ok {
			w.WriteHeader(401)
			fmt.Fprint(w, `{"ok":false,"error_code":401,"description":"Unauthorized"}`)
			return
		}
		var p map[string]any
		json.NewDecoder(r.Body).Decode(&p)
		mu.Lock()
		defer mu.Unlock()
		calls = append(calls, method)
		texts = append(texts, fmt.Sprint(p["chat_id"], " ", p["text"]))
		fmt.Fprintf(w, `{"ok":true,"result":{"message_id":%d,"date":0,"chat":{"id":-100,"type":"channel"}}}`, len(calls))
	}))
	defer bot.Close()

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
	story := func(slug, headline string) news.Story {
		s, err := st.CreateStory(ctx, news.NewStory{Service: "en", SectionID: sec.ID, Slug: slug, Created: time.Now(),
			Content: news.Content{Headline: news.Text(headline),
				Body: news.Doc{Version: news.DocVersion, Blocks: []news.Block{{Type: news.BlockParagraph, Text: news.Text("Text.")}}}}})
		must(err)
		return s
	}
	old := story("old", "From the archive")
	must(st.Publish(ctx, old.ID, old.HeadRev, time.Now().Add(-time.Hour)))

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	t.Setenv("QALAM_TELEGRAM_TOKEN", token)
	runCtx, cancel := context.WithCancel(ctx)
	var logs syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(runCtx, nil, []string{"serve", "--addr", addr, "--data", dir, "--access-log=false",
			"--hosts", "https://news.example.org", "--telegram", "en=@news_en", "--telegram-api", bot.URL}, &logs, &logs)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		if log := logs.String(); strings.Contains(log, token) || strings.Contains(log, "serve-test-token") || !strings.Contains(log, "telegram on") {
			t.Errorf("log:\n%s", log)
		}
	}()

	deadline := time.Now().Add(time.Minute)
	wait := func(what string, ok func() bool) {
		t.Helper()
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("%s never happened; log:\n%s", what, logs.String())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	// The first pass sets the watermark and posts nothing.
	wait("the first sync", func() bool {
		js, err := st.Jobs(ctx, news.JobFilter{Kind: telegram.JobSync, State: news.JobDone})
		return err == nil && len(js) > 0
	})
	fresh := story("fresh", "Fresh news")
	must(st.Publish(ctx, fresh.ID, fresh.HeadRev, time.Now()))
	wait("the post", func() bool {
		ps, err := st.TelegramPosts(ctx, news.TelegramFilter{StoryID: fresh.ID, State: news.TelegramPosted})
		return err == nil && len(ps) == 1
	})
	mu.Lock()
	defer mu.Unlock()
	want := `@news_en <b>Fresh news</b>` + "\n\n" + `<a href="https://news.example.org/en/world/fresh-` + fresh.ID + `">`
	if len(calls) != 1 || calls[0] != "sendMessage" || !strings.HasPrefix(texts[0], want) {
		t.Fatalf("calls %v %q, want one sendMessage starting %q", calls, texts, want)
	}
}
