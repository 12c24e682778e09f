package news

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// MediaItem is an image in one service's media library: the asset (shared
// by every service, deduplicated by content) and that service's defaults
// for it, in its own language. Nothing here is public; a story's figure
// copies the defaults and readers see only the figure.
type MediaItem struct {
	Asset   Asset
	Service string
	// Name is the uploaded file's name, kept only as a label for staff: it
	// is never used as a path and never shown to readers.
	Name    string
	Alt     string // default alternative text
	Caption string // default caption (plain text)
	Credit  string // default credit
	AddedBy string // the staff member who added it (private)
	Added   time.Time
	Updated time.Time
	// Listed is false for an image a story of the service uses that was
	// never added to the library (the demo's, those from before it): it
	// has no defaults until someone saves them.
	Listed bool
}

// Limits on a media item's texts, in characters.
const (
	MaxMediaName    = 200
	MaxMediaAlt     = 500
	MaxMediaCaption = 1000
	MaxMediaCredit  = 200
)

// CleanMediaText trims s, turns every control character and line break
// into a space and collapses runs of spaces; the result is plain text.
func CleanMediaText(s string) string {
	s = strings.ToValidUTF8(s, "")
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsControl(r) || unicode.IsSpace(r) || r == '\u2028' || r == '\u2029' {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// Validate checks a media item's service, asset and text lengths.
func (m MediaItem) Validate() error {
	switch {
	case m.Service == "":
		return Invalidf("a media item needs a service")
	case m.Asset.ID == "":
		return Invalidf("a media item needs an asset")
	}
	for _, f := range []struct {
		what string
		s    string
		max  int
	}{{"file name", m.Name, MaxMediaName}, {"alt text", m.Alt, MaxMediaAlt}, {"caption", m.Caption, MaxMediaCaption}, {"credit", m.Credit, MaxMediaCredit}} {
		if n := utf8.RuneCountInString(f.s); n > f.max {
			return Invalidf("the %s has %d characters; the limit is %d", f.what, n, f.max)
		}
	}
	return nil
}

// MediaStore is the newsroom's media library, per service.
type MediaStore interface {
	// AddMedia puts the asset item.Asset.ID into item.Service's library
	// with item's name and defaults. If it is already there, nothing
	// changes and *item becomes the stored one.
	AddMedia(ctx context.Context, item *MediaItem) error
	// Media returns one image of a service's library, or of its stories
	// (Listed false), or ErrNotFound.
	Media(ctx context.Context, service, assetID string) (MediaItem, error)
	// ListMedia lists a service's library newest first, then the images its
	// stories use that are not in it, at most limit. A non-empty query
	// keeps the items whose name, alt text, caption or credit contain every
	// word of it (case-insensitively, in any script).
	ListMedia(ctx context.Context, service, query string, limit int) ([]MediaItem, error)
	// SetMediaText saves a library item's defaults (adding an image its
	// stories use to the library).
	SetMediaText(ctx context.Context, item MediaItem) error
	// MediaServices lists the services whose library or stories have the
	// asset.
	MediaServices(ctx context.Context, assetID string) ([]string, error)
}
