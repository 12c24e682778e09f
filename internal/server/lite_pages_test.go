package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"qalam/internal/demo"
	"qalam/internal/httpkit"
	"qalam/internal/news"
	"qalam/internal/servertest"
)

// Lite page budgets (issue 5): a story page under 30 KB as sent with gzip,
// and everything but the story's own text under 8 KB uncompressed.
const (
	liteGzipBudget     = 30 * 1024
	liteOverheadBudget = 8 * 1024
)

// liteStoryText is the UTF-8 byte count of a lite story's own text: the
// text content (entities decoded, markup left out) of the headline, the
// deck, the body (its paragraphs, headings, lists, quotes and the labels
// of its photo links) and the lead photo's caption, the elements marked
// data-qalam="headline", "deck", "body" and "caption". A page's overhead,
// held under liteOverheadBudget, is its byte size minus this: markup
// (the body's included), navigation, banner, notices, promo, corrections,
// translations and footer.
func liteStoryText(t *testing.T, body string) int {
	t.Helper()
	n := 0
	doc(t, body).Find(`[data-qalam="headline"], [data-qalam="deck"], [data-qalam="body"], [data-qalam="caption"]`).Each(func(_ int, s *goquery.Selection) {
		n += len(s.Text())
	})
	return n
}

// liteLang is the lang and dir a lite path's pages must have.
func liteLang(t *testing.T, e *servertest.Env, path string) (lang, dir string) {
	t.Helper()
	code := strings.Split(strings.TrimPrefix(path, "/lite/"), "/")[0]
	latin := strings.HasSuffix(code, "-latn")
	svc, err := e.Store.Service(context.Background(), strings.TrimSuffix(code, "-latn"))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if latin {
		return "kk-Latn", "ltr"
	}
	return svc.Lang, svc.Dir
}

// liteKind tells a lite path's page type.
func liteKind(path string) string {
	p, _, _ := strings.Cut(path, "?")
	switch n := len(strings.Split(strings.Trim(p, "/"), "/")); {
	case n == 2:
		return "home"
	case n == 3 && strings.HasSuffix(p, "/"):
		return "section"
	case n == 4:
		return "story"
	}
	return "other"
}

