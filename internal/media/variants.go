package media

import (
	"image"
	"strconv"
	"strings"

	"qalam/internal/news"
)

// widths are the standard variant widths. Changing them changes which
// files exist: run Library.Repair over existing assets afterwards.
var widths = [...]int{320, 640, 960, 1280, 1920}

// Variant is one resized rendition of an asset.
type Variant struct {
	Width, Height int
	URL           string // site path: /media/{assetID}/{hash16}-{width}.jpg (or .png)
	WebP          string // the same width as WebP: /media/{assetID}/{hash16}-{width}.webp
}

// sizesFor lists the variant sizes of a w×h original, narrowest first: every
// standard width narrower than the original, then the original's own width
// capped at the widest standard width, unless a standard width within 10%
// of it is already there. Nothing is ever enlarged; an original narrower
// than 320 pixels has a single variant of its own size.
func sizesFor(w, h int) []image.Point {
	if w <= 0 || h <= 0 {
		return nil
	}
	top := min(w, widths[len(widths)-1])
	var out []image.Point
	for _, sw := range widths {
		if sw < top {
			out = append(out, image.Pt(sw, heightFor(w, h, sw)))
		}
	}
	if len(out) == 0 || out[len(out)-1].X*10 < top*9 {
		out = append(out, image.Pt(top, heightFor(w, h, top)))
	}
	return out
}

// heightFor is the height of a variant dw pixels wide, keeping the aspect
// ratio and rounding to the nearest pixel.
func heightFor(w, h, dw int) int {
	if dw == w {
		return h
	}
	return max(1, int((int64(h)*int64(dw)+int64(w)/2)/int64(w)))
}

// Variants lists the resized widths available for an asset, narrowest
// first, each with its URL path and exact pixel size. It returns nil for an
// asset without ID, a valid hash or a size.
func Variants(a news.Asset) []Variant {
	if a.ID == "" || !validID(a.ID) || !validHash(a.Hash) {
		return nil
	}
	sizes := sizesFor(a.Width, a.Height)
	out := make([]Variant, len(sizes))
	for i, s := range sizes {
		out[i] = Variant{Width: s.X, Height: s.Y, URL: variantURL(a, s.X, extFor(a.MIME)), WebP: variantURL(a, s.X, ".webp")}
	}
	return out
}

func variantURL(a news.Asset, width int, ext string) string {
	return "/media/" + a.ID + "/" + a.Hash[:16] + "-" + strconv.Itoa(width) + ext
}

// SrcSet returns "URL 320w, URL 640w, ..." for <img srcset>: the JPEG (or
// PNG) variants every browser reads.
func SrcSet(a news.Asset) string { return srcSet(a, false) }

// SrcSetWebP is SrcSet of the WebP variants, for a <picture>'s
// <source type="image/webp">.
func SrcSetWebP(a news.Asset) string { return srcSet(a, true) }

func srcSet(a news.Asset, webp bool) string {
	var b strings.Builder
	for i, v := range Variants(a) {
		if i > 0 {
			b.WriteString(", ")
		}
		u := v.URL
		if webp {
			u = v.WebP
		}
		b.WriteString(u)
		b.WriteByte(' ')
		b.WriteString(strconv.Itoa(v.Width))
		b.WriteByte('w')
	}
	return b.String()
}

// Pick returns the narrowest variant at least w pixels wide, or the widest
// there is. It returns the zero Variant for an asset Variants rejects.
func Pick(a news.Asset, w int) Variant {
	vs := Variants(a)
	for _, v := range vs {
		if v.Width >= w {
			return v
		}
	}
	if len(vs) == 0 {
		return Variant{}
	}
	return vs[len(vs)-1]
}

// validID accepts the IDs news.NewID makes and similar plain tokens; the ID
// only ever appears in URLs and lookups, never in file names.
func validID(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
