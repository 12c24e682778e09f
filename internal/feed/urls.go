package feed

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"net/url"
	"strconv"
	"strings"

	"qalam/internal/i18n"
	"qalam/internal/news"
	"qalam/internal/scriptview"
)

// view is a service's reader pages in one script: as stored ("/kk/..."),
// or a Kazakh service's Latin view ("/kk-latn/..."), read through
// scriptview.Latin so that every text comes in Latin and every link into
// the Latin view. Feeds and sitemaps of the Latin view live under the same
// segment: /feeds/kk-latn/..., /sitemaps/kk-latn.xml.
type view struct {
	store news.Store
	svc   news.Service // as the view shows it (name and tagline in Latin)
	seg   string       // the path segment: "kk", "kk-latn"
	latin bool
	lang  string // the language tag of the view's text
	cat   *i18n.Catalog
}

// view finds the service a path segment names, in its view. A "-latn"
// segment of a service that is not Kazakh is not found.
func (h *Handler) view(ctx context.Context, seg string) (view, error) {
	code, latin := strings.CutSuffix(seg, scriptview.Suffix)
	svc, err := h.store.Service(ctx, code)
	if err != nil {
		return view{}, err
	}
	if !latin {
		return h.plainView(svc), nil
	}
	if !scriptview.HasLatin(svc) {
		return view{}, errNotFound
	}
	return h.latinView(svc), nil
}

func (h *Handler) plainView(svc news.Service) view {
	return view{store: h.store, svc: svc, seg: svc.Code, lang: svc.Lang, cat: i18n.For(svc.Lang)}
}

func (h *Handler) latinView(svc news.Service) view {
	return view{store: scriptview.Latin(h.store, svc.Code), svc: scriptview.LatinService(svc),
		seg: svc.Code + scriptview.Suffix, latin: true, lang: scriptview.LatinLang, cat: scriptview.Catalog}
}

// The reader site's paths in a view, as internal/site builds them.

func (v view) homePath() string                  { return "/" + v.seg + "/" }
func (v view) sectionPath(s news.Section) string { return "/" + v.seg + "/" + s.Slug + "/" }
func (v view) tagPath(t news.Tag) string         { return "/" + v.seg + "/tag/" + t.Slug + "/" }
func (v view) authorPath(a news.Author) string   { return "/" + v.seg + "/author/" + a.Slug + "/" }
func (v view) storyPath(s news.Summary) string {
	base := "/" + v.seg
	return base + "/" + s.Section.Slug + "/" + scriptview.Slug(base, s.Slug) + "-" + s.ID
}

// storyID and feedID name the Latin view's stories and feeds apart from
// the Cyrillic ones: a reader who follows both sees each story once in
// each script, never one replacing the other.
func (v view) storyID(id string) string {
	if v.latin {
		return uuid5("story " + scriptview.LatinLang + " " + id)
	}
	return storyID(id)
}

func (v view) feedID(kind, id string) string {
	if v.latin {
		return uuid5("feed " + scriptview.LatinLang + " " + kind + " " + id)
	}
	return feedID(kind, id)
}

// sitemapPath is a service's sitemap file: page 1 at /sitemaps/{svc}.xml,
// later ones at /sitemaps/{svc}/{n}.xml (a hyphen could be read as part of
// a service code).
func sitemapPath(svc string, page int) string {
	if page <= 1 {
		return "/sitemaps/" + svc + ".xml"
	}
	return "/sitemaps/" + svc + "/" + strconv.Itoa(page) + ".xml"
}

func newsSitemapPath(svc string) string { return "/sitemaps/" + svc + "-news.xml" }

func escapePath(p string) string { return (&url.URL{Path: p}).EscapedPath() }

// storyID names a story in every feed, on every host, wherever the story
// moves: a name-based UUID (RFC 9562 version 5) of its immutable ID. Its
// URL cannot serve: readers switch mirrors when one is blocked, and a
// host-bound id would bring every story back as new. A tag: URI needs a
// domain the publisher owns, which the configuration does not single out.
func storyID(id string) string { return uuid5("story " + id) }

// feedID names a feed the same way, from what it lists (IDs, not slugs).
func feedID(kind, id string) string { return uuid5("feed " + kind + " " + id) }

// qalamNS is the namespace of qalam's name-based UUIDs.
var qalamNS = [16]byte{0x5b, 0x1f, 0x0e, 0x8a, 0x3c, 0x44, 0x4d, 0x2e, 0x9a, 0x61, 0x0c, 0x7e, 0x2d, 0x55, 0x81, 0x3f}

func uuid5(name string) string {
	h := sha1.New()
	h.Write(qalamNS[:])
	h.Write([]byte(name))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // RFC variant
	s := hex.EncodeToString(u[:])
	return "urn:uuid:" + s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
}
