package server_test

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"qalam/internal/news"
	"qalam/internal/servertest"
)

// notranslitWords returns the words marked notranslit in the public
// Kazakh stories: the only Kazakh Cyrillic a Latin answer may carry.
func notranslitWords(t *testing.T, e *servertest.Env) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	add := func(in news.Inline) {
		for _, sp := range in {
			for _, m := range sp.Marks {
				if m.Type == news.MarkNoTranslit {
					out = append(out, sp.Text)
				}
			}
		}
	}
	q := news.ListQuery{Service: "kk", Limit: 100}
	for {
		pg, err := e.Store.ListPublished(ctx, q, e.Clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range pg.Items {
			p, err := e.Store.PublishedStory(ctx, s.ID, e.Clock.Now())
			if err != nil {
				t.Fatal(err)
			}
			c := p.Rev.Content
			add(c.Headline)
			add(c.Deck)
			if c.Lead != nil {
				add(c.Lead.Caption)
			}
			for _, b := range c.Body.Blocks {
				add(b.Text)
				for _, it := range b.Items {
					add(it)
				}
				if b.Figure != nil {
					add(b.Figure.Caption)
				}
			}
			for _, cr := range p.Corrections {
				add(cr.Text)
			}
		}
		if pg.Next == "" {
			break
		}
		q.Cursor = pg.Next
	}
	return out
}

var htmlTag = regexp.MustCompile(`<[^>]*>`)

// latinCheck walks a JSON answer of the Latin view: every text field is
// free of Kazakh Cyrillic but for words marked notranslit (a snippet may
// cut such a phrase, so a word passes when a notranslit phrase contains
// it), and every URL on the server is collected.
func latinCheck(t *testing.T, e *servertest.Env, what string, v any, kept []string, urls map[string]bool) {
	t.Helper()
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if key == "translations" {
					k = "url" // language code -> URL
				}
				walk(k, x)
			}
		case []any:
			for _, x := range v {
				walk(key, x)
			}
		case string:
			if strings.HasPrefix(v, e.URL+"/") {
				urls[strings.TrimPrefix(v, e.URL)] = true
			}
			switch key {
			case "url", "next", "href", "id", "slug", "service", "next_cursor", "published", "updated", "at":
				return // not text a reader reads
			case "body_html":
				v = htmlTag.ReplaceAllString(v, " ")
			}
			for _, w := range strings.Fields(v) {
				if !strings.ContainsAny(w, kazakhLetters) {
					continue
				}
				w = strings.Trim(w, ".,:;!?«»\"'()—–-…“”")
				ok := false
				for _, k := range kept {
					if strings.Contains(k, w) {
						ok = true
						break
					}
				}
				if !ok {
					t.Errorf("%s: %s has Kazakh Cyrillic %q outside notranslit words: %q", what, key, w, v)
				}
			}
		}
	}
	walk("", v)
}

func getJSON(t *testing.T, e *servertest.Env, path string) map[string]any {
	t.Helper()
	resp, body := e.Get(t, path)
	mustStatus(t, resp, 200, path)
	var v map[string]any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v
}

