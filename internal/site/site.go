// Package site is the public reader site: service homes, sections, tags,
// authors, stories, search and error pages, rendered on the server from
// html/template and kept in the page cache. Kazakh services are served in
// the 2021 Latin alphabet too, under /{service}-latn/ (latin.go).
//
// Every read goes through the news.Store methods that return only what is
// public at an instant, so nothing unpublished can reach a page.
package site

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"qalam/assets"
	"qalam/internal/i18n"
	"qalam/internal/news"
	"qalam/internal/pagecache"
	"qalam/internal/scriptview"
	"qalam/internal/translit"
)

// Site serves the reader pages under /{service}/.
type Site struct {
	store   news.Store
	static  *assets.Static
	cache   *pagecache.Cache
	pages   map[string]*template.Template
	now     func() time.Time
	log     *slog.Logger
	primary string // the site's main origin: rel=canonical names it
	// fingerprint is the newsroom's export signing key's fingerprint,
	// published so readers can check a copy of the site.
	fingerprint string
	origin      func(*http.Request) string
	// country tells a reader's country for targeted notices; nil shows
	// every notice to everyone (geo.go).
	country        func(*http.Request) (string, bool)
	countryVary    string // header to name in Vary when the country comes from it
	countryPrivate bool   // the country comes from the reader's address: shared caches must not keep pages
	targets        targets
	newsletter     bool
	live           bool
	livePoll       int64 // ms
	noStreams      bool
	renders        atomic.Int64
	// mediaSize tells the byte size of a media variant URL, for the size
	// lite pages print on an image's link; 0 when unknown.
	mediaSize func(ctx context.Context, url string) int64
}

// Config is what a Site is built from.
type Config struct {
	Store  news.Store
	Static *assets.Static
	Cache  *pagecache.Cache
	Now    func() time.Time // defaults to time.Now
	Log    *slog.Logger
	// Primary is the site's main origin ("https://news.example.org"):
	// rel=canonical and hreflang name it whatever host a page is read on.
	Primary string
	// Fingerprint is the fingerprint of the newsroom's signing key for
	// static exports, shown on the mirrors page; "" if there is none.
	Fingerprint string
	// Origin tells the origin a request came in on (httpkit.Hosts.Origin).
	Origin func(*http.Request) string
	// Country tells the reader's country (ISO code) for country-targeted
	// notices, or false when unknown; nil means unknown for everyone.
	Country func(*http.Request) (string, bool)
	// CountryVary is the request header the country comes from (a CDN's),
	// named in Vary; "" when it comes from the reader's address, in which
	// case pages are marked private for shared caches.
	CountryVary string
	// Live says /live/ serves the banner's live updates (internal/live):
	// full pages then load assets/static/live.js.
	Live bool
	// LivePoll is how often a page turned away from a stream polls instead.
	LivePoll time.Duration
	// NoStreams says the server holds no live streams at all (--max-streams
	// 0): pages poll from the start instead of being turned away.
	NoStreams bool
	// Newsletter says newsletters are on: every page's footer links to the
	// service's subscription page (/newsletter/{service}/).
	Newsletter bool
	// MediaSize tells the byte size of the media file at a /media/ URL
	// (0 when unknown); lite pages print it on image links.
	MediaSize func(ctx context.Context, url string) int64
}

// New parses the templates and returns the site.
func New(c Config) (*Site, error) {
	s := &Site{store: c.Store, static: c.Static, cache: c.Cache, now: c.Now, log: c.Log, primary: c.Primary, fingerprint: c.Fingerprint, origin: c.Origin,
		country: c.Country, countryVary: c.CountryVary, countryPrivate: c.Country != nil && c.CountryVary == "", newsletter: c.Newsletter, live: c.Live, livePoll: c.LivePoll.Milliseconds(), noStreams: c.NoStreams, mediaSize: c.MediaSize}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	var err error
	if s.pages, err = parseTemplates(s.static); err != nil {
		return nil, err
	}
	return s, nil
}

// Renders counts page renders (cache misses), for tests and metrics.
func (s *Site) Renders() int64 { return s.renders.Load() }

// renderTimeout bounds one render; it runs detached from the request that
// started it because other readers may be waiting for the same page.
const renderTimeout = 10 * time.Second

