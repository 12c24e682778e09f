package news

import (
	"crypto/rand"
	"slices"
	"strings"
	"time"
	"unicode"
)

// NewID returns a fresh identifier: 12 characters of lowercase base32
// (60 random bits). IDs are made in Go, never by the database, so every
// backend stores the same values.
func NewID() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz234567"
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("news: no randomness: " + err.Error())
	}
	for i := range b {
		b[i] = alphabet[b[i]&31]
	}
	return string(b[:])
}

// ValidID reports whether s has the shape NewID produces.
func ValidID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '2' && c <= '7') {
			return false
		}
	}
	return true
}

// Time returns t as every Store keeps it: UTC, truncated to microseconds.
func Time(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}

// Reserved are path prefixes owned by fixed routes; no service may use them
// as its code.
var Reserved = []string{
	"admin", "api", "assets", "media", "lite", "healthz", "robots.txt",
	"feeds", "feed", "rss", "atom", "sitemap.xml", "sitemaps", "favicon.ico",
	"search", "static", "mirrors", ".well-known", "newsletter", "comments", "preview", "live",
}

// ValidServiceCode reports whether code may name a service: 2..15 lowercase
// letters, digits or hyphens, not reserved, not a "-latn" script view.
func ValidServiceCode(code string) bool {
	if len(code) < 2 || len(code) > 15 || strings.HasSuffix(code, "-latn") {
		return false
	}
	for _, r := range Reserved {
		if code == r {
			return false
		}
	}
	for i, c := range code {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' && i > 0) {
			return false
		}
	}
	return true
}

// ValidSlug reports whether s may appear as a URL slug: lowercase letters
// of any script, digits and single hyphens, 1..120 bytes.
func ValidSlug(s string) bool {
	if s == "" || len(s) > 120 || s[0] == '-' || s[len(s)-1] == '-' || strings.Contains(s, "--") {
		return false
	}
	for _, c := range s {
		switch {
		case c == '-', c >= '0' && c <= '9', c >= 'a' && c <= 'z':
		case c > 127 && !strings.ContainsRune("/?#%\\ ", c) && strings.ToLower(string(c)) == string(c) && isLetterOrDigit(c):
		default:
			return false
		}
	}
	return true
}

// Service is a language edition: its own name, language, script direction,
// base path, sections, promo and notices.
type Service struct {
	Code     string // first path segment: "kk" serves /kk/
	Name     string // "Азаттық"
	Lang     string // BCP 47 tag for <html lang>: "kk", "ru", "en", "fa"
	Dir      string // "ltr" or "rtl"
	TimeZone string // IANA zone for dates shown to readers: "Asia/Almaty"
	Tagline  string // one line under the masthead
	Promo    Inline // "what this service is", shown in the promo box
	Position int    // order among services
	Default  bool   // where "/" sends readers; exactly one service has it
}

// Validate checks a service before it is stored.
func (s Service) Validate() error {
	switch {
	case !ValidServiceCode(s.Code):
		return Invalidf("service code %q must be 2-15 lowercase letters, digits or hyphens, not a reserved path and not ending in -latn", s.Code)
	case strings.TrimSpace(s.Name) == "":
		return Invalidf("service %s needs a name", s.Code)
	case s.Lang == "":
		return Invalidf("service %s needs a language tag", s.Code)
	case s.Dir != "ltr" && s.Dir != "rtl":
		return Invalidf("service %s: direction must be ltr or rtl", s.Code)
	}
	if _, err := time.LoadLocation(s.TimeZone); err != nil || s.TimeZone == "" {
		return Invalidf("service %s: unknown time zone %q", s.Code, s.TimeZone)
	}
	return s.Promo.Validate()
}

// Location returns the service's time zone (UTC if it cannot be loaded).
func (s Service) Location() *time.Location {
	if loc, err := time.LoadLocation(s.TimeZone); err == nil {
		return loc
	}
	return time.UTC
}

// Section is a part of a service's site: /kk/politics/.
type Section struct {
	ID       string
	Service  string
	Slug     string
	Name     string
	Position int
}

// ReservedSectionSlugs are the second path segments the reader site uses
// for its own pages under a service (/kk/tag/..., /kk/search); no section
// may take them.
var ReservedSectionSlugs = []string{"tag", "author", "search", "mirrors", "feed", "feeds", "rss", "atom", "sitemap.xml", "latn"}

// Validate checks a section before it is stored.
func (s Section) Validate() error {
	for _, r := range ReservedSectionSlugs {
		if s.Slug == r {
			return Invalidf("section slug %q is reserved for the site's own pages", s.Slug)
		}
	}
	return nil
}

// Tag groups stories across sections within a service: /kk/tag/almaty.
type Tag struct {
	ID      string
	Service string
	Slug    string
	Name    string
}

