// Package editor is the server side of the newsroom's story editor: it turns
// the document the browser editor sends (ProseMirror JSON, in the node and
// mark names of the schema in web/editor/src/schema.js, which are Tiptap's)
// into a news.Doc, and a stored news.Doc back into editor JSON.
//
// FromEditor is an allow-list sanitizer: whatever a browser or a hostile
// client sends, only the blocks, marks and attributes below survive, text is
// valid UTF-8 without control characters, links are http(s), mailto or site
// paths, and the result passes news.Doc validation. The browser is never
// trusted with any of this.
//
//	editor node / mark                news.Doc
//	paragraph                         p
//	heading {level}                   h, level clamped to 2..4
//	bulletList / orderedList          list; every paragraph of a listItem is an item
//	blockquote {cite}                 quote, one per paragraph; cite on the last
//	figure {asset, alt, credit}       figure; its inline content is the caption
//	embed {url, title, thumb}         embed; the provider comes from the URL,
//	                                  thumb is an asset id (else dropped)
//	text + bold, italic, link {href}, notranslit
//
// Unknown nodes are unwrapped to their text, unknown marks and attributes
// dropped, empty text blocks left out. The output is canonical: equal
// neighbouring spans merged, marks in one order. ToEditor(d) converts back,
// and FromEditor(ToEditor(d)) == d for every document FromEditor returns.
package editor

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"qalam/internal/news"
)

// Bounds on what FromEditor accepts, before any conversion work.
const (
	// MaxBytes bounds the submitted JSON.
	MaxBytes = 2 << 20
	// MaxDepth bounds the nesting of editor nodes (a list in a quote is 5).
	MaxDepth = 16
	// MaxNodes bounds the number of editor nodes and marks.
	MaxNodes = 100_000
)

// Bounds on plain-text attributes.
const (
	maxAltBytes    = 1000
	maxCreditBytes = 300
	maxCiteBytes   = 300
	maxTitleBytes  = news.MaxEmbedTitle
	maxURLBytes    = 2048
)

// Error is a document FromEditor refuses, with a message for the journalist.
// It wraps news.ErrInvalid, so errors.Is(err, news.ErrInvalid) holds.
type Error struct{ Msg string }

func (e *Error) Error() string { return "story body: " + e.Msg }

// Unwrap makes the error a news.ErrInvalid.
func (e *Error) Unwrap() error { return news.ErrInvalid }

func errorf(format string, args ...any) error { return &Error{Msg: fmt.Sprintf(format, args...)} }

// node is any editor node, read leniently: attrs of any JSON type.
type node struct {
	Type    string                     `json:"type"`
	Attrs   map[string]json.RawMessage `json:"attrs"`
	Content []node                     `json:"content"`
	Marks   []mark                     `json:"marks"`
	Text    string                     `json:"text"`
}

type mark struct {
	Type  string                     `json:"type"`
	Attrs map[string]json.RawMessage `json:"attrs"`
}

// FromEditor converts and sanitizes the editor's document JSON. Errors are
// *Error, saying what to fix; the same document then saves nothing.
func FromEditor(raw []byte) (news.Doc, error) {
	if len(raw) > MaxBytes {
		return news.Doc{}, errorf("the document is %d bytes, more than %d", len(raw), MaxBytes)
	}
	if err := checkShape(raw); err != nil {
		return news.Doc{}, err
	}
	var root node
	if err := json.Unmarshal(raw, &root); err != nil {
		return news.Doc{}, errorf("not an editor document: %v", err)
	}
	if root.Type != "doc" {
		return news.Doc{}, errorf("not an editor document: top node is %q, not \"doc\"", root.Type)
	}
	c := &converter{}
	c.blocks(root.Content)
	if c.err != nil {
		return news.Doc{}, c.err
	}
	d := news.Doc{Version: news.DocVersion, Blocks: c.out}
	if err := d.Validate(); err != nil {
		return news.Doc{}, errorf("%s", strings.TrimPrefix(err.Error(), news.ErrInvalid.Error()+": "))
	}
	return d, nil
}

