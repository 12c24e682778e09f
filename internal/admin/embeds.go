package admin

import (
	"bytes"
	"context"
	"crypto/subtle"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"

	"qalam/internal/auth"
	"qalam/internal/editor"
	"qalam/internal/media"
	"qalam/internal/news"
	"qalam/internal/outbound"
	"qalam/internal/render"
)

// Embeds: when a journalist inserts an embed, the editor asks
//
//	POST /admin/embeds?story=ID   url, csrf (field or X-CSRF-Token header)
//
// and qalam fetches the address itself, through the outbound client and
// its SSRF rules (Config.Outbound: loopback, private and link-local
// addresses refused unless --outbound-allow lists them, checked on every
// connection; a byte limit, timeouts, few redirects, no cookies, a neutral
// User-Agent). From the page it reads a title (og:title, twitter:title,
// <title>), the site's name and a picture (og:image, twitter:image; for a
// YouTube video its known thumbnail), fetches the picture through the same
// client and stores it in the service's media library through the upload
// pipeline (media.Library.Ingest: the type judged by content, size and
// pixel limits, every metadata segment stripped by re-encoding, variants),
// credited to the site, its alt text the title. The answer is JSON:
//
//	{"url", "title", "provider", "thumb": asset id, "thumbURL": staff thumbnail,
//	 "code": "" | "off" | "refused" | "failed" | "not-html" | "no-image" | "bad-image",
//	 "message": what went wrong, in English}
//
// A fetch that fails in any way still answers 200 with the URL and what
// could be had, and a code the editor explains: the journalist can always
// insert the embed. Only a bad address (400), a stale page (403), a role
// that may not edit the story (403) and a signed-out session (401) are
// refused. The session and CSRF rules are the autosave's; the person must
// be able to edit the story (ActWrite in its service, and theirs or an
// editor's).

// EmbedClient is the outbound client embed previews are fetched through:
// the outbound rules with allow's networks allowed (serve's
// --outbound-allow, the same list webhooks use), 10 seconds per request,
// at most 3 redirects, at most EmbedMaxBytes of any answer, and a
// User-Agent that names no newsroom.
func EmbedClient(allow []netip.Prefix) *outbound.Client {
	return outbound.New(outbound.Options{Allow: allow, Timeout: 10 * time.Second, DialTimeout: 5 * time.Second,
		MaxRedirects: 3, MaxBody: EmbedMaxBytes, UserAgent: "Mozilla/5.0 (compatible; link-preview)"})
}

// EmbedMaxBytes bounds an embed's page and thumbnail, in bytes.
const EmbedMaxBytes = 8 << 20

// embedPageBytes is how much of a page is read for its title and picture:
// they are in the <head>.
const embedPageBytes = 1 << 20

// embedFetches bounds the fetches running at once, across the newsroom.
var embedFetches = make(chan struct{}, 4)

// EmbedAnswer is the JSON answer of POST /admin/embeds.
type EmbedAnswer struct {
	URL      string `json:"url"`
	Title    string `json:"title"`
	Provider string `json:"provider"`
	Thumb    string `json:"thumb"`
	ThumbURL string `json:"thumbURL"`
	Code     string `json:"code"`
	Message  string `json:"message"`
}

// Codes of an embed fetch that gave less than a title and a thumbnail.
const (
	embedOff      = "off"      // this server fetches nothing
	embedRefused  = "refused"  // the address is one the SSRF rules refuse
	embedFailed   = "failed"   // no answer, an error status, a timeout, too large
	embedNotHTML  = "not-html" // the address is not a web page
	embedNoImage  = "no-image" // the page names no picture
	embedBadImage = "bad-image"
)

// embedMessages say in English what each code means; the editor shows its
// own text for the code (web/editor/src/main.js), translated like the rest.
var embedMessages = map[string]string{
	embedOff:      "This newsroom does not fetch previews, so the embed has its address only.",
	embedRefused:  "The address points into a private network, which qalam does not fetch from, so the embed has its address only.",
	embedFailed:   "The page could not be fetched, so the embed has its address only.",
	embedNotHTML:  "The address is not a web page, so the embed has no title or picture.",
	embedNoImage:  "The page has no picture to show, so the embed has no thumbnail.",
	embedBadImage: "The page's picture could not be used, so the embed has no thumbnail.",
}

func (a *Admin) embedRoutes() {
	if a.cfg.Stories == nil || a.cfg.Workflow == nil {
		return
	}
	// Like autosave, it checks its own session and CSRF token so that a
	// script gets JSON, never the sign-in page.
	a.handle("POST /admin/embeds", public, a.embedPost)
}

