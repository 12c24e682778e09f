// Package export writes a static copy of one service's reader site: every
// page reachable from its homes (both scripts for Kazakh, full and lite),
// its mirrors page, its feeds, and the assets and media they use, as plain
// files with relative links that name files (".../index.html"), so the copy
// works from any static host, an object-storage bucket or a folder opened
// from a USB stick. The copy carries a manifest of SHA-256 hashes signed
// with the newsroom's Ed25519 key (internal/signing).
//
// Pages are rendered in-process by the real server (the handler given),
// through the same public reads readers get, and only links readers can
// follow are followed, so nothing unpublished can reach the copy.
package export

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"qalam/internal/config"
	"qalam/internal/news"
	"qalam/internal/scriptview"
	"qalam/internal/signing"
)

// Config is what an export is made from.
type Config struct {
	// Handler renders the site: the real server, ready and with its content
	// version checked once (server.Server after SetReady and Poll).
	Handler http.Handler
	// Origin is the site's primary origin: every request carries its host,
	// and links that leave the copy (other services, search) point there.
	Origin  config.Origin
	Service news.Service
	// Out is the folder to write. It must not exist, be empty, or hold an
	// earlier export (one with a manifest), which is replaced whole.
	Out string
	Key ed25519.PrivateKey
	Now func() time.Time // the export time the manifest records; time.Now if nil
	Log *slog.Logger
}

// Result describes a finished export.
type Result struct {
	Manifest signing.Manifest
	Pages    int   // HTML files
	Bytes    int64 // total size of the files listed in the manifest
	// Live lists the links of the service's own paths that the copy has no
	// file for (the server answered 404 or 410, say a story taken down but
	// still linked from an old one): they point to the live site.
	Live []string
}

// maxHops bounds a chain of redirects.
const maxHops = 5