// checkShape bounds nesting and node count in one pass over the tokens, so
// a deep or huge document is refused before it is decoded into a tree.
func checkShape(raw []byte) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	depth, objects := 0, 0
	for {
		tok, err := dec.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return errorf("not an editor document: %v", err)
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				depth++
				if d == '{' {
					objects++
				}
				// Each editor level is an object and a content array,
				// plus marks and attrs at the bottom.
				if depth > 2*MaxDepth+4 {
					return errorf("the document is nested more than %d levels deep", MaxDepth)
				}
				if objects > MaxNodes {
					return errorf("the document has more than %d nodes", MaxNodes)
				}
			default:
				depth--
			}
		}
	}
}

type converter struct {
	out []news.Block
	err error
}

func (c *converter) fail(err error) {
	if c.err == nil {
		c.err = err
	}
}

// blocks converts a run of block-level nodes. Loose inline content between
// blocks becomes a paragraph; unknown nodes are unwrapped.
func (c *converter) blocks(nodes []node) {
	var pending news.Inline
	flush := func() {
		if in := canonical(pending); len(in) > 0 {
			c.out = append(c.out, news.Block{Type: news.BlockParagraph, Text: in})
		}
		pending = nil
	}
	for _, n := range nodes {
		if c.err != nil {
			return
		}
		switch n.Type {
		case "text", "hardBreak", "hard_break":
			pending = appendInline(pending, n)
			continue
		}
		flush()
		switch n.Type {
		case "paragraph":
			c.textBlock(news.Block{Type: news.BlockParagraph}, n)
		case "heading":
			lvl, _ := intAttr(n.Attrs, "level")
			c.textBlock(news.Block{Type: news.BlockHeading, Level: min(max(lvl, 2), 4)}, n)
		case "bulletList", "bullet_list", "orderedList", "ordered_list":
			c.list(n)
		case "blockquote":
			c.quote(n)
		case "figure":
			c.figure(n)
		case "embed":
			c.embed(n)
		default:
			c.blocks(n.Content)
		}
	}
	flush()
}

func (c *converter) textBlock(b news.Block, n node) {
	if b.Text = inlineOf(n); len(b.Text) > 0 {
		c.out = append(c.out, b)
	}
}

func (c *converter) list(n node) {
	var items []news.Inline
	var walk func(nodes []node)
	walk = func(nodes []node) {
		var pending news.Inline
		flush := func() {
			if in := canonical(pending); len(in) > 0 {
				items = append(items, in)
			}
			pending = nil
		}
		for _, ch := range nodes {
			switch ch.Type {
			case "text", "hardBreak", "hard_break":
				pending = appendInline(pending, ch)
			case "bulletList", "bullet_list", "orderedList", "ordered_list", "listItem", "list_item":
				flush()
				walk(ch.Content) // nested lists are flattened into items
			default:
				flush()
				if in := inlineOf(ch); len(in) > 0 {
					items = append(items, in)
				}
			}
		}
		flush()
	}
	walk(n.Content)
	if len(items) == 0 {
		return
	}
	if len(items) > 200 {
		c.fail(errorf("a list has %d items, more than 200: split it", len(items)))
		return
	}
	ordered := n.Type == "orderedList" || n.Type == "ordered_list"
	c.out = append(c.out, news.Block{Type: news.BlockList, Ordered: ordered, Items: items})
}

func (c *converter) quote(n node) {
	cite := plainAttr(n.Attrs, "cite", maxCiteBytes)
	var texts []news.Inline
	var pending news.Inline
	flush := func() {
		if in := canonical(pending); len(in) > 0 {
			texts = append(texts, in)
		}
		pending = nil
	}
	for _, ch := range n.Content {
		switch ch.Type {
		case "text", "hardBreak", "hard_break":
			pending = appendInline(pending, ch)
		default:
			flush()
			if in := inlineOf(ch); len(in) > 0 {
				texts = append(texts, in)
			}
		}
	}
	flush()
	for i, t := range texts {
		b := news.Block{Type: news.BlockQuote, Text: t}
		if i == len(texts)-1 {
			b.Cite = cite
		}
		c.out = append(c.out, b)
	}
}

