package media

import (
	"context"
	"errors"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"qalam/internal/news"
)

// Handler serves GET and HEAD /media/{assetID}/{hash16}-{width}.{jpg|png|webp}.
// It also accepts the same path with "/media" already stripped.
//
// lookup must return the asset only if readers may see it right now and an
// error wrapping news.ErrNotFound otherwise (for example
// Store.PublicAsset(ctx, id, time.Now())), so a draft's images never leak.
// Unknown, malformed and non-public paths get a short plain 404; other
// lookup errors a 500. Files are found from the asset's hash and a width
// that the asset really has, never from the request path, so no request can
// reach a file outside Dir.
func (l *Library) Handler(lookup func(ctx context.Context, assetID string) (news.Asset, error)) http.Handler {
	return l.handler(lookup, "public, max-age=31536000, immutable")
}

// StaffHandler is Handler for the newsroom's own pages (the admin's media
// library shows thumbnails of images no public story uses): the same paths
// and checks, but answers are never stored by any cache. lookup decides
// which assets it serves (typically any asset, Store.Asset), so it must
// only be reachable by signed-in staff.
func (l *Library) StaffHandler(lookup func(ctx context.Context, assetID string) (news.Asset, error)) http.Handler {
	return l.handler(lookup, "private, no-store")
}

func (l *Library) handler(lookup func(ctx context.Context, assetID string) (news.Asset, error), cacheControl string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			plain(w, http.StatusMethodNotAllowed, "method not allowed")
			return
		}
		id, hash16, width, ext, ok := parseMediaPath(r.URL.Path)
		if !ok {
			plain(w, http.StatusNotFound, "not found")
			return
		}
		a, err := lookup(r.Context(), id)
		if errors.Is(err, news.ErrNotFound) {
			plain(w, http.StatusNotFound, "not found")
			return
		}
		if err != nil {
			plain(w, http.StatusInternalServerError, "internal error")
			return
		}
		if a.ID != id || !validHash(a.Hash) || a.Hash[:16] != hash16 || (ext != ".webp" && extFor(a.MIME) != ext) || !hasWidth(a, width) {
			plain(w, http.StatusNotFound, "not found")
			return
		}
		f, err := l.openVariant(r.Context(), a, width, ext)
		if err != nil {
			plain(w, http.StatusNotFound, "not found")
			return
		}
		defer f.Close()
		if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
			plain(w, http.StatusNotFound, "not found")
			return
		}
		h := w.Header()
		h.Set("Content-Type", mimeFor(ext))
		h.Set("Cache-Control", cacheControl)
		etag := a.Hash + "-" + strconv.Itoa(width)
		if ext == ".webp" {
			etag += "-webp"
		}
		h.Set("ETag", `"`+etag+`"`)
		h.Set("X-Content-Type-Options", "nosniff")
		// ServeContent answers If-None-Match with 304, HEAD without a body
		// and Range requests; no Last-Modified, the ETag says it all.
		http.ServeContent(w, r, "", time.Time{}, f)
	})
}

// parseMediaPath splits "/media/{id}/{hash16}-{width}.{ext}" (or the same
// without "/media"). Anything not exactly of that shape is refused: the
// characters allowed cannot express "..", "/" or "\".
func parseMediaPath(p string) (id, hash16 string, width int, ext string, ok bool) {
	if rest, found := strings.CutPrefix(p, "/media/"); found {
		p = rest
	} else if rest, found := strings.CutPrefix(p, "/"); found {
		p = rest
	} else {
		return
	}
	id, name, found := strings.Cut(p, "/")
	if !found || !validID(id) || strings.Contains(name, "/") {
		return
	}
	switch {
	case strings.HasSuffix(name, ".jpg"):
		ext = ".jpg"
	case strings.HasSuffix(name, ".png"):
		ext = ".png"
	case strings.HasSuffix(name, ".webp"):
		ext = ".webp"
	default:
		return
	}
	name = strings.TrimSuffix(name, ext)
	if len(name) < 18 || name[16] != '-' {
		return
	}
	hash16, digits := name[:16], name[17:]
	for i := 0; i < 16; i++ {
		if c := hash16[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return
		}
	}
	if len(digits) > 5 || digits[0] == '0' {
		return
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return
		}
		width = width*10 + int(digits[i]-'0')
	}
	return id, hash16, width, ext, true
}

func hasWidth(a news.Asset, width int) bool {
	for _, s := range sizesFor(a.Width, a.Height) {
		if s.X == width {
			return true
		}
	}
	return false
}

func mimeFor(ext string) string {
	switch ext {
	case ".png":
		return "image/png"
	case ".webp":
		return "image/webp"
	}
	return "image/jpeg"
}

// openVariant opens a variant file. A WebP variant missing from an asset
// stored before WebP variants existed is made then, once, from the stored
// original (Repair, which also restores any other missing file); the work
// goes on if the reader goes away, so it is never wasted.
func (l *Library) openVariant(ctx context.Context, a news.Asset, width int, ext string) (*os.File, error) {
	path := l.variantPath(a.Hash, width, ext)
	f, err := os.Open(path)
	if err == nil || ext != ".webp" || !errors.Is(err, os.ErrNotExist) {
		return f, err
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	if err := l.Repair(ctx, a); err != nil {
		return nil, err
	}
	return os.Open(path)
}

func plain(w http.ResponseWriter, code int, msg string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	w.Write([]byte(msg + "\n"))
}
