package e2e

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"qalam/internal/servertest"
)

// TestScreenshots saves full-page PNG screenshots of a few pages, at a
// desktop and a phone width, into the folder QALAM_SCREENSHOTS names, for
// a person to look at. Without the variable it is skipped.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("QALAM_SCREENSHOTS")
	if dir == "" {
		t.Skip("set QALAM_SCREENSHOTS=/some/dir to save screenshots of the kk story, kk-latn home and story, fa home and en home pages")
	}
	needBrowser(t)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	e := servertest.Demo(t)
	pages := discoverPages(t, e)
	shots := []sitePage{findPage(t, pages, "kk", "story"), findPage(t, pages, "kk-latn", "home"), findPage(t, pages, "kk-latn", "story"),
		findPage(t, pages, "fa", "home"), findPage(t, pages, "en", "home")}
	b := newTab(t, 120*time.Second)
	for _, vp := range []struct {
		name string
		w, h int64
		opts []chromedp.EmulateViewportOption
	}{
		{"desktop", 1280, 900, nil},
		{"phone", 390, 844, []chromedp.EmulateViewportOption{chromedp.EmulateMobile, chromedp.EmulateTouch}},
	} {
		b.do(t, "setting the viewport", chromedp.EmulateViewport(vp.w, vp.h, vp.opts...))
		for _, p := range shots {
			b.open(t, e.URL+p.Path, p.Status)
			b.settle(t)
			eval[chromedp.Void](t, b, "window.scrollTo(0, 0)")
			png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatalf("screenshot of %s: %v", p.Name(), err)
			}
			name := filepath.Join(dir, p.Service+"-"+p.Kind+"-"+vp.name+".png")
			if err := os.WriteFile(name, png, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("saved %s (%s)", name, p.Path)
		}
	}
}
