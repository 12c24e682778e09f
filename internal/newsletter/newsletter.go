// Package newsletter is the readers' side of the per-service newsletters:
// the subscription pages under /newsletter/{service}/ (double opt-in,
// single-use confirmation links, unsubscribing with a button or in one
// click per RFC 8058), the mails, and the jobs that send them at most once
// per reader and edition.
//
// Readers' safety: nothing here stores or logs an IP address or a
// User-Agent. The subscription form's rate limit keys on the client
// address through internal/ratelimit, which keeps only an HMAC under a
// key rotated daily, in memory. The answer to a subscription is the same
// whether or not the address was subscribed, so the form cannot be used to
// learn who reads the newsroom.
package newsletter

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"qalam/assets"
	"qalam/internal/i18n"
	"qalam/internal/news"
	"qalam/internal/ratelimit"
)

// Prefix is the fixed path prefix of every newsletter page.
const Prefix = "/newsletter/"

// Store is what the pages need: services and subscriptions.
type Store interface {
	Service(ctx context.Context, code string) (news.Service, error)
	news.NewsletterStore
}

// Config is what New needs. Store and Primary are required.
type Config struct {
	Store Store
	// Primary is the site's main origin (config.Options.Primary):
	// every link in a mail points there.
	Primary        string
	TrustedProxies []netip.Prefix // peers whose X-Forwarded-For is believed
	Static         *assets.Static // default assets.LoadStatic()
	Now            func() time.Time
	Log            *slog.Logger
	// Limit bounds subscription requests per client address: Burst at
	// once, then one every Every. Default 5, then one per 10 minutes.
	Limit ratelimit.Config
}

// Handler serves /newsletter/{service}/...
type Handler struct {
	cfg   Config
	mux   *http.ServeMux
	page  *template.Template
	limit *ratelimit.Limiter
}