// Author is a public byline profile, never a staff account: a real name, a
// pseudonym, or a collective byline ("Our correspondent in Almaty") that has
// no author page. Several staff may write under one profile.
type Author struct {
	ID         string
	Service    string
	Slug       string
	Name       string
	Bio        string
	Collective bool
}

// Notice is a legal or safety text shown to a service's readers, such as a
// warning for readers in a country that has outlawed the publisher.
type Notice struct {
	ID        string
	Service   string
	Title     string
	Body      Inline
	Countries []string // ISO 3166-1 alpha-2; empty means every reader
	Position  int
	Active    bool
}

// Banner is a service's breaking-news banner.
type Banner struct {
	Service string
	Label   string // "Breaking", "Срочно"
	Text    string
	Link    string // site path or absolute URL; may be empty
	Active  bool
	Updated time.Time
}

// Asset is a stored media file. The original is kept stripped of metadata;
// resized variants are derived from it by package media.
type Asset struct {
	ID      string
	Hash    string // hex SHA-256 of the stored (stripped) original
	MIME    string // image/jpeg, image/png
	Width   int
	Height  int
	Bytes   int64
	Created time.Time
}

// Staff is a newsroom account. It is private: nothing about it may appear on
// a public surface. Bylines come from Author profiles.
type Staff struct {
	ID      string
	Email   string
	Name    string
	Created time.Time
	// Lang is the language of the admin's own text the person chose: "en",
	// "ru" or "kk"; "" follows the browser's Accept-Language.
	Lang string
}

// StaffLangs are the languages the admin speaks, besides "" (follow the
// browser).
var StaffLangs = []string{"en", "ru", "kk"}

// ValidStaffLang reports whether lang is one of StaffLangs or "".
func ValidStaffLang(lang string) bool {
	return lang == "" || slices.Contains(StaffLangs, lang)
}

// EditStatus is where a story stands in the newsroom's workflow, apart from
// whether readers can see it.
type EditStatus string

const (
	StatusDraft    EditStatus = "draft"
	StatusReview   EditStatus = "review"
	StatusApproved EditStatus = "approved"
)

// PubState says whether readers can see a story.
type PubState string

const (
	PubNone        PubState = "none"        // never published
	PubScheduled   PubState = "scheduled"   // goes live at PublishAt (embargo)
	PubPublished   PubState = "published"   // live since PublishAt
	PubUnpublished PubState = "unpublished" // taken down; answers 410
)

// Story is a piece of journalism in one service. Its content lives in
// revisions: HeadRev is the newest saved, LiveRev the one readers see.
type Story struct {
	ID        string
	Service   string
	SectionID string
	Slug      string
	Group     string // stories sharing a Group are translations of each other
	TagIDs    []string
	Status    EditStatus
	Pub       PubState
	PublishAt time.Time // first public time (or scheduled time)
	UpdatedAt time.Time // last public update after PublishAt; zero if none
	LiveRev   string
	HeadRev   string
	Created   time.Time
	Modified  time.Time
}

// PublicAt reports whether readers may see the story at instant at.
func (s Story) PublicAt(at time.Time) bool {
	return (s.Pub == PubPublished || s.Pub == PubScheduled) && s.LiveRev != "" && !s.PublishAt.After(at)
}

// Content is what a revision holds: everything an editor writes.
type Content struct {
	Headline  Inline
	Deck      Inline
	Dateline  string // "ALMATY, Kazakhstan"
	Lead      *Figure
	Body      Doc
	AuthorIDs []string
}

// Validate checks content before it is saved.
func (c Content) Validate() error {
	if strings.TrimSpace(c.Headline.Plain()) == "" {
		return Invalidf("headline is empty")
	}
	if err := c.Headline.Validate(); err != nil {
		return Invalidf("headline: %v", err)
	}
	if err := c.Deck.Validate(); err != nil {
		return Invalidf("deck: %v", err)
	}
	if c.Lead != nil {
		if err := c.Lead.Validate(); err != nil {
			return Invalidf("lead figure: %v", err)
		}
	}
	return c.Body.Validate()
}

// AssetIDs lists the assets the content uses: the lead first, then the body's.
func (c Content) AssetIDs() []string {
	ids := c.Body.AssetIDs()
	if c.Lead != nil {
		out := []string{c.Lead.AssetID}
		for _, id := range ids {
			if id != c.Lead.AssetID {
				out = append(out, id)
			}
		}
		return out
	}
	return ids
}

// Revision is one saved version of a story's content.
type Revision struct {
	ID        string
	StoryID   string
	ParentID  string // the revision this one was edited from; "" for the first
	Content   Content
	CreatedBy string // Staff.ID; private
	Created   time.Time
}

// Correction is a public note on a story, shown with its time.
type Correction struct {
	ID      string
	StoryID string
	At      time.Time
	Text    Inline
}

func isLetterOrDigit(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}
