// Package server wires qalam's surfaces into one http.Handler and keeps the
// page cache honest: it watches the database's content version so a change
// made by any process reaches readers within a second.
package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"qalam/assets"
	"qalam/internal/admin"
	"qalam/internal/api"
	"qalam/internal/auth"
	"qalam/internal/comments"
	"qalam/internal/config"
	"qalam/internal/feed"
	"qalam/internal/httpkit"
	"qalam/internal/live"
	"qalam/internal/media"
	"qalam/internal/news"
	"qalam/internal/newsletter"
	"qalam/internal/pagecache"
	"qalam/internal/scriptview"
	"qalam/internal/site"
)

// Server is the assembled reader-facing application.
type Server struct {
	opts   config.Options
	store  news.Store
	cache  *pagecache.Cache
	Site   *site.Site
	API    *api.API
	Feed   *feed.Handler
	origin func(*http.Request) string
	hosts  *httpkit.Hosts
	// Live pushes the breaking-news banner to open pages (internal/live).
	Live    *live.Hub
	mirrors atomic.Pointer[mirrorState]
	handler http.Handler
	ready   atomic.Bool
	log     *slog.Logger
	now     func() time.Time
	watch   struct {
		sync.Mutex
		started bool
		version int64
		next    time.Time
		hasNext bool
	}
}

// maxBody bounds request bodies; the reader site takes none worth more.
const maxBody = 1 << 20

