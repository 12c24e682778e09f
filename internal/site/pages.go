package site

import (
	"errors"
	"html"
	"html/template"
	"net/http"
	"strings"

	"qalam/internal/news"
	"qalam/internal/pagecache"
	"qalam/internal/render"
)

func isNotFound(err error) bool { return errors.Is(err, news.ErrNotFound) }

// notFound wraps a lookup failure as a 404 in svc's language, passing
// storage failures through.
func notFound(err error, svc news.Service) error {
	if isNotFound(err) {
		return &httpError{status: http.StatusNotFound, svc: &svc, err: err}
	}
	return err
}

// HomePage is a service's front page.
type HomePage struct {
	*Layout
	Lead   *news.Summary
	Top    []news.Summary
	Latest []news.Summary
	Blocks []SectionBlock
}

// SectionBlock is a section's newest stories on the home page.
type SectionBlock struct {
	Section news.Section
	Stories []news.Summary
}

const (
	topCount     = 3
	latestCount  = 6
	blockCount   = 3
	listPageSize = 12
)

func (s *Site) home(rq *request, svc news.Service) (*pagecache.Entry, error) {
	l, err := s.layout(rq, svc, svc.Name)
	if err != nil {
		return nil, err
	}
	l.IsHome = true
	l.Description = svc.Tagline
	l.Canonical = rq.origin + "/" + svc.Code + "/"
	l.OG = &OpenGraph{Type: "website", Title: svc.Name, Description: svc.Tagline, Locale: ogLocale(svc.Lang)}
	p := &HomePage{Layout: l}

	curated, err := s.store.Curated(rq.ctx, svc.Code, rq.at)
	if err != nil {
		return nil, err
	}
	latest, err := s.store.ListPublished(rq.ctx, news.ListQuery{Service: svc.Code, Limit: latestCount + topCount + 1}, rq.at)
	if err != nil {
		return nil, err
	}
	// The editors' order first; the newest stories fill what they left.
	shown := map[string]bool{}
	pick := func(list []news.Summary, n int) []news.Summary {
		var out []news.Summary
		for _, st := range list {
			if len(out) == n {
				break
			}
			if !shown[st.ID] {
				shown[st.ID] = true
				out = append(out, st)
			}
		}
		return out
	}
	front := pick(append(append([]news.Summary{}, curated...), latest.Items...), topCount+1)
	if len(front) > 0 {
		p.Lead = &front[0]
		p.Top = front[1:]
	}
	p.Latest = pick(latest.Items, latestCount)
	for _, sec := range l.Sections {
		pg, err := s.store.ListPublished(rq.ctx, news.ListQuery{Service: svc.Code, SectionID: sec.ID, Limit: blockCount + topCount + latestCount}, rq.at)
		if err != nil {
			return nil, err
		}
		if st := pick(pg.Items, blockCount); len(st) > 0 {
			p.Blocks = append(p.Blocks, SectionBlock{Section: sec, Stories: st})
		}
	}
	return s.page("home", http.StatusOK, l, p)
}

// ListPage is a section, tag or author page, or search results.
type ListPage struct {
	*Layout
	Heading string
	Bio     string
	Items   []news.Summary
	Total   int
	Next    string
	Paged   bool
	Base    string
	Empty   string
}

func (s *Site) list(rq *request, svc news.Service, base, heading string, q news.ListQuery, setup func(*Layout)) (*pagecache.Entry, error) {
	l, err := s.layout(rq, svc, heading)
	if err != nil {
		return nil, err
	}
	q.Service = svc.Code
	q.Limit = listPageSize
	q.Cursor = rq.query.Get("cursor")
	pg, err := s.store.ListPublished(rq.ctx, q, rq.at)
	if err != nil {
		if errors.Is(err, news.ErrInvalid) {
			return nil, &httpError{status: http.StatusBadRequest, svc: &svc, err: err}
		}
		return nil, err
	}
	canon := rq.origin + escapePath(base)
	if q.Cursor != "" {
		canon += "?cursor=" + q.Cursor
		l.Robots = "noindex, follow"
	}
	l.Canonical = canon
	l.OG = &OpenGraph{Type: "website", Title: heading, Locale: ogLocale(svc.Lang)}
	p := &ListPage{Layout: l, Heading: heading, Items: pg.Items, Total: pg.Total, Paged: q.Cursor != "", Base: escapePath(base)}
	if pg.Next != "" {
		p.Next = escapePath(base) + "?cursor=" + pg.Next
	}
	if setup != nil {
		setup(l)
	}
	if q.Cursor != "" && len(pg.Items) == 0 {
		return nil, &httpError{status: http.StatusNotFound, svc: &svc}
	}
	return s.page("list", http.StatusOK, l, p)
}

