package render

import (
	"html/template"
	"strings"
	"testing"

	"qalam/internal/news"
)

func TestInlineEscapesAndMarks(t *testing.T) {
	in := news.Inline{
		{Text: "<script>alert(1)</script> & "},
		{Text: "бағыт", Marks: []news.Mark{{Type: news.MarkEm}, {Type: news.MarkStrong}}},
		{Text: "link", Marks: []news.Mark{{Type: news.MarkLink, Href: "https://example.org/a?b=1&c=\"2\""}}},
		{Text: "bad", Marks: []news.Mark{{Type: news.MarkLink, Href: "javascript:alert(1)"}}},
		{Text: "Qalam", Marks: []news.Mark{{Type: news.MarkNoTranslit}}},
		{Text: "Алматыда", Marks: []news.Mark{{Type: news.MarkHit}}},
	}
	got := string(Inline(in))
	for _, want := range []string{
		"&lt;script&gt;alert(1)&lt;/script&gt; &amp; ",
		"<em><strong>бағыт</strong></em>",
		"<mark>Алматыда</mark>",
		`<a href="https://example.org/a?b=1&amp;c=&#34;2&#34;" rel="noopener noreferrer">link</a>`,
		`<span translate="no">Qalam</span>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("Inline output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "javascript:") || strings.Contains(got, "<script") {
		t.Errorf("unsafe output: %s", got)
	}
}

func TestBodyBlocks(t *testing.T) {
	d := news.Doc{Version: 1, Blocks: []news.Block{
		{Type: news.BlockParagraph, Text: news.Text("Бірінші абзац")},
		{Type: news.BlockHeading, Level: 9, Text: news.Text("Тақырып")},
		{Type: news.BlockList, Ordered: true, Items: []news.Inline{news.Text("a"), news.Text("b")}},
		{Type: news.BlockQuote, Text: news.Text("Сөз"), Cite: "Айгүл <Б>"},
		{Type: news.BlockFigure, Figure: &news.Figure{AssetID: "x", Alt: "alt"}},
		{Type: news.BlockEmbed, Embed: &news.Embed{URL: "https://www.youtube.com/watch?v=abc", Provider: "youtube"}},
		{Type: news.BlockEmbed, Embed: &news.Embed{URL: "javascript:alert(1)"}},
	}}
	var lazy []bool
	got := string(Body(d, Options{
		Figure: func(f news.Figure, l bool) template.HTML {
			lazy = append(lazy, l)
			return template.HTML("<figure>" + f.AssetID + "</figure>")
		},
		EmbedLabel: func(p string) string { return "Open on " + p },
	}))
	for _, want := range []string{
		"<p>Бірінші абзац</p>", "<h4>Тақырып</h4>", "<ol>\n<li>a</li>\n<li>b</li>\n</ol>",
		"<figcaption>— Айгүл &lt;Б&gt;</figcaption>", "<figure>x</figure>",
		`href="https://www.youtube.com/watch?v=abc" rel="nofollow noopener noreferrer"`, "Open on YouTube",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("Body output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "javascript") {
		t.Errorf("unsafe embed rendered: %s", got)
	}
	if len(lazy) != 1 || !lazy[0] {
		t.Errorf("figure at block 5 should be lazy: %v", lazy)
	}
}
