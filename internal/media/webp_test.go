package media

import (
	"bytes"
	"context"
	"image"
	"image/draw"
	"os"
	"strconv"
	"testing"

	"qalam/internal/news"
)

func TestHandlerServesWebP(t *testing.T) {
	l, st := newLib(t)
	a := ingest(t, l, mustJPEG(t, Illustration(23, 1000, 700)))
	h := l.Handler(st.lookup)
	v := Pick(a, 640)
	// Not public: no WebP either.
	if w := serve(h, "GET", v.WebP); w.Code != 404 {
		t.Fatalf("WebP of a non-public asset: %d", w.Code)
	}
	st.public[a.ID] = true
	want, err := os.ReadFile(l.variantPath(a.Hash, v.Width, ".webp"))
	if err != nil {
		t.Fatal(err)
	}
	w := serve(h, "GET", v.WebP)
	if w.Code != 200 || !bytes.Equal(w.Body.Bytes(), want) {
		t.Fatalf("%s: %d, %d bytes", v.WebP, w.Code, w.Body.Len())
	}
	for k, want := range map[string]string{
		"Content-Type":  "image/webp",
		"Cache-Control": "public, max-age=31536000, immutable",
		"ETag":          `"` + a.Hash + "-" + strconv.Itoa(v.Width) + `-webp"`,
	} {
		if got := w.Header().Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	checkClean(t, v.WebP, w.Body.Bytes())
	// A PNG asset's WebP keeps its transparency.
	m := image.NewRGBA(image.Rect(0, 0, 300, 200))
	copy(m.Pix, marked(300, 200).Pix)
	for i := 3; i < len(m.Pix); i += 8 {
		m.Pix[i-3], m.Pix[i-2], m.Pix[i-1], m.Pix[i] = 0, 0, 0, 0
	}
	p := ingest(t, l, mustPNG(t, m))
	st.public[p.ID] = true
	pv := Pick(p, 300)
	w = serve(h, "GET", pv.WebP)
	if w.Code != 200 || w.Header().Get("Content-Type") != "image/webp" {
		t.Fatalf("PNG asset's WebP: %d %s", w.Code, w.Header().Get("Content-Type"))
	}
	if o, ok := decodeAny(t, w.Body.Bytes()).(interface{ Opaque() bool }); !ok || o.Opaque() {
		t.Error("the WebP of a transparent PNG is opaque")
	}
	// The WebP URL of a width the asset lacks, or with another hash: 404.
	for _, u := range []string{"/media/" + a.ID + "/" + a.Hash[:16] + "-641.webp", "/media/" + a.ID + "/0000000000000000-640.webp"} {
		if w := serve(h, "GET", u); w.Code != 404 {
			t.Errorf("%s: %d", u, w.Code)
		}
	}
}

// An asset stored before WebP variants existed gets them on the first
// request, from its original, once.
func TestWebPBackfill(t *testing.T) {
	l, st := newLib(t)
	a := ingest(t, l, mustJPEG(t, Illustration(24, 900, 600)))
	st.public[a.ID] = true
	jpegs := map[int][]byte{}
	for _, v := range Variants(a) {
		b, err := os.ReadFile(l.variantPath(a.Hash, v.Width, ".jpg"))
		if err != nil {
			t.Fatal(err)
		}
		jpegs[v.Width] = b
		if err := os.Remove(l.variantPath(a.Hash, v.Width, ".webp")); err != nil {
			t.Fatal(err)
		}
	}
	h := l.Handler(st.lookup)
	v := Pick(a, 320)
	w := serve(h, "GET", v.WebP)
	if w.Code != 200 || w.Header().Get("Content-Type") != "image/webp" {
		t.Fatalf("backfilled WebP: %d", w.Code)
	}
	checkClean(t, v.WebP, w.Body.Bytes())
	if m := decodeAny(t, w.Body.Bytes()); m.Bounds().Dx() != v.Width {
		t.Errorf("backfilled WebP is %v", m.Bounds())
	}
	for _, v := range Variants(a) {
		if !exists(l.variantPath(a.Hash, v.Width, ".webp")) {
			t.Errorf("%dpx WebP not made", v.Width)
		}
		b, _ := os.ReadFile(l.variantPath(a.Hash, v.Width, ".jpg"))
		if !bytes.Equal(b, jpegs[v.Width]) {
			t.Errorf("%dpx JPEG rewritten", v.Width)
		}
	}
	// A non-public asset's missing WebP is not made.
	b := ingest(t, l, mustJPEG(t, Illustration(25, 500, 400)))
	bv := Pick(b, 320)
	os.Remove(l.variantPath(b.Hash, bv.Width, ".webp"))
	if w := serve(h, "GET", bv.WebP); w.Code != 404 || exists(l.variantPath(b.Hash, bv.Width, ".webp")) {
		t.Errorf("non-public backfill: %d", w.Code)
	}
}

func TestStaffHandler(t *testing.T) {
	l, st := newLib(t)
	a := ingest(t, l, mustJPEG(t, Illustration(26, 700, 500)))
	any := func(ctx context.Context, id string) (news.Asset, error) {
		if id == a.ID {
			return a, nil
		}
		return news.Asset{}, news.ErrNotFound
	}
	h := l.StaffHandler(any)
	for _, u := range []string{Pick(a, 320).URL, Pick(a, 320).WebP} {
		w := serve(h, "GET", u)
		if w.Code != 200 || w.Header().Get("Cache-Control") != "private, no-store" {
			t.Errorf("%s: %d, Cache-Control %q", u, w.Code, w.Header().Get("Cache-Control"))
		}
	}
	if w := serve(l.Handler(st.lookup), "GET", Pick(a, 320).URL); w.Code != 404 {
		t.Errorf("public handler served a non-public asset: %d", w.Code)
	}
}

func BenchmarkEncodeWebP(b *testing.B) {
	for _, w := range []int{320, 960, 1920} {
		src := image.NewRGBA(image.Rect(0, 0, w, w*2/3))
		draw.Draw(src, src.Rect, Illustration(3, w, w*2/3), image.Point{}, draw.Src)
		b.Run(strconv.Itoa(w), func(b *testing.B) {
			for b.Loop() {
				if _, err := EncodeWebP(src, true); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
