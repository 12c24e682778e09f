package site

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"qalam/internal/media"
	"qalam/internal/news"
	"qalam/internal/pagecache"
)

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// leadImageURL is the variant shared as the story's image in previews.
func leadImageURL(a news.Asset) string { return media.Pick(a, 1200).URL }

// newsArticle is the story's schema.org NewsArticle. Authors are the public
// byline profiles; nothing here comes from a staff account.
func (s *Site) newsArticle(l *Layout, p news.Published, images []string, modified time.Time) map[string]any {
	c := p.Rev.Content
	var authors []map[string]any
	for _, a := range p.Authors {
		if a.Collective {
			authors = append(authors, map[string]any{"@type": "Organization", "name": a.Name})
			continue
		}
		authors = append(authors, map[string]any{"@type": "Person", "name": a.Name,
			"url": l.Origin + escapePath(l.Base+"/author/"+a.Slug+"/")})
	}
	ld := map[string]any{
		"@context":         "https://schema.org",
		"@type":            "NewsArticle",
		"headline":         c.Headline.Plain(),
		"description":      c.Deck.Plain(),
		"inLanguage":       l.Lang,
		"mainEntityOfPage": l.Canonical,
		"url":              l.Canonical,
		"datePublished":    iso(p.Story.PublishAt.In(l.loc)),
		"dateModified":     iso(modified.In(l.loc)),
		"articleSection":   p.Section.Name,
		"publisher": map[string]any{
			"@type": "Organization",
			"name":  l.Svc.Name,
			"url":   l.Origin + l.Home(),
			"logo":  map[string]any{"@type": "ImageObject", "url": l.Origin + s.static.URL("logo.svg")},
		},
	}
	if len(images) > 0 {
		ld["image"] = images
	}
	if len(authors) > 0 {
		ld["author"] = authors
	}
	if c.Dateline != "" {
		ld["dateline"] = c.Dateline
	}
	return ld
}

// ErrorPage shows a status in the service's language.
type ErrorPage struct {
	*Layout
	Heading string
	Message string
}

// errorEntry renders the page for a failed request in the language and
// script of the service it was for (the default service when none could be
// told).
func (s *Site) errorEntry(rq *request, err error) (*pagecache.Entry, error) {
	status := http.StatusInternalServerError
	var svc *news.Service
	var he *httpError
	switch {
	case errors.As(err, &he):
		status, svc = he.status, he.svc
	case errors.Is(err, news.ErrNotFound):
		status = http.StatusNotFound
	case errors.Is(err, news.ErrInvalid):
		status = http.StatusBadRequest
	}
	segs := splitPath(rq.path)
	lite := len(segs) > 0 && segs[0] == liteSeg
	if lite {
		segs = segs[1:]
	}
	if svc == nil {
		if len(segs) > 0 {
			if sv, err := s.service(rq, segs[0]); sv.Code != "" && (err == nil || errors.As(err, &he)) {
				svc = &sv
			}
		}
	}
	if svc == nil {
		rq.base, rq.latin, rq.lite, rq.store = "", false, false, s.store
		sv, derr := s.defaultService(rq.ctx)
		if errors.Is(derr, news.ErrNotFound) {
			// A newsroom with no services yet has no language to speak.
			h := http.Header{}
			h.Set("Content-Type", "text/plain; charset=utf-8")
			h.Set("Cache-Control", "no-store")
			return pagecache.NewEntry(status, h, []byte(http.StatusText(status)+": this newsroom has no services yet.\n")), nil
		}
		if derr != nil {
			return nil, derr
		}
		svc = &sv
		rq.base = "/" + sv.Code
	}
	if lite {
		rq.liteView()
	}
	cat := rq.catalog(*svc)
	title := cat.T("error.500.title")
	msg := cat.T("error.500.body")
	switch status {
	case http.StatusBadRequest:
		title, msg = cat.T("error.400.title"), cat.T("error.400.body")
	case http.StatusNotFound:
		title, msg = cat.T("error.404.title"), cat.T("error.404.body")
	case http.StatusGone:
		title, msg = cat.T("error.410.title"), cat.T("error.410.body")
	case http.StatusMethodNotAllowed:
		title, msg = cat.T("error.405.title"), ""
	}
	l, lerr := s.layout(rq, *svc, title)
	if lerr != nil {
		return nil, lerr
	}
	l.Robots = "noindex"
	prefix, name := "", "error"
	if rq.lite {
		prefix, name = litePrefix, "lite-error"
		l.Full = escapePath(fullPath(l.Home()))
		l.toLite()
	}
	if l.Scripts != nil {
		// The path failed in both scripts: switch to the homes rather than
		// echo whatever the request named.
		l.setScripts(prefix+"/"+svc.Code+"/", prefix+"/"+svc.Code+latnSuffix+"/")
	}
	return s.page(name, status, l, &ErrorPage{Layout: l, Heading: title, Message: msg})
}
