package render

import (
	"html"
	"net/url"
	"regexp"
	"strings"

	"qalam/internal/news"
)

// Embeds are link cards served by qalam. A card names the provider, shows
// the embed's title linked to the original (rel nofollow noopener
// noreferrer: the third party learns nothing of the page the reader came
// from) and, on the full site, the thumbnail the newsroom copied into its
// media library, so the card costs the reader no request to anyone else.
//
// For providers whose content can be framed without their scripts the full
// site's card also carries, hidden, a button "Load content from <provider>"
// with the frame's address in data-frame; assets/static/embed.js (loaded
// only on pages with such a card) shows the button and swaps the frame in
// only after the reader clicks it. The frame addresses are the providers'
// privacy-friendlier ones, and FrameSources lists their origins exactly, for
// the page's Content-Security-Policy (frame-src).

// FrameSources are the origins embed frames may come from, one per provider
// FrameURL knows. A page showing a card with a frame needs them in its
// frame-src.
var FrameSources = []string{
	"https://www.youtube-nocookie.com",
	"https://t.me",
	"https://platform.twitter.com",
	"https://www.instagram.com",
	"https://www.facebook.com",
}

var (
	youtubeID   = regexp.MustCompile(`^[A-Za-z0-9_-]{11}$`)
	telegramCh  = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{3,63}$`)
	digits      = regexp.MustCompile(`^[0-9]{1,20}$`)
	instaCode   = regexp.MustCompile(`^[A-Za-z0-9_-]{5,64}$`)
	xHandle     = regexp.MustCompile(`^[A-Za-z0-9_]{1,15}$`)
	fbPathShape = regexp.MustCompile(`^/[A-Za-z0-9._/-]{1,300}$`)
)

// FrameURL is the address of the frame that shows an embed's content when
// the reader asks for it, or "" when the embed has none (any other site, or
// an address of a known provider that is not one post or video):
//
//	YouTube      https://www.youtube-nocookie.com/embed/ID
//	Telegram     https://t.me/CHANNEL/POST?embed=1
//	X            https://platform.twitter.com/embed/Tweet.html?id=ID&dnt=true
//	Instagram    https://www.instagram.com/p/CODE/embed/
//	Facebook     https://www.facebook.com/plugins/post.php?href=URL (video.php for videos)
//
// Every part taken from the stored URL is checked against a strict pattern
// first, so a frame can only ever point at one of FrameSources.
func FrameURL(e news.Embed) string {
	u, err := url.Parse(e.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.User != nil {
		return ""
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	host = strings.TrimPrefix(strings.TrimPrefix(host, "www."), "m.")
	parts := strings.Split(strings.Trim(u.EscapedPath(), "/"), "/")
	switch host {
	case "youtube.com", "music.youtube.com", "youtube-nocookie.com", "youtu.be":
		id := ""
		switch {
		case host == "youtu.be" && len(parts) == 1:
			id = parts[0]
		case len(parts) == 1 && parts[0] == "watch":
			id = u.Query().Get("v")
		case len(parts) == 2 && (parts[0] == "embed" || parts[0] == "shorts" || parts[0] == "live" || parts[0] == "v"):
			id = parts[1]
		}
		if youtubeID.MatchString(id) {
			return "https://www.youtube-nocookie.com/embed/" + id
		}
	case "t.me", "telegram.me":
		if len(parts) == 3 && parts[0] == "s" {
			parts = parts[1:]
		}
		if len(parts) == 2 && telegramCh.MatchString(parts[0]) && digits.MatchString(parts[1]) {
			return "https://t.me/" + parts[0] + "/" + parts[1] + "?embed=1"
		}
	case "x.com", "twitter.com", "mobile.twitter.com":
		if len(parts) >= 3 && xHandle.MatchString(parts[0]) && parts[1] == "status" && digits.MatchString(parts[2]) {
			return "https://platform.twitter.com/embed/Tweet.html?id=" + parts[2] + "&dnt=true"
		}
	case "instagram.com", "instagr.am":
		if len(parts) >= 2 && (parts[0] == "p" || parts[0] == "reel" || parts[0] == "tv") && instaCode.MatchString(parts[1]) {
			return "https://www.instagram.com/" + parts[0] + "/" + parts[1] + "/embed/"
		}
	case "facebook.com", "fb.watch":
		if !fbPathShape.MatchString(u.EscapedPath()) || len(parts) < 2 && host != "fb.watch" {
			return ""
		}
		canon := "https://www.facebook.com" + u.EscapedPath()
		kind := "post"
		if host == "fb.watch" {
			canon = "https://fb.watch" + u.EscapedPath()
			kind = "video"
		} else if parts[0] == "watch" || slicesContains(parts, "videos") || parts[0] == "reel" {
			kind = "video"
		}
		if parts[0] == "watch" || parts[0] == "permalink.php" || parts[0] == "story.php" {
			return "" // the post is in the query, which is not passed on
		}
		return "https://www.facebook.com/plugins/" + kind + ".php?href=" + url.QueryEscape(canon)
	}
	return ""
}

func slicesContains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// HasFrames reports whether a body has a card with a frame behind a click,
// so its page needs assets/static/embed.js and the frame sources in its CSP.
func HasFrames(d news.Doc) bool {
	for _, b := range d.Blocks {
		if b.Embed != nil && FrameURL(*b.Embed) != "" {
			return true
		}
	}
	return false
}

// writeEmbed renders an embed as a link card; see the package comment
// above. Nothing in it makes the reader's browser contact the third party:
// the only third-party addresses are the link's href and the hidden
// button's data-frame.
// EmbedSource names where an embed comes from for readers: a known
// provider's name ("YouTube"), else the address's host without "www.".
func EmbedSource(e news.Embed) string {
	if e.Provider != "" && e.Provider != "link" {
		return ProviderName(e.Provider)
	}
	u, err := url.Parse(e.URL)
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
}

func writeEmbed(b *strings.Builder, e news.Embed, o Options) {
	u, err := url.Parse(e.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || !news.SafeHref(e.URL) {
		return
	}
	provider := EmbedSource(e)
	title := strings.TrimSpace(e.Title)
	if title == "" {
		title = u.Hostname() + u.EscapedPath()
	}
	thumb := ""
	if o.Thumb != nil && e.Thumb != "" {
		thumb = string(o.Thumb(e.Thumb))
	}
	frame := ""
	if o.EmbedLoad != nil {
		frame = FrameURL(e)
	}
	b.WriteString(`<aside class="embed`)
	if thumb != "" {
		b.WriteString(` embed-card`)
	}
	b.WriteString(`" data-qalam="embed">`)
	if thumb != "" {
		b.WriteString(`<div class="embed-media">`)
		b.WriteString(thumb)
		b.WriteString(`</div>`)
	}
	b.WriteString(`<a href="`)
	b.WriteString(html.EscapeString(u.String()))
	b.WriteString(`" rel="nofollow noopener noreferrer">`)
	b.WriteString(html.EscapeString(title))
	b.WriteString(`</a>`)
	if o.EmbedLabel != nil {
		b.WriteString(` <span class="embed-via">`)
		b.WriteString(html.EscapeString(o.EmbedLabel(provider)))
		b.WriteString(`</span>`)
	}
	if frame != "" {
		b.WriteString(`<button type="button" class="embed-load" data-qalam="embed-load" hidden data-frame="`)
		b.WriteString(html.EscapeString(frame))
		b.WriteString(`" data-title="`)
		b.WriteString(html.EscapeString(title))
		b.WriteString(`">`)
		b.WriteString(html.EscapeString(o.EmbedLoad(provider)))
		b.WriteString(`</button>`)
	}
	b.WriteString("</aside>\n")
}
