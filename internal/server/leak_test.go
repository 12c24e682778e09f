package server_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"qalam/internal/demo"
	"qalam/internal/servertest"
)

// crawl fetches every page reachable from the service homes and the API,
// following links on the same host, and returns each URL's body.
func crawl(t *testing.T, e *servertest.Env) map[string]string {
	t.Helper()
	seen := map[string]string{}
	queue := []string{"/", "/kk/", "/ru/", "/en/", "/fa/", "/api/v1/services"}
	for _, s := range []string{"kk", "ru", "en", "fa"} {
		queue = append(queue, "/api/v1/stories?service="+s+"&limit=100", "/api/v1/sections?service="+s)
	}
	// The Kazakh Latin view's answers (their URLs lead into /kk-latn/).
	queue = append(queue, "/api/v1/stories?service=kk&script=latn&limit=100", "/api/v1/sections?service=kk&script=latn")
	for len(queue) > 0 && len(seen) < 3000 {
		p := queue[0]
		queue = queue[1:]
		if _, ok := seen[p]; ok {
			continue
		}
		resp, body := e.Get(t, p)
		seen[p] = body
		if resp.StatusCode >= 400 {
			t.Errorf("%s, linked from a public page, answers %d", p, resp.StatusCode)
		}
		if loc := resp.Header.Get("Location"); loc != "" {
			queue = append(queue, loc)
		}
		ct := resp.Header.Get("Content-Type")
		if strings.HasPrefix(ct, "text/html") {
			d, err := goquery.NewDocumentFromReader(strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			d.Find("a[href], link[href], img[src], script[src]").Each(func(_ int, s *goquery.Selection) {
				for _, attr := range []string{"href", "src"} {
					if v, ok := s.Attr(attr); ok {
						if u := local(e, p, v); u != "" {
							queue = append(queue, u)
						}
					}
				}
			})
		}
		if strings.HasPrefix(ct, "application/json") {
			for _, part := range strings.Split(body, `"`) {
				if strings.HasPrefix(part, e.URL+"/") {
					queue = append(queue, strings.TrimPrefix(part, e.URL))
				}
			}
			// A story in a list leads to its own answer, in the list's
			// script.
			var list struct{ Stories []struct{ ID string } }
			if strings.HasPrefix(p, "/api/v1/stories?") && json.Unmarshal([]byte(body), &list) == nil {
				for _, s := range list.Stories {
					one := "/api/v1/stories/" + s.ID
					if strings.Contains(p, "script=latn") {
						one += "?script=latn"
					}
					queue = append(queue, one)
				}
			}
		}
	}
	return seen
}

// local resolves a link against page and returns its path and query if it
// stays on the server.
func local(e *servertest.Env, page, ref string) string {
	base, _ := url.Parse(e.URL + page)
	u, err := base.Parse(ref)
	if err != nil || u.Host != e.Host {
		return ""
	}
	u.Fragment = ""
	return u.RequestURI()
}

func TestNothingUnpublishedOrPrivateLeaks(t *testing.T) {
	e := servertest.Demo(t)
	ctx := context.Background()
	// A pseudonymous story written by a staff account with a real name.
	st := e.NewStory(t, "kk", "pseudonym-story", "Бүркеншік есіммен жазылған мақала", "Мәтін.")
	authors, _ := e.Store.Authors(ctx, "kk")
	var pseud string
	for _, a := range authors {
		if strings.Contains(strings.ToLower(a.Bio), "бүркеншік") || strings.Contains(strings.ToLower(a.Bio), "псевдоним") {
			pseud = a.ID
		}
	}
	if pseud == "" {
		t.Fatal("the demo has no pseudonymous Kazakh author")
	}
	rev, _ := e.Store.Revision(ctx, st.HeadRev)
	rev.Content.AuthorIDs = []string{pseud}
	nr, err := e.Store.SaveRevision(ctx, st.ID, st.HeadRev, rev.Content, demo.StaffID, e.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Store.Publish(ctx, st.ID, nr.ID, e.Clock.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	e.Fresh(t)

	pages := crawl(t, e)
	if len(pages) < 100 {
		t.Fatalf("the crawl reached only %d URLs", len(pages))
	}
	// Direct requests for the hidden stories, by every route that names them.
	for _, id := range []string{demo.DraftStoryID, demo.ScheduledStoryID, demo.UnpublishedStoryID} {
		s, err := e.Store.Story(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		sec, _ := e.Store.Section(ctx, s.SectionID)
		for _, p := range []string{"/api/v1/stories/" + id, "/" + s.Service + "/" + sec.Slug + "/" + s.Slug + "-" + id,
			"/api/v1/stories/" + id + "?script=latn", "/" + s.Service + "-latn/" + sec.Slug + "/" + s.Slug + "-" + id} {
			resp, body := e.Get(t, p)
			if resp.StatusCode == 200 {
				t.Errorf("%s answers 200", p)
			}
			pages[p] = body
		}
		rev, _ := e.Store.Revision(ctx, s.HeadRev)
		for _, aid := range rev.Content.AssetIDs() {
			a, _ := e.Store.Asset(ctx, aid)
			if a.Hash == "" {
				continue
			}
			// Only images no public story uses must stay hidden.
			if _, err := e.Store.PublicAsset(ctx, aid, e.Clock.Now()); err == nil {
				continue
			}
			resp, _ := e.Get(t, "/media/"+aid+"/"+a.Hash[:16]+"-320.jpg")
			if resp.StatusCode != 404 {
				t.Errorf("image of hidden story %s answers %d", id, resp.StatusCode)
			}
		}
	}
	secret := []string{demo.DraftMarker, demo.ScheduledMarker, demo.UnpublishedMarker, demo.StaffEmail, demo.StaffName, demo.StaffID}
	for p, body := range pages {
		for _, s := range secret {
			if strings.Contains(body, s) {
				t.Errorf("%s contains %q", p, s)
			}
		}
	}
	// The crawl reached the Latin view's pages, feeds and API answers
	// through links.
	for _, p := range []string{"/kk-latn/", "/feeds/kk-latn/rss.xml", "/feeds/kk-latn/atom.xml", "/feeds/kk-latn/feed.json",
		"/api/v1/stories/" + demo.CorrectedStoryID + "?script=latn"} {
		if _, ok := pages[p]; !ok {
			t.Errorf("the crawl did not reach %s", p)
		}
	}
	latinFeeds := 0
	for p := range pages {
		if strings.HasPrefix(p, "/feeds/kk-latn/") && strings.Contains(p, "/tag/") {
			latinFeeds++
		}
	}
	if latinFeeds == 0 {
		t.Error("the crawl reached no Latin tag feed")
	}
	// The pseudonymous story itself was reached and shows its byline.
	found := false
	for p, body := range pages {
		if strings.Contains(p, "pseudonym-story") && strings.Contains(body, "Бүркеншік есіммен") {
			found = true
		}
	}
	if !found {
		t.Error("the crawl did not reach the pseudonymous story")
	}
}

func TestScheduledStoryGoesLiveOnTime(t *testing.T) {
	e := servertest.Demo(t)
	ctx := context.Background()
	s, _ := e.Store.Story(ctx, demo.ScheduledStoryID)
	resp, _ := e.Get(t, "/api/v1/stories/"+demo.ScheduledStoryID)
	mustStatus(t, resp, 404, "scheduled story before its time")
	// One second before its time the story is still hidden; right after,
	// the next content check (at most a second later) makes it public.
	e.Clock.Set(s.PublishAt.Add(-time.Second))
	statusAfterPoll(t, e, "/api/v1/stories/"+demo.ScheduledStoryID, 404)
	e.Clock.Set(s.PublishAt.Add(time.Second))
	afterPoll(t, e, "/api/v1/stories/"+demo.ScheduledStoryID, demo.ScheduledMarker, true)
}
