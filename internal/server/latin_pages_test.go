package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"qalam/internal/demo"
	"qalam/internal/i18n"
	"qalam/internal/news"
	"qalam/internal/servertest"
	"qalam/internal/translit"
)

// kazakhLetters are the 42 letters of the Kazakh Cyrillic alphabet.
const kazakhLetters = "АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЪЫІЬЭЮЯаәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"

// latinCat is the catalog of the Latin view: the Kazakh one transliterated.
var latinCat = i18n.Derive(i18n.For("kk"), "kk-Latn", translit.Latin)

func escPath(p string) string { return (&url.URL{Path: p}).EscapedPath() }

// cyrillicLeft returns what a reader of a Latin page sees or hears in Kazakh
// Cyrillic: text (title and JSON-LD included) and the attributes alt,
// aria-label, title, placeholder and meta content. Words marked notranslit
// (translate="no", and the same words where markup is flattened: titles,
// meta, JSON-LD) and text in another language (a lang attribute other than
// kk-Latn: the names of other languages, the switcher's "Кирилше") are
// left out.
func cyrillicLeft(t *testing.T, body string) []string {
	t.Helper()
	d := doc(t, body)
	var kept []string
	d.Find(`[translate="no"]`).Each(func(_ int, s *goquery.Selection) { kept = append(kept, s.Text()) })
	d.Find(`[translate="no"], [lang]:not([lang="kk-Latn"])`).Remove()
	texts := []string{d.Text()}
	d.Find("[alt], [aria-label], [title], [placeholder], meta[content]").Each(func(_ int, s *goquery.Selection) {
		for _, a := range []string{"alt", "aria-label", "title", "placeholder", "content"} {
			if v, ok := s.Attr(a); ok {
				texts = append(texts, v)
			}
		}
	})
	var bad []string
	for _, s := range texts {
		for _, k := range kept {
			s = strings.ReplaceAll(s, k, "")
		}
		for _, w := range strings.Fields(s) {
			if strings.ContainsAny(w, kazakhLetters) {
				bad = append(bad, w)
			}
		}
	}
	return bad
}

