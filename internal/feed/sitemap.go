package feed

import (
	"encoding/xml"
	"errors"
	"strconv"
	"strings"
	"time"

	"qalam/internal/news"
	"qalam/internal/pagecache"
	"qalam/internal/scriptview"
)

// Sitemaps (https://www.sitemaps.org/protocol.html): /sitemap.xml indexes,
// for every service, its sitemap files (reader pages, then every public
// story) and its Google News sitemap (stories of the last two days), and
// for a Kazakh service also the sitemap files of its Latin view
// (/sitemaps/kk-latn.xml, /sitemaps/kk-latn/2.xml, ...: the same pages and
// stories at their /kk-latn/ URLs).

const (
	// maxSitemapURLs is the protocol's limit of URLs in one file.
	maxSitemapURLs = 50000
	// newsWindow and maxNewsURLs are Google News sitemap rules.
	newsWindow  = 48 * time.Hour
	maxNewsURLs = 1000
	newsBucket  = 300 // seconds a news sitemap is kept in the page cache

	nsSitemap = "http://www.sitemaps.org/schemas/sitemap/0.9"
	nsNews    = "http://www.google.com/schemas/sitemap-news/0.9"

	sitemapType  = "application/xml; charset=utf-8"
	sitemapCache = "public, max-age=300"
)

type sitemapIndexDoc struct {
	XMLName  xml.Name     `xml:"sitemapindex"`
	Xmlns    string       `xml:"xmlns,attr"`
	Sitemaps []sitemapLoc `xml:"sitemap"`
}

type sitemapLoc struct {
	Loc string `xml:"loc"`
}

type urlsetDoc struct {
	XMLName xml.Name `xml:"urlset"`
	Xmlns   string   `xml:"xmlns,attr"`
	News    string   `xml:"xmlns:news,attr,omitempty"`
	URLs    []urlDoc `xml:"url"`
}

type urlDoc struct {
	Loc     string   `xml:"loc"`
	LastMod string   `xml:"lastmod,omitempty"`
	News    *newsDoc `xml:"news:news"`
}

type newsDoc struct {
	Name     string `xml:"news:publication>news:name"`
	Language string `xml:"news:publication>news:language"`
	Date     string `xml:"news:publication_date"`
	Title    string `xml:"news:title"`
}

func (h *Handler) sitemapIndex(rq *request) (*pagecache.Entry, error) {
	svcs, err := h.store.Services(rq.ctx)
	if err != nil {
		return nil, err
	}
	doc := sitemapIndexDoc{Xmlns: nsSitemap}
	for _, svc := range svcs {
		views := []view{h.plainView(svc)}
		if scriptview.HasLatin(svc) {
			views = append(views, h.latinView(svc))
		}
		for _, v := range views {
			pages, total, err := h.pages(rq, v)
			if err != nil {
				return nil, err
			}
			for n := 1; n <= h.files(len(pages)+total); n++ {
				doc.Sitemaps = append(doc.Sitemaps, sitemapLoc{rq.abs(sitemapPath(v.seg, n))})
			}
			doc.Sitemaps = append(doc.Sitemaps, sitemapLoc{rq.abs(newsSitemapPath(v.seg))})
		}
	}
	return xmlEntry(doc)
}

// files is how many sitemap files n URLs take; a service always has one.
func (h *Handler) files(n int) int {
	per := int(h.perFile.Load())
	return max(1, (n+per-1)/per)
}

// sitemap serves /sitemaps/{svc}.xml, /sitemaps/{svc}/{n}.xml (n ≥ 2) and
// /sitemaps/{svc}-news.xml.
func (h *Handler) sitemap(rq *request, rest string) (*pagecache.Entry, error) {
	name, ok := strings.CutSuffix(rest, ".xml")
	if !ok {
		return nil, errNotFound
	}
	if code, num, paged := strings.Cut(name, "/"); paged {
		n, err := strconv.Atoi(num)
		if err != nil || n < 2 || num != strconv.Itoa(n) {
			return nil, errNotFound
		}
		return h.serviceSitemap(rq, code, n)
	}
	// A service's own sitemap wins over another's news sitemap should a
	// code ever end in "-news".
	e, err := h.serviceSitemap(rq, name, 1)
	if code, isNews := strings.CutSuffix(name, "-news"); isNews && errors.Is(err, news.ErrNotFound) {
		return h.newsSitemap(rq, code)
	}
	return e, err
}

