package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"qalam/internal/demo"
	"qalam/internal/news"
	"qalam/internal/servertest"
)

func liveEntry(t *testing.T, e *servertest.Env, storyID, title, text string, at time.Time) news.LiveEntry {
	t.Helper()
	le := news.LiveEntry{StoryID: storyID, Title: news.Text(title), Posted: at, By: demo.StaffID,
		Body: news.Doc{Version: news.DocVersion, Blocks: []news.Block{{Type: news.BlockParagraph, Text: news.Text(text)}}}}
	if err := e.Store.PostLiveEntry(context.Background(), &le); err != nil {
		t.Fatal(err)
	}
	return le
}

// A live blog's story page lists its entries newest first without
// JavaScript, describes itself as a LiveBlogPosting, and an open stream
// gets each new entry; nothing is served for a story readers cannot see.
func TestLiveBlog(t *testing.T) {
	e := servertest.Demo(t)
	ctx := context.Background()
	now := e.Clock.Now()
	id := demo.LeadStoryKK
	if err := e.Store.SetLiveBlog(ctx, id, true, now.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	liveEntry(t, e, id, "Сот басталды", "Сот отырысы сағат онда басталды.", now.Add(-50*time.Minute))
	liveEntry(t, e, id, "Куәгерлер", "Алғашқы куәгер сөйледі.", now.Add(-20*time.Minute))
	liveEntry(t, e, id, "Кейінгі", "Бұл жазба әлі жарияланбаған.", now.Add(time.Hour)) // in the future
	e.Fresh(t)

	path := storyURL(t, e, id)
	_, body := e.Get(t, path)
	d := doc(t, body)
	items := d.Find(`[data-qalam="live-entries"] > li`)
	if items.Length() != 2 || !strings.Contains(items.First().Text(), "Куәгерлер") || strings.Contains(body, "әлі жарияланбаған") {
		t.Fatalf("live entries on the page: %d\n%s", items.Length(), d.Find(`[data-qalam="liveblog"]`).Text())
	}
	box := d.Find(`[data-qalam="liveblog"]`)
	if s, _ := box.Attr("data-live-story"); s != "/live/kk/story/"+id+"/" {
		t.Errorf("data-live-story %q", s)
	}
	if a, _ := box.Attr("data-after"); a != "2" {
		t.Errorf("data-after %q", a)
	}
	var ld map[string]any
	if err := json.Unmarshal([]byte(d.Find(`script[type="application/ld+json"]`).Text()), &ld); err != nil {
		t.Fatal(err)
	}
	if ld["@type"] != "LiveBlogPosting" || ld["coverageStartTime"] == nil {
		t.Errorf("JSON-LD %v", ld["@type"])
	}
	if ups, _ := ld["liveBlogUpdate"].([]any); len(ups) != 2 {
		t.Errorf("liveBlogUpdate: %v", ld["liveBlogUpdate"])
	}
	// The Latin view shows the entries in Latin.
	_, latn := e.Get(t, "/kk-latn/"+strings.TrimPrefix(path, "/kk/"))
	if resp, _ := e.Get(t, "/kk-latn/"+strings.TrimPrefix(path, "/kk/")); resp.StatusCode == http.StatusMovedPermanently {
		_, latn = e.Get(t, resp.Header.Get("Location"))
	}
	if !strings.Contains(latn, "Kuägerler") {
		t.Error("the Latin page lacks the transliterated entry")
	}

	// entries.json after 1: the second only.
	resp, raw := e.Get(t, "/live/kk/story/"+id+"/entries.json?after=1")
	mustStatus(t, resp, 200, "entries.json")
	var got struct {
		Entries []struct {
			Seq         int64
			Title, Body string
		}
	}
	if err := json.Unmarshal([]byte(raw), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Entries) != 1 || got.Entries[0].Seq != 2 || !strings.Contains(got.Entries[0].Body, "<p>Алғашқы куәгер сөйледі.</p>") {
		t.Errorf("entries.json: %s", raw)
	}

	// A stream resumes after Last-Event-ID and gets new entries.
	req, _ := http.NewRequest("GET", e.URL+"/live/kk/story/"+id+"/events", nil)
	req.Header.Set("Last-Event-ID", "1")
	sresp, err := e.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer sresp.Body.Close()
	ids := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(sresp.Body)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "id: "); ok {
				ids <- v
			}
		}
		close(ids)
	}()
	next := func() string {
		t.Helper()
		select {
		case v, ok := <-ids:
			if !ok {
				return "end"
			}
			return v
		case <-time.After(10 * time.Second):
			t.Fatal("no entry event")
		}
		return ""
	}
	if v := next(); v != "2" {
		t.Fatalf("first event id %q, want 2", v)
	}
	liveEntry(t, e, id, "Үкім", "Сот үкім шығарды.", now)
	e.Fresh(t)
	if v := next(); v != "4" {
		t.Fatalf("new entry id %q, want 4", v)
	}
	// Taken down: the stream ends, and nothing is served any more.
	if err := e.Store.Unpublish(ctx, id, now); err != nil {
		t.Fatal(err)
	}
	liveEntry(t, e, id, "Жасырын", "Бұл көрінбеуі керек.", now)
	e.Fresh(t)
	if v := next(); v != "end" {
		t.Errorf("the stream went on after the story was taken down: %q", v)
	}
	for _, p := range []string{"/live/kk/story/" + id + "/events", "/live/kk/story/" + id + "/entries.json", "/live/ru/story/" + id + "/entries.json"} {
		resp, _ := e.Get(t, p)
		mustStatus(t, resp, 404, p)
	}
	// A draft's live blog is never served.
	if err := e.Store.SetLiveBlog(ctx, demo.DraftStoryID, true, now); err != nil {
		t.Fatal(err)
	}
	resp, _ = e.Get(t, "/live/kk/story/"+demo.DraftStoryID+"/entries.json")
	if resp.StatusCode != 404 {
		t.Errorf("a draft's live blog: %d", resp.StatusCode)
	}
}
