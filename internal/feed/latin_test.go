package feed_test

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/mmcdole/gofeed"

	"qalam/internal/servertest"
	"qalam/internal/translit"
)

// TestLatinSitemap: the index lists the Kazakh Latin view's sitemap, which
// holds the same pages and stories as the Cyrillic one at their /kk-latn/
// URLs, every one answering 200.
func TestLatinSitemap(t *testing.T) {
	e := servertest.Demo(t)
	files := map[string]bool{}
	for _, l := range locs(t, e, "/sitemap.xml", getSitemap(t, e, "/sitemap.xml"), "sitemap") {
		files[l] = true
	}
	const latn = "/sitemaps/kk-latn.xml"
	if !files[e.URL+latn] {
		t.Fatalf("the index does not list %s", latn)
	}
	for _, code := range []string{"ru", "en", "fa"} {
		if files[e.URL+"/sitemaps/"+code+"-latn.xml"] {
			t.Errorf("the index lists a Latin sitemap for %s", code)
		}
	}
	cyrl := locs(t, e, "/sitemaps/kk.xml", getSitemap(t, e, "/sitemaps/kk.xml"), "url")
	got := locs(t, e, latn, getSitemap(t, e, latn), "url")
	if len(got) != len(cyrl) || len(got) < 10 {
		t.Fatalf("%s has %d URLs, the Cyrillic sitemap %d", latn, len(got), len(cyrl))
	}
	has := map[string]bool{}
	for _, l := range got {
		has[l] = true
		if !strings.HasPrefix(l, e.URL+"/kk-latn/") {
			t.Errorf("%s lists %s, outside the Latin view", latn, l)
		}
		if resp, _ := e.Get(t, strings.TrimPrefix(l, e.URL)); resp.StatusCode != 200 {
			t.Errorf("%s lists %s, which answers %d", latn, l, resp.StatusCode)
		}
	}
	for _, s := range allStories(t, e, "kk") {
		u := e.URL + escape("/kk-latn/"+s.Section.Slug+"/"+translit.LatinSlug(s.Slug)+"-"+s.ID)
		if !has[u] {
			t.Errorf("%s does not list %s", latn, u)
		}
	}
	// The Latin view's Google News sitemap: the same stories as the
	// Cyrillic one, at their Latin URLs, with Latin headlines and names.
	newsC := locs(t, e, "/sitemaps/kk-news.xml", getSitemap(t, e, "/sitemaps/kk-news.xml"), "url")
	_, latnNews := e.Get(t, "/sitemaps/kk-latn-news.xml")
	newsL := locs(t, e, "/sitemaps/kk-latn-news.xml", getSitemap(t, e, "/sitemaps/kk-latn-news.xml"), "url")
	if len(newsL) == 0 || len(newsL) != len(newsC) {
		t.Errorf("kk-latn-news lists %d stories, kk-news %d", len(newsL), len(newsC))
	}
	for _, l := range newsL {
		if !strings.HasPrefix(l, e.URL+"/kk-latn/") {
			t.Errorf("kk-latn-news lists %s", l)
		}
	}
	if bad := cyrillic(latnNews); bad != "" {
		t.Errorf("kk-latn-news holds Cyrillic: %q", bad)
	}
	if !strings.Contains(latnNews, "<news:language>kk</news:language>") {
		t.Error("kk-latn-news: language is not kk")
	}
	_, index := e.Get(t, "/sitemap.xml")
	if !strings.Contains(index, e.URL+"/sitemaps/kk-latn-news.xml") {
		t.Error("the sitemap index does not name the Latin news sitemap")
	}
	for _, p := range []string{"/sitemaps/ru-latn-news.xml", "/sitemaps/ru-latn.xml", "/sitemaps/kk-latn/2.xml", "/feeds/ru-latn/rss.xml", "/feeds/kk-latn-latn/rss.xml"} {
		if resp, _ := e.Get(t, p); resp.StatusCode != 404 {
			t.Errorf("%s: %d, want 404", p, resp.StatusCode)
		}
	}
}

// TestLatinFeeds: the Latin view's pages announce its feeds, whose entries
// are told apart from the Cyrillic feeds' (a reader may follow both).
// cyrillic returns the first Cyrillic letter run in s, or "".
func cyrillic(s string) string {
	for i, r := range s {
		if r >= 0x400 && r <= 0x4ff {
			return s[i:min(len(s), i+40)]
		}
	}
	return ""
}

func TestLatinFeeds(t *testing.T) {
	e := servertest.Demo(t)
	_, body := e.Get(t, "/kk-latn/")
	d, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	d.Find(`link[rel="alternate"][type]`).Each(func(_ int, s *goquery.Selection) {
		href, _ := s.Attr("href")
		n++
		if !strings.HasPrefix(href, e.URL+"/feeds/kk-latn/") {
			t.Errorf("the Latin home announces the feed %s", href)
		}
	})
	if n != 3 {
		t.Errorf("the Latin home announces %d feeds, want 3", n)
	}
	_, body = e.Get(t, "/kk/")
	if !strings.Contains(body, e.URL+"/feeds/kk/rss.xml") || strings.Contains(body, "/feeds/kk-latn/") {
		t.Error("the Cyrillic home does not announce its own feeds")
	}
	parser := gofeed.NewParser()
	ids := map[string]bool{}
	for _, p := range []string{"/feeds/kk/atom.xml", "/feeds/kk-latn/atom.xml"} {
		_, body := e.Get(t, p)
		f, err := parser.ParseString(body)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for _, it := range f.Items {
			if ids[it.GUID] {
				t.Errorf("%s repeats the id %s of the Cyrillic feed", p, it.GUID)
			}
			ids[it.GUID] = true
		}
	}
}
