package admin_test

import (
	"context"
	"strings"
	"testing"

	"qalam/internal/demo"
	"qalam/internal/media"
	"qalam/internal/news"
)

// An image two published stories use stays public while either does:
// unpublishing the first leaves every variant (JPEG and WebP) answering
// 200 for the second; unpublishing the second takes them all down (404).
// One story has it as its lead image, the other as a figure in its body.
func TestMediaSharedByTwoStories(t *testing.T) {
	d := newDemo(t)
	ctx := context.Background()
	rep := d.person("shared-reporter@example.org", news.Grant{Service: "kk", Role: news.RoleReporter})
	rep.get("/admin/media?service=kk")
	upload(t, rep, "kk", "steppe.jpg", "image/jpeg", jpegOf(t, photo(1000, 600)))
	id := uploaded(t, rep, "upload")
	a, err := d.store.Asset(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var urls []string
	for _, v := range media.Variants(a) {
		urls = append(urls, v.URL, v.WebP)
	}
	if len(urls) < 4 {
		t.Fatalf("variants of a 1000×600 photo: %v", urls)
	}
	fig := news.Figure{AssetID: id, Alt: "Көктемгі дала", Caption: news.Text("Дала"), Credit: "Азаттық"}
	para := news.Block{Type: news.BlockParagraph, Text: news.Text("Мәтін.")}

	// The first story has it as the lead image.
	lead := d.env.NewStory(t, "kk", "shared-lead", "Дала туралы", "Мәтін.")
	rev, err := d.store.SaveRevision(ctx, lead.ID, lead.HeadRev, news.Content{Headline: news.Text("Дала туралы"), Lead: &fig,
		Body: news.Doc{Version: news.DocVersion, Blocks: []news.Block{para}}}, demo.StaffID, d.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := d.store.Publish(ctx, lead.ID, rev.ID, d.clock.Now()); err != nil {
		t.Fatal(err)
	}
	// The second has it as a figure in the body.
	inBody := fig
	body := d.env.NewStory(t, "kk", "shared-body", "Далада көктем", "Мәтін.")
	rev, err = d.store.SaveRevision(ctx, body.ID, body.HeadRev, news.Content{Headline: news.Text("Далада көктем"),
		Body: news.Doc{Version: news.DocVersion, Blocks: []news.Block{para, {Type: news.BlockFigure, Figure: &inBody}}}}, demo.StaffID, d.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := d.store.Publish(ctx, body.ID, rev.ID, d.clock.Now()); err != nil {
		t.Fatal(err)
	}

	want := func(status int, when string) {
		t.Helper()
		d.env.Fresh(t)
		for _, u := range urls {
			if resp, _ := d.env.Get(t, u); resp.StatusCode != status {
				t.Errorf("%s %s: %d, want %d", u, when, resp.StatusCode, status)
			}
		}
	}
	want(200, "while both stories are published")

	// Either order: the lead story goes first here.
	if err := d.store.Unpublish(ctx, lead.ID, d.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if code, _ := d.reader(d.readerPath(lead.ID)); code != 410 {
		t.Fatalf("the unpublished lead story answers %d", code)
	}
	want(200, "while the body-figure story still uses it")
	if code, page := d.reader(d.readerPath(body.ID)); code != 200 || !strings.Contains(page, "/media/"+id+"/") {
		t.Fatalf("the other story's page (%d) does not show the image", code)
	}

	if err := d.store.Unpublish(ctx, body.ID, d.clock.Now()); err != nil {
		t.Fatal(err)
	}
	want(404, "after both stories are unpublished")

	// Published again, the body-figure story alone brings it back.
	if err := d.store.Publish(ctx, body.ID, rev.ID, d.clock.Now()); err != nil {
		t.Fatal(err)
	}
	want(200, "after the body-figure story is published again")
}
