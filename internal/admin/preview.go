package admin

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"qalam/internal/auth"
	"qalam/internal/httpkit"
	"qalam/internal/news"
)

// Preview: anyone who may edit a story sees any revision of it exactly as
// readers will (rendered by the reader site's templates, Config.Preview),
// in each view of its service, and at phone width; and may make a preview
// link for a colleague without an account. A link names one revision, holds
// 256 random bits of which only a hash is stored, expires (24 hours by
// default), can be revoked, and is served on the reader origin under
// /preview/ with noindex and Cache-Control: no-store, never through a
// cache.

// PreviewTTL is how long a preview link works unless the editor chooses.
const PreviewTTL = 24 * time.Hour

// PreviewPrefix is the path preview links are served under on the reader
// origin.
const PreviewPrefix = "/preview/"

// previewCSP is the reader site's policy, which may be framed by the
// newsroom's own phone-width page. Like a reader page with embed cards, it
// allows the embed providers' frames, which assets/static/embed.js makes
// only after a click on a card's button.
const previewCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
	"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'self'; frame-src " + httpkit.EmbedFrameSources

// publishedOf builds what readers would see of revision rev of a story.
func (a *Admin) publishedOf(ctx context.Context, st news.Story, rev news.Revision) (news.Published, error) {
	now := a.auth.Now()
	p := news.Published{Story: st}
	if st.PublicAt(now) {
		live, err := a.cfg.Stories.PublishedStory(ctx, st.ID, now)
		if err != nil && !isNotFound(err) {
			return p, err
		}
		if err == nil {
			p = live
		}
	}
	p.Rev = rev
	var err error
	if p.Section.ID == "" {
		if p.Section, err = a.cfg.Stories.Section(ctx, st.SectionID); err != nil {
			return p, err
		}
		tags, err := a.cfg.Stories.Tags(ctx, st.Service)
		if err != nil {
			return p, err
		}
		for _, id := range st.TagIDs {
			for _, t := range tags {
				if t.ID == id {
					p.Tags = append(p.Tags, t)
				}
			}
		}
	}
	p.Authors = nil
	for _, id := range rev.Content.AuthorIDs {
		au, err := a.cfg.Stories.Author(ctx, id)
		if err != nil {
			return p, err
		}
		p.Authors = append(p.Authors, au)
	}
	p.Assets = map[string]news.Asset{}
	for _, id := range rev.Content.AssetIDs() {
		as, err := a.cfg.Stories.Asset(ctx, id)
		if err != nil {
			return p, err
		}
		p.Assets[id] = as
	}
	return p, nil
}

// writePreview answers a rendered preview: never cached, never indexed.
func writePreview(w http.ResponseWriter, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Robots-Tag", "noindex, nofollow")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", previewCSP)
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}

// previewRev picks the revision a preview asks for (the newest by default).
func (a *Admin) previewRev(ctx context.Context, sc *storyCtx, id string) (news.Revision, error) {
	if id == "" || id == sc.Head.ID {
		return sc.Head, nil
	}
	rev, err := a.cfg.Stories.Revision(ctx, id)
	if err != nil || rev.StoryID != sc.Story.ID {
		return rev, news.ErrNotFound
	}
	return rev, nil
}