func (c *converter) figure(n node) {
	id, _ := stringAttr(n.Attrs, "asset")
	id = strings.TrimSpace(id)
	if id == "" {
		c.fail(errorf("an image has no asset: choose the image again"))
		return
	}
	if !validAssetID(id) {
		c.fail(errorf("an image's asset id %q is not one of the media library's", truncate(id, 40)))
		return
	}
	alt := plainAttr(n.Attrs, "alt", maxAltBytes)
	if strings.TrimSpace(alt) == "" {
		c.fail(errorf("an image has no alt text: describe it for readers who cannot see it"))
		return
	}
	c.out = append(c.out, news.Block{Type: news.BlockFigure, Figure: &news.Figure{
		AssetID: id,
		Alt:     alt,
		Caption: inlineOf(n),
		Credit:  plainAttr(n.Attrs, "credit", maxCreditBytes),
	}})
}

func (c *converter) embed(n node) {
	raw, _ := stringAttr(n.Attrs, "url")
	u, err := EmbedURL(raw)
	if err != nil {
		c.fail(err)
		return
	}
	thumb, _ := stringAttr(n.Attrs, "thumb")
	if thumb = strings.TrimSpace(thumb); !validAssetID(thumb) {
		thumb = "" // not one of the media library's: the card goes without
	}
	c.out = append(c.out, news.Block{Type: news.BlockEmbed, Embed: &news.Embed{
		URL:      u,
		Provider: Provider(u),
		Title:    plainAttr(n.Attrs, "title", maxTitleBytes),
		Thumb:    thumb,
	}})
}

// EmbedURL checks an embed's address: an absolute http(s) URL with a host,
// no credentials, no spaces or control characters. It returns it trimmed.
func EmbedURL(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", errorf("an embed has no address")
	}
	if len(s) > maxURLBytes {
		return "", errorf("an embed's address is longer than %d bytes", maxURLBytes)
	}
	if !cleanURLChars(s) {
		return "", errorf("an embed's address %q has spaces, backslashes or control characters", truncate(s, 80))
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.Hostname() == "" {
		return "", errorf("an embed's address %q is not an http(s) address", truncate(s, 80))
	}
	return s, nil
}

// Provider names the service an embed URL belongs to: youtube, telegram, x,
// instagram, facebook, or link for anything else.
func Provider(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "link"
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	for _, p := range []struct {
		name    string
		domains []string
	}{
		{"youtube", []string{"youtube.com", "youtu.be", "youtube-nocookie.com"}},
		{"telegram", []string{"t.me", "telegram.me", "telegram.org"}},
		{"x", []string{"x.com", "twitter.com"}},
		{"instagram", []string{"instagram.com", "instagr.am"}},
		{"facebook", []string{"facebook.com", "fb.com", "fb.watch"}},
	} {
		for _, d := range p.domains {
			if host == d || strings.HasSuffix(host, "."+d) {
				return p.name
			}
		}
	}
	return "link"
}

// SafeLink reports whether a link target may be stored: http(s) with a host,
// mailto with an address, or a path on this site ("/..." but not "//...");
// no whitespace, backslashes or control characters anywhere, since browsers
// drop or reinterpret them ("/\t/evil" is "//evil" to a browser).
func SafeLink(h string) bool {
	if h == "" || len(h) > maxURLBytes || !cleanURLChars(h) {
		return false
	}
	if !news.SafeHref(h) {
		return false
	}
	if strings.HasPrefix(h, "/") {
		return true
	}
	u, err := url.Parse(h)
	if err != nil {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return u.Hostname() != ""
	case "mailto":
		return u.Opaque != ""
	}
	return false
}

func cleanURLChars(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r <= 0x20 || r == 0x7f || r == '\\' || (r >= 0x80 && r <= 0x9f) || unicode.IsSpace(r) || r == utf8.RuneError {
			return false
		}
	}
	return true
}

func validAssetID(id string) bool { return news.ValidAssetID(id) }

// inlineOf flattens a node's content into canonical inline text: any node
// other than text is unwrapped.
func inlineOf(n node) news.Inline {
	var in news.Inline
	for _, ch := range n.Content {
		in = appendInline(in, ch)
	}
	return canonical(in)
}

