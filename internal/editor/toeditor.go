package editor

import (
	"bytes"
	"encoding/json"

	"qalam/internal/news"
)

// out is an editor node as ToEditor writes it: empty fields left out, so the
// editor fills its attribute defaults.
type out struct {
	Type    string         `json:"type"`
	Attrs   map[string]any `json:"attrs,omitempty"`
	Content []out          `json:"content,omitempty"`
	Marks   []outMark      `json:"marks,omitempty"`
	Text    string         `json:"text,omitempty"`
}

type outMark struct {
	Type  string         `json:"type"`
	Attrs map[string]any `json:"attrs,omitempty"`
}

// ToEditor converts a stored body into the editor's document JSON, for
// loading it into the browser editor. It fails only on a document that does
// not pass news.Doc validation.
func ToEditor(d news.Doc) ([]byte, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	doc := out{Type: "doc", Content: []out{}}
	for _, b := range d.Blocks {
		switch b.Type {
		case news.BlockParagraph:
			doc.Content = append(doc.Content, out{Type: "paragraph", Content: inlineOut(b.Text)})
		case news.BlockHeading:
			doc.Content = append(doc.Content, out{Type: "heading", Attrs: map[string]any{"level": min(max(b.Level, 2), 4)}, Content: inlineOut(b.Text)})
		case news.BlockList:
			l := out{Type: "bulletList"}
			if b.Ordered {
				l.Type = "orderedList"
			}
			for _, it := range b.Items {
				l.Content = append(l.Content, out{Type: "listItem", Content: []out{{Type: "paragraph", Content: inlineOut(it)}}})
			}
			doc.Content = append(doc.Content, l)
		case news.BlockQuote:
			q := out{Type: "blockquote", Content: []out{{Type: "paragraph", Content: inlineOut(b.Text)}}}
			if b.Cite != "" {
				q.Attrs = map[string]any{"cite": b.Cite}
			}
			doc.Content = append(doc.Content, q)
		case news.BlockFigure:
			f := b.Figure
			attrs := map[string]any{"asset": f.AssetID, "alt": f.Alt}
			if f.Credit != "" {
				attrs["credit"] = f.Credit
			}
			doc.Content = append(doc.Content, out{Type: "figure", Attrs: attrs, Content: inlineOut(f.Caption)})
		case news.BlockEmbed:
			e := b.Embed
			attrs := map[string]any{"url": e.URL}
			if e.Title != "" {
				attrs["title"] = e.Title
			}
			if e.Provider != "" {
				attrs["provider"] = e.Provider
			}
			if e.Thumb != "" {
				attrs["thumb"] = e.Thumb
			}
			doc.Content = append(doc.Content, out{Type: "embed", Attrs: attrs})
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // the JSON goes into a form field, escaped by its template
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func inlineOut(in news.Inline) []out {
	var o []out
	for _, s := range in {
		if s.Text == "" {
			continue
		}
		t := out{Type: "text", Text: s.Text}
		for _, m := range s.Marks {
			switch m.Type {
			case news.MarkStrong:
				t.Marks = append(t.Marks, outMark{Type: "bold"})
			case news.MarkEm:
				t.Marks = append(t.Marks, outMark{Type: "italic"})
			case news.MarkNoTranslit:
				t.Marks = append(t.Marks, outMark{Type: "notranslit"})
			case news.MarkLink:
				t.Marks = append(t.Marks, outMark{Type: "link", Attrs: map[string]any{"href": m.Href}})
			}
		}
		o = append(o, t)
	}
	return o
}
