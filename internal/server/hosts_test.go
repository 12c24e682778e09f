package server_test

import (
	"github.com/PuerkitoBio/goquery"
	"net/netip"
	"strings"
	"testing"

	"qalam/internal/config"
	"qalam/internal/demo"
	"qalam/internal/servertest"
)

func TestHostNames(t *testing.T) {
	e := servertest.Demo(t, func(o *config.Options) {
		o.Hosts = append(o.Hosts, config.Origin{Scheme: "https", Host: "mirror.example.org"})
		o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	})
	path := storyURL(t, e, demo.LeadStoryKK)
	port := e.Host[strings.LastIndexByte(e.Host, ':'):]

	// An unknown host is refused before the cache, even for a cached page.
	e.Get(t, path)
	resp, _ := e.Get(t, path, "Host", "evil.example.com")
	mustStatus(t, resp, 421, "unknown host")

	// rel=canonical names the primary (here the listen address) on every
	// host; every other link stays on the host the reader used.
	_, body := e.Get(t, path, "Host", "localhost"+port)
	canon, _ := doc(t, body).Find(`link[rel="canonical"]`).Attr("href")
	if !strings.HasPrefix(canon, e.URL+"/") {
		t.Errorf("canonical on localhost is %q, want the primary %s", canon, e.URL)
	}
	_, body = e.Get(t, path, "Host", "mirror.example.org")
	d := doc(t, body)
	canon, _ = d.Find(`link[rel="canonical"]`).Attr("href")
	if !strings.HasPrefix(canon, e.URL+"/") {
		t.Errorf("canonical on the mirror is %q, want the primary %s", canon, e.URL)
	}
	d.Find("a[href], img[src], link[rel=stylesheet], link[rel=alternate][type], form[action]").Each(func(_ int, s *goquery.Selection) {
		for _, attr := range []string{"href", "src", "action"} {
			if v, ok := s.Attr(attr); ok && (strings.HasPrefix(v, e.URL) || strings.Contains(v, "://localhost")) {
				t.Errorf("the mirror's page links to another of the site's hosts: %s", v)
			}
		}
	})
	if og, _ := d.Find(`meta[property="og:image"]`).Attr("content"); og != "" && !strings.HasPrefix(og, "https://mirror.example.org/") {
		t.Errorf("og:image on the mirror: %s", og)
	}
	// The cache key includes the host: the listen address still gets its own URLs.
	_, body = e.Get(t, path)
	if !strings.Contains(body, `href="`+e.URL) || strings.Contains(body, "mirror.example.org") {
		t.Error("the page cache served one host's page on another")
	}
	// X-Forwarded-Proto from a trusted proxy sets the scheme.
	_, body = e.Get(t, path, "Host", "localhost"+port, "X-Forwarded-Proto", "https")
	if !strings.Contains(body, `href="https://localhost`+port+`/kk/`) {
		t.Errorf("links behind a trusted proxy do not use https")
	}
}

func TestForwardedProtoIgnoredFromUntrustedPeer(t *testing.T) {
	e := servertest.Demo(t)
	path := storyURL(t, e, demo.LeadStoryKK)
	_, body := e.Get(t, path, "X-Forwarded-Proto", "https")
	canon, _ := doc(t, body).Find(`link[rel="canonical"]`).Attr("href")
	if !strings.HasPrefix(canon, "http://") {
		t.Errorf("an untrusted peer set the scheme: %q", canon)
	}
}