func (s *Site) sectionPage(rq *request, svc news.Service, slug string) (*pagecache.Entry, error) {
	sec, err := s.store.SectionBySlug(rq.ctx, svc.Code, slug)
	if err != nil {
		return nil, notFound(err, svc)
	}
	return s.list(rq, svc, "/"+svc.Code+"/"+sec.Slug+"/", sec.Name, news.ListQuery{SectionID: sec.ID},
		func(l *Layout) {
			l.CurrentSection = sec.ID
			l.FeedBase = escapePath("/feeds/" + svc.Code + "/section/" + sec.Slug + "/")
		})
}

func (s *Site) tagPage(rq *request, svc news.Service, slug string) (*pagecache.Entry, error) {
	tag, err := s.store.TagBySlug(rq.ctx, svc.Code, slug)
	if err != nil {
		return nil, notFound(err, svc)
	}
	return s.list(rq, svc, "/"+svc.Code+"/tag/"+tag.Slug+"/", i18nFor(svc).T("tag.title", tag.Name), news.ListQuery{TagID: tag.ID},
		func(l *Layout) { l.FeedBase = escapePath("/feeds/" + svc.Code + "/tag/" + tag.Slug + "/") })
}

func (s *Site) authorPage(rq *request, svc news.Service, slug string) (*pagecache.Entry, error) {
	a, err := s.store.AuthorBySlug(rq.ctx, svc.Code, slug)
	if err != nil {
		return nil, notFound(err, svc)
	}
	if a.Collective {
		// A collective byline protects the people behind it: no page lists its work.
		return nil, &httpError{status: http.StatusNotFound, svc: &svc}
	}
	return s.list(rq, svc, "/"+svc.Code+"/author/"+a.Slug+"/", i18nFor(svc).T("author.title", a.Name), news.ListQuery{AuthorID: a.ID},
		func(l *Layout) { l.FeedBase = escapePath("/feeds/" + svc.Code + "/author/" + a.Slug + "/") })
}

// maxQuery bounds a search query's length.
const maxQuery = 200

func (s *Site) search(rq *request, svc news.Service) (*pagecache.Entry, error) {
	q := strings.TrimSpace(rq.query.Get("q"))
	if len(q) > maxQuery {
		return nil, &httpError{status: http.StatusBadRequest, svc: &svc}
	}
	cat := i18nFor(svc)
	if q == "" {
		l, err := s.layout(rq, svc, cat.T("search.label"))
		if err != nil {
			return nil, err
		}
		l.Robots = "noindex"
		return s.page("search", http.StatusOK, l, &ListPage{Layout: l, Heading: cat.T("search.label"), Empty: cat.T("search.hint")})
	}
	base := "/" + svc.Code + "/search"
	l, err := s.layout(rq, svc, cat.T("search.title", q))
	if err != nil {
		return nil, err
	}
	l.Robots = "noindex"
	l.Query = q
	pg, err := s.store.ListPublished(rq.ctx, news.ListQuery{Service: svc.Code, Text: q, Limit: listPageSize, Cursor: rq.query.Get("cursor")}, rq.at)
	if err != nil {
		if errors.Is(err, news.ErrInvalid) {
			return nil, &httpError{status: http.StatusBadRequest, svc: &svc, err: err}
		}
		return nil, err
	}
	p := &ListPage{Layout: l, Heading: cat.T("search.title", q), Items: pg.Items, Total: pg.Total, Empty: cat.T("search.empty"),
		Paged: rq.query.Get("cursor") != "", Base: base + "?q=" + urlQueryEscape(q)}
	if pg.Next != "" {
		p.Next = base + "?q=" + urlQueryEscape(q) + "&cursor=" + pg.Next
	}
	return s.page("search", http.StatusOK, l, p)
}

// StoryPage is one story.
type StoryPage struct {
	*Layout
	P          news.Published
	Byline     template.HTML
	LeadFigure template.HTML
	Body       template.HTML
}

// storyID takes the immutable ID from the last segment "{slug}-{id}".
func storyID(seg string) (slug, id string, ok bool) {
	i := strings.LastIndexByte(seg, '-')
	if i < 0 {
		return "", seg, news.ValidID(seg)
	}
	return seg[:i], seg[i+1:], news.ValidID(seg[i+1:])
}

