package editor

import (
	"fmt"
	"html"
	"html/template"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"

	"qalam/internal/news"
	"qalam/internal/render"
)

// randomDoc makes a canonical document: what FromEditor returns.
func randomDoc(r *rand.Rand) news.Doc {
	texts := []string{"Almaty", " су ", "Қазақстан", "خبر", "<script>", "a&b", "\"q\"", "‌", "x", " ", "ё"}
	hrefs := []string{"https://example.org/a?b=1&c=<2>", "http://x.example", "mailto:desk@example.org", "/kk/news/1", "/"}
	inline := func(max int) news.Inline {
		var in news.Inline
		for range r.IntN(max + 1) {
			var ms []news.Mark
			if r.IntN(3) == 0 {
				ms = append(ms, news.Mark{Type: news.MarkLink, Href: hrefs[r.IntN(len(hrefs))]})
			}
			for _, k := range []string{news.MarkStrong, news.MarkEm, news.MarkNoTranslit} {
				if r.IntN(3) == 0 {
					ms = append(ms, news.Mark{Type: k})
				}
			}
			in = append(in, news.Span{Text: texts[r.IntN(len(texts))] + texts[r.IntN(len(texts))], Marks: ms})
		}
		return canonical(in)
	}
	nonEmpty := func(max int) news.Inline {
		for {
			if in := inline(max); len(in) > 0 {
				return in
			}
		}
	}
	var d news.Doc
	d.Version = news.DocVersion
	for range r.IntN(12) {
		var b news.Block
		switch r.IntN(6) {
		case 0:
			b = news.Block{Type: news.BlockParagraph, Text: nonEmpty(6)}
		case 1:
			b = news.Block{Type: news.BlockHeading, Level: 2 + r.IntN(3), Text: nonEmpty(3)}
		case 2:
			b = news.Block{Type: news.BlockList, Ordered: r.IntN(2) == 0}
			for range 1 + r.IntN(5) {
				b.Items = append(b.Items, nonEmpty(3))
			}
		case 3:
			b = news.Block{Type: news.BlockQuote, Text: nonEmpty(3)}
			if r.IntN(2) == 0 {
				b.Cite = "Айгерім <a>"
			}
		case 4:
			f := &news.Figure{AssetID: fmt.Sprintf("asset%d", r.IntN(100)), Alt: "alt " + texts[r.IntN(len(texts))] + "!", Caption: inline(3)}
			if r.IntN(2) == 0 {
				f.Credit = "Photo: " + texts[r.IntN(len(texts))] + "."
			}
			b = news.Block{Type: news.BlockFigure, Figure: f}
		case 5:
			u := []string{"https://youtu.be/x", "https://t.me/c/1", "https://example.org/?a=<b>", "http://x.com/y",
				"https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://t.me/qalam_news/15", "https://x.com/a/status/12"}[r.IntN(7)]
			e := &news.Embed{URL: u, Provider: Provider(u)}
			if r.IntN(2) == 0 {
				e.Title = "Title " + texts[r.IntN(len(texts))] + "."
			}
			if r.IntN(2) == 0 {
				e.Thumb = fmt.Sprintf("thumb%d", r.IntN(100))
			}
			b = news.Block{Type: news.BlockEmbed, Embed: e}
		}
		d.Blocks = append(d.Blocks, b)
	}
	return d
}

// TestRoundTrip is the property FromEditor(ToEditor(d)) == d over random
// canonical documents.
func TestRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 3000 {
		d := randomDoc(r)
		if err := d.Validate(); err != nil {
			t.Fatalf("generator made an invalid document: %v", err)
		}
		raw, err := ToEditor(d)
		if err != nil {
			t.Fatalf("case %d: ToEditor: %v", i, err)
		}
		got, err := FromEditor(raw)
		if err != nil {
			t.Fatalf("case %d: FromEditor(ToEditor(d)): %v\n%s", i, err, raw)
		}
		if len(d.Blocks) == 0 {
			d.Blocks = nil
		}
		if !reflect.DeepEqual(got, d) {
			t.Fatalf("case %d: round trip changed the document\n got  %s\n want %s\n via  %s", i, got.Encode(), d.Encode(), raw)
		}
	}
}

