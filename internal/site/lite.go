package site

import (
	"context"
	"errors"
	"html"
	"html/template"
	"net/http"
	"strings"

	"qalam/internal/i18n"
	"qalam/internal/media"
	"qalam/internal/news"
	"qalam/internal/pagecache"
	"qalam/internal/render"
)

// Lite pages are the home, section and story pages of a service in text
// first, for slow and metered connections: /lite/{service}/ (home),
// /lite/{service}/{section}/ (with ?cursor= pagination) and
// /lite/{service}/{section}/{slug}-{id}; the Kazakh Latin view too, under
// /lite/{service}-latn/. They carry no script, no web font and no <img>:
// each image is a link to one of its variants naming its size. They show
// what the full page shows a reader for their safety (banner, notices,
// promo, corrections, translations), link to the full page and back, and
// name the full page as canonical. No story is ever shortened.
const (
	liteSeg    = "lite"
	litePrefix = "/" + liteSeg
	// liteImageWidth is the width of the variant an image's link fetches:
	// enough for a phone, a fraction of the full page's bytes.
	liteImageWidth = 640
)

// liteView moves a request into the lite view: its service's prefix
// ("/kk", "/kk-latn") gains /lite in front.
func (rq *request) liteView() {
	rq.lite = true
	if !strings.HasPrefix(rq.base, litePrefix+"/") {
		rq.base = litePrefix + rq.base
	}
}

// isLitePath reports whether a path is under /lite/ (or is /lite).
func isLitePath(p string) bool {
	return p == litePrefix || strings.HasPrefix(p, litePrefix+"/")
}

// liteRoute routes the segments after "lite".
func (s *Site) liteRoute(rq *request, segs []string) (*pagecache.Entry, error) {
	if len(segs) == 0 {
		svc, err := s.defaultService(rq.ctx)
		if err != nil {
			return nil, err
		}
		e := redirect(litePrefix + "/" + svc.Code + "/")
		e.Status = http.StatusFound // the default may change
		e.Header.Set("Cache-Control", "public, max-age=60")
		return e, nil
	}
	svc, err := s.service(rq, segs[0])
	if rq.base != "" {
		rq.liteView()
	}
	if err != nil {
		return nil, err
	}
	slash := strings.HasSuffix(rq.path, "/")
	rest := segs[1:]
	switch len(rest) {
	case 0:
		if !slash {
			return redirect(rq.base + "/"), nil
		}
		return s.liteHome(rq, svc)
	case 1:
		if !slash {
			return redirect(rq.path + "/"), nil
		}
		return s.liteSection(rq, svc, rest[0])
	case 2:
		if slash {
			return redirect(strings.TrimSuffix(rq.path, "/")), nil
		}
		return s.liteStory(rq, svc, rest[0], rest[1])
	}
	return nil, &httpError{status: http.StatusNotFound, svc: &svc}
}

// fullPath is the full page of a lite path (unescaped), and litePath the
// lite page of a full one.
func fullPath(p string) string { return strings.TrimPrefix(p, litePrefix) }
func litePath(p string) string { return litePrefix + p }

// setLite points a full page's "Lite version" link at its lite page (in
// the Latin view, the Latin lite page).
func (l *Layout) setLite(rq *request, path string) {
	l.Lite = escapePath(litePath(path))
}

// liteLayout is the layout of a lite page: links to the service's other
// pages stay in the lite view, and nothing names alternates (the full page
// is the canonical one).
func (s *Site) liteLayout(rq *request, svc news.Service, title, full string) (*Layout, error) {
	l, err := s.layout(rq, svc, title)
	if err != nil {
		return nil, err
	}
	l.scriptAlts, l.Alternates = nil, nil
	l.Full = escapePath(full)
	l.toLite()
	return l, nil
}

// toLite points a layout's links to other services and the banner's link
// into the lite view.
func (l *Layout) toLite() {
	for i, sl := range l.ServiceLinks {
		if !sl.Current {
			l.ServiceLinks[i].Href = litePath(sl.Href)
		}
	}
	if l.Banner != nil {
		b := *l.Banner
		b.Link = liteHref(b.Link)
		l.Banner = &b
	}
}

