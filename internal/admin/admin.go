// Package admin is the newsroom's HTTP surface under /admin, answering only
// on the admin origin: sign-in with a second factor, the one-time setup
// page, the dashboard, one's sessions, people (invite, disable, reset
// links) and the story workflow (stories*.go, preview.go, curation.go).
// Every decision about who may do what is made in internal/auth on the
// server; pages are html/template, and the only script is the story
// editor's bundle (assets/static/editor.js), under a strict CSP.
package admin

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
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
	"qalam/internal/auth"
	"qalam/internal/config"
	"qalam/internal/news"
	"qalam/internal/outbound"
	"qalam/internal/ratelimit"
)

// Config is what the admin runs with.
type Config struct {
	Auth   *auth.Auth
	Static *assets.Static
	// Origin is the one origin the admin answers on (config's
	// AdminOrigin); setup links are made on it.
	Origin config.Origin
	// TrustedProxies are peers whose X-Forwarded-For names the staff
	// member's address.
	TrustedProxies []netip.Prefix
	Log            *slog.Logger
	// NotFound answers /admin on every other host, so mirrors show no
	// admin at all (the reader site's 404).
	NotFound http.Handler
	// Mirrors is the mirror list admins edit at /admin/mirrors; nil hides
	// the page.
	Mirrors news.MirrorStore
	// Stories and Workflow are the newsroom's stories, edit locks and
	// preview links (/admin/stories, /admin/curation); nil hides them.
	Stories  news.Store
	Workflow news.WorkflowStore
	// Webhooks, Telegram and Newsletters, when set, tell an editor who
	// unpublishes a story what went out that cannot be recalled.
	Webhooks    news.WebhookStore
	Telegram    news.TelegramStore
	Newsletters news.NewsletterStore
	// Preview renders a story as readers will see it (site.Site.Preview)
	// in a view: "" (the full page), "latn" (the Kazakh Latin view),
	// "lite" or "lite-latn"; nil turns previews off.
	Preview func(ctx context.Context, p news.Published, view string) ([]byte, error)
	// ReaderOrigin is the origin preview links are made on (the primary).
	ReaderOrigin string
	// Media serves media files by a lookup (media.Library.Handler), so
	// previews show images no public story uses yet; nil leaves previews
	// with the public /media/ only.
	Media func(lookup func(ctx context.Context, assetID string) (news.Asset, error)) http.Handler
	// Comments is readers' comments: the moderation queue at
	// /admin/comments and the commenter export (comments.go, exports.go;
	// with Newsletters, the subscriber export too); nil hides them.
	Comments news.CommentStore
	// Library stores uploads (media.Library) for the media library at
	// /admin/media (media.go), with Stories when it is a news.MediaStore;
	// nil hides the library.
	Library MediaLibrary
	// APIRate bounds each API token's requests (default 120 at once,
	// then 2 a second); APIAuthFailures bounds failed token checks per
	// client address (default 20, then one per 30 s). api.go.
	APIRate, APIAuthFailures ratelimit.Config
	// Outbound fetches an embed's page and thumbnail when it is inserted
	// (embeds.go; EmbedClient, under serve's --outbound-allow); nil
	// leaves embeds with their address only.
	Outbound *outbound.Client
}

// CookieName is the session cookie. The __Host- prefix makes browsers
// insist on Secure, Path=/ and no Domain, so no other host can set it.
const CookieName = "__Host-qalam-admin"

// CSP allows only the admin's own script (the story editor's bundle; no
// inline script, no eval), its own stylesheet, data: images (the TOTP QR
// code), requests to itself (autosave) and frames of itself (the
// phone-width preview); no page may frame the admin.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-src 'self'; " +
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// Admin is the /admin handler.
type Admin struct {
	cfg   Config
	auth  *auth.Auth
	mux   *http.ServeMux
	pages map[string]*template.Template
	cop   *http.CrossOriginProtection
	// passkeys is nil when the admin origin's host is an IP address.
	passkeys *auth.Passkeys
	h        http.Handler // mux behind the cross-origin check
}

// New builds the admin and parses its templates.
func New(cfg Config) (*Admin, error) {
	if cfg.Auth == nil || cfg.Static == nil || cfg.NotFound == nil {
		return nil, errors.New("admin: Auth, Static and NotFound are required")
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	a := &Admin{cfg: cfg, auth: cfg.Auth, mux: http.NewServeMux(), cop: http.NewCrossOriginProtection()}
	a.cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l := langOf(r, nil)
		a.render(w, r, http.StatusForbidden, "error", &page{Title: tr(l, "Refused"), Data: tr(l, "This form was sent from another site, so it was refused.")})
	}))
	var err error
	if a.passkeys, err = auth.NewPasskeys(cfg.Auth, cfg.Origin.String()); errors.Is(err, auth.ErrNoPasskeys) {
		cfg.Log.Info("passkeys are off: " + err.Error())
	} else if err != nil {
		return nil, err
	}
	if a.pages, err = parseTemplates(cfg.Static); err != nil {
		return nil, err
	}
	a.routes()
	a.h = a.cop.Handler(a.mux)
	return a, nil
}

