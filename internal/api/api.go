// Package api is the public, read-only JSON content API under /api/v1/.
// Like the reader site it reads only what is public at an instant, and its
// answers go through the page cache.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"qalam/internal/media"
	"qalam/internal/news"
	"qalam/internal/pagecache"
	"qalam/internal/render"
	"qalam/internal/scriptview"
)

// API serves /api/v1/.
type API struct {
	store   news.Store
	cache   *pagecache.Cache
	now     func() time.Time
	origin  func(*http.Request) string
	mux     *http.ServeMux
	renders atomic.Int64
}

// New returns the API handler. origin tells the origin a request came in
// on (httpkit.Hosts.Origin), for absolute URLs.
func New(store news.Store, cache *pagecache.Cache, now func() time.Time, origin func(*http.Request) string) *API {
	if now == nil {
		now = time.Now
	}
	a := &API{store: store, cache: cache, now: now, origin: origin, mux: http.NewServeMux()}
	a.mux.HandleFunc("GET /api/v1/services", a.handle(a.services, nil))
	a.mux.HandleFunc("GET /api/v1/sections", a.handle(a.sections, []string{"service", "script"}))
	a.mux.HandleFunc("GET /api/v1/stories", a.handle(a.stories, []string{"service", "section", "tag", "limit", "cursor", "script"}))
	a.mux.HandleFunc("GET /api/v1/stories/{id}", a.handle(a.story, []string{"script"}))
	a.mux.HandleFunc("GET /api/v1/search", a.handle(a.search, []string{"service", "q", "limit", "cursor", "script"}))
	a.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeUncached(w, r, http.StatusNotFound, "no such API endpoint")
	})
	return a
}

// Renders counts cache misses.
func (a *API) Renders() int64 { return a.renders.Load() }

func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.mux.ServeHTTP(w, r) }

// apiError carries a status and a message safe to show.
type apiError struct {
	status int
	msg    string
}

func (e *apiError) Error() string { return e.msg }

type call struct {
	ctx    context.Context
	origin string
	query  url.Values
	at     time.Time
	r      *http.Request
	// Set by view: what the endpoint reads through (the Store, or a Kazakh
	// service's Latin view) and the site path prefix its URLs use.
	store news.Store
	base  string // "/kk", "/kk-latn"
	latin bool
}

// view reads the script parameter for a service's answer: none is the
// service as stored, "latn" the Latin view of a Kazakh service (text in
// the 2021 Latin alphabet, URLs into /kk-latn/), anything else a 400.
func (a *API) view(c *call, svc news.Service) error {
	c.store, c.base, c.latin = a.store, "/"+svc.Code, false
	switch v := c.query.Get("script"); {
	case v == "":
		return nil
	case v != "latn":
		return &apiError{http.StatusBadRequest, "script must be latn (the Kazakh Latin view) or left out"}
	case !scriptview.HasLatin(svc):
		return &apiError{http.StatusBadRequest, "script=latn is only for a Kazakh service: service " + strconv.Quote(svc.Code) + " has no Latin view"}
	}
	c.store, c.base, c.latin = scriptview.Latin(a.store, svc.Code), "/"+svc.Code+scriptview.Suffix, true
	return nil
}

// mark says a list's language and script at its top level; only the
// Latin view does (kk-Latn, latn).
func (c *call) mark(resp map[string]any) map[string]any {
	if c.latin {
		resp["lang"], resp["script"] = scriptview.LatinLang, "latn"
	}
	return resp
}

// path is a site path of the call's service in its view: "/kk/tag/sot/"
// becomes "/kk-latn/tag/sot/" in Latin, escaped.
func (c *call) path(service, rest string) string {
	base := "/" + service
	if c.latin && base+scriptview.Suffix == c.base {
		base = c.base
	}
	return escapePath(base + rest)
}

