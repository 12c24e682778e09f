package server_test

import (
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

	// localhost works, and absolute URLs stay on it.
	_, body := e.Get(t, path, "Host", "localhost"+port)
	canon, _ := doc(t, body).Find(`link[rel="canonical"]`).Attr("href")
	if !strings.HasPrefix(canon, "http://localhost"+port+"/") {
		t.Errorf("canonical on localhost is %q", canon)
	}
	// A configured mirror gets its own configured scheme.
	_, body = e.Get(t, path, "Host", "mirror.example.org")
	canon, _ = doc(t, body).Find(`link[rel="canonical"]`).Attr("href")
	if !strings.HasPrefix(canon, "https://mirror.example.org/") {
		t.Errorf("canonical on the mirror is %q", canon)
	}
	if strings.Contains(body, e.Host) {
		t.Error("the mirror's page links to the listen address")
	}
	// The cache key includes the host: the listen address still gets its own URLs.
	_, body = e.Get(t, path)
	if !strings.Contains(body, `href="`+e.URL) || strings.Contains(body, "mirror.example.org") {
		t.Error("the page cache served one host's page on another")
	}
	// The mirrors page publishes every address.
	_, body = e.Get(t, "/kk/mirrors")
	for _, want := range []string{"https://mirror.example.org/kk/", e.URL + "/kk/", "http://localhost" + port + "/kk/"} {
		if !strings.Contains(body, `href="`+want+`"`) {
			t.Errorf("the mirrors page does not link %s", want)
		}
	}
	// X-Forwarded-Proto from a trusted proxy sets the scheme.
	_, body = e.Get(t, path, "Host", "localhost"+port, "X-Forwarded-Proto", "https")
	canon, _ = doc(t, body).Find(`link[rel="canonical"]`).Attr("href")
	if !strings.HasPrefix(canon, "https://localhost"+port+"/") {
		t.Errorf("canonical behind a trusted proxy is %q", canon)
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
