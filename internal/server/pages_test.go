package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"qalam/internal/demo"
	"qalam/internal/servertest"
)

func doc(t *testing.T, body string) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func mustStatus(t testing.TB, resp *http.Response, want int, what string) {
	t.Helper()
	if resp.StatusCode != want {
		t.Fatalf("%s: status %d, want %d", what, resp.StatusCode, want)
	}
}

// storyURL finds the current path of a demo story through the API.
func storyURL(t testing.TB, e *servertest.Env, id string) string {
	t.Helper()
	resp, body := e.Get(t, "/api/v1/stories/"+id)
	mustStatus(t, resp, 200, "API story "+id)
	var s struct{ URL string }
	if err := json.Unmarshal([]byte(body), &s); err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(s.URL, e.URL)
}

func TestRootRedirectsToDefaultService(t *testing.T) {
	e := servertest.Demo(t)
	resp, _ := e.Get(t, "/")
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/kk/" {
		t.Fatalf("/ -> %d %q, want 302 /kk/", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, _ = e.Get(t, "/ru")
	if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/ru/" {
		t.Fatalf("/ru -> %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestHomePages(t *testing.T) {
	e := servertest.Demo(t)
	for _, c := range []struct{ code, lang, dir string }{
		{"kk", "kk", "ltr"}, {"ru", "ru", "ltr"}, {"en", "en", "ltr"}, {"fa", "fa", "rtl"},
	} {
		resp, body := e.Get(t, "/"+c.code+"/")
		mustStatus(t, resp, 200, c.code+" home")
		d := doc(t, body)
		html := d.Find("html")
		if l, _ := html.Attr("lang"); l != c.lang {
			t.Errorf("%s: lang=%q", c.code, l)
		}
		if dir, _ := html.Attr("dir"); dir != c.dir {
			t.Errorf("%s: dir=%q", c.code, dir)
		}
		if d.Find(".lead h2 a").Length() != 1 {
			t.Errorf("%s: no lead story", c.code)
		}
		if d.Find(".teasers .teaser").Length() < 4 {
			t.Errorf("%s: only %d teasers", c.code, d.Find(".teasers .teaser").Length())
		}
		if d.Find(`[data-qalam="promo"]`).Length() != 1 || d.Find(`[data-qalam="notice"]`).Length() == 0 {
			t.Errorf("%s: promo or notices missing", c.code)
		}
		if d.Find("nav#nav a").Length() < 4 {
			t.Errorf("%s: section navigation missing", c.code)
		}
	}
	// The curated lead comes first on the Kazakh home page.
	_, body := e.Get(t, "/kk/")
	href, _ := doc(t, body).Find(".lead h2 a").Attr("href")
	if !strings.HasSuffix(href, "-"+demo.LeadStoryKK) {
		t.Errorf("kk lead links to %s, want the curated lead %s", href, demo.LeadStoryKK)
	}
}

func TestStoryPageParts(t *testing.T) {
	e := servertest.Demo(t)
	path := storyURL(t, e, demo.CorrectedStoryID)
	resp, body := e.Get(t, path)
	mustStatus(t, resp, 200, "story")
	d := doc(t, body)
	for _, part := range []string{"skip-links", "breaking", "headline", "dateline", "byline", "lead-figure", "body", "corrections", "promo", "notice"} {
		if d.Find(`[data-qalam="`+part+`"]`).Length() == 0 {
			t.Errorf("story page lacks data-qalam=%q", part)
		}
	}
	// The skip links are the first focusable elements.
	first := d.Find("a[href], button, input, select, textarea").First()
	if href, _ := first.Attr("href"); href != "#main" {
		t.Errorf("first focusable element is %v, want the skip link to #main", href)
	}
	skip := d.Find(`[data-qalam="skip-links"] a`)
	if skip.Length() != 3 {
		t.Errorf("want 3 skip links, got %d", skip.Length())
	}
	for _, target := range []string{"main", "nav", "search"} {
		if d.Find("#"+target).Length() != 1 {
			t.Errorf("skip link target #%s missing", target)
		}
	}
	fig := d.Find(`[data-qalam="lead-figure"]`)
	img := fig.Find("img")
	for _, attr := range []string{"src", "srcset", "sizes", "width", "height", "alt"} {
		if v, ok := img.Attr(attr); !ok || v == "" {
			t.Errorf("lead image lacks %s", attr)
		}
	}
	if _, lazy := img.Attr("loading"); lazy {
		t.Error("the lead image above the fold must not be lazy")
	}
	if fig.Find("figcaption .credit").Length() != 1 {
		t.Error("lead figure has no credit")
	}
	if d.Find(`[data-qalam="corrections"] li`).Length() != 2 {
		t.Errorf("want two corrections, got %d", d.Find(`[data-qalam="corrections"] li`).Length())
	}
	for _, sel := range []string{`time[datetime]`, `[data-qalam="byline"] a[href*="/author/"]`, `link[rel="canonical"]`,
		`meta[property="og:title"]`, `meta[property="og:image"]`, `script[type="application/ld+json"]`} {
		if d.Find(sel).Length() == 0 {
			t.Errorf("story page lacks %s", sel)
		}
	}
	dt, _ := d.Find("time[datetime]").First().Attr("datetime")
	if !strings.HasSuffix(dt, "+05:00") {
		t.Errorf("Kazakh story time %q is not in Asia/Almaty (+05:00)", dt)
	}
	var ld map[string]any
	if err := json.Unmarshal([]byte(d.Find(`script[type="application/ld+json"]`).Text()), &ld); err != nil {
		t.Fatalf("JSON-LD: %v", err)
	}
	for _, k := range []string{"headline", "image", "datePublished", "dateModified", "author", "publisher"} {
		if ld[k] == nil {
			t.Errorf("JSON-LD lacks %s", k)
		}
	}
	if ld["@type"] != "NewsArticle" {
		t.Errorf("JSON-LD type %v", ld["@type"])
	}
	canon, _ := d.Find(`link[rel="canonical"]`).Attr("href")
	if canon != e.URL+path {
		t.Errorf("canonical %q, want %q", canon, e.URL+path)
	}
}

func TestTranslationsAndHreflang(t *testing.T) {
	e := servertest.Demo(t)
	path := storyURL(t, e, demo.TranslatedStoryID)
	_, body := e.Get(t, path)
	d := doc(t, body)
	links := d.Find(`[data-qalam="translations"] a[hreflang]`)
	if links.Length() != 3 {
		t.Fatalf("want links to 3 translations, got %d", links.Length())
	}
	langs := map[string]bool{}
	d.Find(`link[rel="alternate"][hreflang]`).Each(func(_ int, s *goquery.Selection) {
		l, _ := s.Attr("hreflang")
		langs[l] = true
		href, _ := s.Attr("href")
		resp, _ := e.Get(t, href)
		if resp.StatusCode != 200 {
			t.Errorf("hreflang %s -> %s answers %d", l, href, resp.StatusCode)
		}
	})
	for _, l := range []string{"kk", "ru", "en", "fa"} {
		if !langs[l] {
			t.Errorf("no hreflang alternate for %s", l)
		}
	}
	if !strings.Contains(links.Text(), "Русский") {
		t.Errorf("translation links do not name Русский: %q", links.Text())
	}
}

func TestListPages(t *testing.T) {
	e := servertest.Demo(t)
	_, body := e.Get(t, "/kk/")
	d := doc(t, body)
	secHref, _ := d.Find("nav#nav li:nth-child(2) a").Attr("href")
	resp, body := e.Get(t, secHref)
	mustStatus(t, resp, 200, "section "+secHref)
	if doc(t, body).Find(".teaser").Length() == 0 {
		t.Errorf("section %s lists no stories", secHref)
	}
	// Tag and author pages, reached from a story.
	_, body = e.Get(t, storyURL(t, e, demo.CorrectedStoryID))
	d = doc(t, body)
	tagHref, ok := d.Find(`.tags a`).First().Attr("href")
	if !ok {
		t.Fatal("story has no tag links")
	}
	resp, body = e.Get(t, tagHref)
	mustStatus(t, resp, 200, "tag "+tagHref)
	if doc(t, body).Find(".teaser").Length() == 0 {
		t.Error("tag page empty")
	}
	authHref, _ := d.Find(`[data-qalam="byline"] a`).First().Attr("href")
	resp, body = e.Get(t, authHref)
	mustStatus(t, resp, 200, "author "+authHref)
	if doc(t, body).Find(".teaser").Length() == 0 {
		t.Error("author page empty")
	}
}

func TestPagination(t *testing.T) {
	e := servertest.Demo(t)
	ctx := context.Background()
	secs, _ := e.Store.Sections(ctx, "ru")
	at := e.Clock.Now().Add(-time.Minute)
	for i := 0; i < 30; i++ {
		st := e.NewStory(t, "ru", fmt.Sprintf("pagination-%d", i), fmt.Sprintf("Проверка страниц %d", i), "Текст.")
		// Pairs of stories share a timestamp: the order must still be total.
		e.Publish(t, st, at.Add(-time.Duration(i/2)*time.Second))
	}
	e.Fresh(t)
	base := "/ru/" + secs[0].Slug + "/"
	seen := map[string]bool{}
	href, pages := base, 0
	for ; href != "" && pages < 20; pages++ {
		resp, body := e.Get(t, href)
		mustStatus(t, resp, 200, href)
		d := doc(t, body)
		d.Find(".teaser h2 a, .teaser h3 a").Each(func(_ int, a *goquery.Selection) {
			h, _ := a.Attr("href")
			if seen[h] {
				t.Errorf("story %s listed twice", h)
			}
			seen[h] = true
		})
		if pages == 0 && !strings.Contains(d.Find(".count").Text(), "материал") {
			t.Errorf("count line %q is not a Russian plural", d.Find(".count").Text())
		}
		href, _ = d.Find(`a[rel="next"]`).Attr("href")
	}
	resp, body := e.Get(t, "/api/v1/stories?service=ru&section="+secs[0].Slug+"&limit=1")
	mustStatus(t, resp, 200, "api")
	var api struct{ Total int }
	json.Unmarshal([]byte(body), &api)
	if len(seen) != api.Total || api.Total < 30 || pages < 3 {
		t.Errorf("pages list %d stories over %d pages, the API counts %d", len(seen), pages, api.Total)
	}
	resp, _ = e.Get(t, base+"?cursor=not-a-cursor")
	mustStatus(t, resp, 400, "malformed cursor")
}

func TestSearchPage(t *testing.T) {
	e := servertest.Demo(t)
	resp, body := e.Get(t, "/kk/search")
	mustStatus(t, resp, 200, "empty search")
	if doc(t, body).Find(".teaser").Length() != 0 {
		t.Error("an empty query lists stories")
	}
	resp, body = e.Get(t, "/kk/search?q="+url.QueryEscape("алматы"))
	mustStatus(t, resp, 200, "search")
	d := doc(t, body)
	if d.Find(".teaser").Length() == 0 {
		t.Fatal("searching the Kazakh service for алматы finds nothing")
	}
	if v, _ := d.Find("input#q").Attr("value"); v != "алматы" {
		t.Errorf("the search box does not keep the query: %q", v)
	}
	if r, _ := d.Find(`meta[name="robots"]`).Attr("content"); r != "noindex" {
		t.Errorf("search results robots %q", r)
	}
	for _, marker := range []string{demo.DraftMarker, demo.ScheduledMarker, demo.UnpublishedMarker} {
		_, body = e.Get(t, "/ru/search?q="+marker)
		if doc(t, body).Find(".teaser").Length() != 0 {
			t.Errorf("search finds the hidden story marked %s", marker)
		}
		_, body = e.Get(t, "/en/search?q="+marker)
		if doc(t, body).Find(".teaser").Length() != 0 {
			t.Errorf("search finds the hidden story marked %s", marker)
		}
		_, body = e.Get(t, "/kk/search?q="+marker)
		if doc(t, body).Find(".teaser").Length() != 0 {
			t.Errorf("search finds the hidden story marked %s", marker)
		}
	}
}