// New builds the handler.
func New(cfg Config) (*Handler, error) {
	if cfg.Store == nil || cfg.Primary == "" {
		return nil, errors.New("newsletter: a store and the primary origin are required")
	}
	if cfg.Static == nil {
		cfg.Static = assets.LoadStatic()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Limit.Burst == 0 {
		cfg.Limit.Burst = 5
	}
	if cfg.Limit.Every == 0 {
		cfg.Limit.Every = 10 * time.Minute
	}
	if cfg.Limit.Now == nil {
		cfg.Limit.Now = cfg.Now
	}
	t, err := template.New("newsletter.html").Funcs(template.FuncMap{"asset": cfg.Static.URL}).
		ParseFS(assets.Templates, "templates/newsletter.html")
	if err != nil {
		return nil, fmt.Errorf("newsletter: %w", err)
	}
	h := &Handler{cfg: cfg, page: t, limit: ratelimit.New(cfg.Limit)}
	// Form posts come from our own pages: CrossOriginProtection refuses
	// cross-site browser posts (CSRF). The one-click unsubscribe POST comes
	// from mail providers' servers, which send neither Origin nor
	// Sec-Fetch-Site, and passes.
	csrf := http.NewCrossOriginProtection()
	mux := http.NewServeMux()
	mux.Handle("GET /newsletter/{service}/{$}", h.serve(h.form))
	mux.Handle("POST /newsletter/{service}/{$}", csrf.Handler(h.serve(h.subscribe)))
	mux.Handle("GET /newsletter/{service}/confirm", h.serve(h.confirm))
	mux.Handle("GET /newsletter/{service}/unsubscribe", h.serve(h.unsubscribePage))
	mux.Handle("POST /newsletter/{service}/unsubscribe", csrf.Handler(h.serve(h.unsubscribe)))
	h.mux = mux
	return h, nil
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

// page is the data of newsletter.html.
type page struct {
	Svc    news.Service
	Cat    *i18n.Catalog
	View   string // form, unsubscribe, or a message
	Title  string
	Body   string
	Home   string
	Action string // escaped by the template
	Email  string
	Error  string
	status int
	header http.Header
}

// T returns a message in the service's language.
func (p *page) T(key string, args ...any) string { return p.Cat.T(key, args...) }

// handlerFunc handles a request for a known service and returns the page
// to show, or an error (mapped to a page in one place, serve).
type handlerFunc func(r *http.Request, p *page) error

// serve resolves the service, runs fn and writes its page. Every answer is
// private and uncached, and token pages send no Referer onwards.
func (h *Handler) serve(fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Referrer-Policy", "no-referrer")
		svc, err := h.cfg.Store.Service(r.Context(), r.PathValue("service"))
		if err != nil {
			if !errors.Is(err, news.ErrNotFound) {
				h.cfg.Log.Error("newsletter: service lookup", "err", err)
				http.Error(w, "500 Internal Server Error", http.StatusInternalServerError)
				return
			}
			http.NotFound(w, r)
			return
		}
		p := &page{Svc: svc, Cat: i18n.For(svc.Lang), Home: "/" + svc.Code + "/", status: http.StatusOK, header: w.Header()}
		if err := fn(r, p); err != nil {
			h.cfg.Log.Error("newsletter", "path", r.URL.Path, "err", err)
			p.message("error.500.title", "error.500.body", http.StatusInternalServerError)
		}
		var buf bytes.Buffer
		if err := h.page.ExecuteTemplate(&buf, "page", p); err != nil {
			h.cfg.Log.Error("newsletter: template", "err", err)
			http.Error(w, "500 Internal Server Error", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Language", svc.Lang)
		w.WriteHeader(p.status)
		w.Write(buf.Bytes())
	})
}

// message sets p to show a title and a text.
func (p *page) message(title, body string, status int) {
	p.View, p.Title, p.Body, p.status = "message", p.T(title), p.T(body), status
}

func (p *page) showForm() {
	p.View, p.Title = "form", p.T("newsletter.title")
	p.Action = "/newsletter/" + p.Svc.Code + "/"
}

func (h *Handler) form(r *http.Request, p *page) error {
	p.showForm()
	return nil
}

func (h *Handler) subscribe(r *http.Request, p *page) error {
	if ok, wait := h.limit.Allow(clientAddr(r, h.cfg.TrustedProxies)); !ok {
		p.message("newsletter.toomany.title", "newsletter.toomany.body", http.StatusTooManyRequests)
		p.header.Set("Retry-After", strconv.Itoa(int(max(wait.Round(time.Second), time.Second)/time.Second)))
		return nil
	}
	if err := r.ParseForm(); err != nil {
		p.showForm()
		p.Error, p.status = p.T("newsletter.invalid"), http.StatusBadRequest
		return nil
	}
	sent := func() { p.message("newsletter.sent.title", "newsletter.sent.body", http.StatusOK) }
	// A filled honeypot is a bot: it gets the answer a person would.
	if r.PostForm.Get("website") != "" {
		sent()
		return nil
	}
	email := r.PostForm.Get("email")
	if _, err := news.NormalizeEmail(email); err != nil {
		p.showForm()
		p.Email = strings.TrimSpace(email)
		if len(p.Email) > 254 {
			p.Email = ""
		}
		p.Error, p.status = p.T("newsletter.invalid"), http.StatusBadRequest
		return nil
	}
	if _, err := h.cfg.Store.Subscribe(r.Context(), p.Svc.Code, email, news.Time(h.cfg.Now())); err != nil {
		return fmt.Errorf("subscribing: %w", err)
	}
	sent()
	return nil
}

func (h *Handler) confirm(r *http.Request, p *page) error {
	token := r.URL.Query().Get("token")
	if token == "" || len(token) > 200 {
		p.message("newsletter.badlink.title", "newsletter.badlink.body", http.StatusNotFound)
		return nil
	}
	_, err := h.cfg.Store.Confirm(r.Context(), p.Svc.Code, news.TokenHash(token), news.Time(h.cfg.Now()))
	switch {
	case errors.Is(err, news.ErrNotFound):
		p.message("newsletter.badlink.title", "newsletter.badlink.body", http.StatusNotFound)
		return nil
	case err != nil:
		return fmt.Errorf("confirming: %w", err)
	}
	p.View, p.Title, p.Body = "message", p.T("newsletter.confirmed.title"), p.T("newsletter.confirmed.body", p.Svc.Name)
	return nil
}

// unsubscribePage asks before unsubscribing: link checkers and prefetching
// mail clients follow GET links, and must not unsubscribe anyone.
func (h *Handler) unsubscribePage(r *http.Request, p *page) error {
	token := r.URL.Query().Get("token")
	s, err := h.unsubscriber(r, p, token)
	if err != nil || s.ID == "" {
		return err
	}
	if s.State == news.SubscriberUnsubscribed {
		p.message("newsletter.unsubbed.title", "newsletter.unsubbed.body", http.StatusOK)
		return nil
	}
	p.View, p.Title = "unsubscribe", p.T("newsletter.unsub.title")
	p.Action = "/newsletter/" + p.Svc.Code + "/unsubscribe?" + url.Values{"token": {token}}.Encode()
	return nil
}

// unsubscribe does it: from the page's button, or a mail provider's
// one-click POST (body List-Unsubscribe=One-Click) to the List-Unsubscribe
// URL. The token travels in the query either way.
func (h *Handler) unsubscribe(r *http.Request, p *page) error {
	token := r.URL.Query().Get("token")
	if s, err := h.unsubscriber(r, p, token); err != nil || s.ID == "" {
		return err
	}
	if _, err := h.cfg.Store.Unsubscribe(r.Context(), p.Svc.Code, token, news.Time(h.cfg.Now())); err != nil {
		return fmt.Errorf("unsubscribing: %w", err)
	}
	p.message("newsletter.unsubbed.title", "newsletter.unsubbed.body", http.StatusOK)
	return nil
}

// unsubscriber finds the subscriber of an unsubscribe token; for an
// unknown one it sets the bad-link page and returns a zero Subscriber.
func (h *Handler) unsubscriber(r *http.Request, p *page, token string) (news.Subscriber, error) {
	if token == "" || len(token) > 200 {
		p.message("newsletter.badlink.title", "newsletter.badlink.body", http.StatusNotFound)
		return news.Subscriber{}, nil
	}
	s, err := h.cfg.Store.SubscriberByUnsubToken(r.Context(), p.Svc.Code, token)
	switch {
	case errors.Is(err, news.ErrNotFound):
		p.message("newsletter.badlink.title", "newsletter.badlink.body", http.StatusNotFound)
		return news.Subscriber{}, nil
	case err != nil:
		return news.Subscriber{}, fmt.Errorf("unsubscribe token: %w", err)
	}
	return s, nil
}

// clientAddr is who a request came from, for the rate limit only (it goes
// to ratelimit, which keeps an HMAC of it in memory, never the address):
// the peer, or the nearest untrusted address in X-Forwarded-For when the
// peer is a trusted proxy. An IPv6 address counts as its /64, which one
// household or server holds whole.
func clientAddr(r *http.Request, trusted []netip.Prefix) string {
	peer := r.RemoteAddr
	if host, _, err := net.SplitHostPort(peer); err == nil {
		peer = host
	}
	a, err := netip.ParseAddr(peer)
	if err != nil {
		return peer
	}
	a = a.Unmap()
	if inPrefixes(a, trusted) {
		hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			h, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
			if err != nil {
				break
			}
			if h = h.Unmap(); !inPrefixes(h, trusted) {
				a = h
				break
			}
		}
	}
	if a.Is6() {
		return netip.PrefixFrom(a, 64).Masked().String()
	}
	return a.String()
}

func inPrefixes(a netip.Addr, ps []netip.Prefix) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