func parseTemplates(static *assets.Static) (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"asset":    static.URL,
		"roleName": func(r news.Role) string { return string(r) }, // English; pages use $.RoleName
		"fmtTime":  func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04") },
		"inc":      func(i int) int { return i + 1 },
		"strong":   strong,
		"strongAs": strongAs,
	}
	base, err := template.New("admin.html").Funcs(funcs).ParseFS(assets.Templates, "templates/admin.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, name := range []string{"login", "factor", "setup", "enroll", "codes", "home", "sessions", "people", "link", "audit", "error", "mirrors",
		"stories", "story-new", "story", "story-revisions", "story-unpublish", "story-phone", "curation",
		"comments", "subscribers", "banner", "passkeys", "media", "media-item", "story-live", "service", "tokens"} {
		t, err := template.Must(base.Clone()).ParseFS(assets.Templates, "templates/admin-"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("admin template %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// ServeHTTP answers /admin on the admin origin; elsewhere it hands the
// request to NotFound.
func (a *Admin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !a.onAdminHost(r) {
		a.cfg.NotFound.ServeHTTP(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Security-Policy", CSP)
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer") // setup links carry a token
	h.Set("Cache-Control", "no-store")
	h.Set("X-Robots-Tag", "noindex, nofollow")
	a.h.ServeHTTP(w, r)
}

// onAdminHost compares the request's host with the admin origin's,
// ignoring case and a default port.
func (a *Admin) onAdminHost(r *http.Request) bool {
	norm := func(h string) string {
		h = strings.ToLower(h)
		if hn, p, err := net.SplitHostPort(h); err == nil && (p == "80" || p == "443") {
			return hn
		}
		return h
	}
	return a.cfg.Origin.Host != "" && norm(r.Host) == norm(a.cfg.Origin.Host)
}

// clientOf is the staff member's address and browser: the peer, or the
// nearest untrusted address in X-Forwarded-For when the peer is a trusted
// proxy.
func (a *Admin) clientOf(r *http.Request) auth.Client {
	agent := r.UserAgent()
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return auth.Client{IP: r.RemoteAddr, Agent: agent}
	}
	addr := ap.Addr().Unmap()
	if a.trusted(addr) {
		hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			h, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
			if err != nil {
				break
			}
			addr = h.Unmap()
			if !a.trusted(addr) {
				break
			}
		}
	}
	return auth.Client{IP: addr.String(), Agent: agent}
}

func (a *Admin) trusted(addr netip.Addr) bool {
	for _, p := range a.cfg.TrustedProxies {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// page is what every admin template gets.
type page struct {
	Title      string
	Here       string // nav entry to mark current
	Actor      *auth.Actor
	CSRF       string
	Back       string // the page a form was on, to come back to after confirming
	CanPeople  bool
	CanAudit   bool
	CanSites   bool // may edit services and mirrors (admins)
	CanStories bool // may work on stories somewhere
	CanCurate  bool // may curate a home page somewhere
	Error      string
	Notice     string
	Data       any

	// CanComments: may moderate comments somewhere; CanSubscribers: may
	// see and export readers' addresses somewhere (chiefs and admins).
	CanComments, CanSubscribers bool
	// CanBanner: may set a service's breaking-news banner somewhere.
	CanBanner bool
	// CanService: may edit a service's sections, promo and notices.
	CanService bool
	// CanMedia: may see a service's media library somewhere.
	CanMedia bool
	// CanTokens: may make API tokens (tokens.go).
	CanTokens bool
	// Passkeys: the admin origin allows passkeys (admin-passkey.js);
	// HasPasskey: the actor holds one (the factor and confirm pages).
	Passkeys, HasPasskey bool
	// Lang is the language of the admin's own text ("en", "ru", "kk";
	// text.go): the person's choice, else the browser's; BrowserLang is
	// the browser's (the language form names it).
	Lang, BrowserLang string
}

// render executes a page; a template error is logged and answered 500.
func (a *Admin) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	if p.Lang == "" {
		p.Lang = langOf(r, p.Actor)
	}
	p.BrowserLang = acceptLang(r.Header.Get("Accept-Language"))
	p.Passkeys = a.passkeys != nil
	if p.Passkeys && p.Actor != nil && name == "factor" {
		p.HasPasskey, _ = a.passkeys.Has(r.Context(), p.Actor.ID) // an error only hides the button
	}
	if p.Actor != nil {
		p.CSRF = csrfToken(p.Actor.Token)
		p.Back = safeNext(r.URL.Path)
		p.CanPeople = news.IsAdmin(p.Actor.Grants) || hasStaffRole(p.Actor)
		p.CanAudit = p.Actor.Allowed(news.ActAudit, "")
		p.CanSites = a.cfg.Mirrors != nil && p.Actor.Allowed(news.ActServices, "")
		p.CanStories, p.CanCurate = a.storyNav(p.Actor)
		p.CanComments = a.cfg.Comments != nil && a.cfg.Stories != nil && anyService(p.Actor, news.ActModerate)
		p.CanBanner = a.cfg.Stories != nil && anyService(p.Actor, news.ActBanner)
		p.CanService = a.cfg.Stories != nil && anyService(p.Actor, news.ActSections)
		p.CanMedia = a.mediaStore() != nil && anyService(p.Actor, news.ActWrite)
		p.CanSubscribers = a.cfg.Comments != nil && a.cfg.Stories != nil && a.cfg.Newsletters != nil && anyService(p.Actor, news.ActExport)
		p.CanTokens = a.tokensOn() && p.Actor.Token != ""
	}
	var buf bytes.Buffer
	if err := a.pages[name].ExecuteTemplate(&buf, "base", p); err != nil {
		a.cfg.Log.Error("admin template", "page", name, "err", err)
		http.Error(w, "500 Internal Server Error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func hasStaffRole(a *auth.Actor) bool {
	for _, g := range a.Grants {
		if a.Allowed(news.ActStaff, g.Service) && g.Service != "" {
			return true
		}
	}
	return false
}

// csrfToken binds forms to the session: an HMAC of the session's token,
// which only the session's own pages can know. Nothing extra is stored.
func csrfToken(sessionToken string) string {
	m := hmac.New(sha256.New, []byte(sessionToken))
	m.Write([]byte("qalam admin form"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func setSession(w http.ResponseWriter, token string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: token, Path: "/", MaxAge: int(maxAge.Seconds()),
		Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode})
}

func clearSession(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: "", Path: "/", MaxAge: -1,
		Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode})
}

func sessionToken(r *http.Request) string {
	if c, err := r.Cookie(CookieName); err == nil {
		return c.Value
	}
	return ""
}

// safeNext keeps a redirect target inside the admin.
func safeNext(s string) string {
	if strings.HasPrefix(s, "/admin") && !strings.Contains(s, "//") && !strings.ContainsAny(s, "\\\r\n") {
		return s
	}
	return "/admin"
}

func redirect(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// fail maps an error to the one answer for it: sign-in for no session,
// the confirm page for a stale factor, 403, 429 with Retry-After, 400 with
// the rule broken, 404, or 500 (logged; details never shown).
func (a *Admin) fail(w http.ResponseWriter, r *http.Request, actor *auth.Actor, err error) {
	var th *auth.ThrottledError
	l := langOf(r, actor)
	p := &page{Actor: actor, Lang: l}
	switch {
	case errors.Is(err, auth.ErrNoSession):
		clearSession(w)
		redirect(w, r, "/admin/login")
		return
	case errors.Is(err, auth.ErrStale):
		next := r.URL.Path
		if r.Method != http.MethodGet {
			next = r.FormValue("back")
		}
		redirect(w, r, "/admin/confirm?next="+url.QueryEscape(safeNext(next)))
		return
	case errors.As(err, &th):
		w.Header().Set("Retry-After", strconv.Itoa(int(th.RetryAfter.Seconds())))
		p.Title, p.Data = tr(l, "Too many attempts"), tr(l, "Too many failed attempts. Wait %s and try again.", waitText(l, th.RetryAfter))
		a.render(w, r, http.StatusTooManyRequests, "error", p)
	case errors.Is(err, auth.ErrForbidden):
		p.Title, p.Data = tr(l, "Not allowed"), tr(l, "Your role does not allow this here.")
		a.render(w, r, http.StatusForbidden, "error", p)
	case errors.Is(err, auth.ErrSetupLink):
		p.Title, p.Data = tr(l, "Link not valid"), tr(l, "This link is unknown, already used or expired. Ask for a new one.")
		a.render(w, r, http.StatusNotFound, "error", p)
	case errors.Is(err, news.ErrInvalid):
		p.Title, p.Data = tr(l, "Cannot do that"), invalidMsg(l, err)
		a.render(w, r, http.StatusBadRequest, "error", p)
	case errors.Is(err, news.ErrConflict):
		p.Title, p.Data = tr(l, "Cannot do that"), tr(l, "That email address already has an account.")
		a.render(w, r, http.StatusConflict, "error", p)
	case errors.Is(err, news.ErrNotFound):
		p.Title, p.Data = tr(l, "Not found"), tr(l, "There is nothing here.")
		a.render(w, r, http.StatusNotFound, "error", p)
	default:
		a.cfg.Log.Error("admin", "method", r.Method, "path", r.URL.Path, "err", err)
		p.Title, p.Data = tr(l, "Something went wrong"), tr(l, "The newsroom could not do that. Try again; if it keeps failing, tell an admin.")
		a.render(w, r, http.StatusInternalServerError, "error", p)
	}
}

// invalidMsg is the rule an ErrInvalid error names, in lang when it is a
// registered text (trMsg), else as written.
func invalidMsg(lang string, err error) string {
	return trMsg(lang, strings.TrimPrefix(err.Error(), news.ErrInvalid.Error()+": "))
}
