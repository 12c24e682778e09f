package site

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"strings"
	"time"

	"qalam/assets"
	"qalam/internal/i18n"
	"qalam/internal/media"
	"qalam/internal/news"
	"qalam/internal/pagecache"
	"qalam/internal/render"
)

// Layout is what every reader page shows around its content.
type Layout struct {
	Svc            news.Service
	Cat            *i18n.Catalog
	Services       []news.Service
	Sections       []news.Section
	Banner         *news.Banner
	Notices        []news.Notice
	Title          string
	Description    string
	Robots         string
	Canonical      string
	Alternates     []Alternate
	OG             *OpenGraph
	JSONLD         any
	Query          string
	IsHome         bool
	CurrentSection string
	Origin         string
	FeedBase       string // the feeds of a section, tag or author page: "/feeds/kk/tag/almaty/"
	loc            *time.Location
	at             time.Time
}

// Alternate is a hreflang link.
type Alternate struct{ Lang, Href string }

// OpenGraph holds the og: properties of a page.
type OpenGraph struct {
	Type, Title, Description, Image, Locale, Published, Modified string
}

// T returns a message of the service's language.
func (l *Layout) T(key string, args ...any) string { return l.Cat.T(key, args...) }

// N returns a plural message of the service's language.
func (l *Layout) N(key string, n int, args ...any) string { return l.Cat.N(key, n, args...) }

// DateTime formats t in the service's zone, calendar and digits.
func (l *Layout) DateTime(t time.Time) string { return l.Cat.DateTime(t, l.loc) }

// Home is the service's home path.
func (l *Layout) Home() string { return "/" + l.Svc.Code + "/" }

// Year is the current year in the service's zone, for the footer.
func (l *Layout) Year() string { return l.Cat.Number(l.at.In(l.loc).Year()) }

// Time renders a <time> element: ISO 8601 with the service's offset for
// machines, the service's own calendar and digits for readers.
func (l *Layout) Time(t time.Time) template.HTML {
	return template.HTML(fmt.Sprintf(`<time datetime="%s">%s</time>`, iso(t.In(l.loc)), html.EscapeString(l.DateTime(t))))
}

// TimeLabel renders a message such as "Updated %s" with a <time> element
// in place of %s, whatever the word order of the language.
func (l *Layout) TimeLabel(key string, t time.Time) template.HTML {
	return l.fill(key, l.Time(t))
}

// fill puts HTML in place of the %s of a message, escaping the rest.
func (l *Layout) fill(key string, inner template.HTML) template.HTML {
	before, after, ok := strings.Cut(l.Cat.T(key), "%s")
	if !ok {
		return template.HTML(html.EscapeString(before)) + " " + inner
	}
	return template.HTML(html.EscapeString(before)) + inner + template.HTML(html.EscapeString(after))
}

// ReadIn renders "Read in Русский" as a link to a translation, the target
// language's name marked with its language and isolated for direction.
func (l *Layout) ReadIn(tr news.Translation) template.HTML {
	name := i18n.For(tr.Service.Lang).T("lang.name")
	link := fmt.Sprintf(`<a href="%s" hreflang="%s"><bdi lang="%s">%s</bdi></a>`,
		html.EscapeString(escapePath(storyPath(tr.Summary))), html.EscapeString(tr.Service.Lang),
		html.EscapeString(tr.Service.Lang), html.EscapeString(name))
	return l.fill("translations.read", template.HTML(link))
}

func iso(t time.Time) string { return t.Format(time.RFC3339) }

func storyPath(s news.Summary) string {
	return "/" + s.Service + "/" + s.Section.Slug + "/" + s.Slug + "-" + s.ID
}

