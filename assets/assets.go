// Package assets embeds the reader site's templates and static files. Static
// files are served under names carrying a hash of their content, so browsers
// and CDNs may cache them forever.
package assets

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
)

//go:embed templates/*.html
var Templates embed.FS

//go:embed static
var static embed.FS

// Static serves the embedded static files under content-hashed names.
type Static struct {
	byURL  map[string]file   // "/assets/site.1a2b3c4d5e.css" -> file
	byName map[string]string // "site.css" -> URL
}

type file struct {
	data  []byte
	ctype string
	etag  string
}

// LoadStatic hashes every embedded static file once.
func LoadStatic() *Static {
	s := &Static{byURL: map[string]file{}, byName: map[string]string{}}
	fs.WalkDir(static, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := static.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(data)
		h := hex.EncodeToString(sum[:])[:10]
		ext := path.Ext(name)
		u := "/assets/" + strings.TrimSuffix(name, ext) + "." + h + ext
		ctype := mime.TypeByExtension(ext)
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		s.byURL[u] = file{data: data, ctype: ctype, etag: `"` + h + `"`}
		s.byName[name] = u
		return nil
	})
	return s
}

// URL returns the hashed URL of a static file, e.g. URL("site.css").
// It panics on an unknown name: a template naming a missing file is a bug
// the template test catches.
func (s *Static) URL(name string) string {
	u, ok := s.byName[name]
	if !ok {
		panic("assets: no static file " + name)
	}
	return u
}

// ServeHTTP serves /assets/... with year-long immutable caching.
func (s *Static) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f, ok := s.byURL[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.ctype)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", f.etag)
	h.Set("X-Content-Type-Options", "nosniff")
	if r.Header.Get("If-None-Match") == f.etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(f.data)))
	if r.Method != http.MethodHead {
		w.Write(f.data)
	}
}
