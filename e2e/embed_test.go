package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"qalam/internal/demo"
	"qalam/internal/httpkit"
	"qalam/internal/media"
	"qalam/internal/news"
	"qalam/internal/servertest"
)

// TestEmbedClickToLoad: a story with a YouTube embed shows a card with the
// newsroom's own thumbnail and makes no request to any other host; the
// card's button (by keyboard) makes the youtube-nocookie frame, sandboxed,
// without referrer, and only then does the browser try to reach YouTube.
// axe finds no violation before or after. The lite page and the feed have
// a plain link only.
func TestEmbedClickToLoad(t *testing.T) {
	needBrowser(t)
	e := servertest.Demo(t)
	ctx := context.Background()
	jpg, err := media.EncodeJPEG(media.Illustration(7, 640, 360), 85)
	if err != nil {
		t.Fatal(err)
	}
	thumb, err := e.Media.Ingest(ctx, jpg)
	if err != nil {
		t.Fatal(err)
	}
	secs, err := e.Store.Sections(ctx, "en")
	if err != nil || len(secs) == 0 {
		t.Fatalf("sections: %v", err)
	}
	const video = "dQw4w9WgXcQ"
	title := `River crossing <b>"live"</b> & more`
	st, err := e.Store.CreateStory(ctx, news.NewStory{
		Service: "en", SectionID: secs[0].ID, Slug: "embed-click",
		Content: news.Content{
			Headline: news.Text("The river crossing on video"),
			Body: news.Doc{Version: news.DocVersion, Blocks: []news.Block{
				{Type: news.BlockParagraph, Text: news.Text("Before the video.")},
				{Type: news.BlockEmbed, Embed: &news.Embed{URL: "https://www.youtube.com/watch?v=" + video, Provider: "youtube", Title: title, Thumb: thumb.ID}},
				{Type: news.BlockParagraph, Text: news.Text("After the video.")},
			}},
		},
		CreatedBy: demo.StaffID, Created: e.Clock.Now(),
	})
	if err != nil {
		t.Fatal(err)
	}
	e.Publish(t, st, e.Clock.Now().Add(-time.Minute))
	e.Fresh(t)
	path := "/en/" + secs[0].Slug + "/embed-click-" + st.ID

	resp, page := e.Get(t, path)
	if resp.StatusCode != 200 {
		t.Fatalf("story page: %d", resp.StatusCode)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); csp != httpkit.ReaderEmbedCSP {
		t.Errorf("story page CSP %q, want the embed policy", csp)
	}
	if !strings.Contains(page, `data-qalam="embed-script"`) {
		t.Error("the story page does not load embed.js")
	}

	b := newTab(t, 120*time.Second)
	reqMark, conMark := b.rec.mark()
	b.open(t, e.URL+path, 200)
	b.settle(t)
	waitUntil(t, b, "embed.js shows the button", `(() => { const x = document.querySelector('[data-qalam="embed-load"]'); return !!x && !x.hidden && x.offsetHeight > 0; })()`, 10*time.Second)
	requests, console := b.rec.since(reqMark, conMark)
	for _, r := range offOrigin(requests, e.URL) {
		t.Errorf("before the click: request to another origin: %s", r)
	}
	for _, c := range console {
		t.Errorf("before the click: %s", c)
	}
	var sawThumb bool
	for _, r := range requests {
		sawThumb = sawThumb || strings.HasPrefix(r, e.URL+"/media/"+thumb.ID+"/")
	}
	if !sawThumb {
		t.Errorf("the card's thumbnail was not loaded from /media/%s/: %v", thumb.ID, requests)
	}
	if got := eval[string](t, b, `document.querySelector('[data-qalam="embed"] .embed-media img').currentSrc`); !strings.HasPrefix(got, e.URL+"/media/"+thumb.ID+"/") {
		t.Errorf("thumbnail src %q", got)
	}
	if got := eval[string](t, b, `document.querySelector('[data-qalam="embed"] a').textContent`); got != title {
		t.Errorf("card title %q, want %q", got, title)
	}
	if n := eval[int](t, b, `document.querySelectorAll('iframe').length`); n != 0 {
		t.Fatalf("%d frames before the click", n)
	}
	inject := axeSource(t)
	for _, v := range runAxe(t, b, inject).Violations {
		t.Errorf("before the click: axe %s (%s): %s — %s", v.ID, v.Impact, v.Help, strings.Join(v.Targets, " | "))
	}

	// The reader asks for it, by keyboard.
	reqMark, conMark = b.rec.mark()
	eval[chromedp.Void](t, b, `document.querySelector('[data-qalam="embed-load"]').focus()`)
	b.do(t, "pressing the button", pressKeys(kb.Enter))
	waitUntil(t, b, "the frame", `!!document.querySelector('[data-qalam="embed"] iframe')`, 10*time.Second)
	frame := eval[map[string]string](t, b, `(() => { const f = document.querySelector('[data-qalam="embed"] iframe');
		return {src: f.src, sandbox: f.getAttribute('sandbox'), referrer: f.getAttribute('referrerpolicy'), loading: f.getAttribute('loading'), title: f.title,
			button: String(document.querySelectorAll('[data-qalam="embed-load"]').length), focus: String(document.activeElement === f)}; })()`)
	if frame["src"] != "https://www.youtube-nocookie.com/embed/"+video {
		t.Errorf("frame src %q", frame["src"])
	}
	if !strings.Contains(frame["sandbox"], "allow-scripts") || strings.Contains(frame["sandbox"], "allow-top-navigation") {
		t.Errorf("frame sandbox %q", frame["sandbox"])
	}
	if frame["referrer"] != "no-referrer" || frame["loading"] != "lazy" || frame["title"] != title {
		t.Errorf("frame attributes %v", frame)
	}
	if frame["button"] != "0" || frame["focus"] != "true" {
		t.Errorf("after the click the button should be gone and the focus on the frame: %v", frame)
	}
	// The frame's own load fails offline; what counts is that the browser
	// tries it now, and only it.
	deadline := time.Now().Add(10 * time.Second)
	for {
		requests, _ := b.rec.since(reqMark, conMark)
		tried := false
		for _, r := range offOrigin(requests, e.URL) {
			if strings.HasPrefix(r, "https://www.youtube-nocookie.com/embed/"+video) {
				tried = true
			} else {
				t.Errorf("after the click: request to %s", r)
			}
		}
		if tried {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no request for the frame after the click: %v", requests)
		}
		time.Sleep(100 * time.Millisecond)
	}
	_, console = b.rec.since(reqMark, conMark)
	for _, c := range console {
		if strings.Contains(c.text, "CSP") || c.kind == "CSP issue" || c.kind == "uncaught exception" {
			t.Errorf("after the click: %s", c)
		}
	}
	for _, v := range runAxe(t, b, inject).Violations {
		t.Errorf("after the click: axe %s (%s): %s — %s", v.ID, v.Impact, v.Help, strings.Join(v.Targets, " | "))
	}

	// The lite page and the feed: a plain link, no frame, no script.
	resp, lite := e.Get(t, "/lite"+path)
	if resp.StatusCode != 200 {
		t.Fatalf("lite page: %d", resp.StatusCode)
	}
	if resp.Header.Get("Content-Security-Policy") != httpkit.ReaderCSP {
		t.Errorf("lite page CSP %q", resp.Header.Get("Content-Security-Policy"))
	}
	_, feed := e.Get(t, "/feeds/en/rss.xml")
	for name, body := range map[string]string{"lite page": lite, "feed": feed} {
		if !strings.Contains(body, "https://www.youtube.com/watch?v="+video) {
			t.Errorf("%s lacks the link to the video", name)
		}
		for _, bad := range []string{"youtube-nocookie", "data-frame", "embed-load", "embed.js", "<iframe", "&lt;iframe"} {
			if strings.Contains(body, bad) {
				t.Errorf("%s has %q", name, bad)
			}
		}
	}
}