// pages lists a service's reader pages other than stories: the home page,
// sections, and the tag and author pages that list a public story now (a
// tag or byline made for an unpublished story must not be announced).
// It also returns how many stories are public.
func (h *Handler) pages(rq *request, v view) ([]urlDoc, int, error) {
	svc := v.svc
	out := []urlDoc{{Loc: rq.abs(v.homePath())}}
	secs, err := v.store.Sections(rq.ctx, svc.Code)
	if err != nil {
		return nil, 0, err
	}
	for _, s := range secs {
		out = append(out, urlDoc{Loc: rq.abs(v.sectionPath(s))})
	}
	count := func(q news.ListQuery) (int, error) {
		q.Service, q.Limit = svc.Code, 1
		pg, err := v.store.ListPublished(rq.ctx, q, rq.at)
		return pg.Total, err
	}
	tags, err := v.store.Tags(rq.ctx, svc.Code)
	if err != nil {
		return nil, 0, err
	}
	for _, t := range tags {
		if n, err := count(news.ListQuery{TagID: t.ID}); err != nil {
			return nil, 0, err
		} else if n > 0 {
			out = append(out, urlDoc{Loc: rq.abs(v.tagPath(t))})
		}
	}
	authors, err := v.store.Authors(rq.ctx, svc.Code)
	if err != nil {
		return nil, 0, err
	}
	for _, a := range authors {
		if a.Collective {
			continue // no page
		}
		if n, err := count(news.ListQuery{AuthorID: a.ID}); err != nil {
			return nil, 0, err
		} else if n > 0 {
			out = append(out, urlDoc{Loc: rq.abs(v.authorPath(a))})
		}
	}
	total, err := count(news.ListQuery{})
	return out, total, err
}

// serviceSitemap is file n of a service's sitemap in a view (seg: "kk",
// "kk-latn"): its pages, then every public story newest first, cut into
// files of perFile URLs.
func (h *Handler) serviceSitemap(rq *request, seg string, n int) (*pagecache.Entry, error) {
	v, err := h.view(rq.ctx, seg)
	if err != nil {
		return nil, err
	}
	svc := v.svc
	pages, total, err := h.pages(rq, v)
	if err != nil {
		return nil, err
	}
	if n > h.files(len(pages)+total) {
		return nil, errNotFound
	}
	per := int(h.perFile.Load())
	from, to := (n-1)*per, n*per // positions in pages followed by stories
	doc := urlsetDoc{Xmlns: nsSitemap}
	for i := from; i < min(to, len(pages)); i++ {
		doc.URLs = append(doc.URLs, pages[i])
	}
	pos := len(pages)
	loc := svc.Location()
	q := news.ListQuery{Service: svc.Code, Limit: 100}
	for pos < to {
		pg, err := v.store.ListPublished(rq.ctx, q, rq.at)
		if err != nil {
			return nil, err
		}
		for _, s := range pg.Items {
			if pos >= from && pos < to {
				mod := s.PublishAt
				if s.UpdatedAt.After(mod) {
					mod = s.UpdatedAt
				}
				doc.URLs = append(doc.URLs, urlDoc{Loc: rq.abs(v.storyPath(s)), LastMod: mod.In(loc).Format(time.RFC3339)})
			}
			pos++
		}
		if pg.Next == "" {
			break
		}
		q.Cursor = pg.Next
	}
	return xmlEntry(doc)
}

// newsSitemap lists the service's stories first published in the last two
// days, at most 1,000, for Google News; for "kk-latn" the Latin view's
// (headlines, publication name and URLs in Latin, language still "kk").
func (h *Handler) newsSitemap(rq *request, seg string) (*pagecache.Entry, error) {
	v, err := h.view(rq.ctx, seg)
	if err != nil {
		return nil, err
	}
	svc := v.svc
	lang, _, _ := strings.Cut(strings.ToLower(v.lang), "-") // ISO 639 code
	loc := svc.Location()
	doc := urlsetDoc{Xmlns: nsSitemap, News: nsNews}
	q := news.ListQuery{Service: svc.Code, Limit: 100}
	since := rq.at.Add(-newsWindow)
walk:
	for {
		pg, err := v.store.ListPublished(rq.ctx, q, rq.at)
		if err != nil {
			return nil, err
		}
		for _, s := range pg.Items {
			if !s.PublishAt.After(since) || len(doc.URLs) == maxNewsURLs {
				break walk // newest first: the rest are older
			}
			doc.URLs = append(doc.URLs, urlDoc{Loc: rq.abs(v.storyPath(s)), News: &newsDoc{
				Name: svc.Name, Language: lang, Date: s.PublishAt.In(loc).Format(time.RFC3339), Title: s.Headline.Plain()}})
		}
		if pg.Next == "" {
			break
		}
		q.Cursor = pg.Next
	}
	return xmlEntry(doc)
}

func xmlEntry(doc any) (*pagecache.Entry, error) {
	body, err := marshalXML(doc)
	if err != nil {
		return nil, err
	}
	return entry(sitemapType, sitemapCache, body), nil
}