// latinLinkOK reports whether a link on a Latin page stays in the Latin
// view, goes to another service, or to a shared prefix. The Cyrillic view
// is reached only through links that say so (hreflang="kk": the switcher
// and the alternate link).
func latinLinkOK(path string, otherServices []string) bool {
	for _, p := range append([]string{"/kk-latn/", "/lite/kk-latn/", "/assets/", "/media/", "/feeds/", "/api/", "/mirrors.json"}, otherServices...) {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

func otherServicePrefixes(t *testing.T, e *servertest.Env) []string {
	t.Helper()
	svcs, err := e.Store.Services(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range svcs {
		if s.Code != "kk" {
			out = append(out, "/"+s.Code+"/")
		}
	}
	return out
}

// switcher returns the script switcher's links of a page: lang -> href,
// and the lang of the link marked current.
func switcher(t *testing.T, d *goquery.Document) (map[string]string, string) {
	t.Helper()
	nav := d.Find(`nav[data-qalam="scripts"]`)
	if nav.Length() != 1 {
		t.Errorf("%d script switchers", nav.Length())
		return nil, ""
	}
	if l, _ := nav.Attr("aria-label"); strings.TrimSpace(l) == "" {
		t.Error("the script switcher has no aria-label")
	}
	links, current := map[string]string{}, ""
	nav.Find("a").Each(func(_ int, a *goquery.Selection) {
		lang, _ := a.Attr("lang")
		hl, _ := a.Attr("hreflang")
		if hl != lang {
			t.Errorf("switcher link %q: lang %q, hreflang %q", a.Text(), lang, hl)
		}
		links[lang], _ = a.Attr("href")
		if v, ok := a.Attr("aria-current"); ok && v != "false" {
			if current != "" {
				t.Error("two scripts are marked current")
			}
			current = lang
		}
	})
	if len(links) != 2 || links["kk"] == "" || links["kk-Latn"] == "" {
		t.Errorf("switcher links %v, want kk and kk-Latn", links)
	}
	return links, current
}

// sameURL compares two links by path and query values (query order aside).
func sameURL(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	return err1 == nil && err2 == nil && ua.EscapedPath() == ub.EscapedPath() && ua.Query().Encode() == ub.Query().Encode()
}

// TestLatinViewPages crawls the site (the switcher leads into the Latin
// view) and checks every page of /kk-latn/, plus the pages no link leads
// to: search with a query, and the error pages.
func TestLatinViewPages(t *testing.T) {
	e := servertest.Demo(t)
	ctx := context.Background()
	others := otherServicePrefixes(t, e)
	pages := crawl(t, e)

	gone, err := e.Store.Story(ctx, demo.UnpublishedStoryID)
	if err != nil {
		t.Fatal(err)
	}
	extra := map[string]int{
		"/kk-latn/search": 200,
		"/kk-latn/search?q=" + url.QueryEscape("Алматы"):                 200,
		"/kk-latn/search?q=" + url.QueryEscape("Almaty"):                 200,
		"/kk-latn/no-such-section/":                                      404,
		"/kk-latn/saiasat/some-story-" + gone.ID:                         410,
		"/kk-latn/search?q=" + url.QueryEscape(strings.Repeat("ж", 200)): 400,
		"/kk-latn/?cursor=%zz":                                           400,
	}
	status := map[string]int{}
	for p, want := range extra {
		resp, body := e.Get(t, p)
		if resp.StatusCode != want {
			t.Errorf("%s: status %d, want %d", p, resp.StatusCode, want)
		}
		pages[p], status[p] = body, resp.StatusCode
	}
	// Hidden stories stay hidden under every route that names them.
	for _, id := range []string{demo.DraftStoryID, demo.ScheduledStoryID, demo.UnpublishedStoryID} {
		s, err := e.Store.Story(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		sec, _ := e.Store.Section(ctx, s.SectionID)
		p := "/kk-latn/" + sec.Slug + "/" + s.Slug + "-" + id
		resp, body := e.Get(t, p)
		if resp.StatusCode == 200 {
			t.Errorf("%s answers 200", p)
		}
		pages[p], status[p] = body, resp.StatusCode
	}

	secret := []string{demo.DraftMarker, demo.ScheduledMarker, demo.UnpublishedMarker, demo.StaffEmail, demo.StaffName, demo.StaffID}
	checked := 0
	for p, body := range pages {
		if !strings.HasPrefix(p, "/kk-latn/") {
			continue
		}
		for _, s := range secret {
			if strings.Contains(body, s) {
				t.Errorf("%s contains %q", p, s)
			}
		}
		if !strings.Contains(body, "<html") {
			continue
		}
		checked++
		d := doc(t, body)
		if l, _ := d.Find("html").Attr("lang"); l != "kk-Latn" {
			t.Errorf("%s: lang=%q, want kk-Latn", p, l)
		}
		if bad := cyrillicLeft(t, body); len(bad) > 0 {
			t.Errorf("%s: Kazakh Cyrillic on a Latin page: %q", p, bad)
		}
		d.Find("a[href], link[href], img[src], form[action]").Each(func(_ int, s *goquery.Selection) {
			ref, ok := s.Attr("href")
			if !ok {
				ref, ok = s.Attr("src")
			}
			if !ok {
				ref, _ = s.Attr("action")
			}
			u := local(e, p, ref)
			if u == "" || strings.HasPrefix(ref, "#") {
				return
			}
			if hl, _ := s.Attr("hreflang"); hl == "kk" {
				if !strings.HasPrefix(u, "/kk/") {
					t.Errorf("%s: the link to the Cyrillic view goes to %s", p, u)
				}
				return
			}
			if !latinLinkOK(u, others) {
				t.Errorf("%s: link %q leaves the Latin view", p, ref)
			}
		})
		// The switcher leads to the same page in Cyrillic, which leads back.
		if st, ok := status[p]; ok && st != 200 {
			continue
		}
		links, current := switcher(t, d)
		if current != "kk-Latn" {
			t.Errorf("%s: the switcher marks %q current", p, current)
		}
		if !sameURL(links["kk-Latn"], p) {
			t.Errorf("%s: the switcher's Latin link is %q", p, links["kk-Latn"])
		}
		cyrl := local(e, p, links["kk"])
		cyrlBody, ok := pages[cyrl]
		if !ok {
			resp, b := e.Get(t, cyrl)
			mustStatus(t, resp, 200, "the Cyrillic side of "+p)
			cyrlBody = b
		}
		back, current := switcher(t, doc(t, cyrlBody))
		if current != "kk" || !sameURL(back["kk-Latn"], p) {
			t.Errorf("%s: its Cyrillic side %s links back to %q (current %q)", p, cyrl, back["kk-Latn"], current)
		}
	}
	if checked < 40 {
		t.Errorf("only %d Latin pages checked", checked)
	}
	for _, c := range []struct{ path, key string }{
		{"/kk-latn/no-such-section/", "error.404.title"},
		{"/kk-latn/saiasat/some-story-" + gone.ID, "error.410.title"},
		{"/kk-latn/?cursor=%zz", "error.400.title"},
	} {
		if h := doc(t, pages[c.path]).Find("h1").Text(); h != latinCat.T(c.key) {
			t.Errorf("%s: heading %q, want %q", c.path, h, latinCat.T(c.key))
		}
	}
	// A query typed in Cyrillic finds stories, shown in Latin.
	d := doc(t, pages["/kk-latn/search?q="+url.QueryEscape("Алматы")])
	if d.Find(".teaser").Length() == 0 {
		t.Error("a Cyrillic query finds nothing in the Latin view")
	}
	if v, _ := d.Find("input#q").Attr("value"); v != "Алматы" {
		t.Errorf("the search box holds %q, want the query as typed", v)
	}
	if d.Find(`[data-qalam="search-note"]`).Length() != 0 {
		t.Error("the Latin search page still says that search reads only Cyrillic")
	}
}

// TestLatinHreflangAndSwitcher checks home, section and story pages in both
// views: each is its own canonical, names both scripts with hreflang, and
// its switcher leads to the other view's page, which answers 200.
func TestLatinHreflangAndSwitcher(t *testing.T) {
	e := servertest.Demo(t)
	story := storyURL(t, e, demo.TranslatedStoryID)
	_, body := e.Get(t, "/kk/")
	section, _ := doc(t, body).Find("nav#nav li:nth-child(2) a").Attr("href")
	for _, cyrl := range []string{"/kk/", section, story} {
		latn := "/kk-latn/" + strings.TrimPrefix(cyrl, "/kk/")
		for _, c := range []struct{ path, lang, other string }{{cyrl, "kk", latn}, {latn, "kk-Latn", cyrl}} {
			resp, body := e.Get(t, c.path)
			mustStatus(t, resp, 200, c.path)
			if got := resp.Header.Get("Content-Language"); got != c.lang {
				t.Errorf("%s: Content-Language %q", c.path, got)
			}
			d := doc(t, body)
			if canon, _ := d.Find(`link[rel="canonical"]`).Attr("href"); canon != e.URL+c.path {
				t.Errorf("%s: canonical %q", c.path, canon)
			}
			alts := map[string]string{}
			d.Find(`link[rel="alternate"][hreflang]`).Each(func(_ int, s *goquery.Selection) {
				l, _ := s.Attr("hreflang")
				if _, dup := alts[l]; dup {
					t.Errorf("%s: two hreflang=%s links", c.path, l)
				}
				alts[l], _ = s.Attr("href")
			})
			if alts["kk"] != e.URL+cyrl || alts["kk-Latn"] != e.URL+latn {
				t.Errorf("%s: hreflang kk=%q kk-Latn=%q, want %s and %s", c.path, alts["kk"], alts["kk-Latn"], cyrl, latn)
			}
			links, current := switcher(t, d)
			if current != c.lang || links[c.lang] != c.path {
				t.Errorf("%s: switcher %v, current %q", c.path, links, current)
			}
			other := links[map[string]string{"kk": "kk-Latn", "kk-Latn": "kk"}[c.lang]]
			if other != c.other {
				t.Errorf("%s: the switcher leads to %q, want %q", c.path, other, c.other)
			}
			if resp, _ := e.Get(t, other); resp.StatusCode != 200 {
				t.Errorf("%s: switcher link %s answers %d", c.path, other, resp.StatusCode)
			}
		}
	}
	// Translations in other services name both Kazakh scripts too.
	_, body = e.Get(t, "/kk-latn/"+strings.TrimPrefix(story, "/kk/"))
	d := doc(t, body)
	var ld map[string]any
	if err := json.Unmarshal([]byte(d.Find(`script[type="application/ld+json"]`).Text()), &ld); err != nil {
		t.Fatal(err)
	}
	if ld["inLanguage"] != "kk-Latn" {
		t.Errorf("JSON-LD inLanguage %v", ld["inLanguage"])
	}
	if tm := d.Find(".meta time").First().Text(); !strings.Contains(tm, " jylğy ") {
		t.Errorf("Latin date %q", tm)
	}
	ru, _ := d.Find(`link[rel="alternate"][hreflang="ru"]`).Attr("href")
	_, body = e.Get(t, ru)
	if d := doc(t, body); d.Find(`link[rel="alternate"][hreflang="kk-Latn"]`).Length() != 1 || d.Find(`nav[data-qalam="scripts"]`).Length() != 0 {
		t.Errorf("the Russian translation %s must name the Kazakh Latin page and have no script switcher", ru)
	}
}

// TestLatinStoryURLs: story slugs are written in Latin in the Latin view,
// any other spelling redirects there, and notranslit words keep their
// script in headline and body.
func TestLatinStoryURLs(t *testing.T) {
	e := servertest.Demo(t)
	ctx := context.Background()
	secs, _ := e.Store.Sections(ctx, "kk")
	nt := func(s string) news.Span { return news.Span{Text: s, Marks: []news.Mark{{Type: news.MarkNoTranslit}}} }
	st, err := e.Store.CreateStory(ctx, news.NewStory{
		Service: "kk", SectionID: secs[0].ID, Slug: "абай-жолы-сұхбат",
		Content: news.Content{
			Headline: news.Inline{{Text: "Сұхбат: "}, nt("Абай жолы"), {Text: " туралы"}},
			Body: news.Doc{Version: news.DocVersion, Blocks: []news.Block{{Type: news.BlockParagraph,
				Text: news.Inline{{Text: "Жазушы "}, nt("Мұхтар Әуезов"), {Text: " туралы әңгіме."}}}}},
		},
		CreatedBy: demo.StaffID, Created: e.Clock.Now(),
	})
	if err != nil {
		t.Fatal(err)
	}
	e.Publish(t, st, e.Clock.Now().Add(-time.Second))
	e.Fresh(t)

	sec := secs[0].Slug
	cyrl := escPath("/kk/" + sec + "/абай-жолы-сұхбат-" + st.ID)
	latn := escPath("/kk-latn/" + sec + "/abai-joly-sūhbat-" + st.ID)
	for _, old := range []string{
		"/kk-latn/" + sec + "/" + escPath("абай-жолы-сұхбат") + "-" + st.ID,
		"/kk-latn/" + sec + "/old-slug-" + st.ID,
		"/kk-latn/" + sec + "/" + st.ID,
		"/kk-latn/" + secs[1].Slug + "/abai-joly-s%C5%ABhbat-" + st.ID,
	} {
		resp, _ := e.Get(t, old)
		if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != latn {
			t.Errorf("%s -> %d %q, want 301 %s", old, resp.StatusCode, resp.Header.Get("Location"), latn)
		}
	}
	resp, body := e.Get(t, latn)
	mustStatus(t, resp, 200, "Latin story")
	d := doc(t, body)
	h1, _ := d.Find("h1").Html()
	if h1 != `Sūhbat: <span translate="no">Абай жолы</span> turaly` {
		t.Errorf("headline %q", h1)
	}
	if p, _ := d.Find(`[data-qalam="body"] p`).Html(); p != `Jazuşy <span translate="no">Мұхтар Әуезов</span> turaly äñgıme.` {
		t.Errorf("body %q", p)
	}
	if bad := cyrillicLeft(t, body); len(bad) > 0 {
		t.Errorf("Kazakh Cyrillic outside notranslit words: %q", bad)
	}
	if links, _ := switcher(t, d); links["kk"] != cyrl {
		t.Errorf("switcher %v, want the Cyrillic %s", links, cyrl)
	}
	resp, body = e.Get(t, cyrl)
	mustStatus(t, resp, 200, "Cyrillic story")
	if links, _ := switcher(t, doc(t, body)); links["kk-Latn"] != latn {
		t.Errorf("switcher %v, want the Latin %s", links, latn)
	}
}

// TestLatinOnlyForKazakh: only Kazakh services have a Latin view.
func TestLatinOnlyForKazakh(t *testing.T) {
	e := servertest.Demo(t)
	for _, p := range []string{"/ru-latn/", "/xx-latn/", "/en-latn/politics/", "/fa-latn/search", "/-latn/", "/kk-latn-latn/"} {
		if resp, _ := e.Get(t, p); resp.StatusCode != 404 {
			t.Errorf("%s: status %d, want 404", p, resp.StatusCode)
		}
	}
	resp, body := e.Get(t, "/ru-latn/")
	if l, _ := doc(t, body).Find("html").Attr("lang"); l != "ru" {
		t.Errorf("/ru-latn/ is a 404 page in %q, want Russian", l)
	}
	resp, _ = e.Get(t, "/kk-latn")
	if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/kk-latn/" {
		t.Errorf("/kk-latn -> %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	// The Cyrillic view keeps its own language and its pages their script.
	resp, body = e.Get(t, "/kk/")
	if l, _ := doc(t, body).Find("html").Attr("lang"); l != "kk" || resp.Header.Get("Content-Language") != "kk" {
		t.Errorf("/kk/: lang %q", l)
	}
}