// ServeHTTP serves every path whose first segment may be a service.
func (s *Site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		s.serveUncached(w, r, &httpError{status: http.StatusMethodNotAllowed})
		return
	}
	origin := s.origin(r)
	key := origin + r.URL.Path
	var kept url.Values
	if r.URL.RawQuery != "" {
		kept = url.Values{}
		query, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			s.serveUncached(w, r, &httpError{status: http.StatusBadRequest})
			return
		}
		for _, p := range usedParams(r.URL.Path) {
			if v := query.Get(p); v != "" {
				kept.Set(p, v)
			}
		}
		if len(kept) > 0 {
			key += "?" + kept.Encode()
		}
	}
	notices, err := s.noticeVariant(r)
	if err != nil {
		s.log.Error("notice variant", "path", r.URL.Path, "err", err)
		s.serveUncached(w, r, err)
		return
	}
	if notices != allNotices {
		key += "\x00notices=" + notices.key
	}
	e, err := s.cache.Get(key, func() (*pagecache.Entry, error) {
		s.renders.Add(1)
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), renderTimeout)
		defer cancel()
		return s.render(ctx, origin, r.URL.Path, kept, notices)
	})
	if err != nil {
		s.log.Error("render failed", "path", r.URL.Path, "err", err)
		s.serveUncached(w, r, err)
		return
	}
	e.Serve(w, r)
}

// usedParams names the query parameters a page reads, judged from the
// path's shape; all others are dropped from the cache key and ignored.
func usedParams(path string) []string {
	segs := splitPath(path)
	if len(segs) > 0 && segs[0] == liteSeg {
		// Lite pages read only a section's cursor: /lite/kk/{section}/.
		if len(segs) == 3 && strings.HasSuffix(path, "/") {
			return []string{"cursor"}
		}
		return nil
	}
	switch {
	case len(segs) == 2 && segs[1] == "search":
		return []string{"q", "cursor"}
	case len(segs) >= 2 && len(segs) <= 3 && strings.HasSuffix(path, "/"):
		return []string{"cursor"}
	}
	return nil
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// httpError is a reader-facing failure with a status page.
type httpError struct {
	status int
	svc    *news.Service // the service whose language the page uses
	err    error
}

func (e *httpError) Error() string {
	if e.err != nil {
		return fmt.Sprintf("%d: %v", e.status, e.err)
	}
	return http.StatusText(e.status)
}

func (e *httpError) Unwrap() error { return e.err }

// render produces the cache entry for a path: a page, a redirect or an
// error page. Only failures of storage are returned as errors (and not
// cached).
func (s *Site) render(ctx context.Context, origin, path string, q url.Values, notices *noticeSet) (*pagecache.Entry, error) {
	rq := s.request(ctx, origin, path, q)
	rq.notices = notices
	e, err := s.route(rq)
	if err == nil {
		return e, nil
	}
	var he *httpError
	if errors.As(err, &he) || errors.Is(err, news.ErrNotFound) || errors.Is(err, news.ErrInvalid) {
		return s.errorEntry(rq, err)
	}
	return nil, err
}

// serveUncached writes an error page that must not be cached (405, 500).
func (s *Site) serveUncached(w http.ResponseWriter, r *http.Request, err error) {
	rq := s.request(r.Context(), s.origin(r), r.URL.Path, nil)
	e, rerr := s.errorEntry(rq, err)
	if rerr != nil {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte("500 Internal Server Error\n"))
		return
	}
	e.Header.Set("Cache-Control", "no-store")
	e.Serve(w, r)
}

// request is one render's inputs.
type request struct {
	ctx    context.Context
	origin string
	path   string
	query  url.Values
	at     time.Time
	// Set by service from the path's first segment:
	store news.Store // what pages read through: the Store, or its Latin view
	base  string     // the service's path prefix in this view: "/kk", "/kk-latn"
	latin bool       // the Latin view of a Kazakh service
	lite  bool       // a lite page: base starts with /lite (lite.go)
	// notices is the variant of country-targeted notices shown (geo.go).
	notices *noticeSet
}

func (s *Site) request(ctx context.Context, origin, path string, q url.Values) *request {
	return &request{ctx: ctx, origin: origin, path: path, query: q, at: news.Time(s.now()), store: s.store}
}

