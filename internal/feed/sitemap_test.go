package feed_test

import (
	"context"
	"encoding/xml"
	"strconv"
	"strings"
	"testing"
	"time"

	"qalam/internal/demo"
	"qalam/internal/feed"
	"qalam/internal/news"
	"qalam/internal/servertest"
)

const (
	nsSitemap = "http://www.sitemaps.org/schemas/sitemap/0.9"
	nsNews    = "http://www.google.com/schemas/sitemap-news/0.9"
)

// getSitemap fetches and strictly parses a sitemap file.
func getSitemap(t *testing.T, e *servertest.Env, path string) *node {
	t.Helper()
	resp, body := e.Get(t, path)
	if resp.StatusCode != 200 {
		t.Fatalf("%s: %d", path, resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/xml; charset=utf-8" {
		t.Errorf("%s: Content-Type %q", path, ct)
	}
	for _, s := range secrets {
		if strings.Contains(body, s) {
			t.Errorf("%s contains %q", path, s)
		}
	}
	return parseXML(t, path, body)
}

// locs lists a sitemap's <loc> values, checking each is absolute on the
// host asked.
func locs(t *testing.T, e *servertest.Env, what string, root *node, parent string) []string {
	t.Helper()
	var out []string
	for _, u := range root.children(nsSitemap, parent) {
		l := u.child(t, nsSitemap, "loc").text
		onHost(t, what, l, e.Host)
		out = append(out, l)
	}
	return out
}

// allStories is every public story of a service, newest first.
func allStories(t *testing.T, e *servertest.Env, svc string) []news.Summary {
	t.Helper()
	var out []news.Summary
	q := news.ListQuery{Service: svc, Limit: 100}
	for {
		pg, err := e.Store.ListPublished(context.Background(), q, e.Clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, pg.Items...)
		if pg.Next == "" {
			return out
		}
		q.Cursor = pg.Next
	}
}

func storyURL(e *servertest.Env, s news.Summary) string {
	return e.URL + escape("/"+s.Service+"/"+s.Section.Slug+"/"+s.Slug+"-"+s.ID)
}

func TestSitemaps(t *testing.T) {
	e := servertest.Demo(t)
	ctx := context.Background()
	now := e.Clock.Now()
	index := getSitemap(t, e, "/sitemap.xml")
	if index.name != (xml.Name{Space: nsSitemap, Local: "sitemapindex"}) {
		t.Fatalf("index root %v", index.name)
	}
	files := map[string]bool{}
	for _, l := range locs(t, e, "/sitemap.xml", index, "sitemap") {
		files[l] = true
	}
	svcs, _ := e.Store.Services(ctx)
	answered := map[string]bool{}
	for _, svc := range svcs {
		site, newsMap := e.URL+"/sitemaps/"+svc.Code+".xml", e.URL+"/sitemaps/"+svc.Code+"-news.xml"
		if !files[site] || !files[newsMap] {
			t.Errorf("the index does not list %s and %s", site, newsMap)
		}

		// The service's sitemap: its home and every public story, with lastmod.
		root := getSitemap(t, e, site)
		got := map[string]bool{}
		for _, u := range root.children(nsSitemap, "url") {
			l := u.child(t, nsSitemap, "loc").text
			if got[l] {
				t.Errorf("%s lists %s twice", site, l)
			}
			got[l] = true
			for _, m := range u.children(nsSitemap, "lastmod") {
				if _, err := time.Parse(time.RFC3339, m.text); err != nil {
					t.Errorf("%s: lastmod %q", site, m.text)
				}
			}
		}
		for l := range got {
			onHost(t, site, l, e.Host)
			if !answered[l] {
				if resp, _ := e.Get(t, l); resp.StatusCode != 200 {
					t.Errorf("%s lists %s, which answers %d", site, l, resp.StatusCode)
				}
				answered[l] = true
			}
		}
		if !got[e.URL+"/"+svc.Code+"/"] {
			t.Errorf("%s does not list the home page", site)
		}
		stories := allStories(t, e, svc.Code)
		for _, s := range stories {
			if !got[storyURL(e, s)] {
				t.Errorf("%s does not list public story %s", site, s.ID)
			}
		}

		// The news sitemap: exactly the stories of the last two days.
		root = getSitemap(t, e, newsMap)
		var want, have []string
		for _, s := range stories {
			if s.PublishAt.After(now.Add(-48 * time.Hour)) {
				want = append(want, storyURL(e, s))
			}
		}
		for _, u := range root.children(nsSitemap, "url") {
			have = append(have, u.child(t, nsSitemap, "loc").text)
			n := u.child(t, nsNews, "news")
			p := n.child(t, nsNews, "publication")
			if p.child(t, nsNews, "name").text != svc.Name || p.child(t, nsNews, "language").text != svc.Lang {
				t.Errorf("%s: publication %q %q", newsMap, p.child(t, nsNews, "name").text, p.child(t, nsNews, "language").text)
			}
			d, err := time.Parse(time.RFC3339, n.child(t, nsNews, "publication_date").text)
			if err != nil || d.After(now) || d.Before(now.Add(-48*time.Hour)) {
				t.Errorf("%s: publication_date %q is not within the last two days (%v)", newsMap, n.child(t, nsNews, "publication_date").text, err)
			}
			if n.child(t, nsNews, "title").text == "" {
				t.Errorf("%s: empty news:title", newsMap)
			}
		}
		if strings.Join(have, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s lists\n%s\nwant\n%s", newsMap, strings.Join(have, "\n"), strings.Join(want, "\n"))
		}
		if len(want) == 0 || len(want) == len(stories) {
			t.Errorf("%s: the demo should have both recent and older stories (%d of %d recent)", svc.Code, len(want), len(stories))
		}
	}
}

// TestSitemapFiles: a service whose URLs outgrow one file gets more, all
// listed in the index, together holding the same URLs in the same order.
func TestSitemapFiles(t *testing.T) {
	e := servertest.Demo(t)
	one := locs(t, e, "/sitemaps/ru.xml", getSitemap(t, e, "/sitemaps/ru.xml"), "url")
	const per = 7
	feed.SetSitemapSize(e.Server.Feed, per)
	e.Server.Cache().Purge()
	n := (len(one) + per - 1) / per
	if n < 3 {
		t.Fatalf("only %d URLs in the Russian sitemap", len(one))
	}
	index := map[string]bool{}
	for _, l := range locs(t, e, "/sitemap.xml", getSitemap(t, e, "/sitemap.xml"), "sitemap") {
		index[l] = true
	}
	var all []string
	for i := 1; i <= n; i++ {
		path := "/sitemaps/ru.xml"
		if i > 1 {
			path = "/sitemaps/ru/" + strconv.Itoa(i) + ".xml"
		}
		if !index[e.URL+path] {
			t.Errorf("the index does not list %s", path)
		}
		got := locs(t, e, path, getSitemap(t, e, path), "url")
		if len(got) > per || (i < n && len(got) != per) {
			t.Errorf("%s holds %d URLs", path, len(got))
		}
		all = append(all, got...)
	}
	if strings.Join(all, "\n") != strings.Join(one, "\n") {
		t.Errorf("the files together list\n%s\nwant\n%s", strings.Join(all, "\n"), strings.Join(one, "\n"))
	}
	if resp, _ := e.Get(t, "/sitemaps/ru/"+strconv.Itoa(n+1)+".xml"); resp.StatusCode != 404 {
		t.Errorf("the file after the last answers %d", resp.StatusCode)
	}
}

// TestNewsSitemapAgesOut: a story leaves the news sitemap two days after
// its publication even when no content change purges the cache.
func TestNewsSitemapAgesOut(t *testing.T) {
	e := servertest.Demo(t)
	newsLocs := func() []string {
		return locs(t, e, "/sitemaps/kk-news.xml", getSitemap(t, e, "/sitemaps/kk-news.xml"), "url")
	}
	before := newsLocs()
	if len(before) < 2 {
		t.Fatalf("the Kazakh news sitemap lists %d stories", len(before))
	}
	stories := allStories(t, e, "kk")
	var oldest news.Summary
	for _, s := range stories {
		if storyURL(e, s) == before[len(before)-1] {
			oldest = s
		}
	}
	sched, _ := e.Store.Story(context.Background(), demo.ScheduledStoryID)
	at := oldest.PublishAt.Add(48*time.Hour + time.Second)
	if !at.Before(sched.PublishAt) {
		t.Fatal("the scheduled story would go live first and purge the cache")
	}
	e.Clock.Set(at)
	after := newsLocs()
	if strings.Join(after, "\n") != strings.Join(before[:len(before)-1], "\n") {
		t.Errorf("two days after the oldest story the news sitemap lists\n%s\nwant\n%s", strings.Join(after, "\n"), strings.Join(before[:len(before)-1], "\n"))
	}
}
