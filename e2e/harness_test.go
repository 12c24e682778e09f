package e2e

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/audits"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chromiumPath is Debian's Chromium (package chromium).
const chromiumPath = "/usr/bin/chromium"

// Paths of the npm tools, relative to this package's folder (go test runs
// in it).
const (
	axePath = "node_modules/axe-core/axe.min.js"
	vnuPath = "node_modules/vnu-jar/build/dist/vnu.jar"
)

// howToRun is appended to every skip and failure for a missing tool.
const howToRun = "to run the browser tests: apt-get install chromium (and Java 17), " +
	"cd e2e && npm ci, then QALAM_E2E=require go test ./e2e/ -count=1 " +
	"(QALAM_E2E=require makes a missing tool fail instead of skip)"

var (
	// browserCtx is the context of the one Chromium of this test binary,
	// nil when it could not be started (unavailable says why).
	browserCtx  context.Context
	unavailable string
	// toolsMissing names the missing tools other than the running browser.
	toolsMissing string
)

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	if toolsMissing = missingTools(); toolsMissing != "" {
		unavailable = toolsMissing
		return m.Run()
	}
	profile, err := os.MkdirTemp("", "qalam-e2e-chromium-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(profile)

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("lang", "en-US"),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	startCtx, cancelStart := context.WithTimeout(ctx, 60*time.Second)
	defer cancelStart()
	// The first Do starts the browser; its life is bound to ctx, so give the
	// start timeout through a watchdog rather than to Do.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err = <-started:
	case <-startCtx.Done():
		err = errors.New("timed out after 60s")
	}
	if err != nil {
		unavailable = fmt.Sprintf("starting %s failed: %v", chromiumPath, err)
	} else {
		browserCtx = ctx
	}
	return m.Run()
}

// missingTools names what the browser tests need and cannot find.
func missingTools() string {
	var missing []string
	if _, err := os.Stat(chromiumPath); err != nil {
		missing = append(missing, chromiumPath+" (Debian package chromium) is not installed")
	}
	for _, p := range []string{axePath, vnuPath} {
		if _, err := os.Stat(p); err != nil {
			abs, _ := filepath.Abs(p)
			missing = append(missing, abs+" is missing (npm ci in e2e)")
		}
	}
	if _, err := exec.LookPath("java"); err != nil {
		missing = append(missing, "java is not on PATH (the Nu HTML Checker needs Java 17)")
	}
	return strings.Join(missing, "; ")
}

// needTools skips the test, or fails it under QALAM_E2E=require, when
// Chromium, Java or the npm tools are missing.
func needTools(t *testing.T) {
	t.Helper()
	if toolsMissing != "" {
		cannotRun(t, toolsMissing)
	}
}

// needBrowser is needTools, and also skips or fails when the browser did
// not start.
func needBrowser(t *testing.T) {
	t.Helper()
	needTools(t)
	if browserCtx == nil {
		cannotRun(t, unavailable)
	}
}

func cannotRun(t *testing.T, why string) {
	t.Helper()
	if why == "" {
		why = "the browser did not start"
	}
	if os.Getenv("QALAM_E2E") == "require" {
		t.Fatalf("browser tests required (QALAM_E2E=require) but cannot run: %s; %s", why, howToRun)
	}
	t.Skipf("browser tests skipped: %s; %s", why, howToRun)
}

// tab is one browser tab with a record of its network requests, console
// messages and CSP reports.
type tab struct {
	ctx context.Context
	rec *recorder
}

// newTab opens a tab in the shared browser with a 1280×900 viewport. The
// tab closes when the test ends; its actions time out after limit. Give
// chromedp.WithNewBrowserContext() for a tab with cookies of its own (a
// second person).
func newTab(t *testing.T, limit time.Duration, opts ...chromedp.ContextOption) *tab {
	t.Helper()
	needBrowser(t)
	rec := &recorder{}
	tctx, cancel := chromedp.NewContext(browserCtx, append([]chromedp.ContextOption{chromedp.WithListener(rec.listen)}, opts...)...)
	t.Cleanup(cancel)
	if err := chromedp.Do(tctx,
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, audits.Enable, cdp.Empty{})
			return err
		}),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			// Report CSP violations to the console as well, in case a
			// Chromium version stops sending them as log entries or issues.
			_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
				Source: `document.addEventListener('securitypolicyviolation', e => console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + e.blockedURI + ' at ' + e.sourceFile + ':' + e.lineNumber), true);`,
			})
			return err
		}),
		chromedp.EmulateViewport(1280, 900),
	); err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	ctx, cancelT := context.WithTimeout(tctx, limit)
	t.Cleanup(cancelT)
	return &tab{ctx: ctx, rec: rec}
}

