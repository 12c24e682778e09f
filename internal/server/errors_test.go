package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"qalam/internal/demo"
	"qalam/internal/i18n"
	"qalam/internal/servertest"
)

func TestErrorPagesInTheServiceLanguage(t *testing.T) {
	e := servertest.Demo(t)
	cases := []struct {
		path   string
		status int
		lang   string
	}{
		{"/kk/no-such-section/", 404, "kk"},
		{"/ru/no-such-section/no-such-story-aaaaaaaaaaaa", 404, "ru"},
		{"/fa/tag/no-such-tag/", 404, "fa"},
		{"/en/author/nobody/", 404, "en"},
		{"/en/a/b/c/d", 404, "en"},
		{"/xx/", 404, "kk"},
		{"/nosuchservice/politics/story-abcdefghijkl", 404, "kk"},
		{"/ru/?cursor=%zz", 400, "ru"},
		{"/fa/search?q=" + strings.Repeat("x", 300), 400, "fa"},
		{"/kk/%ff%fe/", 404, "kk"},
	}
	for _, c := range cases {
		resp, body := e.Get(t, c.path)
		if resp.StatusCode != c.status {
			t.Errorf("%s: status %d, want %d", c.path, resp.StatusCode, c.status)
			continue
		}
		d := doc(t, body)
		if l, _ := d.Find("html").Attr("lang"); l != c.lang {
			t.Errorf("%s: error page in %q, want %q", c.path, l, c.lang)
		}
		cat := i18n.For(c.lang)
		key := map[int]string{400: "error.400.title", 404: "error.404.title"}[c.status]
		if d.Find("h1").Text() != cat.T(key) {
			t.Errorf("%s: heading %q, want %q", c.path, d.Find("h1").Text(), cat.T(key))
		}
		if strings.Contains(body, "goroutine") || strings.Contains(body, ".go:") {
			t.Errorf("%s: error page shows internals", c.path)
		}
	}
	// An unpublished story is gone, not missing.
	s, _ := e.Store.Story(t.Context(), demo.UnpublishedStoryID)
	sec, _ := e.Store.Section(t.Context(), s.SectionID)
	resp, body := e.Get(t, "/"+s.Service+"/"+sec.Slug+"/"+s.Slug+"-"+s.ID)
	mustStatus(t, resp, http.StatusGone, "unpublished story")
	if doc(t, body).Find("h1").Text() != i18n.For("en").T("error.410.title") {
		t.Error("410 page lacks its heading")
	}
	req, _ := http.NewRequest("POST", e.URL+"/kk/", strings.NewReader("x=1"))
	pr, err := e.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	pr.Body.Close()
	if pr.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /kk/: %d", pr.StatusCode)
	}
}

func TestRedirectsFromEarlierURLs(t *testing.T) {
	e := servertest.Demo(t)
	for _, id := range []string{demo.MovedStoryID, demo.SectionMovedStoryID} {
		cur := storyURL(t, e, id)
		s, _ := e.Store.Story(t.Context(), id)
		// Any earlier slug or section: the ID in the URL finds the story.
		parts := strings.Split(cur, "/")
		for _, old := range []string{
			"/" + parts[1] + "/" + parts[2] + "/an-old-slug-" + s.ID,
			"/" + parts[1] + "/old-section/" + s.Slug + "-" + s.ID,
		} {
			resp, _ := e.Get(t, old)
			if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != cur {
				t.Errorf("%s -> %d %q, want 301 %s", old, resp.StatusCode, resp.Header.Get("Location"), cur)
			}
		}
	}
}

// No non-English page may carry a string of the English catalog: every
// reader-facing word comes from the page's own language.
func TestNoEnglishStringsOnOtherLanguagePages(t *testing.T) {
	e := servertest.Demo(t)
	en := i18n.For("en")
	var english []string
	for _, s := range en.Strings() {
		for _, part := range strings.Split(s, "%") {
			part = strings.TrimSpace(strings.TrimLeft(part, "sd"))
			if len([]rune(part)) >= 4 && part != en.T("lang.name") {
				english = append(english, part)
			}
		}
	}
	pages := crawl(t, e)
	checked := 0
	for p, body := range pages {
		if !strings.HasPrefix(p, "/kk/") && !strings.HasPrefix(p, "/ru/") && !strings.HasPrefix(p, "/fa/") {
			continue
		}
		if !strings.Contains(body, "<html") {
			continue
		}
		d := doc(t, body)
		// Visible text and the attributes readers hear (labels, alt text).
		var texts []string
		d.Find("body").Each(func(_ int, s *goquery.Selection) { texts = append(texts, s.Text()) })
		d.Find("[aria-label], [alt], [placeholder], [title]").Each(func(_ int, s *goquery.Selection) {
			for _, a := range []string{"aria-label", "alt", "placeholder", "title"} {
				if v, ok := s.Attr(a); ok {
					texts = append(texts, v)
				}
			}
		})
		// The service switcher names each language in itself: "English" is right there.
		all := strings.Join(texts, "\n")
		for _, s := range english {
			if strings.Contains(all, s) {
				t.Errorf("%s carries the English catalog string %q", p, s)
			}
		}
		checked++
	}
	if checked < 50 {
		t.Errorf("only %d non-English pages checked", checked)
	}
}

func TestDatesInEachLanguage(t *testing.T) {
	e := servertest.Demo(t)
	path := storyURL(t, e, demo.TranslatedStoryID)
	_, body := e.Get(t, path)
	d := doc(t, body)
	var urls = map[string]string{}
	d.Find(`link[rel="alternate"]`).Each(func(_ int, s *goquery.Selection) {
		l, _ := s.Attr("hreflang")
		h, _ := s.Attr("href")
		urls[l] = h
	})
	want := map[string]struct{ text, offset string }{
		"kk": {"жылғы", "+05:00"}, "ru": {"ноября", "+03:00"}, "fa": {"۱۴۰۵", "+03:30"},
	}
	for lang, w := range want {
		_, body := e.Get(t, urls[lang])
		tm := doc(t, body).Find(".meta time").First()
		dt, _ := tm.Attr("datetime")
		if !strings.Contains(tm.Text(), w.text) || !strings.HasSuffix(dt, w.offset) {
			t.Errorf("%s: date %q datetime %q, want %q and offset %s", lang, tm.Text(), dt, w.text, w.offset)
		}
	}
}