// liteHref moves a site link to a home, section or story page of a
// service ("/kk/...", "/kk-latn/...") into the lite view; links to other
// pages (tags, authors, search) and to other sites stay as they are.
func liteHref(h string) string {
	if !strings.HasPrefix(h, "/") || strings.HasPrefix(h, "//") || strings.ContainsAny(h, "?#") {
		return h
	}
	segs := splitPath(h)
	if len(segs) == 0 || !news.ValidServiceCode(strings.TrimSuffix(segs[0], latnSuffix)) {
		return h
	}
	switch segs[0] {
	case liteSeg, "assets", "media", "feeds", "sitemaps", "api", "admin":
		return h
	}
	slash := strings.HasSuffix(h, "/")
	switch {
	case len(segs) == 1,
		len(segs) == 2 && slash && segs[1] != "tag" && segs[1] != "author",
		len(segs) == 3 && !slash && segs[1] != "tag" && segs[1] != "author":
		return litePath(h)
	}
	return h
}

// LiteHomePage is a service's lite front page: headlines only, the lead
// story with its deck.
type LiteHomePage struct {
	*Layout
	Lead   *Teaser
	Top    []Teaser
	Latest []Teaser
	Blocks []SectionBlock
}

func (s *Site) liteHome(rq *request, svc news.Service) (*pagecache.Entry, error) {
	l, err := s.liteLayout(rq, svc, svc.Name, fullPath(rq.base)+"/")
	if err != nil {
		return nil, err
	}
	l.IsHome = true
	l.Canonical = s.primary + l.Full
	// The full home's selection, without its images.
	full, err := s.homeStories(rq, svc, l)
	if err != nil {
		return nil, err
	}
	p := &LiteHomePage{Layout: l, Lead: full.Lead, Top: full.Top, Latest: full.Latest, Blocks: full.Blocks}
	return s.page("lite-home", http.StatusOK, l, p)
}

func (s *Site) liteSection(rq *request, svc news.Service, slug string) (*pagecache.Entry, error) {
	sec, err := rq.store.SectionBySlug(rq.ctx, svc.Code, slug)
	if err != nil {
		return nil, notFound(err, svc)
	}
	base := rq.base + "/" + sec.Slug + "/"
	l, err := s.liteLayout(rq, svc, sec.Name, fullPath(base))
	if err != nil {
		return nil, err
	}
	l.CurrentSection = sec.ID
	q := news.ListQuery{Service: svc.Code, SectionID: sec.ID, Limit: listPageSize, Cursor: rq.query.Get("cursor")}
	pg, err := rq.store.ListPublished(rq.ctx, q, rq.at)
	if err != nil {
		if errors.Is(err, news.ErrInvalid) {
			return nil, &httpError{status: http.StatusBadRequest, svc: &svc, err: err}
		}
		return nil, err
	}
	if q.Cursor != "" && len(pg.Items) == 0 {
		return nil, &httpError{status: http.StatusNotFound, svc: &svc}
	}
	l.Canonical = s.primary + l.Full
	if q.Cursor != "" {
		l.Canonical += "?cursor=" + q.Cursor
		l.Full += "?cursor=" + q.Cursor
		l.Robots = "noindex, follow"
	}
	p := &ListPage{Layout: l, Heading: sec.Name, Items: l.teasers(pg.Items), Total: pg.Total, Paged: q.Cursor != "", First: escapePath(base)}
	if pg.Next != "" {
		p.Next = escapePath(base) + "?cursor=" + pg.Next
	}
	return s.page("lite-list", http.StatusOK, l, p)
}

// LiteStoryPage is one story in text first.
type LiteStoryPage struct {
	*Layout
	P         news.Published
	Byline    string
	LeadPhoto template.HTML
	Body      template.HTML
	// Translations are the story in other services, linking to their lite
	// pages.
	Translations []LiteTranslation
	// Comments is the story's comments page (plain HTML, no script) when
	// readers may comment; "" otherwise.
	Comments string
}

