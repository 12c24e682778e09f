package e2e

import (
	"encoding/json"
	"net/http"
	"net/url"
	"qalam/internal/config"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"qalam/internal/servertest"
)

// services are the demo newsroom's language services, Persian right-to-left.
var services = []string{"kk", "ru", "en", "fa"}

// sitePage is one reader page the tests load.
type sitePage struct {
	Service string
	Kind    string // home, section, tag, author, story, story-corrections, search, search-empty, not-found, lite-home, lite-section, lite-story
	Path    string // path and query on the server
	Status  int    // the HTTP status it must answer with
}

// Name is "kk/story", for subtests and messages.
func (p sitePage) Name() string { return p.Service + "/" + p.Kind }

// apiStory is what the tests read of the stories API.
type apiStory struct {
	ID       string `json:"id"`
	URL      string `json:"url"`
	Headline string `json:"headline"`
	Section  struct {
		URL string `json:"url"`
	} `json:"section"`
	Image   *struct{ URL string } `json:"image"`
	Authors []struct {
		Name string `json:"name"`
		URL  string `json:"url"`
	} `json:"authors"`
	Tags []struct {
		URL string `json:"url"`
	} `json:"tags"`
	Corrections  []json.RawMessage `json:"corrections"`
	Translations map[string]string `json:"translations"`
}

func getJSON(t *testing.T, e *servertest.Env, path string, v any) {
	t.Helper()
	resp, body := e.Get(t, path)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d: %.200s", path, resp.StatusCode, body)
	}
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

// localPath turns an absolute URL of the server into a path.
func localPath(t *testing.T, e *servertest.Env, u string) string {
	t.Helper()
	if !strings.HasPrefix(u, e.URL+"/") {
		t.Fatalf("URL %q is not on the server %s", u, e.URL)
	}
	return strings.TrimPrefix(u, e.URL)
}

// discoverPages lists every page type of every service, found through the
// API: home, a section, a tag, an author, a story (the one with the most
// of lead image, translations and corrections; another story too when it
// has no corrections), search with a query and without, and a 404.
func discoverPages(t *testing.T, e *servertest.Env) []sitePage {
	t.Helper()
	var pages []sitePage
	for _, svc := range services {
		var list struct {
			Stories []apiStory `json:"stories"`
		}
		getJSON(t, e, "/api/v1/stories?service="+svc+"&limit=100", &list)
		if len(list.Stories) == 0 {
			t.Fatalf("service %s has no published stories", svc)
		}
		var full []apiStory
		for _, s := range list.Stories {
			var f apiStory
			getJSON(t, e, "/api/v1/stories/"+s.ID, &f)
			full = append(full, f)
		}
		score := func(s apiStory) int {
			n := 0
			if s.Image != nil {
				n++
			}
			if len(s.Corrections) > 0 {
				n += 2
			}
			if len(s.Translations) > 0 {
				n += 4
			}
			if len(s.Authors) > 0 && s.Authors[0].URL != "" {
				n += 8
			}
			if len(s.Tags) > 0 {
				n += 16
			}
			return n
		}
		best := full[0]
		for _, s := range full[1:] {
			if score(s) > score(best) {
				best = s
			}
		}
		if best.Image == nil || len(best.Translations) == 0 {
			t.Errorf("service %s: no story with a lead image and translations (best is %s)", svc, best.ID)
		}
		if len(best.Tags) == 0 || len(best.Authors) == 0 || best.Authors[0].URL == "" {
			t.Fatalf("service %s: no story with a tag and an author page (best is %s)", svc, best.ID)
		}
		add := func(kind, path string, status int) {
			pages = append(pages, sitePage{Service: svc, Kind: kind, Path: path, Status: status})
		}
		add("home", "/"+svc+"/", 200)
		add("section", localPath(t, e, best.Section.URL), 200)
		add("tag", localPath(t, e, best.Tags[0].URL), 200)
		add("author", localPath(t, e, best.Authors[0].URL), 200)
		add("story", localPath(t, e, best.URL), 200)
		if len(best.Corrections) == 0 {
			for _, s := range full {
				if len(s.Corrections) > 0 {
					add("story-corrections", localPath(t, e, s.URL), 200)
					break
				}
			}
		}
		add("search", "/"+svc+"/search?q="+url.QueryEscape(searchWord(best.Headline)), 200)
		add("search-empty", "/"+svc+"/search", 200)
		add("mirrors", "/"+svc+"/mirrors", 200)
		if newslettersOn(t, e) {
			add("newsletter", "/newsletter/"+svc+"/", 200)
		}
		add("not-found", "/"+svc+"/no-such-page-e2e/", 404)
	}
	// The Kazakh service in the Latin alphabet: the same pages under /kk-latn/.
	for _, p := range pagesOf(pages, "kk") {
		switch p.Kind {
		case "home", "section", "story", "search":
			pages = append(pages, sitePage{Service: "kk-latn", Kind: p.Kind, Path: latinPath(t, e, p.Path), Status: 200})
		}
	}
	// Lite pages (/lite/...): home, section and story of a left-to-right and
	// a right-to-left service.
	for _, svc := range []string{"kk", "fa"} {
		for _, p := range pagesOf(pages, svc) {
			switch p.Kind {
			case "home", "section", "story":
				pages = append(pages, sitePage{Service: svc, Kind: "lite-" + p.Kind, Path: "/lite" + p.Path, Status: 200})
			}
		}
	}
	return pages
}

// latinPath is the path of a Kazakh page in the Latin view: the prefix
// swapped, and a story's slug as the Latin view writes it (it redirects
// other spellings).
func latinPath(t *testing.T, e *servertest.Env, cyrl string) string {
	t.Helper()
	p := "/kk-latn/" + strings.TrimPrefix(cyrl, "/kk/")
	resp, _ := e.Get(t, p)
	if resp.StatusCode == http.StatusMovedPermanently {
		p = resp.Header.Get("Location")
		resp, _ = e.Get(t, p)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d", p, resp.StatusCode)
	}
	return p
}

// searchWord picks the longest word of a headline, to search for.
func searchWord(headline string) string {
	best := ""
	for _, w := range strings.FieldsFunc(headline, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if utf8.RuneCountInString(w) > utf8.RuneCountInString(best) {
			best = w
		}
	}
	return best
}

// pagesOf returns the pages of a service.
func pagesOf(pages []sitePage, svc string) []sitePage {
	var out []sitePage
	for _, p := range pages {
		if p.Service == svc {
			out = append(out, p)
		}
	}
	return out
}

// findPage returns the page of a service and kind.
func findPage(t *testing.T, pages []sitePage, svc, kind string) sitePage {
	t.Helper()
	for _, p := range pages {
		if p.Service == svc && p.Kind == kind {
			return p
		}
	}
	t.Fatalf("no %s page of service %s", kind, svc)
	return sitePage{}
}

// demoWithNewsletters is the demo newsroom with newsletters switched on (an
// SMTP address is all the pages need; nothing is sent here), so every page
// carries the footer link and the subscription pages are among the pages
// the browser tests check.
func demoWithNewsletters(t *testing.T) *servertest.Env {
	return servertest.Demo(t, func(o *config.Options) {
		o.Newsletter = config.Newsletter{SMTPAddr: "127.0.0.1:1", From: "Zhasyl Aula <news@example.org>", TLS: "none"}
	})
}

// newslettersOn reports whether e serves the subscription pages.
func newslettersOn(t *testing.T, e *servertest.Env) bool {
	return e.Opts.Newsletter.Enabled()
}
