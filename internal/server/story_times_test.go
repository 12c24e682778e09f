package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"

	"qalam/internal/demo"
	"qalam/internal/i18n"
	"qalam/internal/news"
	"qalam/internal/servertest"
)

// The times readers see on a story, on the full and the lite page: its
// publication time; an "updated" time once a new revision of the
// published story goes live (and not before); and each correction with
// the time it was made, as <time datetime> in the service's time zone.
func TestStoryShowsUpdatedAndCorrectionTimes(t *testing.T) {
	e := servertest.Demo(t)
	ctx := context.Background()
	now := e.Clock.Now()
	for _, svc := range []string{"ru", "en"} {
		t.Run(svc, func(t *testing.T) {
			service, err := e.Store.Service(ctx, svc)
			if err != nil {
				t.Fatal(err)
			}
			loc, err := time.LoadLocation(service.TimeZone)
			if err != nil {
				t.Fatal(err)
			}
			cat := i18n.For(service.Lang)
			iso := func(at time.Time) string { return at.In(loc).Format(time.RFC3339) }
			published := now.Add(-3 * time.Hour).Truncate(time.Second)
			updated := now.Add(-90 * time.Minute).Truncate(time.Second)
			corr1 := now.Add(-40 * time.Minute).Truncate(time.Second)
			corr2 := now.Add(-10 * time.Minute).Truncate(time.Second)

			st := e.NewStory(t, svc, "times-"+svc, "Times "+svc, "First text.")
			e.Publish(t, st, published)
			e.Fresh(t)
			path := storyURL(t, e, st.ID)
			pages := []string{path, "/lite" + path}

			// metaTimes are the <time datetime> values of the page's meta
			// line, each with the text just before it (its label).
			metaTimes := func(p string) map[string]string {
				t.Helper()
				resp, body := e.Get(t, p)
				mustStatus(t, resp, 200, p)
				got := map[string]string{}
				doc(t, body).Find(".meta time").Each(func(_ int, tm *goquery.Selection) {
					dt, _ := tm.Attr("datetime")
					before := ""
					if prev := tm.Nodes[0].PrevSibling; prev != nil && prev.Type == html.TextNode {
						before = prev.Data
					}
					got[dt] = before
				})
				return got
			}
			label := func(key string) string {
				before, _, _ := strings.Cut(cat.T(key), "%s")
				return strings.TrimSpace(before)
			}
			for _, p := range pages {
				got := metaTimes(p)
				if !strings.Contains(got[iso(published)], label("time.published")) {
					t.Errorf("%s: no %q time %s in the meta line: %v", p, label("time.published"), iso(published), got)
				}
				if len(got) != 1 {
					t.Errorf("%s: before any update the meta line shows %d times: %v", p, len(got), got)
				}
				if _, body := e.Get(t, p); strings.Contains(body, `data-qalam="corrections"`) {
					t.Errorf("%s: a corrections section before any correction", p)
				}
			}

			// An update: a new revision of the published story goes live.
			rev, err := e.Store.SaveRevision(ctx, st.ID, st.HeadRev, news.Content{Headline: news.Text("Times " + svc + " (updated)"),
				Body: news.Doc{Version: news.DocVersion, Blocks: []news.Block{{Type: news.BlockParagraph, Text: news.Text("Second text.")}}}},
				demo.StaffID, updated)
			if err != nil {
				t.Fatal(err)
			}
			if err := e.Store.Publish(ctx, st.ID, rev.ID, updated); err != nil {
				t.Fatal(err)
			}
			e.Fresh(t)
			for _, p := range pages {
				got := metaTimes(p)
				if !strings.Contains(got[iso(published)], label("time.published")) {
					t.Errorf("%s: the update moved the publication time: %v", p, got)
				}
				if !strings.Contains(got[iso(updated)], label("time.updated")) {
					t.Errorf("%s: no %q time %s after the update: %v", p, label("time.updated"), iso(updated), got)
				}
			}

			// Two corrections, each shown with its own time, in order.
			for _, c := range []struct {
				at   time.Time
				text string
			}{{corr1, "The first figure was wrong."}, {corr2, "A name was misspelt."}} {
				if _, err := e.Store.AddCorrection(ctx, st.ID, news.Text(c.text), c.at); err != nil {
					t.Fatal(err)
				}
			}
			e.Fresh(t)
			resp, body := e.Get(t, path)
			mustStatus(t, resp, 200, path)
			items := doc(t, body).Find(`[data-qalam="corrections"] li`)
			if items.Length() != 2 {
				t.Fatalf("%d corrections shown, want 2", items.Length())
			}
			for i, want := range []struct {
				at   time.Time
				text string
			}{{corr1, "The first figure was wrong."}, {corr2, "A name was misspelt."}} {
				li := items.Eq(i)
				dt, _ := li.Find("time").Attr("datetime")
				if dt != iso(want.at) || !strings.Contains(li.Text(), want.text) {
					t.Errorf("correction %d: datetime %q text %q, want %q and %q", i+1, dt, li.Text(), iso(want.at), want.text)
				}
				if strings.TrimSpace(li.Find("time").Text()) == "" {
					t.Errorf("correction %d: its time has no readable text", i+1)
				}
			}
		})
	}
}
