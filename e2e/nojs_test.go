package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"qalam/internal/servertest"
)

// textVisibility reports whether an element shows its text to a reader.
type textVisibility struct {
	Found   bool    `json:"found"`
	Text    string  `json:"text"`
	Width   float64 `json:"width"`
	Height  float64 `json:"height"`
	Visible bool    `json:"visible"` // display, visibility, opacity, clipping
	Color   string  `json:"color"`
}

// visibilityOf measures the first element matching a selector.
func visibilityOf(sel string) string {
	return `((sel) => {
	const el = document.querySelector(sel);
	if (!el) return {found: false};
	const r = el.getBoundingClientRect();
	let visible = el.checkVisibility({opacityProperty: true, visibilityProperty: true});
	for (let n = el; n && n !== document.documentElement; n = n.parentElement) {
		const cs = getComputedStyle(n);
		if (cs.clipPath === 'inset(50%)' || (cs.clip && cs.clip !== 'auto') || cs.position === 'absolute' && (r.right < 0 || r.left > document.documentElement.scrollWidth)) visible = false;
	}
	return {found: true, text: el.innerText.trim(), width: r.width, height: r.height, visible, color: getComputedStyle(el).color};
})(` + jsString(sel) + `)`
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`).Replace(s) + "'"
}

// TestReadableWithoutJavaScript loads story pages with script execution
// disabled: the headline and the body text must be there and visible.
func TestReadableWithoutJavaScript(t *testing.T) {
	needBrowser(t)
	e := servertest.Demo(t)
	pages := discoverPages(t, e)
	b := newTab(t, 60*time.Second)
	b.do(t, "disabling JavaScript", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}))
	for _, svc := range []string{"kk", "fa"} {
		p := findPage(t, pages, svc, "story")
		t.Run(p.Name(), func(t *testing.T) {
			b.open(t, e.URL+p.Path, 200)
			// The page itself cannot run a script now (DevTools evaluation
			// still can): prove it.
			if ran := eval[bool](t, b, `(() => { const s = document.createElement('script'); s.textContent = 'window.__qalamRan = true'; document.head.append(s); return window.__qalamRan === true; })()`); ran {
				t.Fatal("page scripts still run: JavaScript is not disabled")
			}
			for _, c := range []struct {
				what, sel string
				minLen    int
			}{
				{"headline", `main h1`, 10},
				{"body text", `main [data-qalam="body"]`, 200},
			} {
				v := eval[textVisibility](t, b, visibilityOf(c.sel))
				switch {
				case !v.Found:
					t.Errorf("%s: no %s (%s) without JavaScript", p.Name(), c.what, c.sel)
				case !v.Visible || v.Width < 1 || v.Height < 1:
					t.Errorf("%s: the %s (%s) is hidden without JavaScript: %+v", p.Name(), c.what, c.sel, v)
				case len([]rune(v.Text)) < c.minLen:
					t.Errorf("%s: the %s (%s) shows only %q without JavaScript", p.Name(), c.what, c.sel, v.Text)
				}
			}
		})
	}
}