// New builds the server. It answers /healthz with 503 and reader pages
// with 503 until SetReady is called.
func New(opts config.Options, store news.Store, lib *media.Library, log *slog.Logger, now func() time.Time) (*Server, error) {
	if now == nil {
		now = time.Now
	}
	s := &Server{opts: opts, store: store, log: log, now: now, cache: pagecache.New(opts.CacheBytes)}
	static := assets.LoadStatic()
	var err error
	hosts := httpkit.NewHosts(opts.Hosts, opts.TrustedProxies)
	s.hosts = hosts
	mediaHandler := lib.Handler(func(ctx context.Context, id string) (news.Asset, error) {
		return store.PublicAsset(ctx, id, news.Time(s.now()))
	})
	country, countryVary, err := s.countryResolver(opts)
	if err != nil {
		return nil, err
	}
	fingerprint, err := signingFingerprint(opts)
	if err != nil {
		return nil, err
	}
	s.Live = live.New(live.Config{Store: store, Max: opts.MaxStreams, Log: log, Now: now})
	s.Site, err = site.New(site.Config{Live: true, LivePoll: opts.LivePoll, NoStreams: opts.MaxStreams == 0, Country: country, CountryVary: countryVary, Newsletter: opts.Newsletter.Enabled(), Store: store, Static: static, Cache: s.cache, Now: now, Log: log, Primary: opts.Primary.String(), Fingerprint: fingerprint, Origin: hosts.Origin,
		MediaSize: func(ctx context.Context, u string) int64 { return headSize(ctx, mediaHandler, u) }})
	if err != nil {
		return nil, err
	}
	s.API = api.New(store, s.cache, now, hosts.Origin)
	s.origin = hosts.Origin
	s.Feed = feed.New(feed.Config{Store: store, Cache: s.cache, Now: now, Log: log, Origin: hosts.Origin, Primary: opts.Primary.String(), Fingerprint: fingerprint, Media: mediaHandler})

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /robots.txt", s.robots)
	mux.Handle("GET /assets/", static)
	mux.Handle("GET /media/", s.whenReady(mediaHandler))
	mux.Handle("/api/", s.whenReady(s.API))
	mux.Handle("/live/", s.whenReady(s.Live))
	for _, p := range []string{"/feeds/", "/sitemaps/", "/sitemap.xml"} {
		mux.Handle(p, s.whenReady(s.Feed))
	}
	// Prefixes that can never be taken by a service code: the site serves
	// the lite pages under /lite/ (site/lite.go).
	mux.Handle("/lite/", s.whenReady(s.Site))
	// The newsroom admin (internal/admin, sign-in and access control in
	// internal/auth) answers /admin on the admin origin only; on every
	// other host it hands /admin to the site, a plain 404, so mirrors
	// never expose it. A store without staff data leaves /admin to the site.
	if staff, ok := store.(news.StaffStore); ok {
		require2FA := map[news.Role]bool{}
		for _, name := range opts.Require2FA {
			r, err := news.ParseRole(name)
			if err != nil {
				return nil, fmt.Errorf("--require-2fa: %w", err)
			}
			require2FA[r] = true
		}
		// The story workflow (admin/stories*.go) when the store keeps locks
		// and preview links; webhooks, Telegram and newsletters tell what
		// an unpublished story cannot take back.
		wf, _ := store.(news.WorkflowStore)
		wh, _ := store.(news.WebhookStore)
		tg, _ := store.(news.TelegramStore)
		nls, _ := store.(news.NewsletterStore)
		cms, _ := store.(news.CommentStore)
		adm, err := admin.New(admin.Config{
			Auth: auth.New(auth.Config{Store: staff, Services: store.Services, Now: now, Log: log, Require2FA: require2FA,
				Issuer: "qalam " + opts.AdminOrigin.Host}),
			Static: static, Origin: opts.AdminOrigin, TrustedProxies: opts.TrustedProxies, Log: log, NotFound: s.Site,
			Mirrors: store, Stories: store, Workflow: wf, Webhooks: wh, Telegram: tg, Newsletters: nls,
			Preview: s.Site.Preview, ReaderOrigin: opts.Primary.String(), Media: lib.Handler, Library: lib, Comments: cms,
			Outbound: admin.EmbedClient(opts.OutboundAllow)})
		if err != nil {
			return nil, err
		}
		mux.Handle("/admin", s.whenReady(adm))
		mux.Handle("/admin/", s.whenReady(adm))
		// Preview links for colleagues without an account, on every host,
		// never cached (admin/preview.go).
		mux.Handle(admin.PreviewPrefix, s.whenReady(adm.PreviewLinks()))
	}
	// Newsletters (internal/newsletter): subscription pages under
	// /newsletter/{service}/, only when an SMTP server is configured.
	if nl, ok := store.(newsletter.Store); ok && opts.Newsletter.Enabled() {
		h, err := newsletter.New(newsletter.Config{Store: nl, Primary: opts.Primary.String(),
			TrustedProxies: opts.TrustedProxies, Static: static, Now: now, Log: log})
		if err != nil {
			return nil, err
		}
		mux.Handle(newsletter.Prefix, s.whenReady(h))
	}
	// Readers' comments (internal/comments) under /comments/{service}/{story},
	// cached in the page cache under each thread's own version.
	if cs, ok := store.(comments.Store); ok {
		h, err := comments.New(comments.Config{Store: cs, Cache: s.cache, Static: static,
			TrustedProxies: opts.TrustedProxies, Now: now, Log: log})
		if err != nil {
			return nil, err
		}
		mux.Handle(comments.Prefix, s.whenReady(h))
	}
	mux.Handle("/", s.whenReady(s.Site))

	var h http.Handler = mux
	h = s.mirrorRoutes(h)
	h = hosts.Check(h)
	// Bodies are bounded to maxBody, but for the admin's image upload
	// (admin/media.go), which bounds its own to one image.
	small, upload := httpkit.Secure(maxBody, h), httpkit.Secure(media.MaxUploadBody, h)
	h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && (r.URL.Path == "/admin/media" || r.URL.Path == admin.APIPrefix+"media") {
			upload.ServeHTTP(w, r)
			return
		}
		small.ServeHTTP(w, r)
	})
	if opts.AccessLog {
		h = httpkit.AccessLog(log, h)
	}
	s.handler = httpkit.Recover(log, h)
	return s, nil
}

