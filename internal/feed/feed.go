// Package feed serves the ways stories reach readers and search engines
// outside the reader pages: RSS 2.0, Atom 1.0 and JSON Feed 1.1 for every
// service, section, tag and author under /feeds/, and the sitemaps under
// /sitemap.xml and /sitemaps/.
//
// Like the site and the API it reads only through the Store's public reads
// at the current instant, writes absolute URLs for the origin the reader
// used, and keeps every answer in the page cache.
package feed

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"qalam/internal/news"
	"qalam/internal/pagecache"
)

// Config is what a Handler is built from.
type Config struct {
	Store news.Store
	Cache *pagecache.Cache
	Now   func() time.Time // defaults to time.Now
	Log   *slog.Logger
	// Origin tells the origin a request came in on (httpkit.Hosts.Origin).
	Origin func(*http.Request) string
	// Primary is the site's main origin; feeds list it first among the
	// addresses readers can reach the site on.
	Primary string
	// Fingerprint is the newsroom's export signing key's fingerprint,
	// published in every feed so readers can check a copy of the site;
	// "" when there is none.
	Fingerprint string
	// Media is the /media/ handler. It is asked with HEAD for the byte size
	// RSS enclosures must state, so only public images are ever measured.
	Media http.Handler
}

// Handler serves /feeds/, /sitemaps/ and /sitemap.xml.
type Handler struct {
	store   news.Store
	cache   *pagecache.Cache
	now     func() time.Time
	log     *slog.Logger
	origin  func(*http.Request) string
	primary string
	finger  string
	media   http.Handler
	renders atomic.Int64
	perFile atomic.Int64 // URLs per sitemap file
}

// New returns the handler.
func New(c Config) *Handler {
	h := &Handler{store: c.Store, cache: c.Cache, now: c.Now, log: c.Log, origin: c.Origin, primary: c.Primary, finger: c.Fingerprint, media: c.Media}
	if h.now == nil {
		h.now = time.Now
	}
	if h.log == nil {
		h.log = slog.Default()
	}
	h.perFile.Store(maxSitemapURLs)
	return h
}

// Renders counts cache misses.
func (h *Handler) Renders() int64 { return h.renders.Load() }

// renderTimeout bounds one render; it runs detached from the request that
// started it because other readers may be waiting for the same answer.
const renderTimeout = 10 * time.Second

// ServeHTTP answers from the page cache. The key is the origin and the
// path (for a news sitemap also a five-minute slot): no feed or sitemap
// reads a query parameter, so none can split the cache.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		plain(http.StatusMethodNotAllowed, "no-store").Serve(w, r)
		return
	}
	origin := h.origin(r)
	key := origin + r.URL.Path
	if strings.HasPrefix(r.URL.Path, "/sitemaps/") && strings.HasSuffix(r.URL.Path, "-news.xml") {
		// A news sitemap changes with the clock as well as the content:
		// stories leave it two days after publication, when no purge
		// comes. A new key every five minutes (its max-age) keeps it
		// honest; the old ones are never asked for again and age out of
		// the LRU first.
		key += "@" + strconv.FormatInt(h.now().Unix()/newsBucket, 10)
	}
	e, err := h.cache.Get(key, func() (*pagecache.Entry, error) {
		h.renders.Add(1)
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), renderTimeout)
		defer cancel()
		rq := &request{ctx: ctx, origin: origin, path: r.URL.Path, at: news.Time(h.now())}
		e, err := h.route(rq)
		if errors.Is(err, news.ErrNotFound) {
			return plain(http.StatusNotFound, "public, max-age=60"), nil
		}
		return e, err
	})
	if err != nil {
		h.log.Error("feed render failed", "path", r.URL.Path, "err", err)
		plain(http.StatusInternalServerError, "no-store").Serve(w, r)
		return
	}
	e.Serve(w, r)
}

// request is one render's inputs.
type request struct {
	ctx    context.Context
	origin string
	path   string
	at     time.Time
}

// abs is the absolute URL of a site path on the request's origin.
func (rq *request) abs(path string) string { return rq.origin + escapePath(path) }

// errNotFound answers 404 for a path no route knows.
var errNotFound = news.ErrNotFound

func (h *Handler) route(rq *request) (*pagecache.Entry, error) {
	switch {
	case rq.path == "/sitemap.xml":
		return h.sitemapIndex(rq)
	case strings.HasPrefix(rq.path, "/sitemaps/"):
		return h.sitemap(rq, strings.TrimPrefix(rq.path, "/sitemaps/"))
	case strings.HasPrefix(rq.path, "/feeds/"):
		return h.feed(rq, strings.TrimPrefix(rq.path, "/feeds/"))
	}
	return nil, errNotFound
}

// entry makes a cacheable 200 answer.
func entry(contentType, cacheControl string, body []byte) *pagecache.Entry {
	hd := http.Header{}
	hd.Set("Content-Type", contentType)
	hd.Set("Cache-Control", cacheControl)
	return pagecache.NewEntry(http.StatusOK, hd, body)
}

func plain(status int, cacheControl string) *pagecache.Entry {
	hd := http.Header{}
	hd.Set("Content-Type", "text/plain; charset=utf-8")
	hd.Set("Cache-Control", cacheControl)
	return pagecache.NewEntry(status, hd, []byte(http.StatusText(status)+"\n"))
}