// Static exports c.Service into c.Out and signs it.
func Static(ctx context.Context, c Config) (*Result, error) {
	if c.Handler == nil || c.Key == nil || c.Service.Code == "" || c.Out == "" || c.Origin.Host == "" {
		return nil, errors.New("export: handler, key, service, origin and output folder are required")
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	out, err := filepath.Abs(c.Out)
	if err != nil {
		return nil, err
	}
	if err := checkOut(out); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	// Everything is written into a fresh folder beside the target and moved
	// into place only once signed: a failed export leaves no half copy.
	tmp, err := os.MkdirTemp(filepath.Dir(out), "."+filepath.Base(out)+".export-")
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	defer os.RemoveAll(tmp)
	if err := os.Chmod(tmp, 0o755); err != nil {
		return nil, err
	}

	x := newExporter(ctx, c, tmp)
	if err := x.crawl(); err != nil {
		return nil, err
	}
	if err := x.rewriteAll(); err != nil {
		return nil, err
	}
	if err := x.writeRoot(); err != nil {
		return nil, err
	}
	m := signing.Manifest{Service: c.Service.Code, Origin: c.Origin.String(), Exported: c.Now().UTC().Truncate(time.Second)}
	if err := signing.Hash(tmp, &m); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	if err := signing.WriteSigned(tmp, m, c.Key); err != nil {
		return nil, fmt.Errorf("export: signing: %w", err)
	}
	if err := replace(tmp, out); err != nil {
		return nil, err
	}
	m.Key = signing.Fingerprint(c.Key.Public().(ed25519.PublicKey))
	res := &Result{Manifest: m, Pages: len(x.pages)}
	for _, f := range m.Files {
		res.Bytes += f.Size
	}
	for k, t := range x.resolved {
		if t.file == "" && x.inScope(k) {
			res.Live = append(res.Live, k)
		}
	}
	slices.Sort(res.Live)
	return res, nil
}

// checkOut refuses to write over a folder that is not an earlier export.
func checkOut(out string) error {
	entries, err := os.ReadDir(out)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if len(entries) == 0 {
		return nil
	}
	if _, err := os.Stat(filepath.Join(out, signing.ManifestName)); err != nil {
		return fmt.Errorf("export: %s is not empty and holds no earlier export (%s); give an empty or new folder", out, signing.ManifestName)
	}
	return nil
}

// replace moves the finished copy into place, setting an earlier export
// aside until the new one is there.
func replace(tmp, out string) error {
	if err := os.Remove(out); err != nil && !errors.Is(err, fs.ErrNotExist) {
		// Not empty: an earlier export.
		old := tmp + ".old"
		if err := os.Rename(out, old); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		if err := os.Rename(tmp, out); err != nil {
			os.Rename(old, out)
			return fmt.Errorf("export: %w", err)
		}
		return os.RemoveAll(old)
	}
	if err := os.Rename(tmp, out); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// target is where a URL of the site ends up in the copy.
type target struct {
	file string // the copy's file, slash path; "" when the copy has none
	live string // otherwise the absolute URL on the live site
}

type exporter struct {
	ctx      context.Context
	c        Config
	dir      string
	origin   string
	bases    []string          // the service's path prefixes: "/kk", "/kk-latn"
	resolved map[string]target // key (path?query) -> target
	busy     map[string]bool   // keys being resolved (redirect loops)
	files    map[string]string // file -> key, to catch two URLs on one file
	folded   map[string]string // lower-cased file -> file, for case-insensitive disks
	pages    []page            // HTML files to rewrite
	queue    []string
}

type page struct {
	key  string
	file string
}

func newExporter(ctx context.Context, c Config, dir string) *exporter {
	x := &exporter{ctx: ctx, c: c, dir: dir, origin: c.Origin.String(),
		resolved: map[string]target{}, busy: map[string]bool{}, files: map[string]string{}, folded: map[string]string{}}
	x.bases = []string{"/" + c.Service.Code}
	if scriptview.HasLatin(c.Service) {
		x.bases = append(x.bases, "/"+c.Service.Code+scriptview.Suffix)
	}
	return x
}

// inScope reports whether a key's path belongs in the copy: the service's
// pages (full, lite, both scripts) but not its search, its feeds, the
// static assets and media.
func (x *exporter) inScope(key string) bool {
	p, _, _ := strings.Cut(key, "?")
	if strings.HasPrefix(p, "/assets/") || strings.HasPrefix(p, "/media/") {
		return true
	}
	for _, b := range x.bases {
		for _, pre := range []string{b + "/", "/lite" + b + "/", "/feeds" + b + "/"} {
			if strings.HasPrefix(p, pre) {
				rest := strings.TrimSuffix(strings.TrimPrefix(p, pre), "/")
				return pre != b+"/" || rest != "search"
			}
		}
	}
	return false
}

// crawl fetches everything reachable from the service's entry points.
func (x *exporter) crawl() error {
	var seeds []string
	for _, b := range x.bases {
		seeds = append(seeds, b+"/", "/lite"+b+"/", b+"/mirrors")
		for _, f := range []string{"rss.xml", "atom.xml", "feed.json"} {
			seeds = append(seeds, "/feeds"+b+"/"+f)
		}
	}
	for _, s := range seeds {
		t, err := x.resolve(s, 0)
		if err != nil {
			return err
		}
		if t.file == "" {
			return fmt.Errorf("export: %s: the server has no %s", x.c.Service.Code, s)
		}
	}
	for len(x.queue) > 0 {
		if err := x.ctx.Err(); err != nil {
			return err
		}
		k := x.queue[0]
		x.queue = x.queue[1:]
		if _, err := x.resolve(k, 0); err != nil {
			return err
		}
	}
	return nil
}

// resolve fetches a key once, following redirects, and returns where it
// ends up.
func (x *exporter) resolve(key string, hops int) (target, error) {
	if t, ok := x.resolved[key]; ok {
		return t, nil
	}
	if x.busy[key] || hops > maxHops {
		return target{}, fmt.Errorf("export: redirect loop at %s", key)
	}
	x.busy[key] = true
	defer delete(x.busy, key)
	t, err := x.fetch(key, hops)
	if err != nil {
		return t, err
	}
	x.resolved[key] = t
	return t, nil
}

func (x *exporter) fetch(key string, hops int) (target, error) {
	p, q, _ := strings.Cut(key, "?")
	u := &url.URL{Scheme: x.c.Origin.Scheme, Host: x.c.Origin.Host, Path: p, RawQuery: q}
	req, err := http.NewRequestWithContext(x.ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return target{}, fmt.Errorf("export: %s: %w", key, err)
	}
	req.Host = x.c.Origin.Host
	req.RemoteAddr = "127.0.0.1:0"
	rec := httptest.NewRecorder()
	x.c.Handler.ServeHTTP(rec, req)
	res := rec.Result()
	live := target{live: x.origin + u.EscapedPath() + query(q)}
	switch {
	case res.StatusCode == http.StatusOK:
	case res.StatusCode == http.StatusNotFound || res.StatusCode == http.StatusGone:
		x.c.Log.Warn("export: linked but not public; the link points to the live site", "path", key, "status", res.StatusCode)
		return live, nil
	case res.StatusCode >= 300 && res.StatusCode < 400:
		loc, err := u.Parse(res.Header.Get("Location"))
		if err != nil || res.Header.Get("Location") == "" {
			return target{}, fmt.Errorf("export: %s: redirect without a usable Location", key)
		}
		next, ok := x.keyOf(loc)
		if !ok || !x.inScope(next) {
			return target{live: loc.String()}, nil
		}
		return x.resolve(next, hops+1)
	default:
		return target{}, fmt.Errorf("export: %s: the server answered %d", key, res.StatusCode)
	}
	body := rec.Body.Bytes()
	isHTML := strings.HasPrefix(res.Header.Get("Content-Type"), "text/html")
	file, err := fileFor(p, q, isHTML)
	if err != nil {
		return target{}, fmt.Errorf("export: %s: %w", key, err)
	}
	if other, dup := x.files[file]; dup {
		return target{}, fmt.Errorf("export: %s and %s would both be written to %s", other, key, file)
	}
	if other, dup := x.folded[strings.ToLower(file)]; dup {
		return target{}, fmt.Errorf("export: %s and %s differ only in case, which many disks do not tell apart", other, file)
	}
	x.files[file] = key
	x.folded[strings.ToLower(file)] = file
	if err := x.write(file, body); err != nil {
		return target{}, err
	}
	if isHTML {
		x.pages = append(x.pages, page{key: key, file: file})
		_, err := rewriteHTML(body, func(l link) (string, bool) {
			if k, _, ok := x.classify(key, l); ok && x.inScope(k) {
				if _, seen := x.resolved[k]; !seen && !x.busy[k] {
					x.queue = append(x.queue, k)
				}
			}
			return "", false
		})
		if err != nil {
			return target{}, fmt.Errorf("export: %s: %w", key, err)
		}
	}
	return target{file: file}, nil
}

func query(q string) string {
	if q == "" {
		return ""
	}
	return "?" + q
}

// fileFor maps a URL to its file in the copy: pages to index.html files in
// a folder of their path ("/kk/" -> kk/index.html, "/kk/sec/slug-id" ->
// kk/sec/slug-id/index.html), a page of a list ("?cursor=...") to a file
// named by a hash of its query beside the list's index.html, and
// everything else (feeds, media, assets) to its path.
func fileFor(p, q string, isHTML bool) (string, error) {
	rel := strings.TrimPrefix(p, "/")
	switch {
	case isHTML && q != "":
		sum := sha256.Sum256([]byte(q))
		rel = strings.TrimSuffix(rel, "/") + "/page-" + hex.EncodeToString(sum[:6]) + ".html"
	case isHTML && (rel == "" || strings.HasSuffix(rel, "/")):
		rel += "index.html"
	case isHTML && !strings.HasSuffix(rel, ".html"):
		rel += "/index.html"
	case !isHTML && (rel == "" || strings.HasSuffix(rel, "/")):
		return "", errors.New("a file that is not a page at a folder's address")
	}
	for _, seg := range strings.Split(rel, "/") {
		if seg == "" || seg == "." || seg == ".." || strings.ContainsAny(seg, "\\\x00") {
			return "", fmt.Errorf("cannot be a file name: %q", rel)
		}
	}
	if rel == signing.ManifestName || rel == signing.SignatureName {
		return "", fmt.Errorf("%s is the manifest's name", rel)
	}
	return rel, nil
}

func (x *exporter) write(file string, data []byte) error {
	full := filepath.Join(x.dir, filepath.FromSlash(file))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := os.WriteFile(full, data, 0o644); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// keyOf turns an absolute URL on the primary origin into a key: its path
// and, of its query, only the list cursor, the one parameter the pages
// read that the copy keeps.
func (x *exporter) keyOf(u *url.URL) (string, bool) {
	if u.Scheme != x.c.Origin.Scheme || !strings.EqualFold(u.Host, x.c.Origin.Host) || u.Path == "" {
		return "", false
	}
	k := u.Path
	if c := u.Query().Get("cursor"); c != "" {
		k += "?" + url.Values{"cursor": {c}}.Encode()
	}
	return k, true
}

// classify resolves a link of the page at key: the key it names on this
// site and its fragment, or ok=false for a link that is kept as it is
// (fragments, other sites, other schemes).
func (x *exporter) classify(pageKey string, l link) (key, frag string, ok bool) {
	v := strings.TrimSpace(l.val)
	if v == "" || strings.HasPrefix(v, "#") {
		return "", "", false
	}
	ref, err := url.Parse(v)
	if err != nil {
		return "", "", false
	}
	if ref.Scheme != "" || ref.Host != "" {
		// Absolute links stay as they are (a mirrors list, links to other
		// sites), except a page's feed links, which name files of the copy.
		if !l.feed {
			return "", "", false
		}
	} else if l.keepAbsolute {
		return "", "", false
	}
	p, q, _ := strings.Cut(pageKey, "?")
	base := &url.URL{Scheme: x.c.Origin.Scheme, Host: x.c.Origin.Host, Path: p, RawQuery: q}
	abs := base.ResolveReference(ref)
	k, ok := x.keyOf(abs)
	if !ok {
		return "", "", false
	}
	return k, abs.EscapedFragment(), true
}

// rewriteAll rewrites every page's links to the copy's files.
func (x *exporter) rewriteAll() error {
	for _, pg := range x.pages {
		full := filepath.Join(x.dir, filepath.FromSlash(pg.file))
		body, err := os.ReadFile(full)
		if err != nil {
			return err
		}
		p, q, _ := strings.Cut(pg.key, "?")
		base := &url.URL{Scheme: x.c.Origin.Scheme, Host: x.c.Origin.Host, Path: p, RawQuery: q}
		out, err := rewriteHTML(body, func(l link) (string, bool) {
			if l.keepAbsolute {
				// rel=canonical and hreflang name the live site.
				ref, err := url.Parse(strings.TrimSpace(l.val))
				if err != nil || ref.IsAbs() {
					return "", false
				}
				return base.ResolveReference(ref).String(), true
			}
			k, frag, ok := x.classify(pg.key, l)
			if !ok {
				return "", false
			}
			if frag != "" {
				frag = "#" + frag
			}
			if x.inScope(k) {
				t, ok := x.resolved[k]
				if !ok {
					return "", false // cannot happen: every link in scope was crawled
				}
				if t.file != "" {
					return relative(pg.file, t.file) + frag, true
				}
				return t.live + frag, true
			}
			// Other services, search: the live site answers them.
			ref, _ := url.Parse(strings.TrimSpace(l.val))
			return base.ResolveReference(ref).String(), true
		})
		if err != nil {
			return fmt.Errorf("export: %s: %w", pg.key, err)
		}
		if err := os.WriteFile(full, out, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// relative is the link from file from to file to, both slash paths from
// the copy's root, with each segment escaped.
func relative(from, to string) string {
	fromDir := strings.Split(path.Dir(from), "/")
	if path.Dir(from) == "." {
		fromDir = nil
	}
	toSegs := strings.Split(to, "/")
	common := 0
	for common < len(fromDir) && common < len(toSegs)-1 && fromDir[common] == toSegs[common] {
		common++
	}
	var b strings.Builder
	for range len(fromDir) - common {
		b.WriteString("../")
	}
	for i, s := range toSegs[common:] {
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(url.PathEscape(s))
	}
	r := b.String()
	if first, _, _ := strings.Cut(r, "/"); strings.Contains(first, ":") {
		r = "./" + r // not to be read as a scheme
	}
	return r
}

// writeRoot writes index.html at the copy's root, sending a browser to
// the service's home: what a bucket or a USB stick opens first.
func (x *exporter) writeRoot() error {
	home, ok := x.resolved["/"+x.c.Service.Code+"/"]
	if !ok || home.file == "" {
		return errors.New("export: the service's home was not exported")
	}
	if _, taken := x.files["index.html"]; taken {
		return nil
	}
	href := html.EscapeString(relative("index.html", home.file))
	name := html.EscapeString(x.c.Service.Name)
	lang := html.EscapeString(x.c.Service.Lang)
	doc := `<!DOCTYPE html>
<html lang="` + lang + `" dir="` + html.EscapeString(dirOf(x.c.Service)) + `">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="0; url=` + href + `">
<title>` + name + `</title>
</head>
<body>
<p><a href="` + href + `">` + name + `</a></p>
</body>
</html>
`
	return x.write("index.html", []byte(doc))
}

func dirOf(svc news.Service) string {
	if svc.Dir != "" {
		return svc.Dir
	}
	return "ltr"
}
