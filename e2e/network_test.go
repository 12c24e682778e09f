package e2e

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestNoThirdPartyRequests loads every page type of every service, scrolls
// to the bottom so lazy images load, and fails on any request that leaves
// the server's origin, on any console error and on any CSP violation.
func TestNoThirdPartyRequests(t *testing.T) {
	t.Parallel() // with the other long tests, in tabs of its own: 2 cores
	needBrowser(t)
	e := demoWithNewsletters(t)
	pages := discoverPages(t, e)
	b := newTab(t, 300*time.Second)
	origin := e.URL
	for _, p := range pages {
		t.Run(p.Name(), func(t *testing.T) {
			reqMark, conMark := b.rec.mark()
			pageURL := e.URL + p.Path
			b.open(t, pageURL, p.Status)
			b.settle(t)
			requests, console := b.rec.since(reqMark, conMark)
			if len(requests) == 0 {
				t.Fatalf("%s: no network request was recorded: is the listener working?", p.Name())
			}
			for _, r := range offOrigin(requests, origin) {
				t.Errorf("%s %s: request to another origin: %s", p.Name(), p.Path, r)
			}
			for _, c := range consoleProblems(console, pageURL, p.Status) {
				t.Errorf("%s %s: %s", p.Name(), p.Path, c)
			}
		})
	}
}

// offOrigin returns the requests that are not to origin ("http://host:port");
// data: URLs are allowed.
func offOrigin(requests []string, origin string) []string {
	var out []string
	for _, r := range requests {
		if strings.HasPrefix(r, "data:") {
			continue
		}
		u, err := url.Parse(r)
		if err != nil || u.Scheme+"://"+u.Host != origin {
			out = append(out, r)
		}
	}
	return out
}

// consoleProblems drops from a page's console entries only the network
// error Chromium logs for an error page's own status.
func consoleProblems(console []consoleEntry, pageURL string, status int) []consoleEntry {
	var out []consoleEntry
	for _, c := range console {
		if status >= 400 && c.kind == "log network error" && sameURL(c.url, pageURL) {
			continue
		}
		out = append(out, c)
	}
	return out
}

// sameURL compares URLs after normalising their escaping.
func sameURL(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	if err1 != nil || err2 != nil {
		return a == b
	}
	return ua.String() == ub.String()
}
