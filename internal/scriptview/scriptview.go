// Package scriptview is the Kazakh service's Latin view, shared by the
// reader site, the API and the feeds: a Kazakh service is also served in
// the 2021 Latin alphabet under its code with "-latn" appended (/kk-latn/...
// is /kk/... in Latin). The Cyrillic text stays the source of truth; the
// Latin view is derived while an answer renders by reading through Latin,
// a Store wrapper that transliterates every reader-facing text the store
// returns. Service codes never end in "-latn" (news.ValidServiceCode), so
// the suffix is unambiguous.
//
// Like the surfaces that use it, the package reads only through news.Store
// and never touches a database.
package scriptview

import (
	"context"
	"slices"
	"strings"
	"time"

	"qalam/internal/i18n"
	"qalam/internal/news"
	"qalam/internal/translit"
)

const (
	Suffix       = "-latn"   // appended to a service's code (path segment "kk-latn")
	LatinLang    = "kk-Latn" // the Latin view's language tag
	CyrillicLang = "kk"      // the Cyrillic view's, whatever the service's tag says
)

// Catalog is the Kazakh catalog in the Latin alphabet, dates included
// ("2026 jylğy 27 qaraşa").
var Catalog = i18n.Derive(i18n.For("kk"), LatinLang, translit.Latin)

// HasLatin reports whether a service has a Latin view: Kazakh services do.
func HasLatin(svc news.Service) bool { return strings.EqualFold(svc.Lang, "kk") }

// IsLatinBase reports whether a path prefix ("/kk-latn") is a Latin view's.
func IsLatinBase(base string) bool { return strings.HasSuffix(base, Suffix) }

// Paths returns the path of a Kazakh service's page in both views, given
// the path in either: its first segment is swapped.
func Paths(code, path string) (cyrl, latn string) {
	rest := strings.TrimPrefix(path, "/")
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		rest = rest[i:]
	} else {
		rest = ""
	}
	return "/" + code + rest, "/" + code + Suffix + rest
}

// Slug is a story slug as a view's paths write it: in Latin under a Latin
// base ("/kk-latn"), as stored otherwise. The ID at the end of a story's
// path finds it whatever the slug says.
func Slug(base, slug string) string {
	if IsLatinBase(base) {
		return translit.LatinSlug(slug)
	}
	return slug
}

// Latin is the store of one Kazakh service (its code) read for the Latin
// view; see latinStore.
func Latin(store news.Store, service string) news.Store {
	return latinStore{Store: store, code: service}
}

// LatinService is a Kazakh service as its Latin view shows it: name,
// tagline and promo in Latin, the promo's links into the Latin view.
func LatinService(svc news.Service) news.Service {
	return latinStore{code: svc.Code}.service(svc)
}

// LatinInline is rich text of a service (its code) in Latin, its links to
// the service's pages pointing into the Latin view. The input is left alone.
func LatinInline(code string, in news.Inline) news.Inline {
	return latinStore{code: code}.inline(in)
}

// Href moves a link to one of a service's pages ("/kk/tag/sot") into its
// Latin view ("/kk-latn/tag/sot"); other links stay as they are.
func Href(code, h string) string { return latinStore{code: code}.href(h) }

// latinStore reads the store of one Kazakh service for its Latin view: the
// texts readers see (names, headlines, bodies, captions, alt text, credits,
// bylines, notices, the banner, the promo) come back transliterated, and
// the service's own site links in them point into the Latin view. Words
// marked notranslit keep their script. Slugs and IDs stay as stored: they
// find things; the site writes story slugs in Latin when it builds paths.
// Everything else, and what belongs to other services, passes through.
type latinStore struct {
	news.Store
	code string // the service
}

func (l latinStore) Service(ctx context.Context, code string) (news.Service, error) {
	svc, err := l.Store.Service(ctx, code)
	if err == nil && code == l.code {
		svc = l.service(svc)
	}
	return svc, err
}

func (l latinStore) Sections(ctx context.Context, service string) ([]news.Section, error) {
	secs, err := l.Store.Sections(ctx, service)
	if service == l.code {
		secs = each(secs, l.section)
	}
	return secs, err
}

func (l latinStore) Section(ctx context.Context, id string) (news.Section, error) {
	sec, err := l.Store.Section(ctx, id)
	return l.section(sec), err
}

func (l latinStore) SectionBySlug(ctx context.Context, service, slug string) (news.Section, error) {
	sec, err := l.Store.SectionBySlug(ctx, service, slug)
	return l.section(sec), err
}

func (l latinStore) Tags(ctx context.Context, service string) ([]news.Tag, error) {
	tags, err := l.Store.Tags(ctx, service)
	return each(tags, l.tag), err
}

func (l latinStore) TagBySlug(ctx context.Context, service, slug string) (news.Tag, error) {
	tag, err := l.Store.TagBySlug(ctx, service, slug)
	return l.tag(tag), err
}

func (l latinStore) Authors(ctx context.Context, service string) ([]news.Author, error) {
	as, err := l.Store.Authors(ctx, service)
	return each(as, l.author), err
}

func (l latinStore) Author(ctx context.Context, id string) (news.Author, error) {
	a, err := l.Store.Author(ctx, id)
	return l.author(a), err
}

func (l latinStore) AuthorBySlug(ctx context.Context, service, slug string) (news.Author, error) {
	a, err := l.Store.AuthorBySlug(ctx, service, slug)
	return l.author(a), err
}

func (l latinStore) Notices(ctx context.Context, service string) ([]news.Notice, error) {
	ns, err := l.Store.Notices(ctx, service)
	return each(ns, l.notice), err
}