func (s *Site) storyPage(rq *request, svc news.Service, sectionSlug, last string) (*pagecache.Entry, error) {
	slug, id, ok := storyID(last)
	if !ok {
		return nil, &httpError{status: http.StatusNotFound, svc: &svc}
	}
	p, err := s.store.PublishedStory(rq.ctx, id, rq.at)
	if isNotFound(err) {
		gone, gerr := s.store.StoryGone(rq.ctx, id, rq.at)
		if gerr != nil {
			return nil, gerr
		}
		if gone {
			return nil, &httpError{status: http.StatusGone, svc: &svc}
		}
		return nil, notFound(err, svc)
	}
	if err != nil {
		return nil, err
	}
	if p.Story.Service != svc.Code {
		return nil, &httpError{status: http.StatusNotFound, svc: &svc}
	}
	sum := summaryOf(p)
	canonPath := storyPath(sum)
	if sectionSlug != p.Section.Slug || slug != p.Story.Slug {
		// Every earlier URL of the story carries its ID: send it on.
		return redirect(canonPath), nil
	}
	c := p.Rev.Content
	l, err := s.layout(rq, svc, c.Headline.Plain())
	if err != nil {
		return nil, err
	}
	l.CurrentSection = p.Section.ID
	l.Description = c.Deck.Plain()
	l.Canonical = rq.origin + escapePath(canonPath)
	l.Alternates = append(l.Alternates, Alternate{Lang: svc.Lang, Href: l.Canonical})
	for _, tr := range p.Translations {
		l.Alternates = append(l.Alternates, Alternate{Lang: tr.Service.Lang, Href: rq.origin + escapePath(storyPath(tr.Summary))})
	}
	if len(l.Alternates) == 1 {
		l.Alternates = nil
	}
	page := &StoryPage{Layout: l, P: p}
	page.Byline = l.byline(p.Authors)
	if c.Lead != nil {
		page.LeadFigure = l.figure(*c.Lead, p.Assets, false, ` class="lead-figure" data-qalam="lead-figure"`)
	}
	page.Body = render.Body(c.Body, render.Options{
		Figure: func(f news.Figure, lazy bool) template.HTML {
			return l.figure(f, p.Assets, lazy || c.Lead != nil, "")
		},
		EmbedLabel: func(provider string) string { return l.T("embed.open", provider) },
	})
	l.OG = &OpenGraph{Type: "article", Title: c.Headline.Plain(), Description: l.Description, Locale: ogLocale(svc.Lang),
		Published: iso(p.Story.PublishAt.In(l.loc))}
	modified := p.Story.PublishAt
	if !p.Story.UpdatedAt.IsZero() {
		modified = p.Story.UpdatedAt
		l.OG.Modified = iso(modified.In(l.loc))
	}
	var images []string
	if c.Lead != nil {
		if a, ok := p.Assets[c.Lead.AssetID]; ok {
			l.OG.Image = rq.origin + leadImageURL(a)
			images = append(images, l.OG.Image)
		}
	}
	l.JSONLD = s.newsArticle(l, p, images, modified)
	return s.page("story", http.StatusOK, l, page)
}

// byline renders "By A and B", linking authors who have a page.
func (l *Layout) byline(authors []news.Author) template.HTML {
	if len(authors) == 0 {
		return ""
	}
	var parts []string
	for _, a := range authors {
		name := html.EscapeString(a.Name)
		if a.Collective {
			parts = append(parts, name)
			continue
		}
		parts = append(parts, `<a href="`+html.EscapeString(escapePath("/"+a.Service+"/author/"+a.Slug+"/"))+`" rel="author">`+name+`</a>`)
	}
	sep := html.EscapeString(l.T("byline.and"))
	joined := strings.Join(parts[:len(parts)-1], ", ")
	if joined != "" {
		joined += sep
	}
	joined += parts[len(parts)-1]
	return l.fill("byline.by", template.HTML(joined))
}

func summaryOf(p news.Published) news.Summary {
	c := p.Rev.Content
	return news.Summary{ID: p.Story.ID, Service: p.Story.Service, Section: p.Section, Slug: p.Story.Slug,
		Headline: c.Headline, Deck: c.Deck, Dateline: c.Dateline, Lead: c.Lead, PublishAt: p.Story.PublishAt, UpdatedAt: p.Story.UpdatedAt}
}

// MirrorsPage lists the addresses the site answers on.
type MirrorsPage struct {
	*Layout
	Mirrors []Mirror
}

// Mirror is one address of the site.
type Mirror struct {
	URL     string
	Current bool
}

func (s *Site) mirrors(rq *request, svc news.Service) (*pagecache.Entry, error) {
	cat := i18nFor(svc)
	l, err := s.layout(rq, svc, cat.T("mirrors.title"))
	if err != nil {
		return nil, err
	}
	l.Canonical = rq.origin + "/" + svc.Code + "/mirrors"
	p := &MirrorsPage{Layout: l}
	for _, o := range s.origins {
		p.Mirrors = append(p.Mirrors, Mirror{URL: o + "/" + svc.Code + "/", Current: o == rq.origin})
	}
	return s.page("mirrors", http.StatusOK, l, p)
}
