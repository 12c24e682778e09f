package server_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"unicode"

	"github.com/PuerkitoBio/goquery"

	"qalam/internal/servertest"
	"qalam/internal/stem"
	"qalam/internal/translit"
)

// searchHrefs returns the story links of a search page, in order, with
// their marked words.
func searchHrefs(t *testing.T, e *servertest.Env, path string) (hrefs, marks []string, body string) {
	t.Helper()
	resp, body := e.Get(t, path)
	mustStatus(t, resp, 200, path)
	d := doc(t, body)
	d.Find("ul.teasers > li").Each(func(_ int, li *goquery.Selection) {
		h, _ := li.Find("a").First().Attr("href")
		hrefs = append(hrefs, h)
	})
	d.Find(`[data-qalam="snippet"] mark`).Each(func(_ int, s *goquery.Selection) { marks = append(marks, s.Text()) })
	return hrefs, marks, body
}

func hasCyrillicLetter(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) })
}

// The Latin view's search takes words in Latin (as the view shows them),
// in Cyrillic or both, and finds the demo's Cyrillic stories in every
// inflection, ranked as the Cyrillic query ranks them and shown in Latin.
func TestSearchLatinDemo(t *testing.T) {
	e := servertest.Demo(t)
	want, _, _ := searchHrefs(t, e, "/kk/search?q="+url.QueryEscape("Алматы"))
	if len(want) < 2 {
		t.Fatalf("the demo has %d Kazakh stories about Алматы, want at least 2", len(want))
	}
	for i, h := range want {
		want[i] = strings.Replace(h, "/kk/", "/kk-latn/", 1)
	}
	key := stem.Key("kk", "Алматы")
	for _, q := range []string{"Almaty", "almatyda", "Almatynyñ", "Алматы", "алматыдағы"} {
		path := "/kk-latn/search?q=" + url.QueryEscape(q)
		got, marks, body := searchHrefs(t, e, path)
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s: %v, want the Cyrillic query's stories in its order %v", path, got, want)
		}
		if len(marks) == 0 {
			t.Errorf("%s: nothing marked", path)
		}
		for _, m := range marks {
			if hasCyrillicLetter(m) || stem.Key("kk", m) != key {
				t.Errorf("%s: <mark>%s</mark> is not a Latin form of Almaty", path, m)
			}
		}
		if d := doc(t, body); d.Find(`[data-qalam="search-note"]`).Length() != 0 {
			t.Errorf("%s: still a note that search reads Cyrillic only", path)
		}
		if d := doc(t, body); hasCyrillicLetter(d.Find(`[data-qalam="snippet"]`).Text()) {
			t.Errorf("%s: a snippet in Cyrillic", path)
		}
	}
	// The Cyrillic view takes Latin words too.
	if got, _, _ := searchHrefs(t, e, "/kk/search?q=Almaty"); len(got) != len(want) {
		t.Errorf("/kk/search?q=Almaty: %d stories, want %d", len(got), len(want))
	}

	// A word of every demo story's headline, typed in Latin, finds its story
	// in the Latin view, alone or with a Cyrillic word of the same headline.
	_, body := e.Get(t, "/api/v1/stories?service=kk&limit=50")
	var stories struct {
		Stories []struct{ ID, Headline string }
	}
	if err := json.Unmarshal([]byte(body), &stories); err != nil {
		t.Fatal(err)
	}
	if len(stories.Stories) < 3 {
		t.Fatalf("%d Kazakh demo stories", len(stories.Stories))
	}
	for _, s := range stories.Stories {
		words := strings.FieldsFunc(s.Headline, func(r rune) bool { return !unicode.IsLetter(r) })
		if len(words) < 2 {
			continue
		}
		latin := translit.Latin(words[0])
		for _, q := range []string{latin, latin + " " + words[1]} {
			r := apiSearch(t, e, "/api/v1/search?service=kk&script=latn&q="+url.QueryEscape(q))
			if !r.has(s.ID) {
				t.Errorf("API search %q (script=latn) does not find %q", q, s.Headline)
			}
		}
	}
}

