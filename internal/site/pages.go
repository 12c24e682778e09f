package site

import (
	"context"
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
	Lead   *Teaser
	Top    []Teaser
	Latest []Teaser
	Blocks []SectionBlock
}

// SectionBlock is a section's newest stories on the home page.
type SectionBlock struct {
	Section news.Section
	Stories []Teaser
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
	l.Canonical = s.primary + l.Home()
	l.OG = &OpenGraph{Type: "website", Title: svc.Name, Description: svc.Tagline, Locale: ogLocale(svc.Lang)}
	l.setLite(rq, l.Home())
	p, err := s.homeStories(rq, svc, l)
	if err != nil {
		return nil, err
	}
	return s.page("home", http.StatusOK, l, p)
}

// homeStories picks the stories of a service's front page, full or lite.
func (s *Site) homeStories(rq *request, svc news.Service, l *Layout) (*HomePage, error) {
	p := &HomePage{Layout: l}

	curated, err := rq.store.Curated(rq.ctx, svc.Code, rq.at)
	if err != nil {
		return nil, err
	}
	latest, err := rq.store.ListPublished(rq.ctx, news.ListQuery{Service: svc.Code, Limit: latestCount + topCount + 1}, rq.at)
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
		lead := l.teasers(front[:1])
		p.Lead = &lead[0]
		p.Top = l.teasers(front[1:])
	}
	p.Latest = l.teasers(pick(latest.Items, latestCount))
	for _, sec := range l.Sections {
		pg, err := rq.store.ListPublished(rq.ctx, news.ListQuery{Service: svc.Code, SectionID: sec.ID, Limit: blockCount + topCount + latestCount}, rq.at)
		if err != nil {
			return nil, err
		}
		if st := pick(pg.Items, blockCount); len(st) > 0 {
			p.Blocks = append(p.Blocks, SectionBlock{Section: sec, Stories: l.teasers(st)})
		}
	}
	return p, nil
}

// ListPage is a section, tag or author page, or search results.
type ListPage struct {
	*Layout
	Heading string
	Bio     string
	Items   []Teaser
	Total   int
	Next    string
	Paged   bool
	First   string // the first page of the list, escaped
	Empty   string
	Note    string // a line under the search results
}

func (s *Site) list(rq *request, svc news.Service, base, heading string, q news.ListQuery, setup func(*Layout)) (*pagecache.Entry, error) {
	l, err := s.layout(rq, svc, heading)
	if err != nil {
		return nil, err
	}
	q.Service = svc.Code
	q.Limit = listPageSize
	q.Cursor = rq.query.Get("cursor")
	pg, err := rq.store.ListPublished(rq.ctx, q, rq.at)
	if err != nil {
		if errors.Is(err, news.ErrInvalid) {
			return nil, &httpError{status: http.StatusBadRequest, svc: &svc, err: err}
		}
		return nil, err
	}
	canon := s.primary + escapePath(base)
	if q.Cursor != "" {
		canon += "?cursor=" + q.Cursor
		l.Robots = "noindex, follow"
	}
	l.Canonical = canon
	l.OG = &OpenGraph{Type: "website", Title: heading, Locale: ogLocale(svc.Lang)}
	p := &ListPage{Layout: l, Heading: heading, Items: l.teasers(pg.Items), Total: pg.Total, Paged: q.Cursor != "", First: escapePath(base)}
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
	sec, err := rq.store.SectionBySlug(rq.ctx, svc.Code, slug)
	if err != nil {
		return nil, notFound(err, svc)
	}
	return s.list(rq, svc, rq.base+"/"+sec.Slug+"/", sec.Name, news.ListQuery{SectionID: sec.ID},
		func(l *Layout) {
			l.CurrentSection = sec.ID
			l.setLite(rq, rq.base+"/"+sec.Slug+"/")
			l.FeedBase = escapePath(feedsPath(rq, svc) + "section/" + sec.Slug + "/")
		})
}

