package feed_test

import (
	"context"
	"encoding/json"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"qalam/internal/demo"
	"qalam/internal/news"
	"qalam/internal/servertest"
	"qalam/internal/signing"
	"qalam/internal/translit"
)

// kazakhLetters are the letters of the Kazakh Cyrillic alphabet that no
// Latin text carries.
const kazakhLetters = "АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЪЫІЬЭЮЯаәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// secrets must never appear in a feed or sitemap.
var secrets = []string{demo.DraftMarker, demo.ScheduledMarker, demo.UnpublishedMarker, demo.StaffEmail, demo.StaffName, demo.StaffID}

var mediaID = regexp.MustCompile(`/media/[a-z2-7]{12}/`)

// normalize makes a body comparable across runs: tests listen on a random
// port and the demo's media assets get random IDs (their hashes are fixed).
func normalize(e *servertest.Env, body string) string {
	body = strings.ReplaceAll(body, e.URL, "http://qalam.test")
	if pub, err := signing.DataPublicKey(e.Dir); err == nil {
		body = strings.ReplaceAll(body, signing.Fingerprint(pub), "FINGERPRINT")
	}
	return mediaID.ReplaceAllString(body, "/media/ASSET/")
}

func TestGolden(t *testing.T) {
	e := servertest.Demo(t)
	for _, c := range []struct{ path, golden string }{
		{"/feeds/kk/rss.xml", "kk-rss.xml"},
		{"/feeds/fa/atom.xml", "fa-atom.xml"},
		{"/feeds/en/feed.json", "en-feed.json"},
		{"/feeds/kk-latn/atom.xml", "kk-latn-atom.xml"},
		{"/sitemaps/kk-latn.xml", "sitemap-kk-latn.xml"},
		{"/sitemap.xml", "sitemap-index.xml"},
		{"/sitemaps/ru.xml", "sitemap-ru.xml"},
		{"/sitemaps/en-news.xml", "sitemap-en-news.xml"},
	} {
		resp, body := e.Get(t, c.path)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", c.path, resp.StatusCode)
		}
		got := normalize(e, body)
		file := filepath.Join("testdata", c.golden)
		if *update {
			if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(file)
		if err != nil {
			t.Fatalf("%v (run go test -update to create it)", err)
		}
		if got != string(want) {
			t.Errorf("%s differs from %s (go test ./internal/feed -run Golden -update rewrites it):\n%s", c.path, file, firstDiff(string(want), got))
		}
	}
}

// firstDiff shows the first line that differs.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(wl), len(gl)) {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\nwant " + w + "\ngot  " + g
		}
	}
	return ""
}