func (l latinStore) Banner(ctx context.Context, service string) (news.Banner, error) {
	b, err := l.Store.Banner(ctx, service)
	if b.Service == l.code {
		b.Label, b.Text, b.Link = translit.Latin(b.Label), translit.Latin(b.Text), l.href(b.Link)
	}
	return b, err
}

func (l latinStore) PublishedStory(ctx context.Context, id string, at time.Time) (news.Published, error) {
	p, err := l.Store.PublishedStory(ctx, id, at)
	if err != nil || p.Story.Service != l.code {
		return p, err
	}
	c := p.Rev.Content
	c.Headline, c.Deck, c.Dateline = l.inline(c.Headline), l.inline(c.Deck), translit.Latin(c.Dateline)
	c.Lead = l.figure(c.Lead)
	c.Body = translit.LatinDoc(c.Body)
	for _, b := range c.Body.Blocks {
		l.relink(b.Text)
		for _, it := range b.Items {
			l.relink(it)
		}
		if b.Figure != nil {
			l.relink(b.Figure.Caption)
		}
	}
	p.Rev.Content = c
	p.Section = l.section(p.Section)
	p.Authors = each(p.Authors, l.author)
	p.Tags = each(p.Tags, l.tag)
	p.Corrections = each(p.Corrections, func(c news.Correction) news.Correction {
		c.Text = l.inline(c.Text)
		return c
	})
	// Translations belong to other services and stay in their own script.
	return p, nil
}

func (l latinStore) ListPublished(ctx context.Context, q news.ListQuery, at time.Time) (news.Page, error) {
	pg, err := l.Store.ListPublished(ctx, q, at)
	pg.Items = each(pg.Items, l.summary)
	return pg, err
}

// Search reads the stored (Cyrillic) index and shows what it finds in Latin.
func (l latinStore) Search(ctx context.Context, q news.SearchQuery, at time.Time) (news.SearchPage, error) {
	pg, err := l.Store.Search(ctx, q, at)
	pg.Hits = each(pg.Hits, func(h news.SearchHit) news.SearchHit {
		if h.Summary.Service == l.code {
			h.Snippet = translit.LatinInline(h.Snippet)
		}
		h.Summary = l.summary(h.Summary)
		return h
	})
	return pg, err
}

func (l latinStore) Curated(ctx context.Context, service string, at time.Time) ([]news.Summary, error) {
	list, err := l.Store.Curated(ctx, service, at)
	return each(list, l.summary), err
}

// each returns a converted copy of a list, leaving the input alone.
func each[T any](list []T, f func(T) T) []T {
	if list == nil {
		return nil
	}
	out := make([]T, len(list))
	for i, v := range list {
		out[i] = f(v)
	}
	return out
}

func (l latinStore) service(svc news.Service) news.Service {
	svc.Name, svc.Tagline, svc.Promo = translit.Latin(svc.Name), translit.Latin(svc.Tagline), l.inline(svc.Promo)
	return svc
}

func (l latinStore) section(s news.Section) news.Section {
	if s.Service == l.code {
		s.Name = translit.Latin(s.Name)
	}
	return s
}

func (l latinStore) tag(t news.Tag) news.Tag {
	if t.Service == l.code {
		t.Name = translit.Latin(t.Name)
	}
	return t
}

func (l latinStore) author(a news.Author) news.Author {
	if a.Service == l.code {
		a.Name, a.Bio = translit.Latin(a.Name), translit.Latin(a.Bio)
	}
	return a
}

func (l latinStore) notice(n news.Notice) news.Notice {
	if n.Service == l.code {
		n.Title, n.Body = translit.Latin(n.Title), l.inline(n.Body)
	}
	return n
}

func (l latinStore) summary(s news.Summary) news.Summary {
	if s.Service != l.code {
		return s
	}
	s.Section = l.section(s.Section)
	s.Headline, s.Deck, s.Dateline = l.inline(s.Headline), l.inline(s.Deck), translit.Latin(s.Dateline)
	s.Lead = l.figure(s.Lead)
	return s
}

func (l latinStore) figure(f *news.Figure) *news.Figure {
	if f == nil {
		return nil
	}
	c := *f
	c.Alt, c.Caption, c.Credit = translit.Latin(c.Alt), l.inline(c.Caption), translit.Latin(c.Credit)
	return &c
}

func (l latinStore) inline(in news.Inline) news.Inline {
	out := translit.LatinInline(in)
	l.relink(out)
	return out
}

// relink points the links of rich text to the service's own pages into the
// Latin view, in place. The spans' marks may be shared with the stored
// text, so a changed list of marks is a copy.
func (l latinStore) relink(in news.Inline) {
	for i, sp := range in {
		copied := false
		for j, m := range sp.Marks {
			h := l.href(m.Href)
			if m.Type != news.MarkLink || h == m.Href {
				continue
			}
			if !copied {
				sp.Marks, copied = slices.Clone(sp.Marks), true
			}
			sp.Marks[j].Href = h
		}
		in[i] = sp
	}
}

// href moves a link to one of the service's pages ("/kk/tag/sot") into the
// Latin view ("/kk-latn/tag/sot"); other links stay as they are.
func (l latinStore) href(h string) string {
	prefix := "/" + l.code
	rest, ok := strings.CutPrefix(h, prefix)
	if !ok || rest != "" && !strings.ContainsRune("/?#", rune(rest[0])) {
		return h
	}
	return prefix + Suffix + rest
}
