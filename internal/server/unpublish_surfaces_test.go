package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"qalam/internal/comments"
	"qalam/internal/news"
	"qalam/internal/servertest"
)

// unpublishWord is in the headline of the story this file unpublishes and
// nowhere else in the demo newsroom.
const unpublishWord = "zzrecallwordqq"

// surfaces are what readers reach of the Kazakh story kk, which has the
// Russian translation ru; each reports whether kk still shows there.
func unpublishSurfaces(t *testing.T, e *servertest.Env, kk news.Story, kkPath, ruPath string) map[string]bool {
	t.Helper()
	got := map[string]bool{}

	// (a) the Russian translation's page and its API entry.
	resp, body := e.Get(t, ruPath)
	mustStatus(t, resp, 200, "the translation's page")
	d := doc(t, body)
	got["translation link"] = d.Find(`[data-qalam="translations"] a[hreflang]`).Length() > 0
	got["hreflang alternate kk"] = d.Find(`link[rel="alternate"][hreflang="kk"]`).Length() > 0
	got["translation page names the story"] = strings.Contains(body, kk.Slug) || strings.Contains(body, kk.ID)
	resp, body = e.Get(t, "/api/v1/stories/"+ruID(t, e, ruPath))
	mustStatus(t, resp, 200, "the translation in the API")
	var api struct{ Translations map[string]string }
	if err := json.Unmarshal([]byte(body), &api); err != nil {
		t.Fatal(err)
	}
	got["API translations"] = api.Translations["kk"] != ""

	// (b) the service's search page and the API search.
	_, body = e.Get(t, "/kk/search?q="+unpublishWord)
	got["search page"] = doc(t, body).Find(".teaser").Length() > 0 || strings.Contains(body, kk.ID)
	_, body = e.Get(t, "/kk-latn/search?q="+unpublishWord)
	got["Latin search page"] = doc(t, body).Find(".teaser").Length() > 0 || strings.Contains(body, kk.ID)
	resp, body = e.Get(t, "/api/v1/search?service=kk&q="+unpublishWord)
	mustStatus(t, resp, 200, "API search")
	var sr struct {
		Results []struct{ ID string }
		Total   int
	}
	if err := json.Unmarshal([]byte(body), &sr); err != nil {
		t.Fatal(err)
	}
	got["API search"] = len(sr.Results) > 0 || sr.Total > 0

	// (c) the story's comments page and its JSON.
	for _, p := range []string{comments.Path("kk", kk.ID), comments.Path("kk", kk.ID) + ".json"} {
		resp, body := e.Get(t, p)
		switch resp.StatusCode {
		case 200:
			got["comments "+p] = true
			if !strings.Contains(body, "Оқырман пікірі zzcommentqq") {
				t.Errorf("%s answers 200 without the approved comment", p)
			}
		case http.StatusNotFound, http.StatusGone:
			got["comments "+p] = strings.Contains(body, "zzcommentqq")
		default:
			t.Fatalf("%s: status %d", p, resp.StatusCode)
		}
	}

	// The story's own URL, for the record.
	resp, _ = e.Get(t, kkPath)
	got["story page"] = resp.StatusCode == 200
	return got
}

// ruID is the story ID at the end of a story path (…-{id}).
func ruID(t *testing.T, e *servertest.Env, path string) string {
	t.Helper()
	trimmed := strings.TrimSuffix(path, "/")
	i := strings.LastIndexAny(trimmed, "/-")
	if i < 0 {
		t.Fatalf("no story ID in %q", path)
	}
	return trimmed[i+1:]
}

// Unpublishing a story takes it, within a second and with only the
// server's own watcher purging, off every reader surface besides its URL:
// the hreflang and translation links of its translation in another
// service (page and API), the service's search page and the API search,
// and its comments page.
func TestUnpublishLeavesEverySurface(t *testing.T) {
	e := servertest.Demo(t)
	ctx := context.Background()
	now := e.Clock.Now()
	kk := e.NewStory(t, "kk", "unpub-surfaces-kk", "Тексеру "+unpublishWord+" жаңалығы", "Тексеру мәтіні.")
	ru := e.NewStory(t, "ru", "unpub-surfaces-ru", "Проверка снятия", "Текст проверки.")
	e.Publish(t, kk, now.Add(-10*time.Minute))
	e.Publish(t, ru, now.Add(-10*time.Minute))
	if err := e.Store.LinkTranslation(ctx, kk.ID, ru.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.Store.SetCommentSettings(ctx, news.CommentSettings{Service: "kk", Enabled: true, Moderation: news.PreModeration}); err != nil {
		t.Fatal(err)
	}
	c, err := e.Store.AddComment(ctx, news.NewComment{Story: kk.ID, Name: "Айгүл", Body: "Оқырман пікірі zzcommentqq"}, now.Add(-5*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Store.SetCommentState(ctx, c.ID, news.CommentApproved); err != nil {
		t.Fatal(err)
	}
	e.Fresh(t)
	kkPath, ruPath := storyURL(t, e, kk.ID), storyURL(t, e, ru.ID)
	if ruID(t, e, ruPath) != ru.ID {
		t.Fatalf("story path %q does not end in its ID %s", ruPath, ru.ID)
	}

	// Published: every surface shows it (and so caches it).
	for what, shown := range unpublishSurfaces(t, e, kk, kkPath, ruPath) {
		if !shown {
			t.Errorf("before unpublishing, %s does not show the story", what)
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	if err := e.Store.Unpublish(ctx, kk.ID, e.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	// As TestUnpublishRecall: the story's URL answers 410 within a second,
	// with no e.Fresh — the server's watcher alone notices the change.
	start := time.Now()
	polls := 0
	for {
		polls++
		resp, _ := e.Get(t, kkPath)
		if resp.StatusCode == http.StatusGone {
			t.Logf("410 after %v (%d requests)", time.Since(start).Round(time.Millisecond), polls)
			break
		}
		if time.Since(start) > time.Second {
			t.Fatalf("still %d a second after unpublishing", resp.StatusCode)
		}
		time.Sleep(5 * time.Millisecond)
	}
	// The same purge that made the URL answer 410 cleared every other
	// surface: each must be without the story now, with no further check.
	for what, shown := range unpublishSurfaces(t, e, kk, kkPath, ruPath) {
		if shown {
			t.Errorf("after unpublishing (and the 410), %s still shows the story", what)
		}
	}
	// The translation itself stays up.
	if resp, _ := e.Get(t, ruPath); resp.StatusCode != 200 {
		t.Errorf("the translation answers %d", resp.StatusCode)
	}
}
