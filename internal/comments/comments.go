// Package comments is the readers' side of comments on stories, under
// /comments/{service}/{story}:
//
//   - GET  /comments/{service}/{story}       the comments page (works without JavaScript)
//   - GET  /comments/{service}/{story}.json  the same as JSON, for assets/static/comments.js
//     to show them on the story page
//   - GET  /comments/{service}/{story}/reply/{id}  the form to reply to one comment
//   - POST /comments/{service}/{story}       a new comment (name, optional email, text, parent)
//   - POST /comments/{service}/{story}/report  a reader's report of a comment (id)
//
// The GET answers are cached (internal/pagecache, the site's cache) under
// the thread's version (news.CommentThread.Version), which moves whenever
// a comment appears, changes or goes: a story page's cached HTML never
// changes with a comment, and a comments page never outlives a change.
// Each GET costs one small read (the thread's version) on a cache hit.
//
// Abuse defenses without any third party: a honeypot field, rate limits
// per client address and per story (429 with Retry-After), at most
// news.MaxCommentLinks links shown without review (more are held for a
// moderator, more than news.MaxCommentLinksHard refused), duplicates
// refused, bans by email (an HMAC) or client tag. Form posts are checked
// with http.CrossOriginProtection.
//
// Readers' safety: nothing here stores or logs an IP address or a
// User-Agent. The rate limits key on the client address through
// internal/ratelimit (an HMAC under a daily-rotated key, in memory); the
// client tag stored with a comment for a day is an HMAC of the address
// under a key that lives only in this process's memory and changes daily,
// so a ban by client holds for at most a day and only in this process.
// Readers' email addresses are never shown or put in any answer.
//
// Comments are readers' own words: they are shown as written, also to
// readers of the Kazakh Latin view (never transliterated).
package comments

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"qalam/assets"
	"qalam/internal/i18n"
	"qalam/internal/news"
	"qalam/internal/pagecache"
	"qalam/internal/ratelimit"
)

// Prefix is the fixed path prefix of every comments route.
const Prefix = "/comments/"

// Path is the comments page of a story.
func Path(service, storyID string) string { return Prefix + service + "/" + storyID }

// Store is what the handler needs: services, public stories, comments.
type Store interface {
	Service(ctx context.Context, code string) (news.Service, error)
	PublishedStory(ctx context.Context, id string, at time.Time) (news.Published, error)
	news.CommentStore
}

// Config is what New needs. Store is required.
type Config struct {
	Store Store
	// Cache keeps rendered GET answers; the site's cache, so a content
	// change (a story unpublished, comments switched off) purges them
	// too. Default: a cache of its own of 8 MB.
	Cache          *pagecache.Cache
	Static         *assets.Static // default assets.LoadStatic()
	TrustedProxies []netip.Prefix // peers whose X-Forwarded-For is believed
	Now            func() time.Time
	Log            *slog.Logger
	// PerClient bounds new comments per client address (default 5, then
	// one every 2 minutes); PerStory per story from everyone (default 30,
	// then one every 20 seconds); Reports reports per client address
	// (default 10, then one every 5 minutes).
	PerClient, PerStory, Reports ratelimit.Config
}

// Handler serves /comments/...
type Handler struct {
	cfg      Config
	mux      *http.ServeMux
	tmpl     *template.Template
	perIP    *ratelimit.Limiter
	perStory *ratelimit.Limiter
	reports  *ratelimit.Limiter
	reported *ratelimit.Limiter // one report per client and comment a day
	tags     tagger
	renders  int64
	rmu      sync.Mutex
}

