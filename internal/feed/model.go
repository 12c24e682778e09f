package feed

import (
	"context"
	"errors"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"qalam/internal/media"
	"qalam/internal/news"
	"qalam/internal/pagecache"
	"qalam/internal/render"
)

// feedSize is how many of the newest stories a feed carries.
const feedSize = 20

// channel is one feed before it is written in a format: the three formats
// say the same things.
type channel struct {
	svc     news.Service // as the view shows it
	v       view
	lang    string // the language tag of the text
	home    string // absolute URL of the service's home page in the view
	id      string
	title   string
	desc    string
	page    string // absolute URL of the reader page the feed follows
	base    string // site path of the feed's folder: /feeds/kk/tag/almaty/
	updated time.Time
	items   []item
	// mirrors are the published addresses of the feed's reader page (the
	// primary's first), so a reader whose feed still arrives learns where
	// the site is when an address is blocked.
	mirrors []mirror
	// fingerprint names the key that signs static copies of the site.
	fingerprint string
}

type mirror struct {
	url  string
	kind news.MirrorKind
}

type item struct {
	id         string
	url        string
	title      string
	summary    string
	content    string // HTML, every URL absolute
	published  time.Time
	updated    time.Time
	authors    []person
	categories []string
	image      *image
}

// person is a public byline profile: a name and, unless the byline is
// collective, the author page.
type person struct {
	name string
	url  string
}

type image struct {
	url    string
	mime   string
	length int64
	width  int
	height int
	alt    string
	credit string
}

// formats are the files under each feed folder.
var formats = map[string]struct {
	contentType string
	write       func(*request, *channel, string) ([]byte, error)
}{
	"rss.xml":   {"application/rss+xml; charset=utf-8", writeRSS},
	"atom.xml":  {"application/atom+xml; charset=utf-8", writeAtom},
	"feed.json": {"application/feed+json; charset=utf-8", writeJSON},
}

// feed serves /feeds/{service}/{file} and
// /feeds/{service}/{section|tag|author}/{slug}/{file}.
func (h *Handler) feed(rq *request, rest string) (*pagecache.Entry, error) {
	segs := strings.Split(rest, "/")
	file := segs[len(segs)-1]
	f, ok := formats[file]
	if !ok || (len(segs) != 2 && len(segs) != 4) {
		return nil, errNotFound
	}
	v, err := h.view(rq.ctx, segs[0])
	if err != nil {
		return nil, err
	}
	svc, cat := v.svc, v.cat
	ch := &channel{svc: svc, v: v, lang: v.lang, home: rq.abs(v.homePath()), base: "/feeds/" + v.seg + "/"}
	q := news.ListQuery{Service: svc.Code, Limit: feedSize}
	if len(segs) == 2 {
		ch.id, ch.title, ch.desc, ch.page = v.feedID("service", svc.Code), svc.Name, svc.Tagline, ch.home
	} else {
		kind, slug := segs[1], segs[2]
		ch.base += kind + "/" + slug + "/"
		switch kind {
		case "section":
			sec, err := v.store.SectionBySlug(rq.ctx, svc.Code, slug)
			if err != nil {
				return nil, err
			}
			q.SectionID = sec.ID
			ch.id, ch.title, ch.page = v.feedID(kind, sec.ID), sec.Name+" — "+svc.Name, rq.abs(v.sectionPath(sec))
		case "tag":
			tag, err := v.store.TagBySlug(rq.ctx, svc.Code, slug)
			if err != nil {
				return nil, err
			}
			q.TagID = tag.ID
			ch.id, ch.title, ch.page = v.feedID(kind, tag.ID), cat.T("tag.title", tag.Name)+" — "+svc.Name, rq.abs(v.tagPath(tag))
		case "author":
			a, err := v.store.AuthorBySlug(rq.ctx, svc.Code, slug)
			if err != nil {
				return nil, err
			}
			if a.Collective {
				// A collective byline protects the people behind it: like
				// the site, no feed lists its work.
				return nil, errNotFound
			}
			q.AuthorID = a.ID
			ch.id, ch.title, ch.desc, ch.page = v.feedID(kind, a.ID), cat.T("author.title", a.Name)+" — "+svc.Name, a.Bio, rq.abs(v.authorPath(a))
		default:
			return nil, errNotFound
		}
	}
	if ch.desc == "" {
		ch.desc = ch.title
	}
	if err := h.fill(rq, ch, q); err != nil {
		return nil, err
	}
	ch.fingerprint = h.finger
	ms, err := h.store.Mirrors(rq.ctx)
	if err != nil {
		return nil, err
	}
	// Only when there is somewhere else to go: the primary alone is the
	// feed's own link already.
	if pub := news.PublishedMirrors(ms, h.primary); len(pub) > 1 {
		path := strings.TrimPrefix(ch.page, rq.origin)
		for _, m := range pub {
			ch.mirrors = append(ch.mirrors, mirror{url: m.Origin + path, kind: m.Kind})
		}
	}
	body, err := f.write(rq, ch, rq.abs(ch.base+file))
	if err != nil {
		return nil, err
	}
	e := entry(f.contentType, "public, max-age=60", body)
	e.Header.Set("Access-Control-Allow-Origin", "*")
	return e, nil
}

