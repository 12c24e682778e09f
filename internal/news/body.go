package news

import (
	"encoding/json"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// DocVersion is the version of the body document format written today.
// Readers of older versions upgrade them in DecodeDoc.
const DocVersion = 1

// Mark kinds allowed on a Span.
const (
	MarkEm         = "em"
	MarkStrong     = "strong"
	MarkLink       = "link"
	MarkNoTranslit = "notranslit" // words that keep their script in the Latin view
)

// Block kinds allowed in a Doc.
const (
	BlockParagraph = "p"
	BlockHeading   = "h"
	BlockList      = "list"
	BlockQuote     = "quote"
	BlockFigure    = "figure"
	BlockEmbed     = "embed"
)

// Mark is an inline annotation on a run of text.
type Mark struct {
	Type string `json:"t"`
	Href string `json:"href,omitempty"` // MarkLink only: absolute http(s) URL or a site path
}

// Span is a run of text carrying the same marks.
type Span struct {
	Text  string `json:"text"`
	Marks []Mark `json:"marks,omitempty"`
}

// Inline is rich text without blocks: headlines, decks, captions, paragraphs.
type Inline []Span

// Plain returns the text without marks.
func (in Inline) Plain() string {
	var b strings.Builder
	for _, s := range in {
		b.WriteString(s.Text)
	}
	return b.String()
}

// Text makes an Inline of plain text.
func Text(s string) Inline {
	if s == "" {
		return nil
	}
	return Inline{{Text: s}}
}

// Figure is an image with its caption and credit, as a lead or in the body.
type Figure struct {
	AssetID string `json:"asset"`
	Alt     string `json:"alt"`
	Caption Inline `json:"caption,omitempty"`
	Credit  string `json:"credit,omitempty"`
}

// Embed is third-party content kept as a block. Readers get a link card
// served by qalam: its title, and a thumbnail copied into the media library
// when the embed was inserted (Thumb, an asset id), so a reader's browser
// never calls the third party unless the reader asks for it.
type Embed struct {
	URL      string `json:"url"`
	Provider string `json:"provider,omitempty"` // youtube, telegram, x, instagram, facebook, link
	Title    string `json:"title,omitempty"`    // plain text
	Thumb    string `json:"thumb,omitempty"`    // asset id of the thumbnail in the media library; "" for none
}

// Validate checks an embed: an absolute http(s) URL, a plain-text title of
// at most MaxEmbedTitle bytes, and a thumbnail that is an asset id.
func (e Embed) Validate() error {
	u, err := url.Parse(e.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(e.URL) > maxHrefBytes {
		return Invalidf("embed URL must be an absolute http(s) URL")
	}
	if !utf8.ValidString(e.Title) || len(e.Title) > MaxEmbedTitle {
		return Invalidf("embed title must be UTF-8 text of at most %d bytes", MaxEmbedTitle)
	}
	for _, r := range e.Title {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) {
			return Invalidf("embed title has control characters")
		}
	}
	if e.Thumb != "" && !ValidAssetID(e.Thumb) {
		return Invalidf("embed thumbnail %q is not an asset id", e.Thumb)
	}
	return nil
}

// MaxEmbedTitle bounds an embed's title, in bytes.
const MaxEmbedTitle = 300

// ValidAssetID reports whether s has the shape of an asset id: 1..64
// letters, digits, '-', '_' or '.', not starting with '.'.
func ValidAssetID(s string) bool {
	if s == "" || len(s) > 64 || s[0] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// Block is one element of a story body.
type Block struct {
	Type    string   `json:"type"`
	Level   int      `json:"level,omitempty"`   // heading: 2..4
	Ordered bool     `json:"ordered,omitempty"` // list
	Text    Inline   `json:"text,omitempty"`    // paragraph, heading, quote
	Cite    string   `json:"cite,omitempty"`    // quote: who said it
	Items   []Inline `json:"items,omitempty"`   // list
	Figure  *Figure  `json:"figure,omitempty"`  // figure
	Embed   *Embed   `json:"embed,omitempty"`   // embed
}

// Doc is a story body: a versioned tree of blocks. It is stored as JSON and
// rendered to reader HTML (and other formats) by package render; it is never
// raw HTML.
type Doc struct {
	Version int     `json:"v"`
	Blocks  []Block `json:"blocks"`
}

// Limits that keep a hostile or broken client from storing absurd documents.
const (
	maxBlocks     = 2000
	maxSpanBytes  = 64 << 10
	maxInlineLen  = 500
	maxListItems  = 200
	maxHrefBytes  = 2048
	maxHeadingLvl = 4
	minHeadingLvl = 2
)

// DecodeDoc parses a stored or submitted body and validates it.
func DecodeDoc(data []byte) (Doc, error) {
	var d Doc
	if err := json.Unmarshal(data, &d); err != nil {
		return Doc{}, Invalidf("body is not a document: %v", err)
	}
	if d.Version == 0 {
		d.Version = DocVersion
	}
	if d.Version > DocVersion {
		return Doc{}, Invalidf("body document version %d is newer than this qalam understands (%d)", d.Version, DocVersion)
	}
	return d, d.Validate()
}

// Encode returns the stored form of the document.
func (d Doc) Encode() []byte {
	if d.Version == 0 {
		d.Version = DocVersion
	}
	if d.Blocks == nil {
		d.Blocks = []Block{}
	}
	b, _ := json.Marshal(d) // cannot fail: only strings, ints and slices
	return b
}

// Validate checks every rule of the document format.
func (d Doc) Validate() error {
	if len(d.Blocks) > maxBlocks {
		return Invalidf("body has %d blocks, more than %d", len(d.Blocks), maxBlocks)
	}
	for i, b := range d.Blocks {
		if err := b.validate(); err != nil {
			return Invalidf("block %d (%s): %v", i+1, b.Type, err)
		}
	}
	return nil
}

func (b Block) validate() error {
	switch b.Type {
	case BlockParagraph:
		return b.Text.Validate()
	case BlockHeading:
		if b.Level < minHeadingLvl || b.Level > maxHeadingLvl {
			return Invalidf("heading level %d outside %d..%d", b.Level, minHeadingLvl, maxHeadingLvl)
		}
		return b.Text.Validate()
	case BlockQuote:
		if !utf8.ValidString(b.Cite) {
			return Invalidf("cite is not UTF-8")
		}
		return b.Text.Validate()
	case BlockList:
		if len(b.Items) == 0 || len(b.Items) > maxListItems {
			return Invalidf("list needs 1..%d items", maxListItems)
		}
		for _, it := range b.Items {
			if err := it.Validate(); err != nil {
				return err
			}
		}
		return nil
	case BlockFigure:
		if b.Figure == nil {
			return Invalidf("figure block without figure")
		}
		return b.Figure.Validate()
	case BlockEmbed:
		if b.Embed == nil {
			return Invalidf("embed block without embed")
		}
		return b.Embed.Validate()
	default:
		return Invalidf("unknown block type %q", b.Type)
	}
}

// Validate checks a figure.
func (f Figure) Validate() error {
	if f.AssetID == "" {
		return Invalidf("figure without an image")
	}
	if strings.TrimSpace(f.Alt) == "" {
		return Invalidf("figure without alt text")
	}
	return f.Caption.Validate()
}

// Validate checks inline text: UTF-8, size, known marks, safe links.
func (in Inline) Validate() error {
	if len(in) > maxInlineLen {
		return Invalidf("more than %d spans", maxInlineLen)
	}
	for _, s := range in {
		if !utf8.ValidString(s.Text) {
			return Invalidf("text is not UTF-8")
		}
		if len(s.Text) > maxSpanBytes {
			return Invalidf("span longer than %d bytes", maxSpanBytes)
		}
		for _, m := range s.Marks {
			switch m.Type {
			case MarkEm, MarkStrong, MarkNoTranslit:
			case MarkLink:
				if !SafeHref(m.Href) {
					return Invalidf("link %q is not an http(s) URL or site path", m.Href)
				}
			default:
				return Invalidf("unknown mark %q", m.Type)
			}
		}
	}
	return nil
}

// SafeHref reports whether a link target may appear in reader HTML: an
// absolute http(s) or mailto URL, or a path on this site.
func SafeHref(h string) bool {
	if h == "" || len(h) > maxHrefBytes || !utf8.ValidString(h) {
		return false
	}
	// Browsers drop tabs and newlines inside URLs and read a backslash as a
	// slash, so "/\t/evil.example" would become "//evil.example": no
	// whitespace, control character or backslash anywhere.
	for _, r := range h {
		if r <= ' ' || r == 0x7f || r == '\\' || unicode.IsSpace(r) || unicode.IsControl(r) {
			return false
		}
	}
	if strings.HasPrefix(h, "/") {
		return !strings.HasPrefix(h, "//")
	}
	u, err := url.Parse(h)
	if err != nil {
		return false
	}
	switch u.Scheme {
	case "http", "https":
		return u.Host != ""
	case "mailto":
		return u.Opaque != ""
	}
	return false
}

// AssetIDs lists every asset the document uses, in order, without repeats:
// figures' images and embeds' thumbnails, so both are served while a public
// story uses them and unpublished with it.
func (d Doc) AssetIDs() []string {
	var ids []string
	seen := map[string]bool{}
	add := func(id string) {
		if id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for _, b := range d.Blocks {
		if b.Figure != nil {
			add(b.Figure.AssetID)
		}
		if b.Embed != nil {
			add(b.Embed.Thumb)
		}
	}
	return ids
}

// PlainText returns the body as plain text, one block a paragraph.
func (d Doc) PlainText() string {
	var parts []string
	for _, b := range d.Blocks {
		switch b.Type {
		case BlockList:
			for _, it := range b.Items {
				parts = append(parts, it.Plain())
			}
		case BlockFigure:
			parts = append(parts, b.Figure.Caption.Plain())
		case BlockEmbed:
			parts = append(parts, b.Embed.URL)
		default:
			parts = append(parts, b.Text.Plain())
		}
	}
	return strings.Join(parts, "\n\n")
}
