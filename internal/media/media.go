// Package media ingests images once and serves resized variants under
// content-hashed URLs.
//
// Ingest decodes an upload, refuses anything that is not a reasonably sized
// JPEG, PNG, GIF or WebP before decoding its pixels, applies the EXIF
// orientation and re-encodes the pixels, so that no metadata of the upload
// (EXIF with GPS, XMP, IPTC, ICC profiles, comments, PNG text chunks)
// survives. The stripped original and every variant are written once, at
// ingest, under names derived from the content hash and width only:
//
//	Dir/orig/ab/<hash>.jpg        stripped original (or .png if transparent)
//	Dir/v/ab/<hash>-<width>.jpg   variants ("ab" = first two hex of the hash)
//	Dir/v/ab/<hash>-<width>.webp  the same variants as WebP (webp.go)
//
// Readers get them at /media/<assetID>/<first 16 hex of hash>-<width>.jpg
// (and .webp), a URL that never changes meaning and so is cached for a
// year. An asset stored before WebP variants existed gets them on the first
// request for one (Handler), or from Library.Repair.
package media

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"qalam/internal/news"
)

// Limits on uploads. Both are checked before any pixel is decoded.
const (
	MaxBytes     = 40 << 20   // largest accepted upload, in bytes
	MaxPixels    = 60_000_000 // largest accepted width×height
	MaxDimension = 65535      // largest width or height (JPEG's own limit)
)

// Encoding settings. Changing them changes the bytes of new files only;
// existing files keep their names and are never rewritten.
const (
	origQuality    = 92 // stripped original
	variantQuality = 82 // variants readers download
)

// Errors Ingest wraps (together with news.ErrInvalid) when it refuses an
// upload; test with errors.Is.
var (
	ErrUnsupported = errors.New("unsupported file type")
	ErrTooLarge    = errors.New("image too large")
	ErrCorrupt     = errors.New("corrupt or truncated image")
)

// Library stores media files under Dir (the data dir's "media" folder) and
// records assets in Store.
type Library struct {
	Dir   string
	Store news.Store

	once sync.Once
	sem  chan struct{} // one ingest at a time: a 60-megapixel image needs ~0.5 GB
}

// New returns a Library keeping its files under dir, creating the folders.
func New(dir string, store news.Store) (*Library, error) {
	if dir == "" {
		return nil, errors.New("media: no directory")
	}
	if store == nil {
		return nil, errors.New("media: no store")
	}
	for _, sub := range []string{"orig", "v"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return nil, fmt.Errorf("media: %w", err)
		}
	}
	return &Library{Dir: dir, Store: store}, nil
}

