package feed

import (
	"crypto/sha1"
	"encoding/hex"
	"net/url"
	"strconv"

	"qalam/internal/news"
)

// The reader site's paths, as internal/site builds them.

func homePath(svc string) string        { return "/" + svc + "/" }
func sectionPath(s news.Section) string { return "/" + s.Service + "/" + s.Slug + "/" }
func tagPath(t news.Tag) string         { return "/" + t.Service + "/tag/" + t.Slug + "/" }
func authorPath(a news.Author) string   { return "/" + a.Service + "/author/" + a.Slug + "/" }
func storyPath(s news.Summary) string {
	return "/" + s.Service + "/" + s.Section.Slug + "/" + s.Slug + "-" + s.ID
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
