package feed

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"time"
)

// The three formats, each written from a channel with encoding/xml or
// encoding/json so every element is ours and every string escaped.

// marshalXML writes an XML document with its declaration.
func marshalXML(v any) ([]byte, error) {
	body, err := xml.MarshalIndent(v, "", " ")
	if err != nil {
		return nil, err
	}
	out := append([]byte(xml.Header), body...)
	return append(out, '\n'), nil
}

// RSS 2.0 (https://www.rssboard.org/rss-specification) with the content,
// Dublin Core, Media RSS and Atom (for rel=self) namespaces.

type rssDoc struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	Atom    string     `xml:"xmlns:atom,attr"`
	Content string     `xml:"xmlns:content,attr"`
	DC      string     `xml:"xmlns:dc,attr"`
	Media   string     `xml:"xmlns:media,attr"`
	Qalam   string     `xml:"xmlns:qalam,attr,omitempty"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title         string     `xml:"title"`
	Link          string     `xml:"link"`
	Description   string     `xml:"description"`
	Language      string     `xml:"language"`
	PubDate       string     `xml:"pubDate,omitempty"`
	LastBuildDate string     `xml:"lastBuildDate"`
	Generator     string     `xml:"generator"`
	Links         []atomLink `xml:"atom:link"` // self, then the mirrors (rel="related")
	SigningKey    *keyEl     `xml:"qalam:signingKey"`
	Items         []rssItem  `xml:"item"`
}

type rssItem struct {
	Title       string        `xml:"title"`
	Link        string        `xml:"link"`
	GUID        rssGUID       `xml:"guid"`
	PubDate     string        `xml:"pubDate"`
	Description string        `xml:"description,omitempty"`
	Content     string        `xml:"content:encoded"`
	Creators    []string      `xml:"dc:creator"`
	Categories  []string      `xml:"category"`
	Enclosure   *rssEnclosure `xml:"enclosure"`
	Media       *mediaContent `xml:"media:content"`
}

type rssGUID struct {
	IsPermaLink string `xml:"isPermaLink,attr"`
	Value       string `xml:",chardata"`
}

type rssEnclosure struct {
	URL    string `xml:"url,attr"`
	Length int64  `xml:"length,attr"`
	Type   string `xml:"type,attr"`
}

type mediaContent struct {
	URL         string     `xml:"url,attr"`
	Type        string     `xml:"type,attr"`
	Medium      string     `xml:"medium,attr"`
	Width       int        `xml:"width,attr"`
	Height      int        `xml:"height,attr"`
	FileSize    int64      `xml:"fileSize,attr,omitempty"`
	Description *mediaText `xml:"media:description"`
	Credit      string     `xml:"media:credit,omitempty"`
}

type mediaText struct {
	Type  string `xml:"type,attr"`
	Value string `xml:",chardata"`
}

type atomLink struct {
	Href   string `xml:"href,attr"`
	Rel    string `xml:"rel,attr"`
	Type   string `xml:"type,attr,omitempty"`
	Length int64  `xml:"length,attr,omitempty"`
	Title  string `xml:"title,attr,omitempty"`
}

// rssDate is RFC 822 with a numeric zone, in the service's time zone.
func rssDate(t time.Time, ch *channel) string { return t.In(ch.svc.Location()).Format(time.RFC1123Z) }

func writeRSS(rq *request, ch *channel, self string) ([]byte, error) {
	doc := rssDoc{Version: "2.0", Atom: nsAtom, Content: "http://purl.org/rss/1.0/modules/content/",
		DC: "http://purl.org/dc/elements/1.1/", Media: nsMedia,
		Channel: rssChannel{Title: ch.title, Link: ch.page, Description: ch.desc, Language: ch.lang,
			LastBuildDate: rssDate(ch.updated, ch), Generator: "qalam",
			Links: append([]atomLink{{Href: self, Rel: "self", Type: "application/rss+xml"}}, mirrorLinks(ch)...)}}
	if k := signingKey(ch); k != nil {
		doc.Qalam, doc.Channel.SigningKey = nsQalam, k
	}
	for i, it := range ch.items {
		if i == 0 {
			doc.Channel.PubDate = rssDate(it.published, ch)
		}
		ri := rssItem{Title: it.title, Link: it.url, GUID: rssGUID{IsPermaLink: "false", Value: it.id},
			PubDate: rssDate(it.published, ch), Description: it.summary, Content: it.content, Categories: it.categories}
		for _, a := range it.authors {
			ri.Creators = append(ri.Creators, a.name)
		}
		if im := it.image; im != nil {
			ri.Enclosure = &rssEnclosure{URL: im.url, Length: im.length, Type: im.mime}
			ri.Media = &mediaContent{URL: im.url, Type: im.mime, Medium: "image", Width: im.width, Height: im.height,
				FileSize: im.length, Credit: im.credit}
			if im.alt != "" {
				ri.Media.Description = &mediaText{Type: "plain", Value: im.alt}
			}
		}
		doc.Channel.Items = append(doc.Channel.Items, ri)
	}
	return marshalXML(doc)
}

// Atom 1.0 (RFC 4287).

const (
	nsAtom  = "http://www.w3.org/2005/Atom"
	nsMedia = "http://search.yahoo.com/mrss/"
)

type atomFeed struct {
	XMLName  xml.Name    `xml:"feed"`
	Xmlns    string      `xml:"xmlns,attr"`
	Lang     string      `xml:"xml:lang,attr"`
	ID       string      `xml:"id"`
	Title    atomText    `xml:"title"`
	Subtitle *atomText   `xml:"subtitle"`
	Updated  string      `xml:"updated"`
	Links    []atomLink  `xml:"link"`
	Author   atomPerson  `xml:"author"`
	Gen      string      `xml:"generator"`
	Qalam    string      `xml:"xmlns:qalam,attr,omitempty"`
	Key      *keyEl      `xml:"qalam:signingKey"`
	Entries  []atomEntry `xml:"entry"`
}

type atomText struct {
	Type  string `xml:"type,attr"`
	Value string `xml:",chardata"`
}

type atomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      atomText       `xml:"title"`
	Links      []atomLink     `xml:"link"`
	Published  string         `xml:"published"`
	Updated    string         `xml:"updated"`
	Authors    []atomPerson   `xml:"author"`
	Categories []atomCategory `xml:"category"`
	Summary    *atomText      `xml:"summary"`
	Content    atomText       `xml:"content"`
}

// nsQalam is the namespace of qalam's own feed elements.
const nsQalam = "urn:x-qalam:feed:1"

// keyEl is <qalam:signingKey algorithm="Ed25519">fingerprint</...>: the
// key whose signature a static copy of the site must carry.
type keyEl struct {
	Algorithm string `xml:"algorithm,attr"`
	Value     string `xml:",chardata"`
}

func signingKey(ch *channel) *keyEl {
	if ch.fingerprint == "" {
		return nil
	}
	return &keyEl{Algorithm: "Ed25519", Value: ch.fingerprint}
}

// mirrorLinks are the feed page's addresses on every published mirror, as
// links of relation "related" (RSS carries them as atom:link).
func mirrorLinks(ch *channel) []atomLink {
	var out []atomLink
	for _, m := range ch.mirrors {
		out = append(out, atomLink{Href: m.url, Rel: "related", Type: "text/html", Title: string(m.kind)})
	}
	return out
}

// atomDate is RFC 3339 in the service's time zone.
func atomDate(t time.Time, ch *channel) string { return t.In(ch.svc.Location()).Format(time.RFC3339) }

func writeAtom(rq *request, ch *channel, self string) ([]byte, error) {
	f := atomFeed{Xmlns: nsAtom, Lang: ch.lang, ID: ch.id, Title: atomText{"text", ch.title},
		Updated: atomDate(ch.updated, ch), Gen: "qalam",
		Links: append([]atomLink{{Href: ch.page, Rel: "alternate", Type: "text/html"}, {Href: self, Rel: "self", Type: "application/atom+xml"}}, mirrorLinks(ch)...),
		// The service stands as the author of entries without a byline.
		Author: atomPerson{Name: ch.svc.Name, URI: ch.home}}
	if k := signingKey(ch); k != nil {
		f.Qalam, f.Key = nsQalam, k
	}
	if ch.desc != ch.title {
		f.Subtitle = &atomText{"text", ch.desc}
	}
	for _, it := range ch.items {
		e := atomEntry{ID: it.id, Title: atomText{"text", it.title},
			Links:     []atomLink{{Href: it.url, Rel: "alternate", Type: "text/html"}},
			Published: atomDate(it.published, ch), Updated: atomDate(it.updated, ch),
			Content: atomText{"html", it.content}}
		for _, a := range it.authors {
			e.Authors = append(e.Authors, atomPerson{Name: a.name, URI: a.url})
		}
		for _, c := range it.categories {
			e.Categories = append(e.Categories, atomCategory{Term: c})
		}
		if it.summary != "" {
			e.Summary = &atomText{"text", it.summary}
		}
		if im := it.image; im != nil {
			e.Links = append(e.Links, atomLink{Href: im.url, Rel: "enclosure", Type: im.mime, Length: im.length})
		}
		f.Entries = append(f.Entries, e)
	}
	return marshalXML(f)
}

// JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/).

type jsonFeed struct {
	Version     string       `json:"version"`
	Title       string       `json:"title"`
	HomePageURL string       `json:"home_page_url"`
	FeedURL     string       `json:"feed_url"`
	Description string       `json:"description,omitempty"`
	Language    string       `json:"language"`
	Authors     []jsonPerson `json:"authors"`
	Items       []jsonItem   `json:"items"`
	// Qalam is JSON Feed's extension object for qalam's own fields.
	Qalam *jsonQalam `json:"_qalam,omitempty"`
}

// jsonQalam is the "_qalam" extension: where else the site can be read.
type jsonQalam struct {
	About      string       `json:"about"`
	Mirrors    []jsonMirror `json:"mirrors,omitempty"`
	SigningKey *jsonKey     `json:"signing_key,omitempty"`
}

type jsonKey struct {
	Algorithm   string `json:"algorithm"`
	Fingerprint string `json:"fingerprint"`
}

type jsonMirror struct {
	URL  string `json:"url"`
	Kind string `json:"kind"`
}

type jsonPerson struct {
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

type jsonItem struct {
	ID            string       `json:"id"`
	URL           string       `json:"url"`
	Title         string       `json:"title"`
	ContentHTML   string       `json:"content_html"`
	Summary       string       `json:"summary,omitempty"`
	Image         string       `json:"image,omitempty"`
	DatePublished string       `json:"date_published"`
	DateModified  string       `json:"date_modified"`
	Authors       []jsonPerson `json:"authors,omitempty"`
	Tags          []string     `json:"tags,omitempty"`
	Language      string       `json:"language"`
}

func writeJSON(rq *request, ch *channel, self string) ([]byte, error) {
	f := jsonFeed{Version: "https://jsonfeed.org/version/1.1", Title: ch.title, HomePageURL: ch.page, FeedURL: self,
		Language: ch.lang, Authors: []jsonPerson{{Name: ch.svc.Name, URL: ch.home}},
		Items: []jsonItem{}}
	if ch.desc != ch.title {
		f.Description = ch.desc
	}
	if len(ch.mirrors) > 0 || ch.fingerprint != "" {
		f.Qalam = &jsonQalam{About: rq.abs("/mirrors.json")}
		for _, m := range ch.mirrors {
			f.Qalam.Mirrors = append(f.Qalam.Mirrors, jsonMirror{URL: m.url, Kind: string(m.kind)})
		}
		if ch.fingerprint != "" {
			f.Qalam.SigningKey = &jsonKey{Algorithm: "Ed25519", Fingerprint: ch.fingerprint}
		}
	}
	for _, it := range ch.items {
		ji := jsonItem{ID: it.id, URL: it.url, Title: it.title, ContentHTML: it.content, Summary: it.summary,
			DatePublished: atomDate(it.published, ch), DateModified: atomDate(it.updated, ch),
			Tags: it.categories, Language: ch.lang}
		for _, a := range it.authors {
			ji.Authors = append(ji.Authors, jsonPerson{Name: a.name, URL: a.url})
		}
		if it.image != nil {
			ji.Image = it.image.url
		}
		f.Items = append(f.Items, ji)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(f); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
