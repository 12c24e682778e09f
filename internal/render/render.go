// Package render turns the structured story body (news.Doc) and inline rich
// text into reader HTML. It is the only place that writes body markup, so
// every output is escaped here, whatever an editor or a hostile client
// stored.
package render

import (
	"html"
	"html/template"
	"strconv"
	"strings"

	"qalam/internal/news"
)

// Options carries what the body needs from its page.
type Options struct {
	// Figure renders an image figure; the site supplies it because image
	// URLs and sizes belong to the media library. It returns "" when the
	// asset is unavailable, and the figure is left out.
	Figure func(f news.Figure, lazy bool) template.HTML
	// EmbedLabel is the localized "Open on %s" label.
	EmbedLabel func(provider string) string
	// Thumb renders an embed's thumbnail, an asset of the media library
	// (the site's <picture>); nil, or "" for an unavailable asset, leaves
	// the card with text only (lite pages, feeds, the API).
	Thumb func(assetID string) template.HTML
	// EmbedLoad is the localized "Load content from %s" label. When set,
	// cards of providers with a frame (FrameURL) carry the hidden button
	// assets/static/embed.js turns into the frame on a click; the page must
	// then load embed.js and allow FrameSources in its CSP. nil on lite
	// pages, feeds, the API and exports' sources: no frame, ever.
	EmbedLoad func(provider string) string
}

// Inline renders rich text to HTML: text escaped, marks as elements.
func Inline(in news.Inline) template.HTML {
	var b strings.Builder
	writeInline(&b, in)
	return template.HTML(b.String())
}

func writeInline(b *strings.Builder, in news.Inline) {
	for _, s := range in {
		var closers []string
		for _, m := range s.Marks {
			switch m.Type {
			case news.MarkEm:
				b.WriteString("<em>")
				closers = append(closers, "</em>")
			case news.MarkStrong:
				b.WriteString("<strong>")
				closers = append(closers, "</strong>")
			case news.MarkHit:
				b.WriteString("<mark>")
				closers = append(closers, "</mark>")
			case news.MarkNoTranslit:
				b.WriteString(`<span translate="no">`)
				closers = append(closers, "</span>")
			case news.MarkLink:
				if !news.SafeHref(m.Href) {
					continue
				}
				b.WriteString(`<a href="`)
				b.WriteString(html.EscapeString(m.Href))
				if isExternal(m.Href) {
					b.WriteString(`" rel="noopener noreferrer`)
				}
				b.WriteString(`">`)
				closers = append(closers, "</a>")
			}
		}
		b.WriteString(html.EscapeString(s.Text))
		for i := len(closers) - 1; i >= 0; i-- {
			b.WriteString(closers[i])
		}
	}
}

func isExternal(h string) bool {
	return !strings.HasPrefix(h, "/")
}

// Body renders a story body. Figures after the first screenful are lazy.
func Body(d news.Doc, o Options) template.HTML {
	var b strings.Builder
	for i, bl := range d.Blocks {
		switch bl.Type {
		case news.BlockParagraph:
			b.WriteString("<p>")
			writeInline(&b, bl.Text)
			b.WriteString("</p>\n")
		case news.BlockHeading:
			lvl := strconv.Itoa(min(max(bl.Level, 2), 4))
			b.WriteString("<h" + lvl + ">")
			writeInline(&b, bl.Text)
			b.WriteString("</h" + lvl + ">\n")
		case news.BlockList:
			tag := "ul"
			if bl.Ordered {
				tag = "ol"
			}
			b.WriteString("<" + tag + ">\n")
			for _, it := range bl.Items {
				b.WriteString("<li>")
				writeInline(&b, it)
				b.WriteString("</li>\n")
			}
			b.WriteString("</" + tag + ">\n")
		case news.BlockQuote:
			b.WriteString("<figure class=\"quote\"><blockquote><p>")
			writeInline(&b, bl.Text)
			b.WriteString("</p></blockquote>")
			if bl.Cite != "" {
				b.WriteString("<figcaption>— ")
				b.WriteString(html.EscapeString(bl.Cite))
				b.WriteString("</figcaption>")
			}
			b.WriteString("</figure>\n")
		case news.BlockFigure:
			if bl.Figure != nil && o.Figure != nil {
				b.WriteString(string(o.Figure(*bl.Figure, i > 2)))
				b.WriteString("\n")
			}
		case news.BlockEmbed:
			if bl.Embed != nil {
				writeEmbed(&b, *bl.Embed, o)
			}
		}
	}
	return template.HTML(b.String())
}

// ProviderName is the display name of a known embed provider.
func ProviderName(p string) string {
	switch p {
	case "youtube":
		return "YouTube"
	case "telegram":
		return "Telegram"
	case "x":
		return "X"
	case "instagram":
		return "Instagram"
	case "facebook":
		return "Facebook"
	}
	return p
}