func (s *Site) tagPage(rq *request, svc news.Service, slug string) (*pagecache.Entry, error) {
	tag, err := rq.store.TagBySlug(rq.ctx, svc.Code, slug)
	if err != nil {
		return nil, notFound(err, svc)
	}
	return s.list(rq, svc, rq.base+"/tag/"+tag.Slug+"/", rq.catalog(svc).T("tag.title", tag.Name), news.ListQuery{TagID: tag.ID},
		func(l *Layout) { l.FeedBase = escapePath(feedsPath(rq, svc) + "tag/" + tag.Slug + "/") })
}

func (s *Site) authorPage(rq *request, svc news.Service, slug string) (*pagecache.Entry, error) {
	a, err := rq.store.AuthorBySlug(rq.ctx, svc.Code, slug)
	if err != nil {
		return nil, notFound(err, svc)
	}
	if a.Collective {
		// A collective byline protects the people behind it: no page lists its work.
		return nil, &httpError{status: http.StatusNotFound, svc: &svc}
	}
	return s.list(rq, svc, rq.base+"/author/"+a.Slug+"/", rq.catalog(svc).T("author.title", a.Name), news.ListQuery{AuthorID: a.ID},
		func(l *Layout) { l.FeedBase = escapePath(feedsPath(rq, svc) + "author/" + a.Slug + "/") })
}

// maxQuery bounds a search query's length.
const maxQuery = 200

// SearchPage is the search form's results.
type SearchPage struct {
	*Layout
	Heading string
	Items   []SearchResult
	Total   int
	Next    string
	Paged   bool
	First   string // the first page of the results, escaped
	Empty   string
	Note    string // a line under the results
}

// SearchResult is one story found, with the words around what matched.
type SearchResult struct {
	Teaser
	Snippet template.HTML // matched words in <mark>
}