// TestLitePagesCrawl crawls the lite pages of every service from their
// homes, following links that stay under /lite/, and checks each: 200,
// lang and dir, no script, no image element, nothing that loads from
// another origin, the reader site's CSP, no cookie, a canonical link to
// the full page (which answers 200) and a link to it, nothing unpublished
// or private.
func TestLitePagesCrawl(t *testing.T) {
	e := servertest.Demo(t)
	ctx := context.Background()
	svcs, err := e.Store.Services(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var queue []string
	for _, s := range svcs {
		queue = append(queue, "/lite/"+s.Code+"/")
	}
	secret := []string{demo.DraftMarker, demo.ScheduledMarker, demo.UnpublishedMarker, demo.StaffEmail, demo.StaffName, demo.StaffID}
	seen := map[string]bool{}
	kinds := map[string]int{}
	for len(queue) > 0 && len(seen) < 1000 {
		p := queue[0]
		queue = queue[1:]
		if seen[p] {
			continue
		}
		seen[p] = true
		resp, body := e.Get(t, p)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d", p, resp.StatusCode)
			continue
		}
		svcCode := strings.Split(strings.TrimPrefix(p, "/lite/"), "/")[0]
		kinds[svcCode+"/"+liteKind(p)]++
		lang, dir := liteLang(t, e, p)
		d := doc(t, body)
		if l, _ := d.Find("html").Attr("lang"); l != lang {
			t.Errorf("%s: lang=%q, want %q", p, l, lang)
		}
		if got, _ := d.Find("html").Attr("dir"); got != dir {
			t.Errorf("%s: dir=%q, want %q", p, got, dir)
		}
		if got := resp.Header.Get("Content-Language"); got != lang {
			t.Errorf("%s: Content-Language %q, want %q", p, got, lang)
		}
		if got := resp.Header.Get("Content-Security-Policy"); got != httpkit.ReaderCSP {
			t.Errorf("%s: CSP %q", p, got)
		}
		if c := resp.Header.Values("Set-Cookie"); len(c) > 0 {
			t.Errorf("%s: sets cookies %q", p, c)
		}
		low := strings.ToLower(body)
		for _, bad := range []string{"<script", "<img", "<iframe", "<object", "<embed", "<video", "<audio", "<source", "<picture", "srcset", "@font-face", " style="} {
			if strings.Contains(low, bad) {
				t.Errorf("%s contains %q", p, bad)
			}
		}
		for _, s := range secret {
			if strings.Contains(body, s) {
				t.Errorf("%s contains %q", p, s)
			}
		}
		// Nothing loads from elsewhere: every src, every <link> and every
		// form on the server; links the reader may follow too, but for
		// those the newsroom wrote into text (story body, notices, promo,
		// corrections, banner), which may name other sites.
		d.Find("[src], link[href], form[action], a[href]").Each(func(_ int, s *goquery.Selection) {
			ref, ok := s.Attr("src")
			if !ok {
				ref, ok = s.Attr("href")
			}
			if !ok {
				ref, _ = s.Attr("action")
			}
			u := local(e, p, ref)
			if goquery.NodeName(s) == "a" && s.Closest(`[data-qalam="body"], [data-qalam="notice"], [data-qalam="promo"], [data-qalam="corrections"], [data-qalam="breaking"]`).Length() > 0 {
				if u == "" {
					if rel, _ := s.Attr("rel"); !strings.Contains(rel, "noreferrer") {
						t.Errorf("%s: link to another site %q without rel=noreferrer", p, ref)
					}
				}
				return
			}
			if u == "" {
				t.Errorf("%s: %s %q is not on the server", p, goquery.NodeName(s), ref)
				return
			}
			if goquery.NodeName(s) == "a" && strings.HasPrefix(u, "/lite/") && !seen[u] {
				queue = append(queue, u)
			}
		})
		// Canonical: the full page, which links back here.
		canon, _ := d.Find(`link[rel="canonical"]`).Attr("href")
		cu := local(e, p, canon)
		if !strings.HasPrefix(canon, e.URL+"/") || strings.HasPrefix(cu, "/lite/") {
			t.Errorf("%s: canonical %q, want the full page", p, canon)
			continue
		}
		full, _ := d.Find(`a[data-qalam="full"]`).Attr("href")
		if local(e, p, full) != cu {
			t.Errorf("%s: full version link %q, canonical %q", p, full, canon)
		}
		if kind := liteKind(p); kind == "home" || kind == "story" || kind == "section" && !strings.Contains(p, "?") {
			fresp, fbody := e.Get(t, cu)
			if fresp.StatusCode != 200 {
				t.Errorf("%s: full page %s answers %d", p, cu, fresp.StatusCode)
				continue
			}
			// The full page links to this one (its Latin view does not yet).
			if !strings.HasPrefix(p, "/lite/kk-latn/") {
				lite, _ := doc(t, fbody).Find(`a[data-qalam="lite"]`).Attr("href")
				if local(e, cu, lite) != p {
					t.Errorf("%s: its lite link is %q, want %s", cu, lite, p)
				}
			}
		}
	}
	for _, s := range append(svcs, news.Service{Code: "kk-latn"}) {
		for _, k := range []string{"home", "section", "story"} {
			if kinds[s.Code+"/"+k] == 0 {
				t.Errorf("the crawl reached no %s page of %s", k, s.Code)
			}
		}
	}
	t.Logf("crawled %d lite pages: %v", len(seen), kinds)
}

// apiStories lists every public story of a service through the API.
func apiStories(t *testing.T, e *servertest.Env, svc string) []string {
	t.Helper()
	var urls []string
	next := "/api/v1/stories?service=" + svc + "&limit=100"
	for next != "" {
		var page struct {
			Stories []struct{ URL string } `json:"stories"`
			Next    string                 `json:"next"`
		}
		getJSONInto(t, e, next, &page)
		for _, s := range page.Stories {
			urls = append(urls, strings.TrimPrefix(s.URL, e.URL))
		}
		next = strings.TrimPrefix(page.Next, e.URL)
	}
	if len(urls) == 0 {
		t.Fatalf("service %s has no public stories", svc)
	}
	return urls
}

// liteSizes fetches a lite story page plain and with gzip and returns the
// gzip body's size (the page cache's, as sent) and the overhead.
func liteSizes(t *testing.T, e *servertest.Env, path string) (gz, overhead int, body string) {
	t.Helper()
	resp, body := e.Get(t, path)
	mustStatus(t, resp, 200, path)
	gresp, gbody := e.Get(t, path, "Accept-Encoding", "gzip")
	mustStatus(t, gresp, 200, path+" (gzip)")
	if gresp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("%s: not sent with gzip", path)
	}
	gz, err := strconv.Atoi(gresp.Header.Get("Content-Length"))
	if err != nil || gz != len(gbody) {
		t.Fatalf("%s: gzip Content-Length %q, body %d bytes", path, gresp.Header.Get("Content-Length"), len(gbody))
	}
	return gz, len(body) - liteStoryText(t, body), body
}