// previewPage shows one revision as readers will see it, inside the admin.
func (a *Admin) previewPage(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	if a.cfg.Preview == nil {
		return news.ErrNotFound
	}
	ctx := r.Context()
	sc, err := a.loadStory(ctx, actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	rev, err := a.previewRev(ctx, sc, r.URL.Query().Get("rev"))
	if err != nil {
		return err
	}
	p, err := a.publishedOf(ctx, sc.Story, rev)
	if err != nil {
		return err
	}
	body, err := a.cfg.Preview(ctx, p, previewView(sc, r.URL.Query().Get("view")))
	if err != nil {
		return err
	}
	writePreview(w, a.mediaVia(body, p, "/admin/stories/"+sc.Story.ID+"/media/"))
	return nil
}

// mediaVia points a preview's images at prefix, where they are served
// whether or not a public story uses them yet. Only the URLs of the
// preview's own assets are rewritten (asset IDs are random, so nothing
// else matches).
func (a *Admin) mediaVia(body []byte, p news.Published, prefix string) []byte {
	if a.cfg.Media == nil {
		return body
	}
	for id := range p.Assets {
		body = bytes.ReplaceAll(body, []byte("/media/"+id+"/"), []byte(prefix+id+"/"))
	}
	return body
}

// serveMedia answers a preview's image when allowed says the asset
// belongs to what is previewed; never cached, like the preview.
func (a *Admin) serveMedia(w http.ResponseWriter, r *http.Request, asset, file string, allowed func(string) bool) {
	if a.cfg.Media == nil || !allowed(asset) {
		http.NotFound(w, r)
		return
	}
	h := a.cfg.Media(func(ctx context.Context, id string) (news.Asset, error) {
		if id != asset {
			return news.Asset{}, news.ErrNotFound
		}
		return a.cfg.Stories.Asset(ctx, id)
	})
	r2 := r.Clone(r.Context())
	r2.URL.Path = "/media/" + asset + "/" + file
	h.ServeHTTP(&noStore{ResponseWriter: w}, r2)
}

// noStore keeps a preview's images out of every cache, whatever the
// media handler says.
type noStore struct {
	http.ResponseWriter
	wrote bool
}

func (n *noStore) WriteHeader(code int) {
	if !n.wrote {
		n.wrote = true
		n.Header().Set("Cache-Control", "no-store")
	}
	n.ResponseWriter.WriteHeader(code)
}

func (n *noStore) Write(b []byte) (int, error) {
	if !n.wrote {
		n.WriteHeader(http.StatusOK)
	}
	return n.ResponseWriter.Write(b)
}

// previewMedia serves an image of any revision of a story to those who
// may preview it.
func (a *Admin) previewMedia(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	ctx := r.Context()
	sc, err := a.loadStory(ctx, actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	revs, err := a.cfg.Stories.Revisions(ctx, sc.Story.ID)
	if err != nil {
		return err
	}
	a.serveMedia(w, r, r.PathValue("asset"), r.PathValue("file"), func(id string) bool {
		for _, rv := range revs {
			if slices.Contains(rv.Content.AssetIDs(), id) {
				return true
			}
		}
		return false
	})
	return nil
}

type phoneData struct {
	*storyCtx
	Headline string
	Src      string
	Views    []viewLink
}

type viewLink struct {
	Name, Href string
	Current    bool
	Latin      bool // the Kazakh Latin view of the service Name
	Lite       bool // the lite page
}

// previewView is the view a preview asks for, among those its service
// has: "" (the full page), "latn", "lite" or "lite-latn".
func previewView(sc *storyCtx, asked string) string {
	for _, v := range previewViewNames(sc) {
		if v == asked {
			return v
		}
	}
	return ""
}

// previewViewNames are the views of a story's service: the full and lite
// pages, each also in Latin for Kazakh.
func previewViewNames(sc *storyCtx) []string {
	if sc.Service.Lang == "kk" {
		return []string{"", "latn", "lite", "lite-latn"}
	}
	return []string{"", "lite"}
}

// previewViews are the views of a story's service readers can choose.
func previewViews(sc *storyCtx, base, rev, current string) []viewLink {
	current = previewView(sc, current)
	var out []viewLink
	for _, v := range previewViewNames(sc) {
		q := url.Values{}
		if rev != "" {
			q.Set("rev", rev)
		}
		if v != "" {
			q.Set("view", v)
		}
		out = append(out, viewLink{Name: sc.Service.Name, Href: base + "?" + q.Encode(), Current: v == current,
			Latin: strings.HasSuffix(v, "latn"), Lite: strings.HasPrefix(v, "lite")})
	}
	return out
}

// phonePage frames the preview at a phone's width (360 CSS pixels).
func (a *Admin) phonePage(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	ctx := r.Context()
	sc, err := a.loadStory(ctx, actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	q := r.URL.Query()
	rev, err := a.previewRev(ctx, sc, q.Get("rev"))
	if err != nil {
		return err
	}
	src := url.Values{"rev": {rev.ID}}
	if v := previewView(sc, q.Get("view")); v != "" {
		src.Set("view", v)
	}
	a.render(w, r, http.StatusOK, "story-phone", &page{Title: say(r, actor, "Phone preview: %s", rev.Content.Headline.Plain()), Here: "stories", Actor: actor,
		Data: phoneData{storyCtx: sc, Headline: rev.Content.Headline.Plain(), Src: "/admin/stories/" + sc.Story.ID + "/preview?" + src.Encode(),
			Views: previewViews(sc, "/admin/stories/"+sc.Story.ID+"/phone", rev.ID, q.Get("view"))}})
	return nil
}

type linkView struct {
	news.PreviewLink
	Active  bool
	By      string
	RevNote string
}

func (a *Admin) linkViews(ctx context.Context, storyID string, now time.Time) ([]linkView, error) {
	links, err := a.cfg.Workflow.PreviewLinks(ctx, storyID)
	if err != nil {
		return nil, err
	}
	out := make([]linkView, len(links))
	for i, l := range links {
		out[i] = linkView{PreviewLink: l, Active: l.ActiveAt(now), By: a.staffName(ctx, l.CreatedBy)}
	}
	return out, nil
}

func newPreviewToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("admin: no randomness: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// previewLinkCreate makes a link to the story's newest revision (or the
// one named) and shows it once.
func (a *Admin) previewLinkCreate(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	ctx := r.Context()
	sc, err := a.loadStory(ctx, actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	if !sc.Edit && !sc.Review {
		return auth.ErrForbidden
	}
	rev, err := a.previewRev(ctx, sc, r.PostFormValue("revision"))
	if err != nil {
		return err
	}
	ttl := PreviewTTL
	if h := r.PostFormValue("hours"); h != "" {
		n, err := strconv.Atoi(h)
		if err != nil || n < 1 || n > 24*14 {
			return news.Invalidf("a preview link lasts 1 to 336 hours")
		}
		ttl = time.Duration(n) * time.Hour
	}
	now := a.auth.Now()
	token := newPreviewToken()
	l := news.PreviewLink{StoryID: sc.Story.ID, RevisionID: rev.ID, Latin: r.PostFormValue("view") == "latn" && sc.Service.Lang == "kk",
		CreatedBy: actor.ID, Created: now, Expires: now.Add(ttl)}
	if err := a.cfg.Workflow.CreatePreviewLink(ctx, &l, news.PreviewTokenHash(token)); err != nil {
		return err
	}
	a.auth.Audit(ctx, actor, "story.preview-link", sc.Story.ID, sc.Story.Service, a.clientOf(r), l.ID+" until "+l.Expires.UTC().Format(time.RFC3339))
	d, err := a.storyView(ctx, actor, sc, false)
	if err != nil {
		return err
	}
	d.NewLink = strings.TrimSuffix(a.cfg.ReaderOrigin, "/") + PreviewPrefix + token
	a.render(w, r, http.StatusOK, "story", &page{Title: say(r, actor, "Edit: %s", d.Headline), Here: "stories", Actor: actor,
		Notice: say(r, actor, "Preview link made. Copy it now: it is shown only once."), Data: d})
	return nil
}

func (a *Admin) previewLinkRevoke(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	ctx := r.Context()
	sc, err := a.loadStory(ctx, actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	if !sc.Edit && !sc.Review {
		return auth.ErrForbidden
	}
	if err := a.cfg.Workflow.RevokePreviewLink(ctx, sc.Story.ID, r.PathValue("link"), a.auth.Now()); err != nil {
		return err
	}
	a.auth.Audit(ctx, actor, "story.preview-revoke", sc.Story.ID, sc.Story.Service, a.clientOf(r), r.PathValue("link"))
	redirect(w, r, "/admin/stories/"+sc.Story.ID+"?done="+url.QueryEscape(say(r, actor, "Preview link revoked: it no longer opens.")))
	return nil
}

// PreviewLinks serves preview links on the reader origin: GET
// /preview/{token}. An unknown token is 404; an expired or revoked one
// 410. Nothing is cached or indexed.
func (a *Admin) PreviewLinks() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Set("X-Robots-Tag", "noindex, nofollow")
		h.Set("Referrer-Policy", "no-referrer")
		plain := func(status int, msg string) {
			h.Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(status)
			w.Write([]byte(msg + "\n"))
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			h.Set("Allow", "GET, HEAD")
			plain(http.StatusMethodNotAllowed, "405 Method Not Allowed")
			return
		}
		token, media, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, PreviewPrefix), "/")
		if a.cfg.Workflow == nil || a.cfg.Preview == nil || token == "" || len(token) > 100 {
			plain(http.StatusNotFound, "404 Not Found")
			return
		}
		ctx := r.Context()
		l, err := a.cfg.Workflow.PreviewLinkByHash(ctx, news.PreviewTokenHash(token))
		switch {
		case isNotFound(err):
			plain(http.StatusNotFound, "404 Not Found: there is no such preview.")
			return
		case err != nil:
			a.cfg.Log.Error("preview link", "err", err)
			plain(http.StatusInternalServerError, "500 Internal Server Error")
			return
		case !l.ActiveAt(a.auth.Now()):
			plain(http.StatusGone, "410 Gone: this preview link has expired or was withdrawn. Ask the newsroom for a new one.")
			return
		}
		if media != "" {
			// /preview/{token}/media/{asset}/{file}: an image of the
			// link's revision.
			rest, isMedia := strings.CutPrefix(media, "media/")
			asset, file, ok := strings.Cut(rest, "/")
			rev, err := a.cfg.Stories.Revision(ctx, l.RevisionID)
			if !isMedia || !ok || err != nil {
				plain(http.StatusNotFound, "404 Not Found")
				return
			}
			a.serveMedia(w, r, asset, file, func(id string) bool { return slices.Contains(rev.Content.AssetIDs(), id) })
			return
		}
		body, err := a.linkPreview(ctx, l, PreviewPrefix+token+"/media/")
		if err != nil {
			if isNotFound(err) {
				plain(http.StatusNotFound, "404 Not Found: there is no such preview.")
				return
			}
			a.cfg.Log.Error("preview link", "err", err)
			plain(http.StatusInternalServerError, "500 Internal Server Error")
			return
		}
		writePreview(w, body)
	})
}

func (a *Admin) linkPreview(ctx context.Context, l news.PreviewLink, mediaPrefix string) ([]byte, error) {
	st, err := a.cfg.Stories.Story(ctx, l.StoryID)
	if err != nil {
		return nil, err
	}
	rev, err := a.cfg.Stories.Revision(ctx, l.RevisionID)
	if err != nil {
		return nil, err
	}
	if rev.StoryID != st.ID {
		return nil, errors.New("preview link names another story's revision")
	}
	p, err := a.publishedOf(ctx, st, rev)
	if err != nil {
		return nil, err
	}
	view := ""
	if l.Latin {
		view = "latn"
	}
	body, err := a.cfg.Preview(ctx, p, view)
	if err != nil {
		return nil, err
	}
	return a.mediaVia(body, p, mediaPrefix), nil
}
