package e2e

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"qalam/internal/servertest"
)

// TestHarnessCatchesProblems breaks a page on purpose and checks that the
// checks above notice: axe-core reports an image without alt text, the
// recorder sees a console error, a CSP violation and a request to another
// origin (on loopback: localhost instead of 127.0.0.1). A harness that
// saw nothing would pass every site silently.
func TestHarnessCatchesProblems(t *testing.T) {
	needBrowser(t)
	e := servertest.Demo(t)
	b := newTab(t, 60*time.Second)
	home := e.URL + "/en/"
	other := strings.Replace(e.URL, "127.0.0.1", "localhost", 1) + "/static/e2e-cross-origin.png"
	addImg := func(src string) string {
		return `document.querySelector('main').insertAdjacentHTML('beforeend', '<img src="` + src + `" width="10" height="10">'); 0`
	}

	t.Run("axe", func(t *testing.T) {
		b.open(t, home, 200)
		eval[int](t, b, addImg("data:image/gif;base64,R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw=="))
		r := runAxe(t, b, axeSource(t))
		if !slices.ContainsFunc(r.Violations, func(v axeViolation) bool { return v.ID == "image-alt" }) {
			t.Errorf("axe-core did not report an <img> without alt: %+v", r.Violations)
		}
	})

	t.Run("console and CSP", func(t *testing.T) {
		req, con := b.rec.mark()
		b.open(t, home, 200)
		eval[chromedp.Void](t, b, `console.error('e2e self-check error')`)
		eval[int](t, b, addImg(other))
		b.settle(t)
		time.Sleep(200 * time.Millisecond) // CSP reports are queued as a task
		eval[chromedp.Void](t, b, "0")
		requests, console := b.rec.since(req, con)
		var sawError, sawCSP bool
		for _, c := range consoleProblems(console, home, 200) {
			sawError = sawError || strings.Contains(c.text, "e2e self-check error")
			sawCSP = sawCSP || strings.Contains(c.String(), "CSP") || strings.Contains(c.text, "Content Security Policy")
		}
		if !sawError {
			t.Errorf("console.error was not recorded: %v", console)
		}
		if !sawCSP {
			t.Errorf("the CSP violation of an image from %s was not recorded: %v", other, console)
		}
		if off := offOrigin(requests, e.URL); len(off) > 0 {
			t.Logf("(the CSP-blocked image was still announced as a request: %v)", off)
		}
	})

	t.Run("third-party request", func(t *testing.T) {
		b.do(t, "bypassing CSP", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true})
			return err
		}))
		t.Cleanup(func() {
			chromedp.Do(b.ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := cdp.Call(ctx, tg, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: false})
				return err
			}))
		})
		req, con := b.rec.mark()
		b.open(t, home, 200)
		eval[int](t, b, addImg(other))
		b.settle(t)
		requests, _ := b.rec.since(req, con)
		if off := offOrigin(requests, e.URL); !slices.Contains(off, other) {
			t.Errorf("the request to %s was not flagged; requests: %v", other, requests)
		}
	})
}

// TestOffOrigin checks the origin rule without a browser.
func TestOffOrigin(t *testing.T) {
	got := offOrigin([]string{
		"http://127.0.0.1:5000/en/", "http://127.0.0.1:5000/static/site.css", "data:image/png;base64,AAAA",
		"http://127.0.0.1:5001/x", "https://127.0.0.1:5000/y", "http://localhost:5000/z", "https://fonts.example/f.woff2",
	}, "http://127.0.0.1:5000")
	want := []string{"http://127.0.0.1:5001/x", "https://127.0.0.1:5000/y", "http://localhost:5000/z", "https://fonts.example/f.woff2"}
	if !slices.Equal(got, want) {
		t.Errorf("offOrigin = %v, want %v", got, want)
	}
}
