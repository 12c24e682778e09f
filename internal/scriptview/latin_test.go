package scriptview

import (
	"testing"

	"qalam/internal/news"
)

func TestLatinHref(t *testing.T) {
	l := latinStore{code: "kk"}
	for in, want := range map[string]string{
		"/kk":                     "/kk-latn",
		"/kk/":                    "/kk-latn/",
		"/kk/tag/sot":             "/kk-latn/tag/sot",
		"/kk?x=1":                 "/kk-latn?x=1",
		"/kk#top":                 "/kk-latn#top",
		"/kkk/":                   "/kkk/",
		"/ru/":                    "/ru/",
		"/feeds/kk/rss.xml":       "/feeds/kk/rss.xml",
		"https://example.org/kk/": "https://example.org/kk/",
		"":                        "",
	} {
		if got := l.href(in); got != want {
			t.Errorf("href(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLatinInlineKeepsTheStoredText(t *testing.T) {
	l := latinStore{code: "kk"}
	link := []news.Mark{{Type: news.MarkLink, Href: "/kk/mirrors"}}
	in := news.Inline{
		{Text: "Айна сайттар", Marks: link},
		{Text: "Қалам", Marks: []news.Mark{{Type: news.MarkNoTranslit}}},
	}
	out := l.inline(in)
	if out[0].Text != "Aina saittar" || out[0].Marks[0].Href != "/kk-latn/mirrors" || out[1].Text != "Қалам" {
		t.Errorf("inline = %+v", out)
	}
	if in[0].Text != "Айна сайттар" || link[0].Href != "/kk/mirrors" {
		t.Errorf("the stored text changed: %+v", in)
	}
}
