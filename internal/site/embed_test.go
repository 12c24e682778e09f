package site_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"qalam/internal/demo"
	"qalam/internal/httpkit"
	"qalam/internal/media"
	"qalam/internal/news"
	"qalam/internal/servertest"
)

// An embed with a frame behind a click: only its story page loads
// embed.js and allows the providers' frames (ReaderEmbedCSP); the card
// shows the newsroom's own thumbnail; pages without one, the lite page and
// the feed keep the strict policy and have a plain link.
func TestEmbedPages(t *testing.T) {
	env := servertest.Demo(t)
	ctx := context.Background()
	jpg, err := media.EncodeJPEG(media.Illustration(3, 480, 270), 80)
	if err != nil {
		t.Fatal(err)
	}
	thumb, err := env.Media.Ingest(ctx, jpg)
	if err != nil {
		t.Fatal(err)
	}
	secs, err := env.Store.Sections(ctx, "ru")
	if err != nil || len(secs) == 0 {
		t.Fatalf("sections: %v", err)
	}
	story := func(slug string, e news.Embed) string {
		st, err := env.Store.CreateStory(ctx, news.NewStory{Service: "ru", SectionID: secs[0].ID, Slug: slug,
			Content: news.Content{Headline: news.Text("Заголовок " + slug), Body: news.Doc{Version: news.DocVersion, Blocks: []news.Block{
				{Type: news.BlockParagraph, Text: news.Text("Текст.")},
				{Type: news.BlockEmbed, Embed: &e},
			}}},
			CreatedBy: demo.StaffID, Created: env.Clock.Now()})
		if err != nil {
			t.Fatal(err)
		}
		env.Publish(t, st, env.Clock.Now().Add(-time.Minute))
		return "/ru/" + secs[0].Slug + "/" + slug + "-" + st.ID
	}
	framed := story("framed", news.Embed{URL: "https://t.me/qalam_news/15", Provider: "telegram", Title: "Пост <b>канала</b>", Thumb: thumb.ID})
	plain := story("plain", news.Embed{URL: "https://example.org/report", Provider: "link", Title: "Отчёт"})
	env.Fresh(t)

	resp, page := env.Get(t, framed)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Security-Policy") != httpkit.ReaderEmbedCSP {
		t.Errorf("framed story: %d, CSP %q", resp.StatusCode, resp.Header.Get("Content-Security-Policy"))
	}
	for _, want := range []string{`data-qalam="embed-script"`, `data-frame="https://t.me/qalam_news/15?embed=1"`, `/media/` + thumb.ID + `/`,
		`Пост &lt;b&gt;канала&lt;/b&gt;`, `>Загрузить содержимое с Telegram</button>`} {
		if !strings.Contains(page, want) {
			t.Errorf("framed story lacks %s", want)
		}
	}
	if strings.Contains(page, "<iframe") {
		t.Error("a frame on the page as served")
	}
	// A second request is a cache hit: the policy is kept with the entry.
	if resp, _ := env.Get(t, framed); resp.Header.Get("Content-Security-Policy") != httpkit.ReaderEmbedCSP {
		t.Errorf("cached framed story: CSP %q", resp.Header.Get("Content-Security-Policy"))
	}

	for what, p := range map[string]string{"a link-only embed": plain, "the home page": "/ru/", "the lite page": "/lite" + framed} {
		resp, body := env.Get(t, p)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Security-Policy") != httpkit.ReaderCSP {
			t.Errorf("%s: %d, CSP %q", what, resp.StatusCode, resp.Header.Get("Content-Security-Policy"))
		}
		for _, bad := range []string{"embed.js", "data-frame", "embed-load", "<iframe"} {
			if strings.Contains(body, bad) {
				t.Errorf("%s has %s", what, bad)
			}
		}
	}
	_, lite := env.Get(t, "/lite"+framed)
	if !strings.Contains(lite, `href="https://t.me/qalam_news/15"`) || strings.Contains(lite, "/media/"+thumb.ID) {
		t.Error("the lite page's card should be the link, as text")
	}
	_, feed := env.Get(t, "/feeds/ru/rss.xml")
	if !strings.Contains(feed, "https://t.me/qalam_news/15") || strings.Contains(feed, "data-frame") || strings.Contains(feed, "embed-load") {
		t.Error("the feed's card should be a plain link")
	}
}