// fill reads the newest public stories of q with their full content.
func (h *Handler) fill(rq *request, ch *channel, q news.ListQuery) error {
	pg, err := ch.v.store.ListPublished(rq.ctx, q, rq.at)
	if err != nil {
		return err
	}
	for _, s := range pg.Items {
		p, err := ch.v.store.PublishedStory(rq.ctx, s.ID, rq.at)
		if errors.Is(err, news.ErrNotFound) {
			continue // taken down between the two reads
		}
		if err != nil {
			return err
		}
		it := h.item(rq, ch.v, p)
		ch.items = append(ch.items, it)
		if it.updated.After(ch.updated) {
			ch.updated = it.updated
		}
	}
	if ch.updated.IsZero() {
		ch.updated = rq.at // an empty feed still needs a date
	}
	return nil
}

func (h *Handler) item(rq *request, v view, p news.Published) item {
	c := p.Rev.Content
	sum := news.Summary{ID: p.Story.ID, Service: p.Story.Service, Section: p.Section, Slug: p.Story.Slug}
	it := item{
		id:        v.storyID(p.Story.ID),
		url:       rq.abs(v.storyPath(sum)),
		title:     c.Headline.Plain(),
		summary:   c.Deck.Plain(),
		published: p.Story.PublishAt,
		updated:   p.Story.PublishAt,
		content:   h.content(rq, v, p),
	}
	if p.Story.UpdatedAt.After(it.updated) {
		it.updated = p.Story.UpdatedAt
	}
	for _, cr := range p.Corrections {
		if cr.At.After(it.updated) {
			it.updated = cr.At
		}
	}
	for _, a := range p.Authors {
		pr := person{name: a.Name}
		if !a.Collective {
			pr.url = rq.abs(v.authorPath(a))
		}
		it.authors = append(it.authors, pr)
	}
	it.categories = append(it.categories, p.Section.Name)
	for _, t := range p.Tags {
		it.categories = append(it.categories, t.Name)
	}
	if c.Lead != nil {
		if a, ok := p.Assets[c.Lead.AssetID]; ok {
			if v := media.Pick(a, 1200); v.URL != "" {
				it.image = &image{url: rq.origin + v.URL, mime: mimeOf(a), width: v.Width, height: v.Height,
					alt: c.Lead.Alt, credit: c.Lead.Credit, length: h.size(rq.ctx, v.URL)}
			}
		}
	}
	return it
}