type apiResults struct {
	Results []struct {
		ID, URL, Headline, Snippet string
		Matches                    []struct{ Start, End int }
	}
	Total int
}

func (r apiResults) has(id string) bool {
	for _, x := range r.Results {
		if x.ID == id {
			return true
		}
	}
	return false
}

func apiSearch(t *testing.T, e *servertest.Env, path string) apiResults {
	t.Helper()
	resp, body := e.Get(t, path)
	mustStatus(t, resp, 200, path)
	var r apiResults
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return r
}

// GET /api/v1/search?service=kk&script=latn&q=<Latin word> answers the
// Cyrillic query's stories, in Latin, with the Latin forms matched.
func TestSearchLatinAPI(t *testing.T) {
	e := servertest.Demo(t)
	cyr := apiSearch(t, e, "/api/v1/search?service=kk&q="+url.QueryEscape("Алматы"))
	if cyr.Total < 2 {
		t.Fatalf("the Cyrillic query finds %d stories", cyr.Total)
	}
	key := stem.Key("kk", "Алматы")
	for _, q := range []string{"Almaty", "ALMATYDA", "almatydağy", "Алматы"} {
		for _, script := range []string{"&script=latn", ""} {
			path := "/api/v1/search?service=kk" + script + "&q=" + url.QueryEscape(q)
			r := apiSearch(t, e, path)
			if r.Total != cyr.Total || len(r.Results) != len(cyr.Results) {
				t.Errorf("%s: %d results of %d, want %d of %d", path, len(r.Results), r.Total, len(cyr.Results), cyr.Total)
				continue
			}
			for i, x := range r.Results {
				if x.ID != cyr.Results[i].ID {
					t.Errorf("%s: result %d is %s, want %s as for the Cyrillic query", path, i, x.ID, cyr.Results[i].ID)
				}
				if script == "" {
					continue
				}
				if !strings.HasPrefix(x.URL, e.URL+"/kk-latn/") || hasCyrillicLetter(x.Headline+x.Snippet) {
					t.Errorf("%s: result not in the Latin view: %s %q %q", path, x.URL, x.Headline, x.Snippet)
				}
				if len(x.Matches) == 0 {
					t.Errorf("%s: no matches in %q", path, x.Snippet)
				}
				for _, m := range x.Matches {
					if w := string([]rune(x.Snippet)[m.Start:m.End]); stem.Key("kk", w) != key {
						t.Errorf("%s: match %q is not a form of Almaty", path, w)
					}
				}
			}
		}
	}
}

// Words typed in plain ASCII, without the Kazakh letters, find the demo's
// stories in the Latin view when nothing matches them as typed.
func TestSearchASCIIDemo(t *testing.T) {
	e := servertest.Demo(t)
	for _, tc := range []struct{ q, headline string }{
		{"Mangystauda", "Mañğystauda"},
		{"tuzdy boran", "tūzdy boran"},
		{"Aqtobede gaz", "Aqtöbede gaz"},
		{"shagyn biznes", "Şağyn biznes"},
	} {
		path := "/kk-latn/search?q=" + url.QueryEscape(tc.q)
		resp, body := e.Get(t, path)
		mustStatus(t, resp, 200, path)
		d := doc(t, body)
		found := false
		d.Find("ul.teasers > li").Each(func(_ int, li *goquery.Selection) {
			found = found || strings.Contains(li.Text(), tc.headline)
		})
		if !found {
			t.Errorf("%s: no story with %q among %d results", path, tc.headline, d.Find("ul.teasers > li").Length())
		}
		r := apiSearch(t, e, "/api/v1/search?service=kk&script=latn&q="+url.QueryEscape(tc.q))
		found = false
		for _, x := range r.Results {
			found = found || strings.Contains(x.Headline, tc.headline)
		}
		if !found {
			t.Errorf("API %q: no story with %q among %d results", tc.q, tc.headline, len(r.Results))
		}
	}
}