// LiteTranslation is a link to a translation's lite page.
type LiteTranslation struct {
	Lang, Name, URL string
}

func (s *Site) liteStory(rq *request, svc news.Service, sectionSlug, last string) (*pagecache.Entry, error) {
	p, canonPath, moved, err := s.canonicalStory(rq, svc, sectionSlug, last)
	if err != nil || moved != nil {
		return moved, err
	}
	c := p.Rev.Content
	l, err := s.liteLayout(rq, svc, c.Headline.Plain(), fullPath(canonPath))
	if err != nil {
		return nil, err
	}
	l.CurrentSection = p.Section.ID
	l.Canonical = s.primary + l.Full
	if hasLatin(svc) {
		sum := summaryOf(p)
		cyrl, latn := storyPath(litePrefix+"/"+svc.Code, sum), storyPath(litePrefix+"/"+svc.Code+latnSuffix, sum)
		l.setScripts(escapePath(cyrl), escapePath(latn))
		l.scriptAlts = nil
	}
	page := &LiteStoryPage{Layout: l, P: p}
	if page.Comments, err = s.commentsLink(rq.ctx, p.Story); err != nil {
		return nil, err
	}
	var names []string
	for _, a := range p.Authors {
		names = append(names, a.Name)
	}
	if len(names) > 0 {
		joined := strings.Join(names[:len(names)-1], ", ")
		if joined != "" {
			joined += l.T("byline.and")
		}
		page.Byline = l.T("byline.by", joined+names[len(names)-1])
	}
	if c.Lead != nil {
		page.LeadPhoto = s.litePhoto(rq.ctx, l, *c.Lead, p.Assets, true)
	}
	page.Body = render.Body(c.Body, render.Options{
		Figure: func(f news.Figure, _ bool) template.HTML {
			return s.litePhoto(rq.ctx, l, f, p.Assets, false)
		},
		EmbedLabel: func(provider string) string { return l.T("embed.open", provider) },
	})
	for _, tr := range p.Translations {
		page.Translations = append(page.Translations, LiteTranslation{
			Lang: tr.Service.Lang, Name: i18n.For(tr.Service.Lang).T("lang.name"),
			URL: escapePath(storyPath(litePrefix+"/"+tr.Service.Code, tr.Summary)),
		})
	}
	return s.page("lite-story", http.StatusOK, l, page)
}

// litePhoto renders an image as a link that fetches it only when tapped:
// "Photo: caption (NN KB)", then the credit. The lead photo's caption is
// marked as story text (data-qalam="caption"), as the body's are by being
// inside the body.
func (s *Site) litePhoto(ctx context.Context, l *Layout, f news.Figure, assets map[string]news.Asset, lead bool) template.HTML {
	a, ok := assets[f.AssetID]
	if !ok {
		return ""
	}
	v := media.Pick(a, liteImageWidth)
	if v.URL == "" {
		return ""
	}
	text := f.Caption.Plain()
	if text == "" {
		text = f.Alt
	}
	caption := html.EscapeString(text)
	if lead {
		caption = `<span data-qalam="caption">` + caption + `</span>`
	}
	const mark = "\x00"
	label := l.T("lite.photo_nosize", mark)
	if s.mediaSize != nil {
		if n := s.mediaSize(ctx, v.URL); n > 0 {
			label = l.T("lite.photo", mark, int((n+1023)/1024))
		}
	}
	before, after, _ := strings.Cut(label, mark)
	var b strings.Builder
	b.WriteString(`<p class="photo"><a href="` + html.EscapeString(v.URL) + `">`)
	b.WriteString(html.EscapeString(before) + caption + html.EscapeString(after) + "</a>")
	if f.Credit != "" {
		b.WriteString(` <small>` + html.EscapeString(l.T("figure.credit", f.Credit)) + `</small>`)
	}
	b.WriteString("</p>\n")
	return template.HTML(b.String())
}
