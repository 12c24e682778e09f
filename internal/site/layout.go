package site

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"time"

	"qalam/assets"
	"qalam/internal/httpkit"
	"qalam/internal/i18n"
	"qalam/internal/media"
	"qalam/internal/news"
	"qalam/internal/pagecache"
	"qalam/internal/render"
	"qalam/internal/translit"
)

// Layout is what every reader page shows around its content.
type Layout struct {
	Svc  news.Service // in the page's script
	Cat  *i18n.Catalog
	Lang string // the page's language tag: the service's, or "kk-Latn" in the Latin view
	// Base is the service's path prefix in the page's view ("/kk",
	// "/kk-latn"): every link to the service's own pages starts with it.
	Base           string
	ServiceLinks   []ServiceLink // every service, this one in the page's script
	Scripts        []ScriptLink  // the script switcher; nil for a service in one script
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
	Lite           string // a full page's lite version, escaped; "" when it has none
	Newsletter     string // the service's newsletter subscription page; "" when newsletters are off
	Live           string // the banner's live updates for this view ("/live/kk/"); "" without them
	LivePoll       int64  // ms between polls when no stream can be had
	NoStreams      bool   // poll from the start: the server holds no streams
	Full           string // a lite page's full version, escaped
	// Embeds is set on a page with an embed card whose frame loads on a
	// click: it loads assets/static/embed.js and answers with
	// httpkit.ReaderEmbedCSP, the only pages allowed to frame anything.
	Embeds bool
	loc    *time.Location
	at     time.Time
	// scriptAlts are the absolute URLs of a Kazakh page in both scripts,
	// for hreflang; nil for other services.
	scriptAlts []Alternate
}

// Alternate is a hreflang link.
type Alternate struct{ Lang, Href string }

// ServiceLink is a service in the masthead's list of languages.
type ServiceLink struct {
	Name, Lang, Href string
	Current          bool
}

// ScriptLink is one script of a Kazakh page in the script switcher: its
// name in itself, and the same page in that script.
type ScriptLink struct {
	Label, Lang, Href string
	Current           bool
}

// Teaser is a story in a list, with its path in the page's view.
type Teaser struct {
	news.Summary
	URL string // escaped
}

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
func (l *Layout) Home() string { return l.Base + "/" }

// storyPath is a story's path in the page's view (unescaped).
func (l *Layout) storyPath(s news.Summary) string { return storyPath(l.Base, s) }

// teasers gives stories their paths in the page's view.
func (l *Layout) teasers(list []news.Summary) []Teaser {
	out := make([]Teaser, len(list))
	for i, s := range list {
		out[i] = Teaser{Summary: s, URL: escapePath(l.storyPath(s))}
	}
	return out
}

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
		html.EscapeString(escapePath(storyPath("/"+tr.Service.Code, tr.Summary))), html.EscapeString(tr.Service.Lang),
		html.EscapeString(tr.Service.Lang), html.EscapeString(name))
	return l.fill("translations.read", template.HTML(link))
}

func iso(t time.Time) string { return t.Format(time.RFC3339) }

// storyPath is a story's path under a service's prefix ("/kk"). The Latin
// view writes the slug in Latin; the ID at the end finds the story
// whatever the slug says.
func storyPath(base string, s news.Summary) string {
	slug := s.Slug
	if isLatinBase(base) {
		slug = translit.LatinSlug(slug)
	}
	return base + "/" + s.Section.Slug + "/" + slug + "-" + s.ID
}

