package server_test

import (
	"regexp"
	"strings"
	"testing"

	"qalam/internal/config"
	"qalam/internal/servertest"
)

var absURL = regexp.MustCompile(`https?://[^\s"'<>&]+`)

// TestFeedsOnMirror: a reader who reaches qalam through a mirror gets
// feeds, sitemaps and robots.txt whose every own URL is on the mirror, and
// the page cache keeps each host's answers apart.
func TestFeedsOnMirror(t *testing.T) {
	e := servertest.Demo(t, func(o *config.Options) {
		o.Hosts = append(o.Hosts, config.Origin{Scheme: "https", Host: "mirror.example.org"})
	})
	paths := []string{"/feeds/kk/rss.xml", "/feeds/fa/atom.xml", "/feeds/en/feed.json", "/feeds/ru/section/politika/rss.xml",
		"/sitemap.xml", "/sitemaps/kk.xml", "/sitemaps/en-news.xml", "/robots.txt"}
	for _, p := range paths {
		e.Get(t, p) // cached for the listen address first
	}
	for _, p := range paths {
		resp, body := e.Get(t, p, "Host", "mirror.example.org")
		mustStatus(t, resp, 200, p+" on the mirror")
		if strings.Contains(body, e.Host) {
			t.Errorf("%s on the mirror names the listen address", p)
		}
		own := 0
		for _, u := range absURL.FindAllString(body, -1) {
			if strings.HasPrefix(u, "https://mirror.example.org/") {
				own++
			}
		}
		if own == 0 {
			t.Errorf("%s on the mirror has no URL on the mirror", p)
		}
		if _, body := e.Get(t, p); strings.Contains(body, "mirror.example.org") {
			t.Errorf("%s on the listen address names the mirror: the cache mixed hosts", p)
		}
	}
	_, body := e.Get(t, "/feeds/kk/rss.xml", "Host", "mirror.example.org")
	for _, want := range []string{"<link>https://mirror.example.org/kk/</link>", `<atom:link href="https://mirror.example.org/feeds/kk/rss.xml"`, `<enclosure url="https://mirror.example.org/media/`} {
		if !strings.Contains(body, want) {
			t.Errorf("the mirror's feed lacks %s", want)
		}
	}
}

func TestRobotsListsSitemaps(t *testing.T) {
	e := servertest.Demo(t)
	resp, body := e.Get(t, "/robots.txt")
	mustStatus(t, resp, 200, "robots.txt")
	var sitemaps []string
	for _, line := range strings.Split(body, "\n") {
		if u, ok := strings.CutPrefix(line, "Sitemap: "); ok {
			sitemaps = append(sitemaps, u)
		}
	}
	if len(sitemaps) == 0 || sitemaps[0] != e.URL+"/sitemap.xml" {
		t.Fatalf("robots.txt names sitemaps %q", sitemaps)
	}
	for _, svc := range []string{"kk", "ru", "en", "fa", "kk-latn"} {
		for _, want := range []string{e.URL + "/sitemaps/" + svc + ".xml", e.URL + "/sitemaps/" + svc + "-news.xml"} {
			if !strings.Contains(body, "Sitemap: "+want+"\n") {
				t.Errorf("robots.txt does not name %s", want)
			}
		}
	}
	for _, u := range sitemaps {
		resp, _ := e.Get(t, u)
		mustStatus(t, resp, 200, u)
		if ct := resp.Header.Get("Content-Type"); ct != "application/xml; charset=utf-8" {
			t.Errorf("%s: Content-Type %q", u, ct)
		}
	}
	if !strings.Contains(body, "Disallow: /admin\n") || !strings.Contains(body, "Disallow: /api/\n") {
		t.Errorf("robots.txt lost its rules:\n%s", body)
	}
}