// New builds the handler.
func New(cfg Config) (*Handler, error) {
	if cfg.Store == nil {
		return nil, errors.New("comments: a store is required")
	}
	if cfg.Cache == nil {
		cfg.Cache = pagecache.New(8 << 20)
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
	limit := func(c ratelimit.Config, burst int, every time.Duration) *ratelimit.Limiter {
		if c.Burst == 0 {
			c.Burst = burst
		}
		if c.Every == 0 {
			c.Every = every
		}
		if c.Now == nil {
			c.Now = cfg.Now
		}
		return ratelimit.New(c)
	}
	t, err := template.New("comments.html").Funcs(template.FuncMap{"asset": cfg.Static.URL,
		"pair": func(c any, p *page) commentData { return commentData{C: c, P: p} }}).
		ParseFS(assets.Templates, "templates/comments.html")
	if err != nil {
		return nil, fmt.Errorf("comments: %w", err)
	}
	h := &Handler{cfg: cfg, tmpl: t,
		perIP:    limit(cfg.PerClient, 5, 2*time.Minute),
		perStory: limit(cfg.PerStory, 30, 20*time.Second),
		reports:  limit(cfg.Reports, 10, 5*time.Minute),
		reported: ratelimit.New(ratelimit.Config{Burst: 1, Every: 24 * time.Hour, Now: cfg.Now}),
		tags:     tagger{now: cfg.Now},
	}
	csrf := http.NewCrossOriginProtection()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /comments/{service}/{story}", h.get)
	mux.HandleFunc("GET /comments/{service}/{story}/reply/{id}", h.get)
	mux.Handle("POST /comments/{service}/{story}", csrf.Handler(http.HandlerFunc(h.post)))
	mux.Handle("POST /comments/{service}/{story}/report", csrf.Handler(http.HandlerFunc(h.report)))
	h.mux = mux
	return h, nil
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

// Renders counts GET renders (cache misses), for tests.
func (h *Handler) Renders() int64 {
	h.rmu.Lock()
	defer h.rmu.Unlock()
	return h.renders
}

// thread is one request's story and its comment rules.
type thread struct {
	svc     news.Service
	cat     *i18n.Catalog
	loc     *time.Location
	story   string
	json    bool
	th      news.CommentThread
	replyTo string
}

// errNotFound answers 404: no such service or story, not public, or
// comments off.
var errNotFound = errors.New("comments: not found")

// lookup finds the service and thread a path names. It reads only the
// service and the thread's state, so a cached answer costs little.
func (h *Handler) lookup(r *http.Request) (*thread, error) {
	t := &thread{story: r.PathValue("story"), replyTo: r.PathValue("id")}
	if r.Method == http.MethodGet && t.replyTo == "" {
		t.story, t.json = strings.CutSuffix(t.story, ".json")
	}
	svc, err := h.cfg.Store.Service(r.Context(), r.PathValue("service"))
	if errors.Is(err, news.ErrNotFound) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, err
	}
	t.svc, t.cat = svc, i18n.For(svc.Lang)
	if t.loc, err = time.LoadLocation(svc.TimeZone); err != nil {
		t.loc = time.UTC
	}
	t.th, err = h.cfg.Store.CommentThread(r.Context(), t.story)
	if errors.Is(err, news.ErrNotFound) || (err == nil && (t.th.Service != svc.Code || !t.th.Open())) {
		return t, errNotFound
	}
	return t, err
}

// get serves the comments page, its JSON, or a reply form, from the cache.
func (h *Handler) get(w http.ResponseWriter, r *http.Request) {
	t, err := h.lookup(r)
	if err != nil {
		h.fail(w, r, t, err)
		return
	}
	key := "comments\x00" + r.URL.Path + "\x00" + strconv.FormatInt(t.th.Version, 10)
	e, err := h.cfg.Cache.Get(key, func() (*pagecache.Entry, error) {
		h.rmu.Lock()
		h.renders++
		h.rmu.Unlock()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 10*time.Second)
		defer cancel()
		p, err := h.page(ctx, t)
		if errors.Is(err, errNotFound) {
			return h.notFoundEntry(t), nil
		}
		if err != nil {
			return nil, err
		}
		if t.json {
			return h.jsonEntry(p)
		}
		return h.htmlEntry(p, http.StatusOK, "public, max-age=10")
	})
	if err != nil {
		h.fail(w, r, t, err)
		return
	}
	e.Serve(w, r)
}

// view is one comment as readers see it.
type view struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Date     string   `json:"date"`
	ISO      string   `json:"iso"`
	Paras    [][]Part `json:"paras"`
	Replies  []view   `json:"replies,omitempty"`
	ReplyURL string   `json:"-"`
	Body     template.HTML
}

// page is the data of comments.html, and of the JSON.
type page struct {
	Svc       news.Service
	Cat       *i18n.Catalog
	Title     string
	Headline  string
	StoryURL  string
	Home      string
	Comments  []view
	PreMod    bool
	Action    string
	Report    string
	ReplyTo   *view
	MaxLinks  int
	Form      form
	Error     string
	Message   string
	status    int
	thread    *thread
	published news.Published
}

// form is what the reader typed, kept when the post is refused.
type form struct {
	Name, Email, Text, Parent string
}

// T returns a message in the service's language.
func (p *page) T(key string, args ...any) string { return p.Cat.T(key, args...) }

