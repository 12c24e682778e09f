package e2e

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// axeViolation is what the tests keep of an axe-core violation.
type axeViolation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	HelpURL string   `json:"helpUrl"`
	Nodes   int      `json:"nodes"`
	Targets []string `json:"targets"`
	Summary string   `json:"summary"`
}

// axeRun runs axe-core on the document for WCAG 2.0, 2.1 and 2.2 A and AA.
const axeRun = `axe.run(document, {
	runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']},
	resultTypes: ['violations']
}).then(r => ({
	passes: r.passes.length,
	violations: r.violations.map(v => ({
		id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl,
		nodes: v.nodes.length,
		targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
		summary: v.nodes.length ? (v.nodes[0].failureSummary || '') : ''
	}))
}))`

// axeResult is what axeRun returns.
type axeResult struct {
	Passes     int            `json:"passes"`
	Violations []axeViolation `json:"violations"`
}

// runAxe injects axe-core into the page (once per document) and runs it.
func runAxe(t *testing.T, b *tab, inject string) axeResult {
	t.Helper()
	if !eval[bool](t, b, "typeof window.axe === 'object'") {
		eval[chromedp.Void](t, b, inject)
	}
	r := eval[axeResult](t, b, axeRun, chromedp.EvalAwaitPromise)
	if r.Passes == 0 {
		t.Fatalf("axe-core found no passing rule at all on %s: it did not really run", eval[string](t, b, "location.href"))
	}
	return r
}

// axeSource reads axe-core and wraps it for injection: evaluated through
// the DevTools protocol, the script is not subject to the page's
// Content-Security-Policy; the trailing expression keeps the evaluation's
// own value small.
func axeSource(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatal(err)
	}
	return string(src) + "\n;void 0"
}

// TestAccessibility runs axe-core on every page type of every service and
// fails on any WCAG 2.x A/AA violation.
func TestAccessibility(t *testing.T) {
	t.Parallel() // with the other long tests, in tabs of its own: 2 cores
	needBrowser(t)
	inject := axeSource(t)

	e := demoWithNewsletters(t)
	pages := discoverPages(t, e)
	b := newTab(t, 300*time.Second)
	for _, p := range pages {
		t.Run(p.Name(), func(t *testing.T) {
			b.open(t, e.URL+p.Path, p.Status)
			for _, v := range runAxe(t, b, inject).Violations {
				t.Errorf("%s %s: axe %s (%s): %s — %d element(s), e.g. %s\n\t%s\n\t%s",
					p.Name(), p.Path, v.ID, v.Impact, v.Help, v.Nodes, strings.Join(v.Targets, " | "),
					oneLine(v.Summary), v.HelpURL)
			}
		})
	}
}

// oneLine folds a multi-line message.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