// TestLiteStoryBudgets measures the lite page of every public story of
// every demo service (and of the Kazakh stories in Latin).
func TestLiteStoryBudgets(t *testing.T) {
	e := servertest.Demo(t)
	var maxGz, maxOver int
	var maxGzPath, maxOverPath string
	for _, svc := range []string{"kk", "ru", "en", "fa"} {
		for _, u := range apiStories(t, e, svc) {
			paths := []string{"/lite" + u}
			if svc == "kk" {
				paths = append(paths, "/lite/kk-latn/"+strings.TrimPrefix(u, "/kk/"))
			}
			for _, p := range paths {
				if resp, _ := e.Get(t, p); resp.StatusCode == http.StatusMovedPermanently {
					p = resp.Header.Get("Location") // the Latin spelling of the slug
				}
				gz, over, body := liteSizes(t, e, p)
				if gz >= liteGzipBudget {
					t.Errorf("%s: %d bytes with gzip, budget %d", p, gz, liteGzipBudget)
				}
				if over >= liteOverheadBudget {
					t.Errorf("%s: %d bytes besides the story's text, budget %d", p, over, liteOverheadBudget)
				}
				if !strings.Contains(body, `data-qalam="body"`) {
					t.Errorf("%s: no story body", p)
				}
				if gz > maxGz {
					maxGz, maxGzPath = gz, p
				}
				if over > maxOver {
					maxOver, maxOverPath = over, p
				}
			}
		}
	}
	t.Logf("largest with gzip: %d bytes (%s); largest overhead: %d bytes (%s)", maxGz, maxGzPath, maxOver, maxOverPath)
}

// TestLiteLongStoryIsComplete publishes a 200-paragraph story: its lite
// page has every paragraph and stays within the overhead budget.
func TestLiteLongStoryIsComplete(t *testing.T) {
	e := servertest.Demo(t)
	ctx := context.Background()
	secs, err := e.Store.Sections(ctx, "fa")
	if err != nil || len(secs) == 0 {
		t.Fatal(err)
	}
	var blocks []news.Block
	for i := 1; i <= 200; i++ {
		blocks = append(blocks, news.Block{Type: news.BlockParagraph,
			Text: news.Text(fmt.Sprintf("بند %d: گزارش بلند درباره‌ی آب، زمین و مردمی که در کنار دریاچه زندگی می‌کنند و هر روز کوچک‌تر شدن آن را می‌بینند. پایان-%03d", i, i))})
	}
	st, err := e.Store.CreateStory(ctx, news.NewStory{
		Service: "fa", SectionID: secs[0].ID, Slug: "long-story",
		Content: news.Content{
			Headline: news.Text("گزارش بلند"),
			Deck:     news.Text("دویست بند"),
			Body:     news.Doc{Version: news.DocVersion, Blocks: blocks},
		},
		CreatedBy: demo.StaffID, Created: e.Clock.Now(),
	})
	if err != nil {
		t.Fatal(err)
	}
	e.Publish(t, st, e.Clock.Now())
	e.Fresh(t)
	p := "/lite/fa/" + secs[0].Slug + "/long-story-" + st.ID
	gz, over, body := liteSizes(t, e, p)
	for _, want := range []string{"پایان-001", "پایان-100", "پایان-200"} {
		if !strings.Contains(body, want) {
			t.Errorf("%s: paragraph %q is missing", p, want)
		}
	}
	if n := doc(t, body).Find(`[data-qalam="body"] p`).Length(); n != 200 {
		t.Errorf("%s: %d paragraphs, want 200", p, n)
	}
	if over >= liteOverheadBudget {
		t.Errorf("%s: %d bytes besides the story's text, budget %d", p, over, liteOverheadBudget)
	}
	t.Logf("%s: %d bytes, %d with gzip, %d besides the text", p, len(body), gz, over)
}

