package server_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"qalam/internal/demo"
	"qalam/internal/servertest"
	"qalam/internal/stem"
)

// searchPage fetches a search page and returns its result items' marked
// words and the count line.
func searchPage(t *testing.T, e *servertest.Env, svc, q string) (marks []string, count string, items int, body string) {
	t.Helper()
	resp, body := e.Get(t, "/"+svc+"/search?q="+url.QueryEscape(q))
	mustStatus(t, resp, 200, svc+" search "+q)
	d := doc(t, body)
	d.Find(`[data-qalam="snippet"] mark`).Each(func(_ int, s *goquery.Selection) { marks = append(marks, s.Text()) })
	return marks, strings.TrimSpace(d.Find(".count").Text()), d.Find("ul.teasers > li").Length(), body
}

func TestSearchDemoInflectedForms(t *testing.T) {
	e := servertest.Demo(t)
	for _, tc := range []struct {
		svc, lang, q string
		count        string // a word of the count line (the plural form)
	}{
		{"kk", "kk", "Алматы", "материал"},
		{"kk", "kk", "алматыда", "материал"},
		{"ru", "ru", "Москва", "материал"},
		{"en", "en", "protest", "stor"},
	} {
		marks, count, items, _ := searchPage(t, e, tc.svc, tc.q)
		if items == 0 {
			t.Errorf("%s %q: no results", tc.svc, tc.q)
			continue
		}
		if !strings.Contains(count, tc.count) {
			t.Errorf("%s %q: count line %q, want the plural of %q", tc.svc, tc.q, count, tc.count)
		}
		key := stem.Key(tc.lang, tc.q)
		for _, m := range marks {
			if stem.Key(tc.lang, m) != key {
				t.Errorf("%s %q: <mark>%s</mark> is not a form of the query", tc.svc, tc.q, m)
			}
		}
		inflected := false
		for _, m := range marks {
			inflected = inflected || !strings.EqualFold(m, tc.q)
		}
		if !inflected {
			t.Errorf("%s %q: no inflected form highlighted; marks %v", tc.svc, tc.q, marks)
		}
	}

	// The Latin view finds the same stories and shows them in Latin.
	resp, body := e.Get(t, "/kk-latn/search?q="+url.QueryEscape("Алматы"))
	mustStatus(t, resp, 200, "Latin search")
	if d := doc(t, body); d.Find(`[data-qalam="snippet"] mark`).Length() == 0 || !strings.Contains(body, "<mark>Almaty") {
		t.Errorf("Latin search: no <mark>Almaty… in the results")
	}
}

func TestSearchDemoHiddenStories(t *testing.T) {
	e := servertest.Demo(t)
	for _, svc := range []string{"kk", "ru", "en", "fa"} {
		for _, m := range []string{demo.DraftMarker, demo.ScheduledMarker, demo.UnpublishedMarker} {
			_, _, items, body := searchPage(t, e, svc, m)
			if items != 0 || strings.Contains(body, "<mark>") {
				t.Errorf("/%s/search?q=%s found a hidden story", svc, m)
			}
			resp, body := e.Get(t, "/api/v1/search?service="+svc+"&q="+m)
			mustStatus(t, resp, 200, "API search "+m)
			var r struct {
				Results []json.RawMessage
				Total   int
			}
			if err := json.Unmarshal([]byte(body), &r); err != nil || len(r.Results) != 0 || r.Total != 0 {
				t.Errorf("API search %s %s: %s", svc, m, body)
			}
		}
	}
	// Once the embargo ends, the scheduled story is found.
	e.Clock.Set(servertest.DemoNow.Add(49 * time.Hour))
	e.Fresh(t)
	if _, _, items, _ := searchPage(t, e, "ru", demo.ScheduledMarker); items != 1 {
		t.Errorf("after its embargo the scheduled story is not found (%d items)", items)
	}
}

