package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"qalam/internal/servertest"
)

// focusState describes the focused element.
type focusState struct {
	Tag     string  `json:"tag"`
	Href    string  `json:"href"`
	ID      string  `json:"id"`
	Text    string  `json:"text"`
	Hash    string  `json:"hash"`
	Left    float64 `json:"left"`
	Top     float64 `json:"top"`
	Right   float64 `json:"right"`
	Bottom  float64 `json:"bottom"`
	ViewW   float64 `json:"viewW"`
	ViewH   float64 `json:"viewH"`
	MainTop float64 `json:"mainTop"`
	ScrollY float64 `json:"scrollY"`
}

const readFocus = `(() => {
	const a = document.activeElement, r = a.getBoundingClientRect();
	const m = document.getElementById('main');
	return {tag: a.tagName.toLowerCase(), href: a.getAttribute('href') || '', id: a.id, text: a.innerText.trim(),
		hash: location.hash, left: r.left, top: r.top, right: r.right, bottom: r.bottom,
		viewW: document.documentElement.clientWidth, viewH: document.documentElement.clientHeight,
		mainTop: m ? m.getBoundingClientRect().top : -1, scrollY: window.scrollY};
})()`

// TestSkipLinks presses Tab once on a story page: the "skip to content"
// link must take focus and show itself; Enter must move focus to #main.
func TestSkipLinks(t *testing.T) {
	needBrowser(t)
	e := servertest.Demo(t)
	pages := discoverPages(t, e)
	b := newTab(t, 60*time.Second)
	b.do(t, "emulating focus", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true})
		return err
	}))
	want := map[string]string{"en": "Skip to content", "fa": "پرش به محتوای اصلی"}
	for _, svc := range []string{"en", "fa"} {
		p := findPage(t, pages, svc, "story")
		t.Run(p.Name(), func(t *testing.T) {
			b.open(t, e.URL+p.Path, 200)
			b.do(t, "pressing Tab", chromedp.KeyEvent(kb.Tab))
			f := eval[focusState](t, b, readFocus)
			if f.Tag != "a" || f.Href != "#main" {
				t.Fatalf("%s: after one Tab the focus is on <%s href=%q id=%q> %q, want the skip link to #main", p.Name(), f.Tag, f.Href, f.ID, f.Text)
			}
			if f.Text != want[svc] {
				t.Errorf("%s: the skip link says %q, want %q", p.Name(), f.Text, want[svc])
			}
			if f.Right-f.Left < 1 || f.Bottom-f.Top < 1 || f.Left < 0 || f.Top < 0 || f.Right > f.ViewW || f.Bottom > f.ViewH {
				t.Errorf("%s: the focused skip link is not inside the %gx%g viewport: box (%.0f,%.0f)-(%.0f,%.0f)",
					p.Name(), f.ViewW, f.ViewH, f.Left, f.Top, f.Right, f.Bottom)
			}
			b.do(t, "pressing Enter", chromedp.KeyEvent(kb.Enter))
			f = eval[focusState](t, b, readFocus)
			if f.Hash != "#main" {
				t.Errorf("%s: after Enter the location hash is %q, want #main", p.Name(), f.Hash)
			}
			if f.ID != "main" {
				t.Errorf("%s: after Enter the focus is on <%s id=%q>, want #main", p.Name(), f.Tag, f.ID)
			}
			if f.MainTop < -1 || f.MainTop > f.ViewH/2 {
				t.Errorf("%s: after Enter #main starts at %.0fpx of a %gpx viewport (scrollY %.0f): not scrolled to it", p.Name(), f.MainTop, f.ViewH, f.ScrollY)
			}
		})
	}
}