// picture renders a responsive image of an asset: the WebP variants for
// browsers that take them, the JPEG (or PNG) <img> for every other.
func picture(a news.Asset, alt, sizes string, lazy bool) template.HTML {
	v := media.Pick(a, 960)
	if v.URL == "" {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<picture><source type="image/webp" srcset="%s" sizes="%s">`,
		html.EscapeString(media.SrcSetWebP(a)), html.EscapeString(sizes))
	fmt.Fprintf(&b, `<img src="%s" srcset="%s" sizes="%s" width="%d" height="%d" alt="%s"`,
		html.EscapeString(v.URL), html.EscapeString(media.SrcSet(a)), html.EscapeString(sizes), v.Width, v.Height, html.EscapeString(alt))
	if lazy {
		b.WriteString(` loading="lazy" decoding="async"`)
	} else {
		b.WriteString(` fetchpriority="high"`)
	}
	b.WriteString("></picture>")
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

// embedThumb renders an embed card's thumbnail, the full-width picture of the
// copy the newsroom made when the embed was inserted. Its alt is empty: the
// card's title beside it says what it shows.
func embedThumb(id string, assets map[string]news.Asset) template.HTML {
	a, ok := assets[id]
	if !ok {
		return ""
	}
	return picture(a, "", "(min-width: 48rem) 44rem, 100vw", true)
}

func parseTemplates(static *assets.Static) (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"asset":  static.URL,
		"inline": render.Inline,
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
	// Lite pages have a base of their own (lite.html).
	lite, err := template.New("lite.html").Funcs(funcs).ParseFS(assets.Templates, "templates/lite.html")
	if err != nil {
		return nil, err
	}
	for _, name := range []string{"lite-home", "lite-list", "lite-story", "lite-error"} {
		t, err := template.Must(lite.Clone()).ParseFS(assets.Templates, "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// page executes a template into a cache entry.
func (s *Site) page(name string, status int, l *Layout, data any) (*pagecache.Entry, error) {
	if status == http.StatusOK && l.scriptAlts != nil {
		l.Alternates = append(slices.Clone(l.scriptAlts), l.Alternates...)
	}
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, "base", data); err != nil {
		return nil, fmt.Errorf("executing %s: %w", name, err)
	}
	h := pageHeaders(l.Lang)
	if l.Embeds {
		h.Set("Content-Security-Policy", httpkit.ReaderEmbedCSP)
	}
	if status != http.StatusOK {
		h.Set("Cache-Control", "public, max-age=10")
	}
	switch {
	case s.countryVary != "":
		h.Add("Vary", s.countryVary)
	case s.countryPrivate:
		// The variant follows the reader's address, which no shared cache
		// sees: only the reader's own browser may keep the page.
		h.Set("Cache-Control", "private, max-age=30")
	}
	return pagecache.NewEntry(status, h, buf.Bytes()), nil
}

// layout loads what every page of a service shows.
func (s *Site) layout(rq *request, svc news.Service, title string) (*Layout, error) {
	l := &Layout{Svc: svc, Cat: rq.catalog(svc), Lang: svc.Lang, Base: rq.base, Origin: rq.origin, loc: svc.Location(), at: rq.at}
	if rq.latin {
		l.Lang = latnLang
	}
	svcs, err := s.store.Services(rq.ctx)
	if err != nil {
		return nil, err
	}
	for _, sv := range svcs {
		link := ServiceLink{Name: i18n.For(sv.Lang).T("lang.name"), Lang: sv.Lang, Href: "/" + sv.Code + "/"}
		if sv.Code == svc.Code {
			link = ServiceLink{Name: l.Cat.T("lang.name"), Lang: l.Lang, Href: l.Home(), Current: true}
		}
		l.ServiceLinks = append(l.ServiceLinks, link)
	}
	if hasLatin(svc) {
		path, prefix := rq.path, ""
		if rq.lite {
			path, prefix = fullPath(path), litePrefix
		}
		cyrl, latn := scriptPaths(svc.Code, path)
		cyrl, latn = escapePath(prefix+cyrl), escapePath(prefix+latn)
		if q := rq.query.Encode(); q != "" {
			cyrl, latn = cyrl+"?"+q, latn+"?"+q
		}
		l.setScripts(cyrl, latn)
	}
	if l.Sections, err = rq.store.Sections(rq.ctx, svc.Code); err != nil {
		return nil, err
	}
	b, err := rq.store.Banner(rq.ctx, svc.Code)
	switch {
	case err == nil && b.Active:
		l.Banner = &b
	case err != nil && !isNotFound(err):
		return nil, err
	}
	notices, err := rq.store.Notices(rq.ctx, svc.Code)
	if err != nil {
		return nil, err
	}
	for _, n := range notices {
		if n.Active && rq.notices.shows(n) {
			l.Notices = append(l.Notices, n)
		}
	}
	if s.newsletter {
		l.Newsletter = "/newsletter/" + svc.Code + "/"
	}
	if s.live && rq.base != "" && !rq.lite {
		l.Live, l.LivePoll, l.NoStreams = "/live"+rq.base+"/", s.livePoll, s.noStreams
	}
	l.Title = title
	if title != svc.Name {
		l.Title = title + " — " + svc.Name
	}
	return l, nil
}

// setScripts points the script switcher and the hreflang pair of a Kazakh
// page at its two versions, given as escaped paths with their query.
func (l *Layout) setScripts(cyrl, latn string) {
	kk := i18n.For(cyrlLang)
	current := isLatinBase(l.Base)
	l.Scripts = []ScriptLink{
		{Label: kk.T("script.cyrl"), Lang: cyrlLang, Href: cyrl, Current: !current},
		{Label: latinCatalog.T("script.latn"), Lang: latnLang, Href: latn, Current: current},
	}
	l.scriptAlts = []Alternate{{Lang: cyrlLang, Href: l.Origin + cyrl}, {Lang: latnLang, Href: l.Origin + latn}}
}

var ogLocales = map[string]string{"kk": "kk_KZ", "ru": "ru_RU", "en": "en_GB", "fa": "fa_IR", "ar": "ar_AR"}

func ogLocale(lang string) string {
	if l, ok := ogLocales[strings.SplitN(lang, "-", 2)[0]]; ok {
		return l
	}
	return strings.ReplaceAll(lang, "-", "_")
}
