package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"qalam/internal/config"
	"qalam/internal/demo"
	"qalam/internal/news"
	"qalam/internal/servertest"
)

// waitUntil polls a JavaScript condition in the page until it holds.
func waitUntil(t *testing.T, b *tab, what, cond string, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !eval[bool](t, b, cond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, limit)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestLiveBannerWithoutReload: a reader with a page open sees the banner
// appear and disappear without reloading, over the event stream, and, when
// the server holds no streams, by polling; the page keeps no stream open
// while hidden.
func TestLiveBannerWithoutReload(t *testing.T) {
	needBrowser(t)
	for _, tc := range []struct {
		name string
		opts func(*config.Options)
	}{
		{"stream", func(*config.Options) {}},
		{"polling", func(o *config.Options) { o.MaxStreams = 0; o.LivePoll = time.Second }},
		// The server holds one stream, taken by another reader: the page's
		// stream is refused (503) and it polls instead.
		{"refused", func(o *config.Options) { o.MaxStreams = 1; o.LivePoll = time.Second }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := servertest.Demo(t, tc.opts)
			ctx := context.Background()
			// The demo's kk service has a banner up: take it down first.
			if err := e.Store.SetBanner(ctx, news.Banner{Service: "kk", Text: "—"}); err != nil {
				t.Fatal(err)
			}
			e.Fresh(t)
			if tc.name == "refused" {
				sctx, stop := context.WithCancel(ctx)
				t.Cleanup(stop)
				req, _ := http.NewRequestWithContext(sctx, "GET", e.URL+"/live/kk/events", nil)
				resp, err := e.Client.Do(req)
				if err != nil || resp.StatusCode != 200 {
					t.Fatalf("the other reader's stream: %v %v", resp, err)
				}
				t.Cleanup(func() { resp.Body.Close() })
			}
			b := newTab(t, 90*time.Second)
			b.open(t, e.URL+"/kk/", 200)
			if n := eval[int](t, b, `document.querySelectorAll('[data-qalam="breaking"]').length`); n != 0 {
				t.Fatalf("a banner before one is set: %d", n)
			}
			if tc.name == "stream" {
				deadline := time.Now().Add(20 * time.Second)
				for e.Server.Live.Streams()["kk"] != 1 {
					if time.Now().After(deadline) {
						t.Fatalf("no stream open: %v", e.Server.Live.Streams())
					}
					time.Sleep(50 * time.Millisecond)
				}
			}
			const text = "Астанада кезектен тыс сессия ашылды"
			if err := e.Store.SetBanner(ctx, news.Banner{Service: "kk", Text: text, Link: "/kk/saiasat/", Active: true}); err != nil {
				t.Fatal(err)
			}
			e.Fresh(t)
			waitUntil(t, b, "the banner appears", `(() => { const a = document.querySelector('#live-banner [data-qalam="breaking"] a'); return !!a && a.textContent === `+jsString(text)+` && a.getAttribute('href') === '/kk/saiasat/'; })()`, 20*time.Second)
			if tc.name == "polling" && len(e.Server.Live.Streams()) != 0 {
				t.Errorf("streams open while the server holds none: %v", e.Server.Live.Streams())
			}
			if tc.name == "refused" {
				if n := e.Server.Live.Streams()["kk"]; n != 1 {
					t.Errorf("%d streams open, want only the other reader's", n)
				}
				if got := e.Server.Live.Refused(); got == 0 {
					t.Error("the page's stream was never refused: it did not try one")
				}
			}
			if err := e.Store.SetBanner(ctx, news.Banner{Service: "kk", Text: text}); err != nil {
				t.Fatal(err)
			}
			e.Fresh(t)
			waitUntil(t, b, "the banner disappears", `document.querySelectorAll('[data-qalam="breaking"]').length === 0`, 20*time.Second)
			if tc.name == "stream" {
				// A hidden tab lets its stream go.
				eval[bool](t, b, `(() => { Object.defineProperty(document, 'visibilityState', {value: 'hidden', configurable: true}); document.dispatchEvent(new Event('visibilitychange')); return true; })()`)
				deadline := time.Now().Add(20 * time.Second)
				for e.Server.Live.Streams()["kk"] != 0 {
					if time.Now().After(deadline) {
						t.Fatalf("the hidden tab still holds a stream: %v", e.Server.Live.Streams())
					}
					time.Sleep(50 * time.Millisecond)
				}
			}
			_, console := b.rec.since(0, 0)
			for _, c := range console {
				if tc.name == "refused" && strings.Contains(c.String(), "503") {
					continue // the refusal the page falls back from
				}
				t.Errorf("console: %s", c)
			}
		})
	}
}

// TestLiveBlogEntryWithoutReload: a reader on a live blog's page sees a new
// entry arrive at the top without reloading, with its markup intact.
func TestLiveBlogEntryWithoutReload(t *testing.T) {
	needBrowser(t)
	e := servertest.Demo(t)
	ctx := context.Background()
	id := demo.LeadStoryKK
	now := e.Clock.Now()
	if err := e.Store.SetLiveBlog(ctx, id, true, now.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	post := func(title, text string, at time.Time) {
		le := news.LiveEntry{StoryID: id, Title: news.Text(title), Posted: at,
			Body: news.Doc{Version: news.DocVersion, Blocks: []news.Block{{Type: news.BlockParagraph, Text: news.Inline{
				{Text: text + " "}, {Text: "толығырақ", Marks: []news.Mark{{Type: news.MarkLink, Href: "/kk/"}}}}}}}}
		if err := e.Store.PostLiveEntry(ctx, &le); err != nil {
			t.Fatal(err)
		}
	}
	post("Бірінші", "Сессия ашылды.", now.Add(-30*time.Minute))
	e.Fresh(t)
	path := localPath(t, e, storyPathOf(t, e, id))
	b := newTab(t, 90*time.Second)
	b.open(t, e.URL+path, 200)
	if n := eval[int](t, b, `document.querySelectorAll('[data-qalam="live-entries"] > li').length`); n != 1 {
		t.Fatalf("%d entries on load, want 1", n)
	}
	post("Екінші", "Депутаттар дауыс берді.", now)
	e.Fresh(t)
	waitUntil(t, b, "the new entry appears at the top", `(() => {
		const li = document.querySelector('[data-qalam="live-entries"] > li');
		return !!li && li.id === 'entry-2' && li.querySelector('h3').textContent === 'Екінші' &&
			li.querySelector('.live-body a[href="/kk/"]') !== null && li.querySelector('time[datetime]') !== null;
	})()`, 20*time.Second)
	if n := eval[int](t, b, `document.querySelectorAll('[data-qalam="live-entries"] > li').length`); n != 2 {
		t.Errorf("%d entries after the push, want 2", n)
	}
	_, console := b.rec.since(0, 0)
	for _, c := range console {
		t.Errorf("console: %s", c)
	}
}

// storyPathOf is a story's reader URL as the API gives it.
func storyPathOf(t *testing.T, e *servertest.Env, id string) string {
	t.Helper()
	var s struct {
		URL string `json:"url"`
	}
	getJSON(t, e, "/api/v1/stories/"+id, &s)
	return s.URL
}