func appendInline(in news.Inline, n node) news.Inline {
	switch n.Type {
	case "text":
		if t := cleanText(n.Text); t != "" {
			in = append(in, news.Span{Text: t, Marks: marksOf(n.Marks)})
		}
	case "hardBreak", "hard_break":
		in = append(in, news.Span{Text: " "})
	default:
		for _, ch := range n.Content {
			in = appendInline(in, ch)
		}
	}
	return in
}

// markRank is the one order marks are kept in (outermost first).
var markRank = map[string]int{news.MarkLink: 0, news.MarkStrong: 1, news.MarkEm: 2, news.MarkNoTranslit: 3}

func marksOf(ms []mark) []news.Mark {
	var out []news.Mark
	add := func(m news.Mark) {
		for _, o := range out {
			if o.Type == m.Type {
				return // one of each kind; the first link wins
			}
		}
		out = append(out, m)
	}
	for _, m := range ms {
		switch m.Type {
		case "bold", "strong":
			add(news.Mark{Type: news.MarkStrong})
		case "italic", "em":
			add(news.Mark{Type: news.MarkEm})
		case "notranslit":
			add(news.Mark{Type: news.MarkNoTranslit})
		case "link":
			href, _ := stringAttr(m.Attrs, "href")
			if href = strings.TrimSpace(href); SafeLink(href) {
				add(news.Mark{Type: news.MarkLink, Href: href})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b news.Mark) int { return markRank[a.Type] - markRank[b.Type] })
	return out
}

// canonical drops empty spans and merges neighbours with equal marks. Runs
// are joined once, not appended to piecemeal: a hostile paragraph of many
// tiny text nodes costs linear time.
func canonical(in news.Inline) news.Inline {
	var out news.Inline
	for i := 0; i < len(in); {
		if in[i].Text == "" {
			i++
			continue
		}
		j := i + 1
		for j < len(in) && (in[j].Text == "" || slices.Equal(in[j].Marks, in[i].Marks)) {
			j++
		}
		s := in[i]
		if j > i+1 {
			var b strings.Builder
			for _, x := range in[i:j] {
				b.WriteString(x.Text)
			}
			s.Text = b.String()
		}
		out = append(out, s)
		i = j
	}
	return out
}

// cleanText makes text valid UTF-8 without control characters: tabs and
// line breaks become spaces, other C0/C1 controls and noncharacters go.
// Format characters stay (Persian needs the zero-width non-joiner, bidi
// marks place punctuation).
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029':
			return ' '
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f):
			return -1
		case r == 0xFFFE || r == 0xFFFF || (r >= 0xFDD0 && r <= 0xFDEF):
			return -1
		}
		return r
	}, s)
}

// plainAttr reads a string attribute as clean plain text of at most max
// bytes (cut at a character boundary), trimmed.
func plainAttr(attrs map[string]json.RawMessage, key string, max int) string {
	s, _ := stringAttr(attrs, key)
	s = strings.TrimSpace(cleanText(s))
	return strings.TrimSpace(truncate(s, max))
}

func truncate(s string, max int) string {
	if len(s) <= max {
		return s
	}
	for max > 0 && !utf8.RuneStart(s[max]) {
		max--
	}
	return s[:max]
}

func stringAttr(attrs map[string]json.RawMessage, key string) (string, bool) {
	var s string
	if raw, ok := attrs[key]; ok && json.Unmarshal(raw, &s) == nil {
		return s, true
	}
	return "", false
}

func intAttr(attrs map[string]json.RawMessage, key string) (int, bool) {
	raw, ok := attrs[key]
	if !ok {
		return 0, false
	}
	var f float64
	if json.Unmarshal(raw, &f) != nil {
		var s string // "2" from an HTML attribute
		if json.Unmarshal(raw, &s) != nil {
			return 0, false
		}
		if _, err := fmt.Sscan(s, &f); err != nil {
			return 0, false
		}
	}
	if f != f || f < -1e6 || f > 1e6 {
		return 0, false
	}
	return int(f), true
}