// messy rewrites a canonical document into an equivalent valid one that is
// not canonical: spans split and padded with empty ones, marks reversed,
// empty blocks added.
func messy(r *rand.Rand, d news.Doc) news.Doc {
	mess := func(in news.Inline) news.Inline {
		var out news.Inline
		for _, s := range in {
			ms := slices.Clone(s.Marks)
			slices.Reverse(ms)
			if r.IntN(3) == 0 {
				out = append(out, news.Span{Text: "", Marks: ms})
			}
			runes := []rune(s.Text)
			if cut := r.IntN(len(runes) + 1); cut > 0 && cut < len(runes) {
				out = append(out, news.Span{Text: string(runes[:cut]), Marks: ms}, news.Span{Text: string(runes[cut:]), Marks: ms})
			} else {
				out = append(out, news.Span{Text: s.Text, Marks: ms})
			}
		}
		return out
	}
	m := news.Doc{Version: d.Version}
	for _, b := range d.Blocks {
		if r.IntN(4) == 0 {
			m.Blocks = append(m.Blocks, news.Block{Type: []string{news.BlockParagraph, news.BlockQuote}[r.IntN(2)]})
		}
		b.Text = mess(b.Text)
		if b.Items != nil {
			items := make([]news.Inline, len(b.Items))
			for i, it := range b.Items {
				items[i] = mess(it)
			}
			b.Items = items
		}
		if b.Figure != nil {
			f := *b.Figure
			f.Caption = mess(f.Caption)
			b.Figure = &f
		}
		m.Blocks = append(m.Blocks, b)
	}
	return m
}

// TestRoundTripCanonicalizes: for a valid document that is not canonical,
// FromEditor(ToEditor(d)) is its canonical form (and renders the same text).
func TestRoundTripCanonicalizes(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 2000 {
		d := randomDoc(r)
		m := messy(r, d)
		if err := m.Validate(); err != nil {
			t.Fatalf("messy made an invalid document: %v", err)
		}
		raw, err := ToEditor(m)
		if err != nil {
			t.Fatalf("case %d: ToEditor: %v", i, err)
		}
		got, err := FromEditor(raw)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if len(d.Blocks) == 0 {
			d.Blocks = nil
		}
		if !reflect.DeepEqual(got, d) {
			t.Fatalf("case %d:\n messy %s\n got   %s\n want  %s", i, m.Encode(), got.Encode(), d.Encode())
		}
	}
}