// service finds the service a path's first segment names and sets the
// request's view: "kk" is the Kazakh service as stored, "kk-latn" its
// Latin view. A "-latn" segment of a service that is not Kazakh is a 404
// in that service's language.
func (s *Site) service(rq *request, seg string) (news.Service, error) {
	code, latin := strings.CutSuffix(seg, latnSuffix)
	svc, err := s.store.Service(rq.ctx, code)
	if err != nil {
		return svc, err
	}
	rq.base = "/" + svc.Code
	if !latin {
		return svc, nil
	}
	if !hasLatin(svc) {
		return svc, &httpError{status: http.StatusNotFound, svc: &svc}
	}
	rq.base += latnSuffix
	rq.latin = true
	rq.store = scriptview.Latin(s.store, svc.Code)
	return scriptview.LatinService(svc), nil
}

// catalog is the messages of a service's pages in the request's view.
func (rq *request) catalog(svc news.Service) *i18n.Catalog {
	if rq.latin {
		return latinCatalog
	}
	return i18n.For(svc.Lang)
}

// text is a string from the reader (a search query) in the request's script.
func (rq *request) text(s string) string {
	if rq.latin {
		return translit.Latin(s)
	}
	return s
}

func (s *Site) route(rq *request) (*pagecache.Entry, error) {
	segs := splitPath(rq.path)
	if len(segs) == 0 {
		return s.rootRedirect(rq)
	}
	if segs[0] == liteSeg {
		return s.liteRoute(rq, segs[1:])
	}
	if len(segs) == 1 && segs[0] == mirrorsJSON {
		return s.mirrorsDoc(rq)
	}
	svc, err := s.service(rq, segs[0])
	if err != nil {
		return nil, err
	}
	slash := strings.HasSuffix(rq.path, "/")
	rest := segs[1:]
	switch {
	case len(rest) == 0:
		if !slash {
			return redirect(rq.base + "/"), nil
		}
		return s.home(rq, svc)
	case len(rest) == 1 && rest[0] == "search":
		return s.search(rq, svc)
	case len(rest) == 1 && rest[0] == "mirrors":
		return s.mirrors(rq, svc)
	case len(rest) == 2 && (rest[0] == "tag" || rest[0] == "author"):
		if !slash {
			return redirect(rq.path + "/"), nil
		}
		if rest[0] == "tag" {
			return s.tagPage(rq, svc, rest[1])
		}
		return s.authorPage(rq, svc, rest[1])
	case len(rest) == 1:
		if !slash {
			return redirect(rq.path + "/"), nil
		}
		return s.sectionPage(rq, svc, rest[0])
	case len(rest) == 2:
		if slash {
			return redirect(strings.TrimSuffix(rq.path, "/")), nil
		}
		return s.storyPage(rq, svc, rest[0], rest[1])
	}
	return nil, &httpError{status: http.StatusNotFound, svc: &svc}
}

// rootRedirect sends "/" to the default service.
func (s *Site) rootRedirect(rq *request) (*pagecache.Entry, error) {
	svc, err := s.defaultService(rq.ctx)
	if err != nil {
		return nil, err
	}
	e := redirect("/" + svc.Code + "/")
	e.Status = http.StatusFound // the default may change; do not let browsers remember it forever
	e.Header.Set("Cache-Control", "public, max-age=60")
	return e, nil
}

func (s *Site) defaultService(ctx context.Context) (news.Service, error) {
	svcs, err := s.store.Services(ctx)
	if err != nil {
		return news.Service{}, err
	}
	if len(svcs) == 0 {
		return news.Service{}, fmt.Errorf("no services configured: %w", news.ErrNotFound)
	}
	for _, sv := range svcs {
		if sv.Default {
			return sv, nil
		}
	}
	return svcs[0], nil
}

// redirect is a permanent redirect to a path on the same host.
func redirect(to string) *pagecache.Entry {
	h := http.Header{}
	h.Set("Location", escapePath(to))
	h.Set("Cache-Control", "public, max-age=3600")
	h.Set("Content-Type", "text/plain; charset=utf-8")
	return pagecache.NewEntry(http.StatusMovedPermanently, h, nil)
}

// escapePath percent-encodes each segment of a path (slugs may be Cyrillic).
func escapePath(p string) string {
	u := url.URL{Path: p}
	return u.EscapedPath()
}

// pageHeaders are the headers of a cacheable reader page.
func pageHeaders(lang string) http.Header {
	h := http.Header{}
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "public, max-age=30, stale-while-revalidate=30")
	h.Set("Content-Language", lang)
	return h
}