// headSize asks a handler for a path with HEAD and returns the
// Content-Length it answers 200 with, or 0. Lite pages print media sizes
// this way, through the same checks that serve the file.
func headSize(ctx context.Context, h http.Handler, path string) int64 {
	r, err := http.NewRequestWithContext(ctx, http.MethodHead, path, nil)
	if err != nil {
		return 0
	}
	w := &headWriter{header: http.Header{}, status: http.StatusOK}
	h.ServeHTTP(w, r)
	if w.status != http.StatusOK {
		return 0
	}
	n, err := strconv.ParseInt(w.header.Get("Content-Length"), 10, 64)
	if err != nil {
		return 0
	}
	return n
}

// headWriter records a response's status and headers, dropping its body.
type headWriter struct {
	header http.Header
	status int
}

func (w *headWriter) Header() http.Header         { return w.header }
func (w *headWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *headWriter) WriteHeader(code int)        { w.status = code }

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// SetReady marks migrations and seeding as done.
func (s *Server) SetReady() { s.ready.Store(true) }

// Cache exposes the page cache (for tests and the watcher).
func (s *Server) Cache() *pagecache.Cache { return s.cache }

func (s *Server) whenReady(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.ready.Load() {
			w.Header().Set("Retry-After", "2")
			w.Header().Set("Cache-Control", "no-store")
			http.Error(w, "503 Service Unavailable: qalam is starting", http.StatusServiceUnavailable)
			return
		}
		h.ServeHTTP(w, r)
	})
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if !s.ready.Load() {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("starting\n"))
		return
	}
	if _, err := s.store.ContentVersion(r.Context()); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database unavailable\n"))
		return
	}
	w.Write([]byte("ok\n"))
}

// robots names the sitemaps with absolute URLs on the host asked: the
// index, and each service's files too for crawlers that skip indexes.
func (s *Server) robots(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	origin := s.origin(r)
	var b strings.Builder
	b.WriteString("User-agent: *\nDisallow: /admin\nDisallow: /api/\nDisallow: /*/search\nDisallow: /preview/\nDisallow: /comments/\nDisallow: /live/\nAllow: /\n\n")
	b.WriteString("Sitemap: " + origin + "/sitemap.xml\n")
	if s.ready.Load() {
		if svcs, err := s.store.Services(r.Context()); err == nil {
			for _, svc := range svcs {
				b.WriteString("Sitemap: " + origin + "/sitemaps/" + svc.Code + ".xml\n")
				b.WriteString("Sitemap: " + origin + "/sitemaps/" + svc.Code + "-news.xml\n")
				if scriptview.HasLatin(svc) {
					latn := svc.Code + scriptview.Suffix
					b.WriteString("Sitemap: " + origin + "/sitemaps/" + latn + ".xml\n")
					b.WriteString("Sitemap: " + origin + "/sitemaps/" + latn + "-news.xml\n")
				}
			}
		}
	}
	w.Write([]byte(b.String()))
}

// Watch purges the page cache whenever the content version changes (a
// write by this or any other process) or a scheduled story's time comes.
// It polls every interval (at most a second, see config) until ctx ends.
func (s *Server) Watch(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := s.Poll(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("content version check failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Poll checks once whether public content changed since the last check and
// purges the page cache if it did; it reports whether it purged. The first
// call always purges: nothing cached before it can be trusted.
func (s *Server) Poll(ctx context.Context) (bool, error) {
	s.watch.Lock()
	defer s.watch.Unlock()
	v, err := s.store.ContentVersion(ctx)
	if err != nil {
		return false, err
	}
	now := news.Time(s.now())
	first := !s.watch.started
	due := s.watch.hasNext && !s.watch.next.After(now)
	changed := v != s.watch.version
	if !first && !changed && !due {
		return false, nil
	}
	if err := s.refreshMirrors(ctx); err != nil {
		return false, err
	}
	s.cache.Purge()
	s.Site.ContentChanged()
	s.Live.Changed(ctx)
	s.watch.started, s.watch.version = true, v
	s.watch.next, s.watch.hasNext, err = s.store.NextScheduled(ctx, now)
	return true, err
}
