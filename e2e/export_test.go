package e2e

import (
	"context"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"qalam/internal/config"
	"qalam/internal/export"
	"qalam/internal/servertest"
	"qalam/internal/signing"
)

// exportedPage is what the browser shows of a page of the static copy.
type exportedPage struct {
	URL    string   `json:"url"`    // document.URL: chrome-error://... for an error page
	Ready  string   `json:"ready"`  // document.readyState
	Main   bool     `json:"main"`   // the page has its <main>
	Broken []string `json:"broken"` // images that did not load
	Links  []string `json:"links"`  // every link's resolved href
}

const readExportedPage = `(() => ({
	url: document.URL,
	ready: document.readyState,
	main: !!document.querySelector('main'),
	broken: Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).map(i => i.currentSrc || i.src),
	links: Array.from(document.querySelectorAll('a[href]')).map(a => a.href),
}))()`

// TestExportOpensFromFile exports the demo's Kazakh service to a folder,
// opens its home from file:// as a reader would from a USB stick, and
// follows every link of the home page that stays in the copy: each one
// loads a page of the copy (not the browser's error page) with all its
// images, and no request ever leaves file://.
func TestExportOpensFromFile(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	live := config.Origin{Scheme: "https", Host: "news.example.org"}
	e := servertest.Demo(t, func(o *config.Options) {
		o.Hosts = append(o.Hosts, live)
		o.Primary = live
	})
	svc, err := e.Store.Service(context.Background(), "kk")
	if err != nil {
		t.Fatal(err)
	}
	key, err := signing.PrivateKey(t.TempDir(), "")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "kk-copy")
	if _, err := export.Static(context.Background(), export.Config{Handler: e.Server, Origin: e.Opts.Primary, Service: svc, Out: dir, Key: key}); err != nil {
		t.Fatal(err)
	}
	root := (&url.URL{Scheme: "file", Path: filepath.ToSlash(dir) + "/"}).String()

	b := newTab(t, 150*time.Second)
	reqMark, conMark := b.rec.mark()
	visit := func(t *testing.T, u string) exportedPage {
		t.Helper()
		if _, err := chromedp.Run(b.ctx, chromedp.Navigate(u)); err != nil {
			t.Fatalf("loading %s: %v", u, err)
		}
		b.settle(t)
		p := eval[exportedPage](t, b, readExportedPage)
		if !strings.HasPrefix(p.URL, root) || p.Ready != "complete" || !p.Main {
			t.Errorf("%s did not load a page of the copy: document %s, %s, main element %v", u, p.URL, p.Ready, p.Main)
		}
		for _, img := range p.Broken {
			t.Errorf("%s: image %s did not load", u, img)
		}
		return p
	}

	// The folder's root sends the browser on to the service's home.
	if _, err := chromedp.Run(b.ctx, chromedp.Navigate(root+"index.html")); err != nil {
		t.Fatal(err)
	}
	// The refresh navigates on its own: poll from here, not inside the page.
	at := ""
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string]("location.href")); err == nil {
			if at = v; strings.HasSuffix(at, "/kk/index.html") {
				break
			}
		}
	}
	if at != root+"kk/index.html" {
		t.Errorf("the root index.html did not lead to kk/index.html: at %s", at)
	}

	home := visit(t, root+"kk/index.html")
	seen := map[string]bool{}
	var inCopy []string
	for _, l := range home.Links {
		u, err := url.Parse(l)
		if err != nil {
			t.Errorf("home: bad link %q", l)
			continue
		}
		switch u.Scheme {
		case "file":
			if !strings.HasSuffix(u.Path, ".html") {
				t.Errorf("home: link %s does not name a file", l)
			}
			u.Fragment = ""
			if !seen[u.String()] {
				seen[u.String()] = true
				inCopy = append(inCopy, u.String())
			}
		case "https":
			if u.Host != live.Host {
				t.Errorf("home: link to %s, want the copy or the live site %s", l, live)
			}
		default:
			t.Errorf("home: link %s", l)
		}
	}
	if len(inCopy) < 20 {
		t.Fatalf("the home page links to only %d pages of the copy: %v", len(inCopy), inCopy)
	}
	for _, want := range []string{"kk-latn/index.html", "lite/kk/index.html", "kk/mirrors/index.html"} {
		if !seen[root+want] {
			t.Errorf("the home page does not link to %s", want)
		}
	}
	for _, u := range inCopy {
		visit(t, u)
	}

	requests, console := b.rec.since(reqMark, conMark)
	files := 0
	for _, r := range requests {
		switch {
		case strings.HasPrefix(r, "file://"):
			files++
		case strings.HasPrefix(r, "data:"):
		default:
			t.Errorf("a request left file://: %s", r)
		}
	}
	if files < len(inCopy) {
		t.Errorf("only %d file:// requests were recorded for %d pages: is the listener working?", files, len(inCopy))
	}
	for _, c := range console {
		t.Errorf("console: %s", c)
	}
	t.Logf("followed %d links of the home page, %d requests, all file://", len(inCopy), len(requests))
}