// handle wraps an endpoint: it validates the query, builds the cache key
// from the parameters the endpoint reads, and maps errors to JSON.
func (a *API) handle(fn func(c *call) (any, error), params []string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			writeUncached(w, r, http.StatusBadRequest, "malformed query string")
			return
		}
		kept := url.Values{}
		for _, p := range params {
			if v := q.Get(p); v != "" {
				kept.Set(p, v)
			}
		}
		origin := a.origin(r)
		key := origin + r.URL.Path + "?" + kept.Encode()
		e, err := a.cache.Get(key, func() (*pagecache.Entry, error) {
			a.renders.Add(1)
			ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 10*time.Second)
			defer cancel()
			v, err := fn(&call{ctx: ctx, origin: origin, query: kept, at: news.Time(a.now()), r: r})
			status := http.StatusOK
			if err != nil {
				var ae *apiError
				switch {
				case errors.As(err, &ae):
					status, v = ae.status, errBody(ae.msg)
				case errors.Is(err, news.ErrNotFound):
					status, v = http.StatusNotFound, errBody("not found")
				case errors.Is(err, news.ErrInvalid):
					status, v = http.StatusBadRequest, errBody(strings.TrimPrefix(err.Error(), "invalid: "))
				default:
					return nil, err
				}
			}
			return jsonEntry(status, v), nil
		})
		if err != nil {
			writeUncached(w, r, http.StatusInternalServerError, "internal error")
			return
		}
		e.Serve(w, r)
	}
}

func errBody(msg string) map[string]any { return map[string]any{"error": msg} }

func jsonEntry(status int, v any) *pagecache.Entry {
	body, _ := json.MarshalIndent(v, "", " ")
	body = append(body, '\n')
	h := http.Header{}
	h.Set("Content-Type", "application/json; charset=utf-8")
	if status == http.StatusOK {
		h.Set("Cache-Control", "public, max-age=30")
	} else {
		h.Set("Cache-Control", "public, max-age=10")
	}
	h.Set("Access-Control-Allow-Origin", "*")
	return pagecache.NewEntry(status, h, body)
}

func writeUncached(w http.ResponseWriter, r *http.Request, status int, msg string) {
	e := jsonEntry(status, errBody(msg))
	e.Header.Set("Cache-Control", "no-store")
	e.Serve(w, r)
}

// Service is a service in the API.
type Service struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Lang     string `json:"lang"`
	Dir      string `json:"dir"`
	TimeZone string `json:"time_zone"`
	Default  bool   `json:"default"`
	URL      string `json:"url"`
}

func (a *API) services(c *call) (any, error) {
	svcs, err := a.store.Services(c.ctx)
	if err != nil {
		return nil, err
	}
	out := []Service{}
	for _, s := range svcs {
		out = append(out, Service{Code: s.Code, Name: s.Name, Lang: s.Lang, Dir: s.Dir, TimeZone: s.TimeZone, Default: s.Default, URL: c.origin + "/" + s.Code + "/"})
	}
	return map[string]any{"services": out}, nil
}

// Section is a section in the API.
type Section struct {
	ID      string `json:"id"`
	Service string `json:"service"`
	Slug    string `json:"slug"`
	Name    string `json:"name"`
	URL     string `json:"url"`
}

// service reads the service parameter and sets the call's view from the
// script parameter.
func (a *API) service(c *call) (news.Service, error) {
	code := c.query.Get("service")
	if code == "" {
		return news.Service{}, &apiError{http.StatusBadRequest, "the service parameter is required, e.g. ?service=kk"}
	}
	svc, err := a.store.Service(c.ctx, code)
	if errors.Is(err, news.ErrNotFound) {
		return svc, &apiError{http.StatusNotFound, "no service " + strconv.Quote(code)}
	}
	if err != nil {
		return svc, err
	}
	if err := a.view(c, svc); err != nil {
		return svc, err
	}
	if c.latin {
		svc = scriptview.LatinService(svc)
	}
	return svc, nil
}

func (a *API) sections(c *call) (any, error) {
	svc, err := a.service(c)
	if err != nil {
		return nil, err
	}
	secs, err := c.store.Sections(c.ctx, svc.Code)
	if err != nil {
		return nil, err
	}
	out := []Section{}
	for _, s := range secs {
		out = append(out, sectionJSON(c, s))
	}
	return c.mark(map[string]any{"sections": out}), nil
}