// picture renders a responsive image of an asset.
func picture(a news.Asset, alt, sizes string, lazy bool) template.HTML {
	v := media.Pick(a, 960)
	var b strings.Builder
	fmt.Fprintf(&b, `<img src="%s" srcset="%s" sizes="%s" width="%d" height="%d" alt="%s"`,
		html.EscapeString(v.URL), html.EscapeString(media.SrcSet(a)), html.EscapeString(sizes), v.Width, v.Height, html.EscapeString(alt))
	if lazy {
		b.WriteString(` loading="lazy" decoding="async"`)
	} else {
		b.WriteString(` fetchpriority="high"`)
	}
	b.WriteString(">")
	return template.HTML(b.String())
}

// figure renders an image with its caption and credit.
func (l *Layout) figure(f news.Figure, assets map[string]news.Asset, lazy bool, attr string) template.HTML {
	a, ok := assets[f.AssetID]
	if !ok {
		return ""
	}
	var b strings.Builder
	b.WriteString("<figure" + attr + ">")
	b.WriteString(string(picture(a, f.Alt, "(min-width: 48rem) 44rem, 100vw", lazy)))
	if len(f.Caption) > 0 || f.Credit != "" {
		b.WriteString("<figcaption>")
		b.WriteString(string(render.Inline(f.Caption)))
		if f.Credit != "" {
			b.WriteString(` <span class="credit">`)
			b.WriteString(html.EscapeString(l.T("figure.credit", f.Credit)))
			b.WriteString("</span>")
		}
		b.WriteString("</figcaption>")
	}
	b.WriteString("</figure>")
	return template.HTML(b.String())
}

func parseTemplates(static *assets.Static) (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"asset":    static.URL,
		"inline":   render.Inline,
		"storyURL": func(s news.Summary) string { return escapePath(storyPath(s)) },
		"langName": func(lang string) string { return i18n.For(lang).T("lang.name") },
		// Teaser images repeat the headline beside them: they are decorative
		// (alt=""); the home page's lead image carries its figure's alt text.
		"picture": func(a *news.Asset, alt, sizes string, lazy bool) template.HTML { return picture(*a, alt, sizes, lazy) },
	}
	base, err := template.New("base.html").Funcs(funcs).ParseFS(assets.Templates, "templates/base.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, name := range []string{"home", "list", "story", "error", "search", "mirrors"} {
		t, err := template.Must(base.Clone()).ParseFS(assets.Templates, "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// page executes a template into a cache entry.
func (s *Site) page(name string, status int, l *Layout, data any) (*pagecache.Entry, error) {
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, "base", data); err != nil {
		return nil, fmt.Errorf("executing %s: %w", name, err)
	}
	h := pageHeaders(l.Svc.Lang)
	if status != http.StatusOK {
		h.Set("Cache-Control", "public, max-age=10")
	}
	return pagecache.NewEntry(status, h, buf.Bytes()), nil
}

// layout loads what every page of a service shows.
func (s *Site) layout(rq *request, svc news.Service, title string) (*Layout, error) {
	l := &Layout{Svc: svc, Cat: i18nFor(svc), Origin: rq.origin, loc: svc.Location(), at: rq.at}
	var err error
	if l.Services, err = s.store.Services(rq.ctx); err != nil {
		return nil, err
	}
	if l.Sections, err = s.store.Sections(rq.ctx, svc.Code); err != nil {
		return nil, err
	}
	b, err := s.store.Banner(rq.ctx, svc.Code)
	switch {
	case err == nil && b.Active:
		l.Banner = &b
	case err != nil && !isNotFound(err):
		return nil, err
	}
	notices, err := s.store.Notices(rq.ctx, svc.Code)
	if err != nil {
		return nil, err
	}
	for _, n := range notices {
		if n.Active {
			l.Notices = append(l.Notices, n)
		}
	}
	l.Title = title
	if title != svc.Name {
		l.Title = title + " — " + svc.Name
	}
	return l, nil
}

var ogLocales = map[string]string{"kk": "kk_KZ", "ru": "ru_RU", "en": "en_GB", "fa": "fa_IR", "ar": "ar_AR"}

func ogLocale(lang string) string {
	if l, ok := ogLocales[strings.SplitN(lang, "-", 2)[0]]; ok {
		return l
	}
	return strings.ReplaceAll(lang, "-", "_")
}
