package export

import (
	"strings"
	"testing"
)

func TestRelative(t *testing.T) {
	for _, c := range []struct{ from, to, want string }{
		{"kk/index.html", "kk/index.html", "index.html"},
		{"kk/index.html", "kk/sec/index.html", "sec/index.html"},
		{"kk/sec/story-id/index.html", "kk/tag/sot/index.html", "../../tag/sot/index.html"},
		{"kk/sec/story-id/index.html", "media/a/b-320.jpg", "../../../media/a/b-320.jpg"},
		{"index.html", "kk/index.html", "kk/index.html"},
		{"kk/index.html", "kk/сөз/index.html", "%D1%81%D3%A9%D0%B7/index.html"},
		{"index.html", "a:b/index.html", "./a:b/index.html"},
	} {
		if got := relative(c.from, c.to); got != c.want {
			t.Errorf("relative(%q, %q) = %q, want %q", c.from, c.to, got, c.want)
		}
	}
}

func TestFileFor(t *testing.T) {
	for _, c := range []struct {
		path, query string
		html        bool
		want        string
	}{
		{"/kk/", "", true, "kk/index.html"},
		{"/kk/sec/slug-id", "", true, "kk/sec/slug-id/index.html"},
		{"/kk/mirrors", "", true, "kk/mirrors/index.html"},
		{"/feeds/kk/rss.xml", "", false, "feeds/kk/rss.xml"},
		{"/media/a/b-320.jpg", "", false, "media/a/b-320.jpg"},
	} {
		if got, err := fileFor(c.path, c.query, c.html); err != nil || got != c.want {
			t.Errorf("fileFor(%q, %q) = %q, %v; want %q", c.path, c.query, got, err, c.want)
		}
	}
	a, _ := fileFor("/kk/sec/", "cursor=abc", true)
	b, _ := fileFor("/kk/sec/", "cursor=abd", true)
	if a == b || !strings.HasPrefix(a, "kk/sec/page-") || !strings.HasSuffix(a, ".html") {
		t.Errorf("list pages: %q and %q", a, b)
	}
	if again, _ := fileFor("/kk/sec/", "cursor=abc", true); again != a {
		t.Error("a list page's file name is not deterministic")
	}
	for _, bad := range []string{"/feeds/", "/qalam-manifest.json", "/kk/a//b.xml"} {
		if got, err := fileFor(bad, "", false); err == nil {
			t.Errorf("fileFor(%q) = %q, want an error", bad, got)
		}
	}
}

func TestRewriteHTML(t *testing.T) {
	in := `<!DOCTYPE html><html><head><link rel="canonical" href="/kk/"><link rel="alternate" type="application/rss+xml" href="https://x.org/feeds/kk/rss.xml"></head>` +
		`<body><nav><a href="#main">main</a><a href="#search">search</a><a href="#q">q</a></nav>` +
		`<form id="search" action="/kk/search"><label for="q">Search</label><input id="q" name="q"><button>Go</button></form>` +
		`<p>Kept <a href="/kk/a">a</a> &amp; <img src="/media/x.jpg" srcset="/media/x.jpg 320w, /media/y.jpg 640w" alt="&quot;x&quot;"></p>` +
		`<ul><li><a href="https://x.org/kk/">https://x.org/kk/</a> <span data-qalam="current-mirror">(<b>here</b>)</span></li></ul>` +
		`<script type="application/ld+json">{"url":"/kk/a"}</script></body></html>`
	var seen []string
	out, err := rewriteHTML([]byte(in), func(l link) (string, bool) {
		seen = append(seen, l.attr+"="+l.val)
		switch {
		case l.keepAbsolute:
			return "https://x.org" + l.val, true
		case strings.HasPrefix(l.val, "/"):
			return "REL" + l.val, true
		case l.feed:
			return "FEED", true
		}
		return "", false
	})
	if err != nil {
		t.Fatal(err)
	}
	got := string(out)
	for _, want := range []string{
		`<link rel="canonical" href="https://x.org/kk/">`,
		`href="FEED"`,
		`<nav><a href="#main">main</a></nav>`,
		`<p>Kept <a href="REL/kk/a">a</a> &amp; <img src="REL/media/x.jpg" srcset="REL/media/x.jpg 320w, REL/media/y.jpg 640w" alt="&#34;x&#34;"></p>`,
		`<li><a href="https://x.org/kk/">https://x.org/kk/</a> </li>`,
		`<script type="application/ld+json">{"url":"/kk/a"}</script>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %s:\n%s", want, got)
		}
	}
	for _, gone := range []string{"<form", "<input", "Search", "#search", "#q", "here"} {
		if strings.Contains(got, gone) {
			t.Errorf("output still has %q:\n%s", gone, got)
		}
	}
	if strings.Contains(strings.Join(seen, " "), "/kk/search") {
		t.Error("a link inside a dropped form was passed on")
	}
}