// TestLiteStatuses checks redirects of other spellings to the canonical
// lite URL, 410 for a story taken down, 404 for hidden and unknown ones,
// each in the service's language.
func TestLiteStatuses(t *testing.T) {
	e := servertest.Demo(t)
	ctx := context.Background()
	story := storyURL(t, e, demo.TranslatedStoryID) // /kk/{section}/{slug}-{id}
	lite := "/lite" + story
	parts := strings.Split(strings.TrimPrefix(story, "/kk/"), "/")
	id := demo.TranslatedStoryID
	for _, p := range []string{
		"/lite/kk/" + parts[0] + "/other-slug-" + id,
		"/lite/kk/no-such-section/x-" + id,
		"/lite/kk/" + parts[0] + "/" + id,
		lite + "/",
	} {
		resp, _ := e.Get(t, p)
		mustStatus(t, resp, http.StatusMovedPermanently, p)
		loc, _ := url.PathUnescape(resp.Header.Get("Location"))
		if want, _ := url.PathUnescape(lite); loc != want && !(strings.HasSuffix(p, "/") && loc == want) {
			t.Errorf("%s redirects to %q, want %q", p, loc, want)
		}
	}
	// The Latin view writes the slug in Latin and redirects other spellings.
	// The Latin view writes slugs in Latin; other spellings redirect.
	resp, _ := e.Get(t, "/lite/kk-latn/"+parts[0]+"/қате-"+id)
	if loc := resp.Header.Get("Location"); resp.StatusCode != 301 || !strings.HasPrefix(loc, "/lite/kk-latn/") {
		t.Errorf("Latin lite story with a Cyrillic slug: %d %q", resp.StatusCode, loc)
	} else if r2, _ := e.Get(t, loc); r2.StatusCode != 200 {
		t.Errorf("%s: %d", loc, r2.StatusCode)
	}
	for _, c := range []struct {
		id     string
		status int
	}{{demo.UnpublishedStoryID, 410}, {demo.DraftStoryID, 404}, {demo.ScheduledStoryID, 404}, {"zzzzzzzzzzzz", 404}} {
		svc, secSlug := "kk", parts[0]
		if s, err := e.Store.Story(ctx, c.id); err == nil {
			sec, _ := e.Store.Section(ctx, s.SectionID)
			svc, secSlug = s.Service, sec.Slug
		}
		p := "/lite/" + svc + "/" + secSlug + "/x-" + c.id
		resp, body := e.Get(t, p)
		mustStatus(t, resp, c.status, p)
		sv, _ := e.Store.Service(ctx, svc)
		if l, _ := doc(t, body).Find("html").Attr("lang"); l != sv.Lang {
			t.Errorf("%s: error page lang %q, want %q", p, l, sv.Lang)
		}
		if strings.Contains(body, "<script") || strings.Contains(body, "<img") {
			t.Errorf("%s: the lite error page has a script or image", p)
		}
	}
	for p, status := range map[string]int{
		"/lite/en/no-such-section/": 404,
		"/lite/en/tag/x":            404,
		"/lite/en/author/x":         404,
		"/lite/en/search":           301, // a section's shape; then 404
		"/lite/en-latn/":            404,
		"/lite/kk":                  301,
		"/lite/":                    302,
	} {
		resp, _ := e.Get(t, p)
		mustStatus(t, resp, status, p)
	}
	if resp, _ := e.Get(t, "/lite/"); resp.Header.Get("Location") != "/lite/kk/" {
		t.Errorf("/lite/ redirects to %q", resp.Header.Get("Location"))
	}
	if resp, body := e.Get(t, "/lite/en/no-such-section/"); resp.Header.Get("Content-Language") != "en" || !strings.Contains(body, `lang="en"`) {
		t.Errorf("404 under /lite/en/ is not in English")
	}
}

// TestLiteCaching checks lite pages come from the page cache, keyed by
// path (and a section's cursor), other query parameters ignored.
func TestLiteCaching(t *testing.T) {
	e := servertest.Demo(t)
	_, home := e.Get(t, "/lite/kk/")
	section, _ := doc(t, home).Find(`nav#nav li:nth-child(2) a`).Attr("href")
	story, _ := doc(t, home).Find(`main ul.list a`).First().Attr("href")
	for _, p := range []string{"/lite/kk/", section, story} {
		e.Get(t, p)
		before := e.Server.Site.Renders()
		for _, q := range []string{"", "?utm_source=x", "?cursor=abc&q=1"} {
			if p != section || q != "?cursor=abc&q=1" {
				resp, _ := e.Get(t, p+q)
				mustStatus(t, resp, 200, p+q)
			}
		}
		if n := e.Server.Site.Renders() - before; n != 0 {
			t.Errorf("%s: %d renders for cached requests", p, n)
		}
	}
	// A section's cursor is read: a bad one is a 400.
	if resp, _ := e.Get(t, section+"?cursor=%21%21"); resp.StatusCode != 400 {
		t.Errorf("%s with a bad cursor: %d", section, resp.StatusCode)
	}
	// Photos are links naming their size, to a variant that answers.
	_, body := e.Get(t, "/lite"+storyURL(t, e, demo.TranslatedStoryID))
	photo := doc(t, body).Find("p.photo a").First()
	href, _ := photo.Attr("href")
	if !strings.HasPrefix(href, "/media/") || !strings.Contains(photo.Text(), "КБ)") {
		t.Fatalf("lead photo link %q %q", href, photo.Text())
	}
	if resp, _ := e.Get(t, href); resp.StatusCode != 200 {
		t.Errorf("%s: %d", href, resp.StatusCode)
	}
}

func getJSONInto(t *testing.T, e *servertest.Env, path string, v any) {
	t.Helper()
	resp, body := e.Get(t, path)
	mustStatus(t, resp, 200, path)
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
