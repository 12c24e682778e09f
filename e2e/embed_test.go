package e2e

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"qalam/internal/auth"
	"qalam/internal/config"
	"qalam/internal/demo"
	"qalam/internal/httpkit"
	"qalam/internal/media"
	"qalam/internal/news"
	"qalam/internal/servertest"
)

// TestEmbedClickToLoad: a story with a YouTube embed shows a card with the
// newsroom's own thumbnail and makes no request to any other host; the
// card's button (by keyboard) makes the youtube-nocookie frame, sandboxed,
// telling only the site's origin (YouTube's player will not play without a
// referrer), and only then does the browser try to reach YouTube.
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
	if frame["referrer"] != "strict-origin" || frame["loading"] != "lazy" || frame["title"] != title {
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

// TestEmbedInEditor inserts embeds in the real admin's editor by keyboard:
// the server fetches the page (a third-party site on loopback, allowed by
// --outbound-allow) and its picture into the media library, and the editor
// shows the card with the newsroom's own thumbnail; the browser itself
// never contacts the third party. A page that cannot be fetched still goes
// in with its address, and the editor says why.
func TestEmbedInEditor(t *testing.T) {
	needBrowser(t)
	jpg, err := media.EncodeJPEG(media.Illustration(11, 800, 450), 85)
	if err != nil {
		t.Fatal(err)
	}
	var hits atomic.Int32
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch r.URL.Path {
		case "/story":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, `<html><head><meta property="og:title" content="Wells run dry in Mangystau"><meta property="og:site_name" content="Steppe Post"><meta property="og:image" content="/well.jpg"></head></html>`)
		case "/well.jpg":
			w.Header().Set("Content-Type", "image/jpeg")
			w.Write(jpg)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(site.Close)
	e := servertest.Demo(t, func(o *config.Options) {
		o.OutboundAllow = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	})
	ctx := context.Background()
	au := auth.New(auth.Config{Store: e.Store, Now: e.Clock.Now, Services: e.Store.Services})
	const password = "correct horse battery staple"
	link, _, err := au.CreateAccount(ctx, nil, "aigerim@example.org", "Aigerim", news.Grant{Service: "en", Role: news.RoleReporter}, auth.Client{})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := e.Client.PostForm(e.URL+"/admin/setup", url.Values{"t": {link.Token}, "password": {password}, "password2": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	b := newTab(t, 120*time.Second)
	b.open(t, e.URL+"/admin/login", 200)
	b.do(t, "signing in",
		chromedp.SendKeys(chromedp.CSS("#email"), "aigerim@example.org"),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Click(chromedp.CSS(`main button[type=submit]`)))
	until(t, b, "signed in", `!location.pathname.endsWith('/login')`)
	b.open(t, e.URL+"/admin/stories/new?service=en", 200)
	b.do(t, "creating the story",
		chromedp.SendKeys(chromedp.CSS("#n-headline"), "Wells run dry"),
		chromedp.Click(chromedp.CSS(`main form button[type=submit]`)))
	until(t, b, "the story page", `/\/admin\/stories\/[a-z2-7]{12}$/.test(location.pathname)`)
	id := eval[string](t, b, `location.pathname.split('/').pop()`)
	b.do(t, "waiting for the editor", chromedp.WaitVisible(chromedp.CSS(".qe-content")))
	b.do(t, "clicking into the text", chromedp.Click(chromedp.CSS(".qe-content")))
	b.do(t, "typing", pressKeys("Herders say the wells dried in May."))
	reqMark, conMark := b.rec.mark()

	insert := func(u string) {
		t.Helper()
		// Alt+F10 to the toolbar, arrows to Embed, Enter; the address field
		// has the focus.
		b.do(t, "to the toolbar", pressKeys(kb.F10, chromedp.ModifierAlt))
		for i := 0; eval[string](t, b, `document.activeElement.dataset.command || ''`) != "embed"; i++ {
			if i > 20 {
				t.Fatal("ArrowRight never reached the Embed button")
			}
			b.do(t, "ArrowRight", pressKeys(kb.ArrowRight))
		}
		b.do(t, "opening the embed panel", pressKeys(kb.Enter))
		if got := eval[string](t, b, `document.activeElement.id`); !strings.HasSuffix(got, "-f-url") {
			t.Fatalf("the focus is on %q, not the address field", got)
		}
		b.do(t, "typing the address", pressKeys(u), pressKeys(kb.Enter))
	}
	insert(site.URL + "/story")
	until(t, b, "the card", `!!document.querySelector('.qe-embed img.qe-embed-thumb') && document.querySelector('.qe-panel').hidden`)
	card := eval[map[string]string](t, b, `(() => { const c = document.querySelector('.qe-embed');
		return {src: c.querySelector('img').src, text: c.textContent, note: document.querySelector('.qe-embed-note').textContent}; })()`)
	if !strings.HasPrefix(card["src"], e.URL+"/admin/media/") || !strings.Contains(card["text"], "Wells run dry in Mangystau") {
		t.Errorf("card %v", card)
	}
	if card["note"] != "Embed inserted with its title and picture." {
		t.Errorf("note %q", card["note"])
	}
	until(t, b, "the image loaded", `document.querySelector('.qe-embed img').complete && document.querySelector('.qe-embed img').naturalWidth > 0`)

	insert(site.URL + "/gone")
	until(t, b, "the second embed", `document.querySelectorAll('.qe-embed').length === 2 && document.querySelector('.qe-panel').hidden`)
	if note := eval[string](t, b, `document.querySelector('.qe-embed-note').textContent`); !strings.Contains(note, "could not be fetched") {
		t.Errorf("note after a failed fetch %q", note)
	}
	until(t, b, "the autosave", `document.querySelector('[data-qalam-editor]').dataset.saveState === 'saved'`)

	st, err := e.Store.Story(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	head, err := e.Store.Revision(ctx, st.HeadRev)
	if err != nil {
		t.Fatal(err)
	}
	var embeds []news.Embed
	for _, bl := range head.Content.Body.Blocks {
		if bl.Embed != nil {
			embeds = append(embeds, *bl.Embed)
		}
	}
	if len(embeds) != 2 || embeds[0].Thumb == "" || embeds[0].Title != "Wells run dry in Mangystau" || embeds[1].Thumb != "" || embeds[1].URL != site.URL+"/gone" {
		t.Fatalf("saved embeds %+v", embeds)
	}
	item, err := e.Store.Media(ctx, "en", embeds[0].Thumb)
	if err != nil || item.Credit != "Steppe Post" || item.Alt != "Wells run dry in Mangystau" {
		t.Errorf("library item %+v, %v", item, err)
	}
	requests, console := b.rec.since(reqMark, conMark)
	for _, r := range offOrigin(requests, e.URL) {
		t.Errorf("the browser made a request to another origin: %s", r)
	}
	for _, c := range console {
		t.Errorf("browser reported %s", c)
	}
	if hits.Load() < 3 {
		t.Errorf("the site got %d requests, want the page, the picture and the missing page", hits.Load())
	}
	for _, v := range runAxe(t, b, axeSource(t)).Violations {
		t.Errorf("editor with embeds: axe %s (%s): %s — %s", v.ID, v.Impact, v.Help, strings.Join(v.Targets, " | "))
	}
}