func TestAPILatin(t *testing.T) {
	e := servertest.Demo(t)
	kept := notranslitWords(t, e)
	if len(kept) == 0 {
		t.Fatal("the demo's Kazakh stories mark no word notranslit")
	}
	urls := map[string]bool{}
	isLatin := func(what string, v map[string]any) {
		t.Helper()
		if v["lang"] != "kk-Latn" || v["script"] != "latn" {
			t.Errorf("%s: lang %v, script %v, want kk-Latn, latn", what, v["lang"], v["script"])
		}
	}

	list := getJSON(t, e, "/api/v1/stories?service=kk&script=latn&limit=100")
	isLatin("stories", list)
	latinCheck(t, e, "stories", list, kept, urls)
	cyrl := getJSON(t, e, "/api/v1/stories?service=kk&limit=100")
	stories, _ := list["stories"].([]any)
	cstories, _ := cyrl["stories"].([]any)
	if len(stories) < 10 || len(stories) != len(cstories) {
		t.Fatalf("%d Latin stories, %d Cyrillic", len(stories), len(cstories))
	}
	for i, x := range stories {
		s := x.(map[string]any)
		c := cstories[i].(map[string]any)
		isLatin("story in list", s)
		if s["id"] != c["id"] {
			t.Fatalf("the Latin list differs from the Cyrillic at %d", i)
		}
		if u, _ := s["url"].(string); !strings.HasPrefix(u, e.URL+"/kk-latn/") {
			t.Errorf("story URL %q is not in the Latin view", u)
		}
		if u, _ := s["section"].(map[string]any)["url"].(string); !strings.HasPrefix(u, e.URL+"/kk-latn/") {
			t.Errorf("section URL %q is not in the Latin view", u)
		}
		if s["headline"] == c["headline"] && strings.ContainsAny(c["headline"].(string), kazakhLetters) {
			t.Errorf("headline %q not transliterated", s["headline"])
		}
	}

	// Every story, with body, media, tags and bylines.
	for _, x := range stories {
		id := x.(map[string]any)["id"].(string)
		one := getJSON(t, e, "/api/v1/stories/"+id+"?script=latn")
		isLatin("story "+id, one)
		latinCheck(t, e, "story "+id, one, kept, urls)
		if one["url"] != x.(map[string]any)["url"] {
			t.Errorf("story %s: URL %v, list says %v", id, one["url"], x.(map[string]any)["url"])
		}
		for _, field := range []string{"tags", "authors"} {
			list, _ := one[field].([]any)
			for _, y := range list {
				if u, ok := y.(map[string]any)["url"].(string); ok && !strings.HasPrefix(u, e.URL+"/kk-latn/") {
					t.Errorf("story %s: %s URL %q is not in the Latin view", id, field, u)
				}
			}
		}
	}

	secs := getJSON(t, e, "/api/v1/sections?service=kk&script=latn")
	isLatin("sections", secs)
	latinCheck(t, e, "sections", secs, kept, urls)

	// Search reads the Cyrillic index and answers in Latin; the match
	// ranges fall inside the Latin snippet.
	headline := cstories[0].(map[string]any)["headline"].(string)
	word := ""
	for _, w := range strings.Fields(headline) {
		if utf8.RuneCountInString(w) > utf8.RuneCountInString(word) {
			word = strings.Trim(w, ".,:;!?«»\"'()—–-…")
		}
	}
	found := getJSON(t, e, "/api/v1/search?service=kk&script=latn&q="+escQuery(word))
	isLatin("search", found)
	latinCheck(t, e, "search", found, kept, urls)
	results, _ := found["results"].([]any)
	if len(results) == 0 {
		t.Fatalf("search for %q in Latin finds nothing", word)
	}
	for _, x := range results {
		r := x.(map[string]any)
		n := utf8.RuneCountInString(r["snippet"].(string))
		for _, m := range r["matches"].([]any) {
			mm := m.(map[string]any)
			if s, e := mm["start"].(float64), mm["end"].(float64); s < 0 || e > float64(n) || s >= e {
				t.Errorf("match %v outside the snippet %q", mm, r["snippet"])
			}
		}
		if u, _ := r["url"].(string); !strings.HasPrefix(u, e.URL+"/kk-latn/") {
			t.Errorf("search result URL %q is not in the Latin view", u)
		}
	}

	// Every URL the answers give answers 200.
	for u := range urls {
		resp, _ := e.Get(t, u)
		mustStatus(t, resp, 200, u)
	}
	if len(urls) < 30 {
		t.Errorf("only %d URLs in the Latin answers", len(urls))
	}
}

func escQuery(s string) string {
	r := strings.NewReplacer(" ", "%20", "&", "%26", "#", "%23", "+", "%2B")
	return r.Replace(s)
}

func TestAPIScriptErrors(t *testing.T) {
	e := servertest.Demo(t)
	_, body := e.Get(t, "/api/v1/stories?service=ru&limit=1")
	var ru struct{ Stories []struct{ ID string } }
	json.Unmarshal([]byte(body), &ru)
	if len(ru.Stories) == 0 {
		t.Fatal("no Russian story")
	}
	for _, c := range []struct{ path, says string }{
		{"/api/v1/stories?service=ru&script=latn", "Kazakh"},
		{"/api/v1/sections?service=en&script=latn", "Kazakh"},
		{"/api/v1/search?service=fa&script=latn&q=x", "Kazakh"},
		{"/api/v1/stories/" + ru.Stories[0].ID + "?script=latn", "Kazakh"},
		{"/api/v1/stories?service=kk&script=cyrl", "script"},
		{"/api/v1/stories?service=kk&script=LATN", "script"},
		{"/api/v1/sections?service=kk&script=latin", "script"},
		{"/api/v1/search?service=kk&script=x&q=a", "script"},
	} {
		resp, body := e.Get(t, c.path)
		if resp.StatusCode != 400 {
			t.Errorf("%s: %d, want 400", c.path, resp.StatusCode)
		}
		var eb struct{ Error string }
		if json.Unmarshal([]byte(body), &eb) != nil || !strings.Contains(eb.Error, c.says) {
			t.Errorf("%s: error body %q, want a JSON error naming %s", c.path, body, c.says)
		}
	}
	// The script is part of the cache key: each answer in its own script.
	for i := 0; i < 2; i++ {
		c := getJSON(t, e, "/api/v1/sections?service=kk")
		l := getJSON(t, e, "/api/v1/sections?service=kk&script=latn")
		cn := c["sections"].([]any)[0].(map[string]any)
		ln := l["sections"].([]any)[0].(map[string]any)
		if !strings.ContainsAny(cn["name"].(string), kazakhLetters) || strings.ContainsAny(ln["name"].(string), kazakhLetters) {
			t.Errorf("round %d: Cyrillic %q, Latin %q", i, cn["name"], ln["name"])
		}
		if _, ok := c["lang"]; ok {
			t.Error("a Cyrillic answer says a script")
		}
	}
}