func (a *Admin) embedPost(w http.ResponseWriter, r *http.Request, actor *auth.Actor) error {
	msg := func(status int, m string) error {
		mediaJSONReply(w, status, map[string]string{"error": m})
		return nil
	}
	if actor == nil || actor.Session.Stage != news.StageFull {
		return msg(http.StatusUnauthorized, "You are signed out. Sign in again in another tab, then insert the embed again.")
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	tok := r.PostFormValue("csrf")
	if tok == "" {
		tok = r.Header.Get("X-CSRF-Token")
	}
	if subtle.ConstantTimeCompare([]byte(tok), []byte(csrfToken(actor.Token))) != 1 {
		return msg(http.StatusForbidden, "This page is out of date. Reload it and insert the embed again.")
	}
	ctx := r.Context()
	sc, err := a.loadStory(ctx, actor, r.FormValue("story")) // the editor names it in the query
	switch {
	case errors.Is(err, auth.ErrForbidden):
		return msg(http.StatusForbidden, "Your role does not allow you to edit this story.")
	case errors.Is(err, news.ErrNotFound):
		return msg(http.StatusNotFound, "This story does not exist.")
	case err != nil:
		a.cfg.Log.Error("admin embed", "err", err)
		return msg(http.StatusInternalServerError, "The newsroom could not do that. Try again.")
	}
	if !sc.Edit || !actor.Allowed(news.ActWrite, sc.Story.Service) {
		return msg(http.StatusForbidden, "Your role does not allow you to edit this story.")
	}
	u, err := editor.EmbedURL(r.PostFormValue("url"))
	if err != nil {
		var ee *editor.Error
		if errors.As(err, &ee) {
			return msg(http.StatusBadRequest, "That is not an http(s) address: "+ee.Msg+".")
		}
		return msg(http.StatusBadRequest, "That is not an http(s) address.")
	}
	ans := a.fetchEmbed(ctx, actor, r, sc.Story.Service, u)
	if ans.Code != "" {
		ans.Message = embedMessages[ans.Code]
	}
	mediaJSONReply(w, http.StatusOK, ans)
	return nil
}

// fetchEmbed fetches what it can of an embed. It never fails: what it
// could not have is missing from the answer, and Code says why.
func (a *Admin) fetchEmbed(ctx context.Context, actor *auth.Actor, r *http.Request, service, u string) EmbedAnswer {
	provider := editor.Provider(u)
	ans := EmbedAnswer{URL: u, Provider: provider}
	client := a.cfg.Outbound
	ms := a.mediaStore()
	if client == nil || ms == nil {
		ans.Code = embedOff
		return ans
	}
	select {
	case embedFetches <- struct{}{}:
		defer func() { <-embedFetches }()
	case <-ctx.Done():
		ans.Code = embedFailed
		return ans
	}
	ctx, cancel := context.WithTimeout(ctx, 25*time.Second)
	defer cancel()

	meta, code := fetchEmbedPage(ctx, client, u)
	ans.Title = meta.title
	site := meta.site
	if site == "" {
		if provider != "link" {
			site = render.ProviderName(provider)
		} else if pu, err := url.Parse(u); err == nil {
			site = strings.TrimPrefix(strings.ToLower(pu.Hostname()), "www.")
		}
	}
	img := meta.image
	if frame := render.FrameURL(news.Embed{URL: u}); strings.HasPrefix(frame, "https://www.youtube-nocookie.com/embed/") {
		// A video's known thumbnail, whatever the page said (YouTube often
		// answers servers with a consent page).
		img = "https://i.ytimg.com/vi/" + strings.TrimPrefix(frame, "https://www.youtube-nocookie.com/embed/") + "/hqdefault.jpg"
		if code == embedNotHTML || code == embedFailed {
			code = ""
		}
	}
	if code != "" && img == "" {
		ans.Code = code
		return ans
	}
	if img == "" {
		ans.Code = embedNoImage
		return ans
	}
	data, icode := fetchEmbedImage(ctx, client, img)
	if icode != "" {
		ans.Code = icode
		return ans
	}
	asset, err := a.cfg.Library.Ingest(ctx, data)
	if err != nil {
		if media.Reason(err) == "" {
			a.cfg.Log.Error("admin embed thumbnail", "err", err)
		}
		ans.Code = embedBadImage
		return ans
	}
	name := ans.Title
	if name == "" {
		name = u
	}
	item := news.MediaItem{Asset: news.Asset{ID: asset.ID}, Service: service, Name: cutRunes(news.CleanMediaText(name), news.MaxMediaName),
		Alt: cutRunes(news.CleanMediaText(ans.Title), news.MaxMediaAlt), Credit: cutRunes(news.CleanMediaText(site), news.MaxMediaCredit),
		AddedBy: actor.ID, Added: a.auth.Now()}
	if err := ms.AddMedia(ctx, &item); err != nil {
		a.cfg.Log.Error("admin embed thumbnail", "err", err)
		ans.Code = embedBadImage
		return ans
	}
	a.auth.Audit(ctx, actor, "media.embed", "", service, a.clientOf(r), asset.ID)
	ans.Thumb, ans.ThumbURL = item.Asset.ID, mediaThumbURL(item, 320)
	return ans
}

// embedMeta is what a page says about itself.
type embedMeta struct {
	title, site, image string
}

// fetchEmbedPage fetches an embed's page and reads its head. The code is
// "" for a page read, or why none was.
func fetchEmbedPage(ctx context.Context, client *outbound.Client, u string) (embedMeta, string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return embedMeta{}, embedFailed
	}
	req.Header.Set("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1")
	resp, err := client.Do(req)
	if err != nil {
		if errors.Is(err, outbound.ErrRefused) {
			return embedMeta{}, embedRefused
		}
		return embedMeta{}, embedFailed
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return embedMeta{}, embedFailed
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if mt != "text/html" && mt != "application/xhtml+xml" {
		return embedMeta{}, embedNotHTML
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, embedPageBytes))
	if err != nil && !errors.Is(err, outbound.ErrTooLarge) {
		return embedMeta{}, embedFailed
	}
	m := readEmbedMeta(toUTF8(body, resp.Header.Get("Content-Type")))
	if m.image != "" {
		m.image = resolveImage(resp.Request.URL, m.image)
	}
	return m, ""
}

