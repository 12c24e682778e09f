package site_test

import (
	"context"
	"strings"
	"testing"

	"qalam/internal/demo"
	"qalam/internal/news"
	"qalam/internal/servertest"
	"qalam/internal/site"
)

// TestPreview renders drafts and pending revisions through the story page
// without touching the page cache: readers keep getting what is public.
func TestPreview(t *testing.T) {
	env := servertest.Demo(t)
	ctx := context.Background()
	st := env.NewStory(t, "kk", "preview-draft", "Алдын ала қарау", "Жарияланбаған мәтін.")
	rev, err := env.Store.Revision(ctx, st.HeadRev)
	if err != nil {
		t.Fatal(err)
	}
	sec, err := env.Store.Section(ctx, st.SectionID)
	if err != nil {
		t.Fatal(err)
	}
	p := news.Published{Story: st, Rev: rev, Section: sec}
	page, err := env.Server.Site.Preview(ctx, p, site.PreviewFull)
	if err != nil {
		t.Fatal(err)
	}
	html := string(page)
	if !strings.Contains(html, "Жарияланбаған мәтін.") || !strings.Contains(html, `<html lang="kk"`) || !strings.Contains(html, "Алдын ала қарау") {
		t.Fatalf("preview:\n%s", html)
	}
	latin, err := env.Server.Site.Preview(ctx, p, site.PreviewLatin)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(latin), "Jariialanbağan mätın.") {
		t.Errorf("Latin preview:\n%s", latin)
	}
	// The lite page of either script: the text, no script at all.
	for view, want := range map[string]string{site.PreviewLite: "Жарияланбаған мәтін.", site.PreviewLiteLatin: "Jariialanbağan mätın."} {
		lite, err := env.Server.Site.Preview(ctx, p, view)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(lite), want) || strings.Contains(string(lite), "<script") || !strings.Contains(string(lite), "/lite/kk") {
			t.Errorf("%s preview:\n%s", view, lite)
		}
	}
	if _, err := env.Server.Site.Preview(ctx, p, "print"); err == nil {
		t.Error("an unknown preview view was rendered")
	}
	// Nothing cached: the draft's address is still 404 for readers.
	path := "/kk/" + sec.Slug + "/preview-draft-" + st.ID
	for range 2 {
		env.Fresh(t)
		if resp, _ := env.Get(t, path); resp.StatusCode != 404 {
			t.Fatalf("draft served to readers after a preview: %d", resp.StatusCode)
		}
	}
	// A published story with a newer revision: the preview shows it, the
	// site keeps the live one.
	env.Publish(t, st, env.Clock.Now())
	next, err := env.Store.SaveRevision(ctx, st.ID, st.HeadRev, news.Content{Headline: news.Text("Жаңа тақырып"),
		Body: news.Doc{Version: news.DocVersion, Blocks: []news.Block{{Type: news.BlockParagraph, Text: news.Text("Жаңа мәтін.")}}}},
		demo.StaffID, env.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	live, err := env.Store.PublishedStory(ctx, st.ID, env.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	live.Rev = next
	page, err = env.Server.Site.Preview(ctx, live, site.PreviewFull)
	if err != nil || !strings.Contains(string(page), "Жаңа мәтін.") {
		t.Fatalf("preview of the pending revision: %v", err)
	}
	env.Fresh(t)
	resp, body := env.Get(t, path)
	if resp.StatusCode != 200 || strings.Contains(body, "Жаңа мәтін.") || !strings.Contains(body, "Жарияланбаған мәтін.") {
		t.Errorf("reader page after previewing a pending revision: %d", resp.StatusCode)
	}
}