// page gathers what the thread shows: the public story and its shown
// comments, replies under their parents.
func (h *Handler) page(ctx context.Context, t *thread) (*page, error) {
	pub, err := h.cfg.Store.PublishedStory(ctx, t.story, news.Time(h.cfg.Now()))
	if errors.Is(err, news.ErrNotFound) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, err
	}
	if pub.Story.Service != t.svc.Code {
		return nil, errNotFound
	}
	cs, err := h.cfg.Store.ShownComments(ctx, t.story)
	if err != nil {
		return nil, err
	}
	headline := pub.Rev.Content.Headline.Plain()
	p := &page{Svc: t.svc, Cat: t.cat, Title: t.cat.T("comments.page", headline), Headline: headline,
		StoryURL: "/" + t.svc.Code + "/" + pub.Section.Slug + "/" + pub.Story.Slug + "-" + pub.Story.ID,
		Home:     "/" + t.svc.Code + "/", PreMod: t.th.Settings.Moderation == news.PreModeration,
		Action: Path(t.svc.Code, t.story), Report: Path(t.svc.Code, t.story) + "/report",
		MaxLinks: news.MaxCommentLinks, status: http.StatusOK, thread: t, published: pub}
	index := map[string]int{}
	viewOf := func(c news.Comment) view {
		return view{ID: c.ID, Name: c.Name, Date: t.cat.DateTime(c.Created, t.loc), ISO: c.Created.Format(time.RFC3339),
			Paras: Paragraphs(c.Body), Body: HTML(c.Body), ReplyURL: Path(t.svc.Code, t.story) + "/reply/" + c.ID}
	}
	for _, c := range cs {
		if c.Parent == "" {
			index[c.ID] = len(p.Comments)
			p.Comments = append(p.Comments, viewOf(c))
		}
	}
	// Replies after every parent is known (a reply may share its parent's
	// instant); replies to a comment no longer shown are not shown either.
	for _, c := range cs {
		if i, ok := index[c.Parent]; ok && c.Parent != "" {
			p.Comments[i].Replies = append(p.Comments[i].Replies, viewOf(c))
		}
	}
	if t.replyTo != "" {
		i, ok := index[t.replyTo]
		if !ok {
			return nil, errNotFound
		}
		p.ReplyTo = &p.Comments[i]
		p.Form.Parent = t.replyTo
		p.Title = t.cat.T("comments.replyto", p.ReplyTo.Name)
	}
	return p, nil
}

// commentData is one comment and its page, for the "comment" template.
type commentData struct {
	C any // view or *view
	P *page
}

// jsonDoc is the JSON answer: the comments and the words the script shows.
type jsonDoc struct {
	Lang     string            `json:"lang"`
	Dir      string            `json:"dir"`
	PreMod   bool              `json:"premod"`
	Post     string            `json:"post"`
	Report   string            `json:"report"`
	MaxLinks int               `json:"max_links"`
	Count    int               `json:"count"`
	Comments []view            `json:"comments"`
	Labels   map[string]string `json:"labels"`
}

// scriptLabels are the messages comments.js shows.
var scriptLabels = []string{"title", "none", "form", "name", "email", "text", "honeypot", "submit", "premod", "reply",
	"replies", "report", "reported", "cancel", "error", "replyto"}

func (h *Handler) jsonEntry(p *page) (*pagecache.Entry, error) {
	d := jsonDoc{Lang: p.Svc.Lang, Dir: p.Svc.Dir, PreMod: p.PreMod, Post: p.Action, Report: p.Report, MaxLinks: p.MaxLinks,
		Comments: p.Comments, Labels: map[string]string{}}
	if d.Comments == nil {
		d.Comments = []view{}
	}
	for _, c := range p.Comments {
		d.Count += 1 + len(c.Replies)
	}
	for _, k := range scriptLabels {
		d.Labels[k] = p.T("comments." + k)
	}
	d.Labels["rules"] = p.T("comments.rules", news.MaxCommentLinks)
	body, err := json.Marshal(d)
	if err != nil {
		return nil, err
	}
	hd := http.Header{}
	hd.Set("Content-Type", "application/json; charset=utf-8")
	hd.Set("Cache-Control", "public, max-age=10")
	hd.Set("X-Robots-Tag", "noindex")
	return pagecache.NewEntry(http.StatusOK, hd, body), nil
}

func (h *Handler) htmlEntry(p *page, status int, cacheControl string) (*pagecache.Entry, error) {
	var buf bytes.Buffer
	if err := h.tmpl.ExecuteTemplate(&buf, "page", p); err != nil {
		return nil, fmt.Errorf("comments template: %w", err)
	}
	hd := http.Header{}
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Cache-Control", cacheControl)
	hd.Set("Content-Language", p.Svc.Lang)
	return pagecache.NewEntry(status, hd, buf.Bytes()), nil
}