// toUTF8 decodes a page in the charset its Content-Type or its own <meta>
// names (windows-1251 is still common on Russian and Kazakh sites); text
// that cannot be decoded is kept with its invalid bytes replaced.
func toUTF8(page []byte, contentType string) []byte {
	r, err := charset.NewReader(bytes.NewReader(page), contentType)
	if err == nil {
		if out, err := io.ReadAll(r); err == nil {
			page = out
		}
	}
	return bytes.ToValidUTF8(page, []byte("\uFFFD"))
}

// readEmbedMeta reads a page's title, site name and picture from its
// meta tags and <title>, stopping at the body.
func readEmbedMeta(page []byte) embedMeta {
	var m embedMeta
	var ogTitle, twTitle, docTitle, ogImage, twImage string
	z := html.NewTokenizer(bytes.NewReader(page))
	inTitle := false
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			goto done
		case html.TextToken:
			if inTitle && docTitle == "" {
				docTitle = string(z.Text())
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			if string(name) == "title" {
				inTitle = false
			}
			if string(name) == "head" {
				goto done
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			switch string(name) {
			case "body":
				goto done
			case "title":
				inTitle = tt == html.StartTagToken
			case "meta":
				var key, content string
				for hasAttr {
					var k, v []byte
					k, v, hasAttr = z.TagAttr()
					switch strings.ToLower(string(k)) {
					case "property", "name":
						if key == "" {
							key = strings.ToLower(strings.TrimSpace(string(v)))
						}
					case "content":
						content = string(v)
					}
				}
				content = strings.TrimSpace(content)
				switch key {
				case "og:title":
					ogTitle = first(ogTitle, content)
				case "twitter:title":
					twTitle = first(twTitle, content)
				case "og:site_name":
					m.site = first(m.site, content)
				case "og:image", "og:image:secure_url", "og:image:url":
					ogImage = first(ogImage, content)
				case "twitter:image", "twitter:image:src":
					twImage = first(twImage, content)
				}
			}
		}
	}
done:
	m.title = cleanTitle(first(first(ogTitle, twTitle), docTitle))
	m.site = cutRunes(news.CleanMediaText(m.site), news.MaxMediaCredit)
	m.image = first(ogImage, twImage)
	return m
}

func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// cleanTitle makes a page's title one line of valid plain text that fits
// an embed's title.
func cleanTitle(s string) string {
	s = news.CleanMediaText(strings.ToValidUTF8(s, ""))
	if len(s) <= news.MaxEmbedTitle {
		return s
	}
	cut := news.MaxEmbedTitle - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strings.TrimSpace(s[:cut]) + "…"
}

func cutRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// resolveImage makes a page's picture address absolute against the page's
// own (final) address; "" for anything but http(s).
func resolveImage(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" || len(ref) > 2048 {
		return ""
	}
	r, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	abs := base.ResolveReference(r)
	if (abs.Scheme != "http" && abs.Scheme != "https") || abs.Host == "" || abs.User != nil {
		return ""
	}
	abs.Fragment = ""
	return abs.String()
}

// fetchEmbedImage fetches a picture through the outbound client; the
// media library judges what it is.
func fetchEmbedImage(ctx context.Context, client *outbound.Client, u string) ([]byte, string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, embedBadImage
	}
	req.Header.Set("Accept", "image/jpeg,image/png,image/webp,image/gif;q=0.8")
	resp, err := client.Do(req)
	if err != nil {
		if errors.Is(err, outbound.ErrRefused) {
			return nil, embedRefused
		}
		return nil, embedBadImage
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		resp.Body.Close()
		return nil, embedBadImage
	}
	data, err := outbound.ReadAll(resp)
	if err != nil || len(data) == 0 {
		return nil, embedBadImage
	}
	return data, ""
}