func sectionJSON(c *call, s news.Section) Section {
	return Section{ID: s.ID, Service: s.Service, Slug: s.Slug, Name: s.Name, URL: c.origin + c.path(s.Service, "/"+s.Slug+"/")}
}

// Story is a story in a list.
type Story struct {
	ID        string   `json:"id"`
	Service   string   `json:"service"`
	URL       string   `json:"url"`
	Section   Section  `json:"section"`
	Headline  string   `json:"headline"`
	Deck      string   `json:"deck,omitempty"`
	Dateline  string   `json:"dateline,omitempty"`
	Published string   `json:"published"`
	Updated   string   `json:"updated,omitempty"`
	Lang      string   `json:"lang,omitempty"`   // with script=latn: kk-Latn
	Script    string   `json:"script,omitempty"` // with script=latn: latn
	Image     *Image   `json:"image,omitempty"`
	Authors   []Author `json:"authors,omitempty"`
}

// Image is a media asset with its variants.
type Image struct {
	URL      string    `json:"url"`
	Width    int       `json:"width"`
	Height   int       `json:"height"`
	Alt      string    `json:"alt"`
	Caption  string    `json:"caption,omitempty"`
	Credit   string    `json:"credit,omitempty"`
	Variants []Variant `json:"variants"`
}