func (h *Handler) notFoundEntry(t *thread) *pagecache.Entry {
	hd := http.Header{}
	hd.Set("Content-Type", "text/plain; charset=utf-8")
	hd.Set("Cache-Control", "public, max-age=10")
	return pagecache.NewEntry(http.StatusNotFound, hd, []byte("404 page not found\n"))
}

// fail answers an error that is not a page of its own.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, t *thread, err error) {
	w.Header().Set("Cache-Control", "no-store")
	if errors.Is(err, errNotFound) {
		http.NotFound(w, r)
		return
	}
	h.cfg.Log.Error("comments", "path", r.URL.Path, "err", err)
	http.Error(w, "500 Internal Server Error", http.StatusInternalServerError)
}

// answer is what a post gets: JSON for the script, else the comments
// page with a message or the error and the reader's text kept.
type answer struct {
	status  int
	message string // a catalog key, shown as a notice
	err     string // a message, shown as an error
	state   news.CommentState
	keep    form
	retry   time.Duration
}

func (h *Handler) respond(w http.ResponseWriter, r *http.Request, t *thread, a answer) {
	w.Header().Set("Cache-Control", "no-store")
	if a.retry > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(max(a.retry.Round(time.Second), time.Second)/time.Second)))
	}
	msg := a.err
	if a.message != "" {
		msg = t.cat.T(a.message)
	}
	if wantsJSON(r) {
		body, _ := json.Marshal(map[string]any{"ok": a.err == "", "state": a.state, "message": msg})
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(a.status)
		w.Write(body)
		return
	}
	p, err := h.page(r.Context(), t)
	if err != nil {
		h.fail(w, r, t, err)
		return
	}
	p.Form, p.status = a.keep, a.status
	if a.err != "" {
		p.Error = msg
	} else {
		p.Message = msg
	}
	e, err := h.htmlEntry(p, a.status, "no-store")
	if err != nil {
		h.fail(w, r, t, err)
		return
	}
	e.Serve(w, r)
}

func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

// post takes a new comment.
func (h *Handler) post(w http.ResponseWriter, r *http.Request) {
	t, err := h.lookup(r)
	if err != nil {
		h.fail(w, r, t, err)
		return
	}
	client := clientAddr(r, h.cfg.TrustedProxies)
	if ok, wait := h.perIP.Allow("ip:" + client); !ok {
		h.respond(w, r, t, answer{status: http.StatusTooManyRequests, err: t.cat.T("comments.toomany"), retry: wait})
		return
	}
	if ok, wait := h.perStory.Allow("story:" + t.story); !ok {
		h.respond(w, r, t, answer{status: http.StatusTooManyRequests, err: t.cat.T("comments.toomany"), retry: wait})
		return
	}
	if err := r.ParseForm(); err != nil {
		h.respond(w, r, t, answer{status: http.StatusBadRequest, err: t.cat.T("comments.invalid")})
		return
	}
	f := form{Name: r.PostForm.Get("name"), Email: r.PostForm.Get("email"), Text: r.PostForm.Get("text"), Parent: r.PostForm.Get("parent")}
	// A filled honeypot is a bot: it gets the answer a person would, and
	// nothing is kept.
	if r.PostForm.Get("website") != "" {
		st, msg := news.CommentApproved, "comments.shown"
		if t.th.Settings.Moderation == news.PreModeration {
			st, msg = news.CommentPending, "comments.pending"
		}
		h.respond(w, r, t, answer{status: http.StatusOK, message: msg, state: st})
		return
	}
	bad := func(msg string) {
		keep := f
		if utf8.RuneCountInString(keep.Text) > 2*news.MaxCommentBody {
			keep.Text = ""
		}
		if len(keep.Email) > 254 {
			keep.Email = ""
		}
		if utf8.RuneCountInString(keep.Name) > 2*news.MaxCommentName {
			keep.Name = ""
		}
		h.respond(w, r, t, answer{status: http.StatusBadRequest, err: msg, keep: keep})
	}
	if _, _, err := news.CleanCommentText(f.Name, "ok"); err != nil {
		bad(t.cat.T("comments.invalid.name", news.MaxCommentName))
		return
	}
	name, body, err := news.CleanCommentText(f.Name, f.Text)
	if err != nil {
		bad(t.cat.T("comments.invalid.text", news.MinCommentBody, news.MaxCommentBody))
		return
	}
	if strings.TrimSpace(f.Email) != "" {
		if _, err := news.NormalizeEmail(f.Email); err != nil {
			bad(t.cat.T("comments.invalid.email"))
			return
		}
	}
	n := news.NewComment{Story: t.story, Parent: f.Parent, Name: name, Email: f.Email, Body: body, ClientTag: h.tags.tag(client)}
	switch links := CountLinks(body); {
	case links > news.MaxCommentLinksHard:
		bad(t.cat.T("comments.links", news.MaxCommentLinksHard))
		return
	case links > news.MaxCommentLinks:
		n.Hold = "links"
	}
	c, err := h.cfg.Store.AddComment(r.Context(), n, news.Time(h.cfg.Now()))
	switch {
	case errors.Is(err, news.ErrCommentsClosed):
		h.respond(w, r, t, answer{status: http.StatusForbidden, err: t.cat.T("comments.closed")})
	case errors.Is(err, news.ErrBanned):
		h.respond(w, r, t, answer{status: http.StatusForbidden, err: t.cat.T("comments.banned")})
	case errors.Is(err, news.ErrDuplicate):
		h.respond(w, r, t, answer{status: http.StatusConflict, err: t.cat.T("comments.duplicate")})
	case errors.Is(err, news.ErrInvalid):
		bad(t.cat.T("comments.invalid"))
	case errors.Is(err, news.ErrNotFound):
		h.fail(w, r, t, errNotFound)
	case err != nil:
		h.fail(w, r, t, err)
	default:
		msg := "comments.pending"
		switch {
		case c.State == news.CommentApproved:
			msg = "comments.shown"
		case c.Held != "" && t.th.Settings.Moderation == news.PostModeration:
			msg = "comments.held"
		}
		status := http.StatusCreated
		if !wantsJSON(r) {
			status = http.StatusOK
		}
		h.respond(w, r, t, answer{status: status, message: msg, state: c.State})
	}
}