// FuzzFromEditor: for any input FromEditor does not panic; what it accepts
// renders to reader HTML holding only allow-listed elements, attributes and
// URL schemes; and converting it back and again changes nothing.
// The seeds are in testdata/fuzz/FuzzFromEditor and run with every go test.
func FuzzFromEditor(f *testing.F) {
	f.Add([]byte(`{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"x","marks":[{"type":"link","attrs":{"href":"https://example.org"}}]}]}]}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		d, err := FromEditor(raw)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "story body: ") {
				t.Fatalf("error without context: %v", err)
			}
			return
		}
		if err := d.Validate(); err != nil {
			t.Fatalf("FromEditor returned an invalid document: %v", err)
		}
		checkHTML(t, string(renderBody(d)))

		back, err := ToEditor(d)
		if err != nil {
			t.Fatalf("ToEditor: %v", err)
		}
		again, err := FromEditor(back)
		if err != nil {
			t.Fatalf("FromEditor(ToEditor(FromEditor(x))): %v\n%s", err, back)
		}
		if !reflect.DeepEqual(again, d) {
			t.Fatalf("not idempotent:\n once  %s\n twice %s", d.Encode(), again.Encode())
		}
	})
}

// renderBody renders as the story page does, with a figure like the site's.
func renderBody(d news.Doc) template.HTML {
	return render.Body(d, render.Options{
		Figure: func(f news.Figure, lazy bool) template.HTML {
			var b strings.Builder
			b.WriteString(`<figure><img src="/media/` + html.EscapeString(f.AssetID) + `/0123456789abcdef-640.jpg" alt="` + html.EscapeString(f.Alt) + `">`)
			b.WriteString("<figcaption>" + string(render.Inline(f.Caption)))
			if f.Credit != "" {
				b.WriteString(` <span class="credit">` + html.EscapeString(f.Credit) + `</span>`)
			}
			b.WriteString("</figcaption></figure>")
			return template.HTML(b.String())
		},
		EmbedLabel: func(p string) string { return "Open on " + p },
		Thumb: func(id string) template.HTML {
			return template.HTML(`<picture><img src="/media/` + html.EscapeString(id) + `/0123456789abcdef-320.jpg" alt=""></picture>`)
		},
		EmbedLoad: func(p string) string { return "Load content from " + p },
	})
}

// allowed lists the elements reader HTML of a body may hold, each with its
// attributes and, where fixed, their values ("" allows any value; URL
// attributes are checked apart).
var allowed = map[string]map[string][]string{
	"html": {}, "head": {}, "body": {},
	"p": {}, "h2": {}, "h3": {}, "h4": {}, "ul": {}, "ol": {}, "li": {},
	"em": {}, "strong": {}, "blockquote": {}, "figcaption": {},
	"a":       {"href": nil, "rel": {"noopener noreferrer", "nofollow noopener noreferrer"}},
	"span":    {"translate": {"no"}, "class": {"embed-via", "credit"}},
	"figure":  {"class": {"quote"}},
	"aside":   {"class": {"embed", "embed embed-card"}, "data-qalam": {"embed"}},
	"div":     {"class": {"embed-media"}},
	"picture": {},
	"img":     {"src": nil, "alt": {""}},
	"button": {"type": {"button"}, "class": {"embed-load"}, "data-qalam": {"embed-load"}, "hidden": {""},
		"data-frame": nil, "data-title": {""}},
}

func checkHTML(t *testing.T, s string) {
	t.Helper()
	doc, err := xhtml.Parse(strings.NewReader(s))
	if err != nil {
		t.Fatalf("rendered body does not parse: %v", err)
	}
	var walk func(n *xhtml.Node)
	walk = func(n *xhtml.Node) {
		switch n.Type {
		case xhtml.ElementNode:
			attrs, ok := allowed[n.Data]
			if !ok || n.Namespace != "" {
				t.Fatalf("element <%s> (namespace %q) is not allowed in\n%s", n.Data, n.Namespace, s)
			}
			for _, a := range n.Attr {
				vals, ok := attrs[a.Key]
				if !ok || a.Namespace != "" {
					t.Fatalf("attribute %s on <%s> is not allowed in\n%s", a.Key, n.Data, s)
				}
				switch {
				case a.Key == "href" || a.Key == "src":
					if !allowedURL(a.Val) {
						t.Fatalf("URL %q on <%s> is not allowed", a.Val, n.Data)
					}
				case a.Key == "data-frame":
					if !allowedFrame(a.Val) {
						t.Fatalf("frame %q is not one of the embed providers'", a.Val)
					}
				case len(vals) == 1 && vals[0] == "":
				case !contains(vals, a.Val):
					t.Fatalf("%s=%q on <%s> is not allowed", a.Key, a.Val, n.Data)
				}
			}
		case xhtml.CommentNode, xhtml.DoctypeNode:
			t.Fatalf("unexpected %v node in\n%s", n.Type, s)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
}

func contains(vals []string, v string) bool {
	for _, x := range vals {
		if x == v {
			return true
		}
	}
	return false
}

// allowedFrame: a frame address is https on one of the providers' frame
// hosts, written out here apart from render.FrameSources.
func allowedFrame(u string) bool {
	if !allowedURL(u) {
		return false
	}
	for _, p := range []string{"https://www.youtube-nocookie.com/embed/", "https://t.me/", "https://platform.twitter.com/embed/",
		"https://www.instagram.com/", "https://www.facebook.com/plugins/"} {
		if strings.HasPrefix(u, p) {
			return true
		}
	}
	return false
}

// allowedURL is the reader-side check, written independently of SafeLink:
// http(s) with a host, mailto, or a site path; nothing a browser would
// reinterpret.
func allowedURL(u string) bool {
	for _, r := range u {
		if r <= ' ' || r == 0x7f || r == '\\' || (r >= 0x80 && r <= 0x9f) {
			return false
		}
	}
	lower := strings.ToLower(u)
	switch {
	case strings.HasPrefix(lower, "https://"), strings.HasPrefix(lower, "http://"):
		host := lower[strings.Index(lower, "//")+2:]
		return host != "" && host[0] != '/'
	case strings.HasPrefix(lower, "mailto:"):
		return len(lower) > len("mailto:")
	case strings.HasPrefix(u, "/"):
		return !strings.HasPrefix(u, "//")
	}
	return false
}