// TestEveryFeed reads every feed of every service, section, tag and author
// in the three formats, through gofeed and a strict XML decoder, and holds
// each to its format's rules and to the Store's public list.
func TestEveryFeed(t *testing.T) {
	e := servertest.Demo(t)
	ctx := context.Background()
	langs := map[string]string{}
	svcs, _ := e.Store.Services(ctx)
	for _, s := range svcs {
		langs[s.Code] = s.Lang
	}
	parser := gofeed.NewParser()
	for _, tg := range targets(t, e) {
		q := tg.q
		q.Limit = 20
		pg, err := e.Store.ListPublished(ctx, q, e.Clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		var want, titles []string
		for _, s := range pg.Items {
			if tg.latin {
				want = append(want, e.URL+escape("/"+s.Service+"-latn/"+s.Section.Slug+"/"+translit.LatinSlug(s.Slug)+"-"+s.ID))
				titles = append(titles, translit.LatinInline(s.Headline).Plain())
			} else {
				want = append(want, e.URL+escape("/"+s.Service+"/"+s.Section.Slug+"/"+s.Slug+"-"+s.ID))
				titles = append(titles, s.Headline.Plain())
			}
		}
		lang := langs[q.Service]
		if tg.latin {
			lang = "kk-Latn"
		}
		for file, ct := range map[string]string{"rss.xml": "application/rss+xml", "atom.xml": "application/atom+xml", "feed.json": "application/feed+json"} {
			path := escape(tg.base + file)
			self := e.URL + path
			resp, body := e.Get(t, path)
			if resp.StatusCode != 200 {
				t.Errorf("%s: %d", path, resp.StatusCode)
				continue
			}
			if got := resp.Header.Get("Content-Type"); got != ct+"; charset=utf-8" {
				t.Errorf("%s: Content-Type %q", path, got)
			}
			if got := resp.Header.Get("Cache-Control"); got != "public, max-age=60" {
				t.Errorf("%s: Cache-Control %q", path, got)
			}
			for _, s := range secrets {
				if strings.Contains(body, s) {
					t.Errorf("%s contains %q", path, s)
				}
			}
			f, err := parser.ParseString(body)
			if err != nil {
				t.Errorf("%s: gofeed: %v", path, err)
				continue
			}
			if f.Language != lang {
				t.Errorf("%s: gofeed reads language %q, want %q", path, f.Language, lang)
			}
			if tg.latin && (strings.ContainsAny(f.Title, kazakhLetters) || !strings.Contains(f.Link, "/kk-latn/")) {
				t.Errorf("%s: title %q, link %q: want Latin and the Latin view", path, f.Title, f.Link)
			}
			var got, gotTitles []string
			for _, it := range f.Items {
				got = append(got, it.Link)
				gotTitles = append(gotTitles, it.Title)
				for _, c := range it.Categories {
					if tg.latin && strings.ContainsAny(c, kazakhLetters) {
						t.Errorf("%s: category %q in Cyrillic", path, c)
					}
				}
				if tg.latin && it.Content != "" && !strings.Contains(it.Content, "<p>") {
					t.Errorf("%s: %s has no body", path, it.Link)
				}
				if it.PublishedParsed == nil {
					t.Errorf("%s: gofeed finds no date on %s", path, it.Link)
				}
			}
			if strings.Join(gotTitles, "\n") != strings.Join(titles, "\n") {
				t.Errorf("%s has the titles\n%s\nwant\n%s", path, strings.Join(gotTitles, "\n"), strings.Join(titles, "\n"))
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("%s lists\n%s\nwant the Store's public list\n%s", path, strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			switch file {
			case "rss.xml":
				checkRSS(t, path, body, e.Host, lang, self)
			case "atom.xml":
				checkAtom(t, path, body, e.Host, lang, self)
			case "feed.json":
				checkJSON(t, path, body, e.Host, lang, self)
			}
		}
	}
}

func checkRSS(t *testing.T, what, body, host, lang, self string) {
	t.Helper()
	root := parseXML(t, what, body)
	if root.name.Local != "rss" {
		t.Fatalf("%s: root <%s>", what, root.name.Local)
	}
	if v, _ := root.get("version"); v != "2.0" {
		t.Errorf("%s: version %q", what, v)
	}
	ch := root.child(t, "", "channel")
	if ch.child(t, "", "title").text == "" || ch.child(t, "", "description").text == "" {
		t.Errorf("%s: empty title or description", what)
	}
	onHost(t, what+" channel link", ch.child(t, "", "link").text, host)
	if got := ch.child(t, "", "language").text; got != lang {
		t.Errorf("%s: <language> %q, want %q", what, got, lang)
	}
	atomSelf := ch.child(t, "http://www.w3.org/2005/Atom", "link")
	if href, _ := atomSelf.get("href"); href != self {
		t.Errorf("%s: atom:link self %q, want %q", what, href, self)
	}
	rfc822 := func(n *node) {
		d, err := time.Parse(time.RFC1123Z, n.text)
		if err != nil || d.Format(time.RFC1123Z) != n.text {
			t.Errorf("%s: <%s>%s is not RFC 822 with a numeric zone", what, n.name.Local, n.text)
		}
	}
	for _, n := range append(ch.children("", "lastBuildDate"), ch.children("", "pubDate")...) {
		rfc822(n)
	}
	ids := map[string]bool{}
	for _, it := range ch.children("", "item") {
		if it.child(t, "", "title").text == "" {
			t.Errorf("%s: an item without a title", what)
		}
		onHost(t, what+" item link", it.child(t, "", "link").text, host)
		rfc822(it.child(t, "", "pubDate"))
		g := it.child(t, "", "guid").text
		if g == "" || ids[g] {
			t.Errorf("%s: guid %q empty or repeated", what, g)
		}
		ids[g] = true
		checkContent(t, what, it.child(t, "http://purl.org/rss/1.0/modules/content/", "encoded").text, host)
		for _, enc := range it.children("", "enclosure") {
			u, _ := enc.get("url")
			onHost(t, what+" enclosure", u, host)
			if l, _ := enc.get("length"); l == "" || l == "0" {
				t.Errorf("%s: enclosure %s has length %q", what, u, l)
			}
			if ty, _ := enc.get("type"); !strings.HasPrefix(ty, "image/") {
				t.Errorf("%s: enclosure type %q", what, ty)
			}
		}
		for _, m := range it.children("http://search.yahoo.com/mrss/", "content") {
			u, _ := m.get("url")
			onHost(t, what+" media:content", u, host)
		}
	}
}

func checkAtom(t *testing.T, what, body, host, lang, self string) {
	t.Helper()
	const ns = "http://www.w3.org/2005/Atom"
	root := parseXML(t, what, body)
	if root.name.Space != ns || root.name.Local != "feed" {
		t.Fatalf("%s: root %v", what, root.name)
	}
	if v, _ := root.get("lang"); v != lang {
		t.Errorf("%s: xml:lang %q, want %q", what, v, lang)
	}
	rfc3339 := func(n *node) {
		if _, err := time.Parse(time.RFC3339, n.text); err != nil {
			t.Errorf("%s: <%s>%s is not RFC 3339", what, n.name.Local, n.text)
		}
	}
	ids := map[string]bool{root.child(t, ns, "id").text: true}
	if root.child(t, ns, "title").text == "" {
		t.Errorf("%s: no title", what)
	}
	rfc3339(root.child(t, ns, "updated"))
	var gotSelf string
	for _, l := range root.children(ns, "link") {
		href, _ := l.get("href")
		onHost(t, what+" feed link", href, host)
		if rel, _ := l.get("rel"); rel == "self" {
			gotSelf = href
		}
	}
	if gotSelf != self {
		t.Errorf("%s: rel=self %q, want %q", what, gotSelf, self)
	}
	for _, a := range root.all(ns, "uri") {
		onHost(t, what+" author uri", a.text, host)
	}
	for _, en := range root.children(ns, "entry") {
		id := en.child(t, ns, "id").text
		if id == "" || ids[id] {
			t.Errorf("%s: id %q empty or repeated", what, id)
		}
		ids[id] = true
		rfc3339(en.child(t, ns, "published"))
		rfc3339(en.child(t, ns, "updated"))
		alternate := 0
		for _, l := range en.children(ns, "link") {
			href, _ := l.get("href")
			onHost(t, what+" entry link", href, host)
			switch rel, _ := l.get("rel"); rel {
			case "alternate":
				alternate++
			case "enclosure":
				if n, _ := l.get("length"); n == "" || n == "0" {
					t.Errorf("%s: enclosure %s without length", what, href)
				}
			}
		}
		if alternate != 1 {
			t.Errorf("%s: entry %s has %d alternate links", what, id, alternate)
		}
		c := en.child(t, ns, "content")
		if ty, _ := c.get("type"); ty != "html" {
			t.Errorf("%s: content type %q", what, ty)
		}
		checkContent(t, what, c.text, host)
	}
}

func checkJSON(t *testing.T, what, body, host, lang, self string) {
	t.Helper()
	var f struct {
		Version     string `json:"version"`
		Title       string `json:"title"`
		HomePageURL string `json:"home_page_url"`
		FeedURL     string `json:"feed_url"`
		Language    string `json:"language"`
		Items       []struct {
			ID            string `json:"id"`
			URL           string `json:"url"`
			ContentHTML   string `json:"content_html"`
			ContentText   string `json:"content_text"`
			Image         string `json:"image"`
			DatePublished string `json:"date_published"`
			DateModified  string `json:"date_modified"`
			Authors       []struct {
				Name string `json:"name"`
				URL  string `json:"url"`
			} `json:"authors"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(body), &f); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if f.Version != "https://jsonfeed.org/version/1.1" || f.Title == "" || f.Language != lang {
		t.Errorf("%s: version %q, title %q, language %q", what, f.Version, f.Title, f.Language)
	}
	if !strings.Contains(body, `"items": [`) {
		t.Errorf("%s: no items array", what)
	}
	onHost(t, what+" home_page_url", f.HomePageURL, host)
	if f.FeedURL != self {
		t.Errorf("%s: feed_url %q, want %q", what, f.FeedURL, self)
	}
	ids := map[string]bool{}
	for _, it := range f.Items {
		if it.ID == "" || ids[it.ID] {
			t.Errorf("%s: id %q empty or repeated", what, it.ID)
		}
		ids[it.ID] = true
		onHost(t, what+" item url", it.URL, host)
		if it.ContentHTML == "" && it.ContentText == "" {
			t.Errorf("%s: item %s has no content", what, it.ID)
		}
		checkContent(t, what, it.ContentHTML, host)
		if it.Image != "" {
			onHost(t, what+" image", it.Image, host)
		}
		for _, d := range []string{it.DatePublished, it.DateModified} {
			if _, err := time.Parse(time.RFC3339, d); err != nil {
				t.Errorf("%s: date %q is not RFC 3339", what, d)
			}
		}
		for _, a := range it.Authors {
			if a.Name == "" {
				t.Errorf("%s: an author without a name", what)
			}
			if a.URL != "" {
				onHost(t, what+" author url", a.URL, host)
			}
		}
	}
}

var srcAttr = regexp.MustCompile(`src="([^"]*)"`)

// checkContent holds a story's HTML to absolute URLs: images on the host,
// and no site path left relative.
func checkContent(t *testing.T, what, html, host string) {
	t.Helper()
	if strings.TrimSpace(html) == "" {
		t.Errorf("%s: an item without content", what)
	}
	if strings.Contains(html, `href="/`) || strings.Contains(html, `src="/`) {
		t.Errorf("%s: content keeps a relative URL", what)
	}
	for _, m := range srcAttr.FindAllStringSubmatch(html, -1) {
		onHost(t, what+" content image", m[1], host)
	}
}

func TestNotFound(t *testing.T) {
	e := servertest.Demo(t)
	for _, p := range []string{
		"/feeds/", "/feeds/xx/rss.xml", "/feeds/kk/", "/feeds/kk/rss", "/feeds/kk/index.xml",
		"/feeds/kk/section/no-such-section/rss.xml", "/feeds/kk/tag/no-such-tag/atom.xml",
		"/feeds/kk/author/no-such-author/feed.json", "/feeds/kk/shelf/x/rss.xml",
		"/feeds/kk/author/almaty-tilshisi/rss.xml", // a collective byline has no page and no feed
		"/feeds/en/author/correspondent-almaty/feed.json",
		"/feeds/kk/section/saiasat/rss.xml/x", "/sitemaps/xx.xml", "/sitemaps/kk", "/sitemaps/kk/2.xml",
		"/sitemaps/kk/1.xml", "/sitemaps/kk/02.xml", "/sitemaps/xx-news.xml", "/sitemaps/", "/sitemap.xml/x",
	} {
		resp, _ := e.Get(t, p)
		if resp.StatusCode != 404 {
			t.Errorf("%s: %d, want 404", p, resp.StatusCode)
		}
	}
	// The section feed really exists, so the 404 above was for the path.
	if resp, _ := e.Get(t, "/feeds/kk/section/saiasat/rss.xml"); resp.StatusCode != 200 {
		t.Errorf("the Kazakh politics feed answers %d", resp.StatusCode)
	}
	resp, _ := e.Get(t, "/feeds/xx/rss.xml")
	if resp.Header.Get("Cache-Control") != "public, max-age=60" {
		t.Errorf("a 404 feed is cached as %q", resp.Header.Get("Cache-Control"))
	}
}

// TestCaching: answers come from the page cache keyed by origin and path,
// query strings ignored, and HEAD and conditional requests work.
func TestCaching(t *testing.T) {
	e := servertest.Demo(t)
	e.Fresh(t) // the watcher's first check purges the cache: have it done
	h := e.Server.Feed
	e.Get(t, "/feeds/ru/atom.xml")
	n := h.Renders()
	for _, p := range []string{"/feeds/ru/atom.xml", "/feeds/ru/atom.xml?utm_source=x", "/feeds/ru/atom.xml?cursor=abc&q=1"} {
		resp, _ := e.Get(t, p)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", p, resp.StatusCode)
		}
	}
	if h.Renders() != n {
		t.Errorf("query strings caused %d more renders", h.Renders()-n)
	}
	resp, _ := e.Get(t, "/sitemaps/ru.xml")
	if resp.Header.Get("Cache-Control") != "public, max-age=300" || resp.Header.Get("Content-Type") != "application/xml; charset=utf-8" {
		t.Errorf("sitemap headers %v", resp.Header)
	}
	etag := resp.Header.Get("ETag")
	if resp, _ := e.Get(t, "/sitemaps/ru.xml", "If-None-Match", etag); resp.StatusCode != 304 {
		t.Errorf("If-None-Match: %d", resp.StatusCode)
	}
	req, _ := http.NewRequest("POST", e.URL+"/feeds/ru/atom.xml", nil)
	if resp, err := e.Client.Do(req); err != nil || resp.StatusCode != 405 {
		t.Errorf("POST: %v %v", resp, err)
	}
	req, _ = http.NewRequest("HEAD", e.URL+"/feeds/ru/feed.json", nil)
	if resp, err := e.Client.Do(req); err != nil || resp.StatusCode != 200 {
		t.Errorf("HEAD: %v %v", resp, err)
	}
}

// TestChangesReachFeeds: a story taken down leaves every feed and sitemap
// at the next content check, and a new one appears.
func TestChangesReachFeeds(t *testing.T) {
	e := servertest.Demo(t)
	ctx := context.Background()
	pg, _ := e.Store.ListPublished(ctx, news.ListQuery{Service: "ru", Limit: 1}, e.Clock.Now())
	gone := pg.Items[0]
	paths := []string{"/feeds/ru/rss.xml", "/feeds/ru/atom.xml", "/feeds/ru/feed.json", "/sitemaps/ru.xml", "/sitemaps/ru-news.xml",
		escape("/feeds/ru/section/" + gone.Section.Slug + "/rss.xml")}
	for _, p := range paths {
		if _, body := e.Get(t, p); !strings.Contains(body, gone.ID) {
			t.Fatalf("%s does not list %s before it is taken down", p, gone.ID)
		}
	}
	if err := e.Store.Unpublish(ctx, gone.ID, e.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	st := e.NewStory(t, "ru", "svezhaia-novost", "Свежая новость", "Текст.")
	e.Publish(t, st, e.Clock.Now().Add(-time.Minute))
	e.Fresh(t)
	for _, p := range paths[:5] {
		_, body := e.Get(t, p)
		if strings.Contains(body, gone.ID) {
			t.Errorf("%s still lists the story taken down", p)
		}
		if !strings.Contains(body, st.ID) {
			t.Errorf("%s does not list the new story", p)
		}
	}
}