// report counts a reader's report of a shown comment of the story.
func (h *Handler) report(w http.ResponseWriter, r *http.Request) {
	t, err := h.lookup(r)
	if err != nil {
		h.fail(w, r, t, err)
		return
	}
	client := clientAddr(r, h.cfg.TrustedProxies)
	if ok, wait := h.reports.Allow("report:" + client); !ok {
		h.respond(w, r, t, answer{status: http.StatusTooManyRequests, err: t.cat.T("comments.toomany"), retry: wait})
		return
	}
	id := r.PostFormValue("id")
	c, err := h.cfg.Store.Comment(r.Context(), id)
	if errors.Is(err, news.ErrNotFound) || (err == nil && (c.Story != t.story || c.State != news.CommentApproved)) {
		h.respond(w, r, t, answer{status: http.StatusNotFound, err: t.cat.T("comments.removed")})
		return
	}
	if err != nil {
		h.fail(w, r, t, err)
		return
	}
	// The same reader reporting the same comment again counts once a day;
	// they are thanked alike.
	if ok, _ := h.reported.Allow(client + "\x00" + id); ok {
		if _, err := h.cfg.Store.ReportComment(r.Context(), id, news.Time(h.cfg.Now())); err != nil && !errors.Is(err, news.ErrNotFound) {
			h.fail(w, r, t, err)
			return
		}
	}
	h.respond(w, r, t, answer{status: http.StatusOK, message: "comments.reported"})
}

// tagger makes client tags: an HMAC of the client address under a random
// key kept only in memory and replaced daily.
type tagger struct {
	mu      sync.Mutex
	key     [32]byte
	rotated time.Time
	now     func() time.Time
}

func (g *tagger) tag(client string) string {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	if g.rotated.IsZero() || now.Sub(g.rotated) >= 24*time.Hour || now.Before(g.rotated) {
		if _, err := rand.Read(g.key[:]); err != nil {
			panic("comments: no randomness: " + err.Error())
		}
		g.rotated = now
	}
	m := hmac.New(sha256.New, g.key[:])
	m.Write([]byte(client))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// clientAddr is who a request came from, for rate limits and the client
// tag only (both keep an HMAC of it in memory, never the address): the
// peer, or the nearest untrusted address in X-Forwarded-For when the peer
// is a trusted proxy. An IPv6 address counts as its /64.
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
	in := func(a netip.Addr) bool {
		for _, p := range trusted {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	if in(a) {
		hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			h, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
			if err != nil {
				break
			}
			if h = h.Unmap(); !in(h) {
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