func (s *Site) search(rq *request, svc news.Service) (*pagecache.Entry, error) {
	q := strings.TrimSpace(rq.query.Get("q"))
	if len(q) > maxQuery {
		return nil, &httpError{status: http.StatusBadRequest, svc: &svc}
	}
	cat := rq.catalog(svc)
	// In the Latin view a query typed in Latin or Cyrillic finds the stored
	// (Cyrillic) stories, shown in Latin: Kazakh search keys are shared by a
	// word's two scripts (package stem).
	cursor := rq.query.Get("cursor")
	var pg news.SearchPage
	var err error
	if q != "" {
		pg, err = rq.store.Search(rq.ctx, news.SearchQuery{Service: svc.Code, Text: q, Limit: listPageSize, Cursor: cursor}, rq.at)
		switch {
		case errors.Is(err, news.ErrInvalid) && cursor == "":
			// Only punctuation or too many words: no results, not an error.
			pg, err = news.SearchPage{}, nil
		case errors.Is(err, news.ErrInvalid):
			return nil, &httpError{status: http.StatusBadRequest, svc: &svc, err: err}
		case err != nil:
			return nil, err
		}
	}
	if q == "" {
		l, err := s.layout(rq, svc, cat.T("search.label"))
		if err != nil {
			return nil, err
		}
		l.Robots = "noindex"
		return s.page("search", http.StatusOK, l, &SearchPage{Layout: l, Heading: cat.T("search.label"), Empty: cat.T("search.hint")})
	}
	base := rq.base + "/search"
	heading := cat.T("search.title", rq.text(q))
	l, err := s.layout(rq, svc, heading)
	if err != nil {
		return nil, err
	}
	l.Robots = "noindex"
	l.Query = q
	p := &SearchPage{Layout: l, Heading: heading, Total: pg.Total, Empty: cat.T("search.empty"),
		Paged: cursor != "", First: base + "?q=" + urlQueryEscape(q)}
	for _, h := range pg.Hits {
		p.Items = append(p.Items, SearchResult{Teaser: l.teasers([]news.Summary{h.Summary})[0], Snippet: render.Inline(h.Snippet)})
	}
	if pg.Next != "" {
		p.Next = base + "?q=" + urlQueryEscape(q) + "&cursor=" + pg.Next
	}
	if cursor != "" && len(pg.Hits) == 0 {
		return nil, &httpError{status: http.StatusNotFound, svc: &svc}
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
	// Comments is the story's comments page when readers may comment
	// (internal/comments); "" otherwise. Only whether comments are open
	// shows here, never the comments themselves, so a comment never
	// changes the story page's cached HTML.
	Comments string
	// LiveBlog is the story's live blog (liveblog.go); nil for a story.
	LiveBlog *LiveBlogView
}

// commentsLink is the story's comments page when readers may comment on
// it, "" otherwise.
func (s *Site) commentsLink(ctx context.Context, st news.Story) (string, error) {
	ct, ok := s.store.(commentThreads)
	if !ok {
		return "", nil
	}
	th, err := ct.CommentThread(ctx, st.ID)
	if err != nil && !errors.Is(err, news.ErrNotFound) {
		return "", err
	}
	if err == nil && th.Open() {
		return "/comments/" + st.Service + "/" + st.ID, nil
	}
	return "", nil
}

// commentThreads is the part of a store that says whether a story takes
// comments (news.CommentStore).
type commentThreads interface {
	CommentThread(ctx context.Context, storyID string) (news.CommentThread, error)
}

// storyID takes the immutable ID from the last segment "{slug}-{id}".
func storyID(seg string) (id string, ok bool) {
	id = seg[strings.LastIndexByte(seg, '-')+1:]
	return id, news.ValidID(id)
}

// publishedStory finds the story a last path segment "{slug}-{id}" names
// among a service's public stories: 410 for one taken down, 404 for one
// that is not (or not yet) public or belongs to another service.
func (s *Site) publishedStory(rq *request, svc news.Service, last string) (news.Published, error) {
	id, ok := storyID(last)
	if !ok {
		return news.Published{}, &httpError{status: http.StatusNotFound, svc: &svc}
	}
	p, err := rq.store.PublishedStory(rq.ctx, id, rq.at)
	if isNotFound(err) {
		gone, gerr := rq.store.StoryGone(rq.ctx, id, rq.at)
		if gerr != nil {
			return p, gerr
		}
		if gone {
			return p, &httpError{status: http.StatusGone, svc: &svc}
		}
		return p, notFound(err, svc)
	}
	if err != nil {
		return p, err
	}
	if p.Story.Service != svc.Code {
		return p, &httpError{status: http.StatusNotFound, svc: &svc}
	}
	return p, nil
}

// canonicalStory finds the public story a URL names and its canonical path
// in the view being served; moved is the redirect to answer when the URL is
// not that path: every earlier URL of a story carries its ID, and so do the
// Latin view's URLs with a slug not written in Latin.
func (s *Site) canonicalStory(rq *request, svc news.Service, sectionSlug, last string) (p news.Published, canonPath string, moved *pagecache.Entry, err error) {
	p, err = s.publishedStory(rq, svc, last)
	if err != nil {
		return p, "", nil, err
	}
	canonPath = storyPath(rq.base, summaryOf(p))
	if rq.base+"/"+sectionSlug+"/"+last != canonPath {
		return p, canonPath, redirect(canonPath), nil
	}
	return p, canonPath, nil, nil
}

func (s *Site) storyPage(rq *request, svc news.Service, sectionSlug, last string) (*pagecache.Entry, error) {
	p, canonPath, moved, err := s.canonicalStory(rq, svc, sectionSlug, last)
	if err != nil || moved != nil {
		return moved, err
	}
	c := p.Rev.Content
	l, err := s.layout(rq, svc, c.Headline.Plain())
	if err != nil {
		return nil, err
	}
	l.CurrentSection = p.Section.ID
	l.setLite(rq, canonPath)
	l.Description = c.Deck.Plain()
	l.Canonical = s.primary + escapePath(canonPath)
	if hasLatin(svc) {
		sum := summaryOf(p)
		l.setScripts(escapePath(storyPath("/"+svc.Code, sum)), escapePath(storyPath("/"+svc.Code+latnSuffix, sum)))
	} else if len(p.Translations) > 0 {
		l.Alternates = append(l.Alternates, Alternate{Lang: svc.Lang, Href: l.Canonical})
	}
	for _, tr := range p.Translations {
		base := "/" + tr.Service.Code
		l.Alternates = append(l.Alternates, Alternate{Lang: tr.Service.Lang, Href: s.primary + escapePath(storyPath(base, tr.Summary))})
		if hasLatin(tr.Service) {
			l.Alternates = append(l.Alternates, Alternate{Lang: latnLang, Href: s.primary + escapePath(storyPath(base+latnSuffix, tr.Summary))})
		}
	}
	page := &StoryPage{Layout: l, P: p}
	if page.Comments, err = s.commentsLink(rq.ctx, p.Story); err != nil {
		return nil, err
	}
	page.Byline = l.byline(p.Authors)
	if c.Lead != nil {
		page.LeadFigure = l.figure(*c.Lead, p.Assets, false, ` class="lead-figure" data-qalam="lead-figure"`)
	}
	page.Body = render.Body(c.Body, render.Options{
		Figure: func(f news.Figure, lazy bool) template.HTML {
			return l.figure(f, p.Assets, lazy || c.Lead != nil, "")
		},
		EmbedLabel: func(provider string) string { return l.T("embed.open", provider) },
		Thumb:      func(id string) template.HTML { return embedThumb(id, p.Assets) },
		EmbedLoad:  func(provider string) string { return l.T("embed.load", provider) },
	})
	l.Embeds = render.HasFrames(c.Body)
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
	if page.LiveBlog, err = s.liveBlog(rq.ctx, rq, l, p.Story); err != nil {
		return nil, err
	}
	ld := s.newsArticle(l, p, images, modified)
	if page.LiveBlog != nil {
		liveBlogPosting(ld, page.LiveBlog, iso(p.Story.PublishAt.In(l.loc)))
	}
	l.JSONLD = ld
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
		parts = append(parts, `<a href="`+html.EscapeString(escapePath(l.Base+"/author/"+a.Slug+"/"))+`" rel="author">`+name+`</a>`)
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

// MirrorsPage lists the addresses readers can reach the site on: the
// primary and the listed, active mirrors.
type MirrorsPage struct {
	*Layout
	Mirrors     []Mirror
	Fingerprint string // the newsroom's export signing key, "" if none
}

// Mirror is one address of the site.
type Mirror struct {
	URL     string
	Kind    news.MirrorKind
	Current bool
}

// publishedMirrors is the mirror list readers see: the primary first, then
// the listed, active mirrors in the newsroom's order.
func (s *Site) publishedMirrors(ctx context.Context) ([]news.Mirror, error) {
	ms, err := s.store.Mirrors(ctx)
	if err != nil {
		return nil, err
	}
	return news.PublishedMirrors(ms, s.primary), nil
}

func (s *Site) mirrors(rq *request, svc news.Service) (*pagecache.Entry, error) {
	l, err := s.layout(rq, svc, rq.catalog(svc).T("mirrors.title"))
	if err != nil {
		return nil, err
	}
	l.Canonical = s.primary + rq.base + "/mirrors"
	ms, err := s.publishedMirrors(rq.ctx)
	if err != nil {
		return nil, err
	}
	p := &MirrorsPage{Layout: l, Fingerprint: s.fingerprint}
	for _, m := range ms {
		home := l.Home()
		if m.Kind == news.MirrorLite {
			home = litePrefix + l.Home()
		}
		p.Mirrors = append(p.Mirrors, Mirror{URL: m.Origin + home, Kind: m.Kind, Current: m.Origin == rq.origin})
	}
	return s.page("mirrors", http.StatusOK, l, p)
}