// do runs actions in the tab, failing the test on error.
func (b *tab) do(t *testing.T, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression in the page and decodes its value.
func eval[T any](t *testing.T, b *tab, expr string, opts ...chromedp.EvaluateOption) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr, opts...))
	if err != nil {
		t.Fatalf("evaluating %.80q: %v", expr, err)
	}
	return v
}

// open navigates to url, waits for the load event and checks the status.
func (b *tab) open(t *testing.T, url string, status int) {
	t.Helper()
	resp, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(url))
	if err != nil {
		t.Fatalf("loading %s: %v", url, err)
	}
	if resp == nil {
		t.Fatalf("loading %s: no response", url)
	}
	if int(resp.Status) != status {
		t.Fatalf("loading %s: status %d, want %d", url, resp.Status, status)
	}
}

// settle scrolls through the page to the bottom so lazy images load, and
// waits until every image has finished (or 20 s pass). An image still
// loading after a pass is scrolled into view again every 2 s.
func (b *tab) settle(t *testing.T) {
	t.Helper()
	const script = `new Promise(resolve => {
		const start = Date.now();
		let lastNudge = start;
		const tick = () => {
			window.scrollBy(0, window.innerHeight / 2);
			const atBottom = window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2;
			const pending = Array.from(document.images).filter(i => !i.complete);
			if (atBottom && pending.length === 0) { resolve(true); return; }
			if (Date.now() - start > 20000) { resolve(false); return; }
			if (atBottom && Date.now() - lastNudge > 2000) {
				lastNudge = Date.now();
				pending.forEach(i => i.scrollIntoView({block: 'center'}));
				window.scrollTo(0, document.documentElement.scrollHeight);
			}
			setTimeout(tick, 50);
		};
		tick();
	})`
	if !eval[bool](t, b, script, chromedp.EvalAwaitPromise) {
		t.Errorf("%s: images had not finished loading after 20 s (page %s): %s", eval[string](t, b, "location.href"),
			eval[string](t, b, "document.visibilityState"),
			eval[string](t, b, "Array.from(document.images).filter(i => !i.complete).map(i => i.currentSrc || i.src).join(', ')"))
	}
	// A round trip through the tab after the last request: the listener runs
	// on the goroutine that reads the tab's messages, in order, so every
	// event sent before this answer has been recorded.
	eval[chromedp.Void](t, b, "0")
}

// recorder keeps what a tab reports. Its listen method runs on the
// goroutine that reads the tab's messages.
type recorder struct {
	mu       sync.Mutex
	requests []string // URLs, in order
	console  []consoleEntry
}

type consoleEntry struct {
	kind string // console.error, log, exception, CSP issue
	text string
	url  string
}

func (c consoleEntry) String() string {
	s := c.kind + ": " + c.text
	if c.url != "" {
		s += " (" + c.url + ")"
	}
	return s
}

func (r *recorder) listen(ev any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		if ev.Request != nil {
			r.requests = append(r.requests, ev.Request.URL)
		}
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var parts []string
			for _, a := range ev.Args {
				if a == nil {
					continue
				}
				if a.Description != "" {
					parts = append(parts, a.Description)
				} else {
					parts = append(parts, strings.Trim(string(a.Value), `"`))
				}
			}
			r.console = append(r.console, consoleEntry{kind: "console." + string(ev.Type), text: strings.Join(parts, " ")})
		}
	case *runtime.EventExceptionThrown:
		if d := ev.ExceptionDetails; d != nil {
			text := d.Text
			if d.Exception != nil && d.Exception.Description != "" {
				text += " " + d.Exception.Description
			}
			r.console = append(r.console, consoleEntry{kind: "uncaught exception", text: text, url: d.URL})
		}
	case *log.EventEntryAdded:
		if e := ev.Entry; e != nil && (e.Level == log.EntryLevelError || e.Source == log.EntrySourceSecurity) {
			r.console = append(r.console, consoleEntry{kind: "log " + string(e.Source) + " " + string(e.Level), text: e.Text, url: e.URL})
		}
	case *audits.EventIssueAdded:
		if is := ev.Issue; is != nil && is.Code == audits.InspectorIssueCodeContentSecurityPolicyIssue {
			text := "CSP violation"
			if is.Details != nil && is.Details.ContentSecurityPolicyIssueDetails != nil {
				d := is.Details.ContentSecurityPolicyIssueDetails
				text = fmt.Sprintf("CSP violation of %s (%s) blocking %q", d.ViolatedDirective, d.ContentSecurityPolicyViolationType, d.BlockedURL)
			}
			r.console = append(r.console, consoleEntry{kind: "CSP issue", text: text})
		}
	}
}

// mark returns the current lengths, for since.
func (r *recorder) mark() (int, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.requests), len(r.console)
}

// since returns what was recorded after mark.
func (r *recorder) since(req, con int) ([]string, []consoleEntry) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.requests[req:]...), append([]consoleEntry(nil), r.console[con:]...)
}