// content is the story as its page shows it: lead figure, body and
// corrections, with every URL absolute so it works in any reader.
func (h *Handler) content(rq *request, v view, p news.Published) string {
	c := p.Rev.Content
	svc, cat := v.svc, v.cat
	loc := svc.Location()
	fig := func(f news.Figure) string {
		a, ok := p.Assets[f.AssetID]
		if !ok {
			return ""
		}
		v := media.Pick(a, 960)
		if v.URL == "" {
			return ""
		}
		var b strings.Builder
		fmt.Fprintf(&b, `<figure><img src="%s" width="%d" height="%d" alt="%s">`,
			html.EscapeString(v.URL), v.Width, v.Height, html.EscapeString(f.Alt))
		if len(f.Caption) > 0 || f.Credit != "" {
			b.WriteString("<figcaption>")
			b.WriteString(string(render.Inline(f.Caption)))
			if f.Credit != "" {
				if len(f.Caption) > 0 {
					b.WriteString(" ")
				}
				b.WriteString(html.EscapeString(cat.T("figure.credit", f.Credit)))
			}
			b.WriteString("</figcaption>")
		}
		b.WriteString("</figure>")
		return b.String()
	}
	var b strings.Builder
	if svc.Dir == "rtl" {
		b.WriteString(`<div dir="rtl">`)
	}
	if c.Lead != nil {
		if s := fig(*c.Lead); s != "" {
			b.WriteString(s + "\n")
		}
	}
	b.WriteString(string(render.Body(c.Body, render.Options{
		Figure:     func(f news.Figure, lazy bool) template.HTML { return template.HTML(fig(f)) },
		EmbedLabel: func(provider string) string { return cat.T("embed.open", provider) },
	})))
	if len(p.Corrections) > 0 {
		b.WriteString("<h2>" + html.EscapeString(cat.T("corrections.title")) + "</h2>\n<ul>\n")
		for _, cr := range p.Corrections {
			b.WriteString("<li>" + html.EscapeString(cat.DateTime(cr.At, loc)) + ": " + string(render.Inline(cr.Text)) + "</li>\n")
		}
		b.WriteString("</ul>\n")
	}
	if svc.Dir == "rtl" {
		b.WriteString("</div>")
	}
	return absolute(b.String(), rq.origin)
}

// absolute rewrites the site paths in rendered HTML (href="/...",
// src="/...") to URLs on origin: a feed is read away from the site. Text is
// escaped by package render, so `="/` occurs only in attributes it wrote.
func absolute(s, origin string) string {
	var b strings.Builder
	for _, attr := range []string{` href="/`, ` src="/`} {
		b.Reset()
		for {
			i := strings.Index(s, attr)
			if i < 0 {
				b.WriteString(s)
				break
			}
			j := i + len(attr) - 1 // the path's leading slash
			b.WriteString(s[:j])
			if !strings.HasPrefix(s[j:], "//") {
				b.WriteString(origin)
			}
			s = s[j:]
			b.WriteString("/")
			s = s[1:]
		}
		s = b.String()
	}
	return s
}

// size asks the media handler for a public image's byte size; 0 if it
// cannot tell.
func (h *Handler) size(ctx context.Context, path string) int64 {
	if h.media == nil {
		return 0
	}
	r, err := http.NewRequestWithContext(ctx, http.MethodHead, path, nil)
	if err != nil {
		return 0
	}
	w := &headWriter{header: http.Header{}}
	h.media.ServeHTTP(w, r)
	if w.status != http.StatusOK {
		return 0
	}
	n, _ := strconv.ParseInt(w.header.Get("Content-Length"), 10, 64)
	return n
}

// headWriter keeps a HEAD answer's status and headers.
type headWriter struct {
	header http.Header
	status int
}

func (w *headWriter) Header() http.Header { return w.header }
func (w *headWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}
func (w *headWriter) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return len(b), nil
}

// mimeOf is the type of an asset's variants (media serves PNG as PNG and
// everything else as JPEG).
func mimeOf(a news.Asset) string {
	if a.MIME == "image/png" {
		return "image/png"
	}
	return "image/jpeg"
}