func (l *Library) acquire(ctx context.Context) error {
	l.once.Do(func() { l.sem = make(chan struct{}, 1) })
	select {
	case l.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (l *Library) release() { <-l.sem }

// Ingest decodes an uploaded image, strips every metadata block by
// re-encoding its pixels (upright, following the EXIF orientation), stores
// the stripped original and all its variants, and records the asset. The
// same image uploaded twice yields the same asset and no new files.
//
// Refused uploads return an error wrapping news.ErrInvalid and one of
// ErrUnsupported, ErrTooLarge or ErrCorrupt; the message is safe to show to
// the uploader. Callers should cap the request body at MaxBytes.
func (l *Library) Ingest(ctx context.Context, data []byte) (news.Asset, error) {
	if l.Store == nil {
		return news.Asset{}, errors.New("media: library has no store")
	}
	f, err := probe(data)
	if err != nil {
		return news.Asset{}, err
	}
	if err := l.acquire(ctx); err != nil {
		return news.Asset{}, err
	}
	defer l.release()

	img, opaque, err := decode(f, data)
	if err != nil {
		return news.Asset{}, err
	}
	if err := ctx.Err(); err != nil {
		return news.Asset{}, err
	}
	orig, mime, err := encodeOriginal(img, opaque)
	if err != nil {
		return news.Asset{}, fmt.Errorf("media: encode original: %w", err)
	}
	sum := sha256.Sum256(orig)
	a := news.Asset{
		Hash:    hex.EncodeToString(sum[:]),
		MIME:    mime,
		Width:   img.Bounds().Dx(),
		Height:  img.Bounds().Dy(),
		Bytes:   int64(len(orig)),
		Created: news.Time(time.Now()),
	}
	if err := l.store(ctx, a, img, orig); err != nil {
		return news.Asset{}, err
	}
	if err := l.Store.PutAsset(ctx, &a); err != nil {
		return news.Asset{}, fmt.Errorf("media: record asset: %w", err)
	}
	return a, nil
}

// Repair recreates any missing variant file of an asset from
// its stored original, which must still match the asset's hash. It is for
// maintenance, such as restoring a backup of Dir/orig only.
func (l *Library) Repair(ctx context.Context, a news.Asset) error {
	if !validHash(a.Hash) {
		return fmt.Errorf("media: asset %s: bad hash", a.ID)
	}
	ext := extFor(a.MIME)
	orig, err := os.ReadFile(l.origPath(a.Hash, ext))
	if err != nil {
		return fmt.Errorf("media: asset %s: %w", a.ID, err)
	}
	if sum := sha256.Sum256(orig); hex.EncodeToString(sum[:]) != a.Hash {
		return fmt.Errorf("media: asset %s: original does not match its hash", a.ID)
	}
	if err := l.acquire(ctx); err != nil {
		return err
	}
	defer l.release()
	if l.complete(a) {
		return nil // made meanwhile (two first requests for a WebP variant)
	}
	// No probe: the original is ours, already checked, and may exceed
	// MaxBytes once re-encoded (a large transparent PNG).
	img, _, err := decode(sniff(orig), orig)
	if err != nil {
		return err
	}
	if img.Bounds().Dx() != a.Width || img.Bounds().Dy() != a.Height {
		return fmt.Errorf("media: asset %s: original is %v, asset says %dx%d", a.ID, img.Bounds().Size(), a.Width, a.Height)
	}
	return l.store(ctx, a, img, orig)
}

// store writes the original and every variant that is not on disk yet.
func (l *Library) store(ctx context.Context, a news.Asset, img *image.RGBA, orig []byte) error {
	ext := extFor(a.MIME)
	sizes := sizesFor(a.Width, a.Height)
	origPath := l.origPath(a.Hash, ext)
	needOrig := !exists(origPath)
	need := make([]bool, len(sizes))
	needWebP := make([]bool, len(sizes))
	missing := needOrig
	for i, s := range sizes {
		need[i] = !exists(l.variantPath(a.Hash, s.X, ext))
		needWebP[i] = !exists(l.variantPath(a.Hash, s.X, ".webp"))
		missing = missing || need[i] || needWebP[i]
	}
	if !missing {
		return nil // the same image was ingested before
	}
	dirs := []string{filepath.Dir(origPath), filepath.Dir(l.variantPath(a.Hash, 0, ext))}
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("media: %w", err)
		}
	}
	if needOrig {
		if err := writeAtomic(origPath, orig); err != nil {
			return err
		}
	}
	// Largest first, each from the smallest image already made that is at
	// least twice as wide (or the original), so no resize is expensive.
	made := []*image.RGBA{img}
	for i := len(sizes) - 1; i >= 0; i-- {
		if err := ctx.Err(); err != nil {
			return err
		}
		s := sizes[i]
		v := img
		if s != img.Bounds().Size() {
			src := img
			for _, m := range made {
				if m.Bounds().Dx() >= 2*s.X && m.Bounds().Dx() < src.Bounds().Dx() {
					src = m
				}
			}
			v = resize(src, s.X, s.Y)
			made = append(made, v)
		}
		if need[i] {
			b, err := encodeVariant(v, a.MIME)
			if err != nil {
				return fmt.Errorf("media: encode %dpx variant: %w", s.X, err)
			}
			if err := writeAtomic(l.variantPath(a.Hash, s.X, ext), b); err != nil {
				return err
			}
		}
		if needWebP[i] {
			b, err := EncodeWebP(v, a.MIME != "image/png")
			if err != nil {
				return fmt.Errorf("media: encode %dpx WebP variant: %w", s.X, err)
			}
			if err := writeAtomic(l.variantPath(a.Hash, s.X, ".webp"), b); err != nil {
				return err
			}
		}
	}
	// Make the renames durable before the database refers to the files.
	for _, d := range dirs {
		syncDir(d)
	}
	return nil
}

// complete reports whether every file of the asset is on disk.
func (l *Library) complete(a news.Asset) bool {
	ext := extFor(a.MIME)
	if !exists(l.origPath(a.Hash, ext)) {
		return false
	}
	for _, s := range sizesFor(a.Width, a.Height) {
		if !exists(l.variantPath(a.Hash, s.X, ext)) || !exists(l.variantPath(a.Hash, s.X, ".webp")) {
			return false
		}
	}
	return true
}

func (l *Library) origPath(hash, ext string) string {
	return filepath.Join(l.Dir, "orig", hash[:2], hash+ext)
}

func (l *Library) variantPath(hash string, width int, ext string) string {
	return filepath.Join(l.Dir, "v", hash[:2], hash+"-"+strconv.Itoa(width)+ext)
}

func exists(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}

// writeAtomic writes data to a temporary file in path's folder, syncs it and
// renames it into place, so path is either absent or complete.
func writeAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("media: %w", err)
	}
	tmp := f.Name()
	fail := func(err error) error {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("media: write %s: %w", filepath.Base(path), err)
	}
	if _, err := f.Write(data); err != nil {
		return fail(err)
	}
	if err := f.Chmod(0o644); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("media: write %s: %w", filepath.Base(path), err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("media: write %s: %w", filepath.Base(path), err)
	}
	return nil
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync() // best effort; not every file system supports it
		d.Close()
	}
}

func validHash(h string) bool {
	if len(h) != 64 {
		return false
	}
	for i := 0; i < len(h); i++ {
		if c := h[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func extFor(mime string) string {
	if mime == "image/png" {
		return ".png"
	}
	return ".jpg"
}