// Variant is one resized copy of an image.
type Variant struct {
	URL    string `json:"url"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
}

// Author is a public byline profile.
type Author struct {
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

func (a *API) stories(c *call) (any, error) {
	svc, err := a.service(c)
	if err != nil {
		return nil, err
	}
	q := news.ListQuery{Service: svc.Code, Cursor: c.query.Get("cursor"), Limit: 20}
	if l := c.query.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 100 {
			return nil, &apiError{http.StatusBadRequest, "limit must be a whole number from 1 to 100"}
		}
		q.Limit = n
	}
	if s := c.query.Get("section"); s != "" {
		sec, err := c.store.SectionBySlug(c.ctx, svc.Code, s)
		if err != nil {
			return nil, notFound(err, "no section "+strconv.Quote(s))
		}
		q.SectionID = sec.ID
	}
	if t := c.query.Get("tag"); t != "" {
		tag, err := c.store.TagBySlug(c.ctx, svc.Code, t)
		if err != nil {
			return nil, notFound(err, "no tag "+strconv.Quote(t))
		}
		q.TagID = tag.ID
	}
	pg, err := c.store.ListPublished(c.ctx, q, c.at)
	if err != nil {
		if errors.Is(err, news.ErrInvalid) {
			return nil, &apiError{http.StatusBadRequest, "malformed cursor"}
		}
		return nil, err
	}
	loc := svc.Location()
	out := []Story{}
	for _, s := range pg.Items {
		out = append(out, storyJSON(c, s, loc))
	}
	resp := c.mark(map[string]any{"stories": out, "total": pg.Total})
	c.next(resp, "/api/v1/stories", pg.Next)
	return resp, nil
}

// storyJSON is a story as lists show it.
func storyJSON(c *call, s news.Summary, loc *time.Location) Story {
	st := Story{ID: s.ID, Service: s.Service, URL: c.origin + c.storyPath(s), Section: sectionJSON(c, s.Section),
		Headline: s.Headline.Plain(), Deck: s.Deck.Plain(), Dateline: s.Dateline,
		Published: s.PublishAt.In(loc).Format(time.RFC3339)}
	if !s.UpdatedAt.IsZero() {
		st.Updated = s.UpdatedAt.In(loc).Format(time.RFC3339)
	}
	if c.latin {
		st.Lang, st.Script = scriptview.LatinLang, "latn"
	}
	if s.Lead != nil && s.LeadAsset != nil {
		st.Image = imageJSON(c, *s.LeadAsset, *s.Lead)
	}
	return st
}

// SearchResult is a story found by a search: the fields of a list, with the
// words around the match.
type SearchResult struct {
	Story
	Snippet string      `json:"snippet"`
	Matches []TextRange `json:"matches"`
	Score   float64     `json:"score"`
}

// TextRange is a matched word in a snippet: its start and end offsets in
// Unicode code points.
type TextRange struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// maxQuery bounds a search query's length, as on the site.
const maxQuery = 200

func (a *API) search(c *call) (any, error) {
	svc, err := a.service(c)
	if err != nil {
		return nil, err
	}
	text := strings.TrimSpace(c.query.Get("q"))
	if text == "" {
		return nil, &apiError{http.StatusBadRequest, "the q parameter is required, e.g. ?q=Алматы"}
	}
	if len(text) > maxQuery {
		return nil, &apiError{http.StatusBadRequest, "q must be at most 200 bytes"}
	}
	q := news.SearchQuery{Service: svc.Code, Text: text, Cursor: c.query.Get("cursor"), Limit: 20}
	if l := c.query.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 100 {
			return nil, &apiError{http.StatusBadRequest, "limit must be a whole number from 1 to 100"}
		}
		q.Limit = n
	}
	pg, err := c.store.Search(c.ctx, q, c.at)
	if err != nil {
		if errors.Is(err, news.ErrInvalid) {
			return nil, &apiError{http.StatusBadRequest, strings.TrimPrefix(err.Error(), "invalid: ")}
		}
		return nil, err
	}
	loc := svc.Location()
	out := []SearchResult{}
	for _, h := range pg.Hits {
		r := SearchResult{Story: storyJSON(c, h.Summary, loc), Matches: []TextRange{}, Score: h.Score}
		var b strings.Builder
		n := 0
		for _, sp := range h.Snippet {
			runes := utf8.RuneCountInString(sp.Text)
			for _, m := range sp.Marks {
				if m.Type == news.MarkHit {
					r.Matches = append(r.Matches, TextRange{Start: n, End: n + runes})
					break
				}
			}
			b.WriteString(sp.Text)
			n += runes
		}
		r.Snippet = b.String()
		out = append(out, r)
	}
	resp := c.mark(map[string]any{"results": out, "total": pg.Total})
	c.next(resp, "/api/v1/search", pg.Next)
	return resp, nil
}

// next adds the cursor of the following page to a list answer, with the
// URL that fetches it (the same parameters, the new cursor).
func (c *call) next(resp map[string]any, endpoint, cursor string) {
	if cursor == "" {
		return
	}
	v := url.Values{}
	for k := range c.query {
		v.Set(k, c.query.Get(k))
	}
	v.Set("cursor", cursor)
	resp["next_cursor"] = cursor
	resp["next"] = c.origin + endpoint + "?" + v.Encode()
}

func notFound(err error, msg string) error {
	if errors.Is(err, news.ErrNotFound) {
		return &apiError{http.StatusNotFound, msg}
	}
	return err
}

func imageJSON(c *call, a news.Asset, f news.Figure) *Image {
	main := media.Pick(a, 1200)
	img := &Image{URL: c.origin + main.URL, Width: main.Width, Height: main.Height, Alt: f.Alt, Caption: f.Caption.Plain(), Credit: f.Credit}
	for _, v := range media.Variants(a) {
		img.Variants = append(img.Variants, Variant{URL: c.origin + v.URL, Width: v.Width, Height: v.Height})
	}
	return img
}

// FullStory is one story with its body.
type FullStory struct {
	Story
	Body         json.RawMessage   `json:"body"`
	BodyHTML     string            `json:"body_html"`
	Media        []*Image          `json:"media"`
	Tags         []Tag             `json:"tags"`
	Corrections  []Correction      `json:"corrections"`
	Translations map[string]string `json:"translations"`
}

// Tag is a tag in the API.
type Tag struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
	URL  string `json:"url"`
}

// Correction is a public correction note.
type Correction struct {
	At   string `json:"at"`
	Text string `json:"text"`
}

func (a *API) story(c *call) (any, error) {
	id := c.r.PathValue("id")
	if !news.ValidID(id) {
		return nil, &apiError{http.StatusNotFound, "no story " + strconv.Quote(id)}
	}
	p, err := a.store.PublishedStory(c.ctx, id, c.at)
	if err != nil {
		return nil, notFound(err, "no story "+strconv.Quote(id))
	}
	svc, err := a.store.Service(c.ctx, p.Story.Service)
	if err != nil {
		return nil, err
	}
	if err := a.view(c, svc); err != nil {
		return nil, err
	}
	if c.latin {
		// Read again through the Latin view (the page cache keeps the answer).
		if p, err = c.store.PublishedStory(c.ctx, id, c.at); err != nil {
			return nil, notFound(err, "no story "+strconv.Quote(id))
		}
	}
	loc := svc.Location()
	cn := p.Rev.Content
	sum := news.Summary{ID: p.Story.ID, Service: p.Story.Service, Section: p.Section, Slug: p.Story.Slug}
	fs := FullStory{Story: Story{ID: p.Story.ID, Service: p.Story.Service, URL: c.origin + c.storyPath(sum), Section: sectionJSON(c, p.Section),
		Headline: cn.Headline.Plain(), Deck: cn.Deck.Plain(), Dateline: cn.Dateline,
		Published: p.Story.PublishAt.In(loc).Format(time.RFC3339)},
		Body: cn.Body.Encode(), Media: []*Image{}, Tags: []Tag{}, Corrections: []Correction{}, Translations: map[string]string{}}
	if c.latin {
		fs.Lang, fs.Script = scriptview.LatinLang, "latn"
	}
	if !p.Story.UpdatedAt.IsZero() {
		fs.Updated = p.Story.UpdatedAt.In(loc).Format(time.RFC3339)
	}
	for _, au := range p.Authors {
		j := Author{Name: au.Name}
		if !au.Collective {
			j.URL = c.origin + c.path(au.Service, "/author/"+au.Slug+"/")
		}
		fs.Authors = append(fs.Authors, j)
	}
	figures := map[string]news.Figure{}
	if cn.Lead != nil {
		figures[cn.Lead.AssetID] = *cn.Lead
	}
	for _, b := range cn.Body.Blocks {
		if b.Figure != nil {
			if _, ok := figures[b.Figure.AssetID]; !ok {
				figures[b.Figure.AssetID] = *b.Figure
			}
		}
		// An embed's thumbnail is described by the embed it stands for.
		if e := b.Embed; e != nil && e.Thumb != "" {
			if _, ok := figures[e.Thumb]; !ok {
				figures[e.Thumb] = news.Figure{AssetID: e.Thumb, Alt: e.Title, Credit: render.EmbedSource(*e)}
			}
		}
	}
	for _, id := range cn.AssetIDs() {
		if as, ok := p.Assets[id]; ok {
			img := imageJSON(c, as, figures[id])
			fs.Media = append(fs.Media, img)
			if cn.Lead != nil && id == cn.Lead.AssetID {
				fs.Image = img
			}
		}
	}
	fs.BodyHTML = string(render.Body(cn.Body, render.Options{}))
	for _, t := range p.Tags {
		fs.Tags = append(fs.Tags, Tag{Slug: t.Slug, Name: t.Name, URL: c.origin + c.path(t.Service, "/tag/"+t.Slug+"/")})
	}
	for _, cr := range p.Corrections {
		fs.Corrections = append(fs.Corrections, Correction{At: cr.At.In(loc).Format(time.RFC3339), Text: cr.Text.Plain()})
	}
	for _, tr := range p.Translations {
		fs.Translations[tr.Service.Code] = c.origin + storyPath(tr.Summary)
	}
	return fs, nil
}

func storyPath(s news.Summary) string {
	return escapePath("/" + s.Service + "/" + s.Section.Slug + "/" + s.Slug + "-" + s.ID)
}

// storyPath is a story's path in the call's view: in the Latin view under
// /kk-latn/ with the slug in Latin, as the site builds it.
func (c *call) storyPath(s news.Summary) string {
	if c.latin && "/"+s.Service+scriptview.Suffix == c.base {
		return escapePath(c.base + "/" + s.Section.Slug + "/" + scriptview.Slug(c.base, s.Slug) + "-" + s.ID)
	}
	return storyPath(s)
}

func escapePath(p string) string {
	u := url.URL{Path: p}
	return u.EscapedPath()
}