func TestSearchAPIAndPaging(t *testing.T) {
	e := servertest.Demo(t)
	resp, body := e.Get(t, "/api/v1/search?service=kk&q="+url.QueryEscape("Алматы")+"&limit=1")
	mustStatus(t, resp, 200, "API search")
	var r struct {
		Results []struct {
			ID, URL, Headline, Published, Snippet string
			Section                               struct{ Slug string }
			Matches                               []struct{ Start, End int }
		}
		Total      int
		NextCursor string `json:"next_cursor"`
	}
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Results) != 1 || r.Total < 2 || r.NextCursor == "" {
		t.Fatalf("API search: %d results, total %d, cursor %q", len(r.Results), r.Total, r.NextCursor)
	}
	first := r.Results[0]
	if first.ID == "" || !strings.HasPrefix(first.URL, e.URL+"/kk/") || first.Headline == "" || first.Section.Slug == "" || first.Published == "" {
		t.Errorf("API search result lacks story fields: %+v", first)
	}
	if len(first.Matches) == 0 {
		t.Errorf("no matches in %q", first.Snippet)
	}
	for _, m := range first.Matches {
		word := string([]rune(first.Snippet)[m.Start:m.End])
		if stem.Key("kk", word) != stem.Key("kk", "Алматы") {
			t.Errorf("match %q is not a form of the query", word)
		}
	}
	seen := map[string]bool{first.ID: true}
	cursor := r.NextCursor
	for cursor != "" {
		resp, body = e.Get(t, "/api/v1/search?service=kk&q="+url.QueryEscape("Алматы")+"&limit=1&cursor="+cursor)
		mustStatus(t, resp, 200, "API search page")
		r.NextCursor = ""
		r.Results = nil
		if err := json.Unmarshal([]byte(body), &r); err != nil {
			t.Fatal(err)
		}
		for _, x := range r.Results {
			if seen[x.ID] {
				t.Errorf("story %s on two pages", x.ID)
			}
			seen[x.ID] = true
		}
		cursor = r.NextCursor
	}
	if len(seen) != r.Total {
		t.Errorf("paged through %d stories, total %d", len(seen), r.Total)
	}
	for path, status := range map[string]int{
		"/api/v1/search?service=kk":                            400,
		"/api/v1/search?q=x":                                   400,
		"/api/v1/search?service=zz&q=x":                        404,
		"/api/v1/search?service=kk&q=x&limit=0":                400,
		"/api/v1/search?service=kk&q=x&cursor=bad":             400,
		"/api/v1/search?service=kk&q=" + url.QueryEscape("«»"): 400,
	} {
		resp, _ := e.Get(t, path)
		mustStatus(t, resp, status, path)
	}

	// The site pages 12 at a time and its links keep the query.
	d := doc(t, func() string { _, b := e.Get(t, "/ru/search?q="+url.QueryEscape("в")); return b }())
	next, ok := d.Find(`a[rel="next"]`).Attr("href")
	if d.Find("ul.teasers > li").Length() == 12 {
		if !ok || !strings.Contains(next, "q="+url.QueryEscape("в")) || !strings.Contains(next, "cursor=") {
			t.Fatalf("next link %q", next)
		}
		resp, body := e.Get(t, next)
		mustStatus(t, resp, 200, "second page")
		d2 := doc(t, body)
		if d2.Find("ul.teasers > li").Length() == 0 {
			t.Error("second page empty")
		}
		if first, ok := d2.Find(".pager a").First().Attr("href"); !ok || !strings.Contains(first, "q="+url.QueryEscape("в")) || strings.Contains(first, "cursor") {
			t.Errorf("first-page link %q", first)
		}
	} else if ok {
		t.Errorf("a next link on a short page: %q", next)
	} else {
		t.Errorf("too few results to page: %s", d.Find(".count").Text())
	}
	// Punctuation alone finds nothing but is no error.
	if _, _, items, _ := searchPage(t, e, "kk", "«»"); items != 0 {
		t.Errorf("punctuation found %d stories", items)
	}
}
