package media

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"qalam/internal/news"
)

func TestIngestStripsJPEGMetadata(t *testing.T) {
	l, st := newLib(t)
	src := withMetadata(mustJPEG(t, Illustration(7, 1400, 900)), binary.BigEndian, 1)
	for _, s := range []string{secretGPS, secretXMP, secretIPTC, "GPS", "Exif"} {
		if !bytes.Contains(src, []byte(s)) {
			t.Fatalf("test upload lacks %q", s)
		}
	}
	if got := orientation(fmtJPEG, src); got != 1 {
		t.Fatalf("orientation = %d", got)
	}
	a := ingest(t, l, src)
	if a.ID == "" || a.MIME != "image/jpeg" || a.Width != 1400 || a.Height != 900 || st.puts != 1 {
		t.Fatalf("asset = %+v, puts %d", a, st.puts)
	}
	fs := allFiles(t, l)
	if len(fs) != 1+2*len(Variants(a)) { // the original, JPEG and WebP variants
		t.Fatalf("files = %v", files(t, l.Dir))
	}
	for name, b := range fs {
		checkClean(t, name, b)
	}
	// The hash is the stripped original's.
	orig := fs[filepath.Join("orig", a.Hash[:2], a.Hash+".jpg")]
	if sum := sha256.Sum256(orig); hex.EncodeToString(sum[:]) != a.Hash || int64(len(orig)) != a.Bytes {
		t.Fatalf("hash/bytes do not describe the stored original")
	}
}

func TestIngestOrientation(t *testing.T) {
	// Stored 400×200 with the red mark top-left; where must it appear?
	for _, tc := range []struct {
		o      int
		bo     binary.ByteOrder
		w, h   int
		rx, ry int // a point inside the mark once upright
	}{
		{1, binary.BigEndian, 400, 200, 20, 20},
		{3, binary.BigEndian, 400, 200, 380, 180},
		{6, binary.BigEndian, 200, 400, 180, 20},
		{6, binary.LittleEndian, 200, 400, 180, 20},
		{8, binary.LittleEndian, 200, 400, 20, 380},
		{2, binary.LittleEndian, 400, 200, 380, 20},
	} {
		t.Run(fmt.Sprintf("%d-%v", tc.o, tc.bo), func(t *testing.T) {
			l, _ := newLib(t)
			src := withMetadata(mustJPEG(t, marked(400, 200)), tc.bo, tc.o)
			if got := orientation(fmtJPEG, src); got != tc.o {
				t.Fatalf("read orientation %d, want %d", got, tc.o)
			}
			a := ingest(t, l, src)
			if a.Width != tc.w || a.Height != tc.h {
				t.Fatalf("asset is %dx%d, want %dx%d", a.Width, a.Height, tc.w, tc.h)
			}
			for name, b := range allFiles(t, l) {
				checkClean(t, name, b)
				m := decodeAny(t, b)
				s := float64(m.Bounds().Dx()) / float64(tc.w)
				if !isRed(m.At(int(float64(tc.rx)*s), int(float64(tc.ry)*s))) {
					t.Errorf("%s: mark not at (%d,%d)", name, tc.rx, tc.ry)
				}
				if isRed(m.At(m.Bounds().Dx()/2, m.Bounds().Dy()/2)) {
					t.Errorf("%s: mark in the middle", name)
				}
			}
		})
	}
}

func TestOrientAllEight(t *testing.T) {
	// Per the EXIF specification: where the stored first row and first
	// column end up. Stored pixel (x, 0) must land at want(x) for a 3×2 image.
	src := image.NewRGBA(image.Rect(0, 0, 3, 2))
	for i := range src.Pix {
		src.Pix[i] = byte(i)
	}
	at := func(m *image.RGBA, x, y int) []byte { return m.Pix[m.PixOffset(x, y) : m.PixOffset(x, y)+4] }
	for o, want := range map[int]func(x, y int) (int, int){
		1: func(x, y int) (int, int) { return x, y },
		2: func(x, y int) (int, int) { return 2 - x, y },
		3: func(x, y int) (int, int) { return 2 - x, 1 - y },
		4: func(x, y int) (int, int) { return x, 1 - y },
		5: func(x, y int) (int, int) { return y, x },
		6: func(x, y int) (int, int) { return 1 - y, x },
		7: func(x, y int) (int, int) { return 1 - y, 2 - x },
		8: func(x, y int) (int, int) { return y, 2 - x },
	} {
		got := orient(src, o)
		if o >= 5 && got.Rect.Size() != image.Pt(2, 3) || o < 5 && got.Rect.Size() != image.Pt(3, 2) {
			t.Fatalf("orientation %d: size %v", o, got.Rect.Size())
		}
		for y := 0; y < 2; y++ {
			for x := 0; x < 3; x++ {
				dx, dy := want(x, y)
				if !bytes.Equal(at(got, dx, dy), at(src, x, y)) {
					t.Errorf("orientation %d: (%d,%d) not at (%d,%d)", o, x, y, dx, dy)
				}
			}
		}
	}
}

func TestTIFFOrientationHostile(t *testing.T) {
	good := exifTIFF(binary.LittleEndian, 6)
	if tiffOrientation(good) != 6 {
		t.Fatal("good TIFF not read")
	}
	for i := 0; i < len(good); i++ { // every truncation
		tiffOrientation(good[:i])
	}
	bad := append([]byte{}, good...)
	binary.LittleEndian.PutUint32(bad[4:], 0xFFFFFFF0) // IFD far beyond the end
	if tiffOrientation(bad) != 1 {
		t.Error("bad IFD offset")
	}
	bad = append([]byte{}, good...)
	binary.LittleEndian.PutUint16(bad[8:], 0xFFFF) // absurd entry count
	tiffOrientation(bad)
	bad = append([]byte{}, good...)
	binary.LittleEndian.PutUint16(bad[8+14+8:], 9) // out-of-range value
	if tiffOrientation(bad) != 1 {
		t.Error("orientation 9 accepted")
	}
	for _, b := range [][]byte{nil, []byte("XX\x00\x2a"), []byte("MM\x00\x2b\x00\x00\x00\x08")} {
		if tiffOrientation(b) != 1 {
			t.Errorf("%q", b)
		}
	}
	// A JPEG whose segments lie about their lengths.
	jpegExif([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, 'E', 'x'})
	jpegExif([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x01})
}

func TestIngestPNG(t *testing.T) {
	text := pngChunk("tEXt", []byte("Author\x00"+secretPNG))
	itxt := pngChunk("iTXt", []byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00<x:xmpmeta>"+secretXMP+"</x:xmpmeta>"))
	exif := pngChunk("eXIf", exifTIFF(binary.BigEndian, 6))

	t.Run("opaque becomes JPEG, upright", func(t *testing.T) {
		l, _ := newLib(t)
		src := withPNGChunks(mustPNG(t, marked(300, 150)), text, itxt, exif)
		if orientation(fmtPNG, src) != 6 {
			t.Fatal("eXIf orientation not read")
		}
		a := ingest(t, l, src)
		if a.MIME != "image/jpeg" || a.Width != 150 || a.Height != 300 {
			t.Fatalf("asset %+v", a)
		}
		for name, b := range allFiles(t, l) {
			checkClean(t, name, b)
		}
	})
	t.Run("transparent stays PNG", func(t *testing.T) {
		l, _ := newLib(t)
		m := image.NewNRGBA(image.Rect(0, 0, 800, 350))
		for i := range m.Pix {
			m.Pix[i] = byte(i / 4 % 251)
		}
		src := withPNGChunks(mustPNG(t, m), text, itxt)
		a := ingest(t, l, src)
		if a.MIME != "image/png" {
			t.Fatalf("MIME %s", a.MIME)
		}
		vs := Variants(a)
		if len(vs) != 3 || !strings.HasSuffix(vs[0].URL, "-320.png") || vs[2].Width != 800 {
			t.Fatalf("variants %+v", vs)
		}
		for name, b := range allFiles(t, l) {
			checkClean(t, name, b)
			if !strings.HasSuffix(name, ".png") && !strings.HasSuffix(name, ".webp") {
				t.Errorf("%s is neither PNG nor WebP", name)
			}
			if m, ok := decodeAny(t, b).(interface{ Opaque() bool }); !ok || m.Opaque() {
				t.Errorf("%s lost its transparency", name)
			}
		}
	})
}

func TestIngestGIFAndWebP(t *testing.T) {
	l, _ := newLib(t)
	pm := image.NewPaletted(image.Rect(0, 0, 120, 80), color.Palette{color.Black, color.White, color.Transparent})
	for i := range pm.Pix {
		pm.Pix[i] = uint8(i % 2)
	}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, &gif.GIF{Image: []*image.Paletted{pm, pm}, Delay: []int{10, 10}}); err != nil {
		t.Fatal(err)
	}
	a := ingest(t, l, buf.Bytes())
	if a.Width != 120 || a.Height != 80 || a.MIME != "image/jpeg" {
		t.Fatalf("gif asset %+v", a)
	}
	// A 1-bit lossless WebP (golang.org/x/image/testdata/gopher-doc.1bpp.lossless.webp).
	webpData, _ := base64.StdEncoding.DecodeString(gopherWebP)
	a = ingest(t, l, webpData)
	if a.Width == 0 || a.Height == 0 {
		t.Fatalf("webp asset %+v", a)
	}
	for name, b := range allFiles(t, l) {
		checkClean(t, name, b)
	}
}

const gopherWebP = "UklGRrIBAABXRUJQVlA4TKUBAAAvSsAYAA8w//M///MfeJAkbXvaSG7m8Q3GfYSBJekwQztm/IcZlgwnmWImn2BK7aFmBtnVir6q//8VOkFE/xm4baTIu8c48ArEo6+B3zFKYln3pqClSCKX0begFTAXFOLXHSyF8cCNcZEG4OywuA4KVVfJCiArU7GAgJI8+lJP/OKMT/fBAjevg1cYB7YVkFuWga2lyPi5I0HFy5YTpWIHg0RZpkniRVW9odHAKOwosWuOGdxIyn2OvaCDvhg/we6TwadPBPbqBV58MsLmMJ8yZnOWk8SRz4N+QoyPL+MnamzMvcE1rHNEr91F9GKZPVUcS9w7PhhH36suB9qPeYb/oLk6cuTiJ0wOK3m5h1cKjW6EVZCYMK7dxcKCBdgP9HkKr9gkAO2P8GKZGWVdIAatQa+1IDpt6qyorVwdy01xdW8Jkfk6xjEXmVQQ+HQdFr6OKhIN34dXWq0+0qr6EJSCeeVLH9+gvGTLyqM65PQ44ihzlTXxQKjKbAvshXgir7Lil9w4L2bvMycmjQcqXaMCO6BlY28i+FOLzbfI1vEqxAhotocAAA=="

func TestWebPExifChunk(t *testing.T) {
	tiff := exifTIFF(binary.LittleEndian, 8)
	var b bytes.Buffer
	b.WriteString("RIFF\x00\x00\x00\x00WEBP")
	b.WriteString("VP8X")
	binary.Write(&b, binary.LittleEndian, uint32(10))
	b.Write(make([]byte, 10))
	b.WriteString("ICCP")
	binary.Write(&b, binary.LittleEndian, uint32(3))
	b.WriteString("abc\x00") // odd size, padded
	b.WriteString("EXIF")
	binary.Write(&b, binary.LittleEndian, uint32(len(tiff)))
	b.Write(tiff)
	if got := orientation(fmtWebP, b.Bytes()); got != 8 {
		t.Fatalf("orientation %d", got)
	}
}

func TestIngestRefuses(t *testing.T) {
	l, st := newLib(t)
	okJPEG := mustJPEG(t, Illustration(3, 300, 200))

	// A PNG header claiming 100000×100000 pixels, with nothing behind it.
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], 100000)
	binary.BigEndian.PutUint32(ihdr[4:], 100000)
	ihdr[8], ihdr[9] = 8, 6
	bombPNG := append([]byte("\x89PNG\r\n\x1a\n"), pngChunk("IHDR", ihdr)...)
	bombPNG = append(bombPNG, pngChunk("IDAT", []byte{0x78, 0x9c})...)
	bombPNG = append(bombPNG, pngChunk("IEND", nil)...)

	// A real JPEG whose frame header claims 60000×60000.
	bombJPEG := append([]byte{}, okJPEG...)
	sof := bytes.Index(bombJPEG, []byte{0xFF, 0xC0})
	binary.BigEndian.PutUint16(bombJPEG[sof+5:], 60000)
	binary.BigEndian.PutUint16(bombJPEG[sof+7:], 60000)

	// Within the pixel limit but wider than any JPEG can be.
	wide := append([]byte{}, bombPNG...)
	binary.BigEndian.PutUint32(wide[16:], 70000)
	binary.BigEndian.PutUint32(wide[20:], 10)
	binary.BigEndian.PutUint32(wide[29:], crc32.ChecksumIEEE(wide[12:29]))

	for _, tc := range []struct {
		name string
		data []byte
		kind error
		msg  string
	}{
		{"empty", nil, ErrUnsupported, "empty"},
		{"text", []byte("hello, this is not an image"), ErrUnsupported, "not a JPEG, PNG, GIF or WebP"},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), ErrUnsupported, "SVG drawings are not accepted"},
		{"svg with prolog", []byte("\xEF\xBB\xBF\n<?xml version=\"1.0\"?>\n<!DOCTYPE svg>\n<SVG onload=\"alert(1)\"/>"), ErrUnsupported, "SVG drawings are not accepted"},
		{"html", []byte("  <!DOCTYPE html><html><body><script>alert(1)</script>"), ErrUnsupported, "web page (HTML)"},
		{"heic", append([]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), make([]byte, 100)...), ErrUnsupported, "HEIC/HEIF"},
		{"heif mif1", append([]byte("\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic"), make([]byte, 100)...), ErrUnsupported, "HEIC/HEIF"},
		{"avif", append([]byte("\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1"), make([]byte, 100)...), ErrUnsupported, "AVIF"},
		{"pdf", []byte("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj"), ErrUnsupported, "PDF"},
		{"animated webp", append([]byte("RIFF\x24\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x02\x00\x00\x00\x09\x00\x00\x09\x00\x00ANIM"), make([]byte, 20)...), ErrUnsupported, "animated WebP"},
		{"bmp", append([]byte("BM"), make([]byte, 100)...), ErrUnsupported, "BMP"},
		{"truncated JPEG", okJPEG[:len(okJPEG)/2], ErrCorrupt, "truncated"},
		{"JPEG header only", okJPEG[:3], ErrCorrupt, ""},
		{"truncated PNG", mustPNG(t, marked(50, 50))[:60], ErrCorrupt, ""},
		{"PNG bomb", bombPNG, ErrTooLarge, "10000.0 megapixels"},
		{"JPEG bomb", bombJPEG, ErrTooLarge, "megapixels"},
		{"too wide", wide, ErrTooLarge, "65535"},
		{"over 40 MB", append(append([]byte{}, okJPEG...), make([]byte, MaxBytes)...), ErrTooLarge, "40 MB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := l.Ingest(context.Background(), tc.data)
			runtime.ReadMemStats(&after)
			if err == nil {
				t.Fatal("accepted")
			}
			if !errors.Is(err, news.ErrInvalid) || !errors.Is(err, tc.kind) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("error %q, want %v containing %q", err, tc.kind, tc.msg)
			}
			if strings.Contains(tc.name, "bomb") {
				if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
					t.Errorf("refusing a bomb allocated %d bytes", alloc)
				}
			}
		})
	}
	if st.puts != 0 || len(files(t, l.Dir)) != 0 {
		t.Fatalf("refused uploads left traces: %d puts, files %v", st.puts, files(t, l.Dir))
	}
}

func TestVariantSizes(t *testing.T) {
	for _, tc := range []struct {
		w, h int
		want string
	}{
		{3000, 2000, "320x213 640x427 960x640 1280x853 1920x1280"},
		{1920, 1080, "320x180 640x360 960x540 1280x720 1920x1080"},
		{1100, 700, "320x204 640x407 960x611 1100x700"},
		{1000, 600, "320x192 640x384 960x576"}, // 1000 is within 10% of 960
		{330, 100, "320x97"},
		{320, 240, "320x240"},
		{200, 100, "200x100"},
		{1, 1, "1x1"},
		{300, 20000, "300x20000"},
		{4000, 10, "320x1 640x2 960x2 1280x3 1920x5"},
		{0, 10, ""},
	} {
		var got []string
		for _, s := range sizesFor(tc.w, tc.h) {
			if s.X > tc.w || s.Y > tc.h {
				t.Errorf("%dx%d: %v enlarges", tc.w, tc.h, s)
			}
			got = append(got, fmt.Sprintf("%dx%d", s.X, s.Y))
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("%dx%d: got %q, want %q", tc.w, tc.h, strings.Join(got, " "), tc.want)
		}
	}
}

func TestVariantsOnDisk(t *testing.T) {
	l, _ := newLib(t)
	a := ingest(t, l, mustJPEG(t, Illustration(11, 2100, 1400)))
	vs := Variants(a)
	var widths []int
	for _, v := range vs {
		widths = append(widths, v.Width)
		want := fmt.Sprintf("/media/%s/%s-%d.jpg", a.ID, a.Hash[:16], v.Width)
		if v.URL != want {
			t.Errorf("URL %q, want %q", v.URL, want)
		}
		b, err := os.ReadFile(l.variantPath(a.Hash, v.Width, ".jpg"))
		if err != nil {
			t.Fatal(err)
		}
		checkClean(t, v.URL, b)
		m := decodeAny(t, b)
		if m.Bounds().Dx() != v.Width || m.Bounds().Dy() != v.Height {
			t.Errorf("%s is %v, want %dx%d", v.URL, m.Bounds().Size(), v.Width, v.Height)
		}
		if want := strings.TrimSuffix(want, ".jpg") + ".webp"; v.WebP != want {
			t.Errorf("WebP URL %q, want %q", v.WebP, want)
		}
		wb, err := os.ReadFile(l.variantPath(a.Hash, v.Width, ".webp"))
		if err != nil {
			t.Fatal(err)
		}
		checkClean(t, v.WebP, wb)
		if m := decodeAny(t, wb); m.Bounds().Dx() != v.Width || m.Bounds().Dy() != v.Height {
			t.Errorf("%s is %v, want %dx%d", v.WebP, m.Bounds().Size(), v.Width, v.Height)
		}
		if len(wb) >= len(b) {
			t.Errorf("%dpx: WebP %d bytes, JPEG %d", v.Width, len(wb), len(b))
		}
	}
	if !slices.Equal(widths, []int{320, 640, 960, 1280, 1920}) {
		t.Fatalf("widths %v", widths)
	}
	want := strings.Join([]string{vs[0].URL + " 320w", vs[1].URL + " 640w", vs[2].URL + " 960w", vs[3].URL + " 1280w", vs[4].URL + " 1920w"}, ", ")
	if got := SrcSet(a); got != want {
		t.Errorf("SrcSet = %q", got)
	}
	if got := SrcSetWebP(a); got != strings.ReplaceAll(want, ".jpg", ".webp") {
		t.Errorf("SrcSetWebP = %q", got)
	}
	for w, want := range map[int]int{0: 320, 320: 320, 321: 640, 700: 960, 1920: 1920, 5000: 1920} {
		if got := Pick(a, w).Width; got != want {
			t.Errorf("Pick(%d) = %d, want %d", w, got, want)
		}
	}
	if Variants(news.Asset{}) != nil || Pick(news.Asset{}, 100) != (Variant{}) || SrcSet(news.Asset{}) != "" {
		t.Error("an empty asset has variants")
	}
	bad := a
	bad.Hash = "../../../etc/passwd"
	if Variants(bad) != nil {
		t.Error("bad hash accepted")
	}
}

func TestIngestTwice(t *testing.T) {
	l, st := newLib(t)
	src := withMetadata(mustJPEG(t, Illustration(5, 800, 500)), binary.LittleEndian, 1)
	a1 := ingest(t, l, src)
	before := allFiles(t, l)
	stats := map[string]time.Time{}
	for name := range before {
		fi, _ := os.Stat(filepath.Join(l.Dir, name))
		stats[name] = fi.ModTime()
	}
	time.Sleep(10 * time.Millisecond)
	a2 := ingest(t, l, src)
	if a1 != a2 {
		t.Fatalf("second ingest: %+v, first %+v", a2, a1)
	}
	if len(st.byID) != 1 {
		t.Fatalf("%d assets", len(st.byID))
	}
	after := allFiles(t, l)
	if len(after) != len(before) {
		t.Fatalf("files %v, before %v", files(t, l.Dir), before)
	}
	for name := range after {
		fi, _ := os.Stat(filepath.Join(l.Dir, name))
		if !fi.ModTime().Equal(stats[name]) {
			t.Errorf("%s rewritten", name)
		}
	}
	// Concurrent duplicates agree too.
	var wg sync.WaitGroup
	ids := make([]string, 4)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, err := l.Ingest(context.Background(), src)
			if err != nil {
				t.Error(err)
			}
			ids[i] = a.ID
		}()
	}
	wg.Wait()
	for _, id := range ids {
		if id != a1.ID {
			t.Errorf("concurrent ingest gave %s, want %s", id, a1.ID)
		}
	}
	for _, f := range files(t, l.Dir) {
		if strings.Contains(f, ".tmp") {
			t.Errorf("temporary file left: %s", f)
		}
	}
}

func TestRepair(t *testing.T) {
	l, _ := newLib(t)
	a := ingest(t, l, mustJPEG(t, Illustration(9, 1000, 700)))
	before := allFiles(t, l)
	for _, v := range Variants(a) {
		os.Remove(l.variantPath(a.Hash, v.Width, ".jpg"))
	}
	if err := l.Repair(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	after := allFiles(t, l)
	if len(after) != len(before) {
		t.Fatalf("repaired %v", files(t, l.Dir))
	}
	for name, b := range after {
		m := decodeAny(t, b)
		if want := decodeAny(t, before[name]); m.Bounds() != want.Bounds() {
			t.Errorf("%s: %v, was %v", name, m.Bounds(), want.Bounds())
		}
	}
	bad := a
	bad.Hash = strings.Repeat("0", 64)
	if err := l.Repair(context.Background(), bad); err == nil {
		t.Error("repaired an asset without original")
	}
}

func TestIngestCancelled(t *testing.T) {
	l, st := newLib(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := l.Ingest(ctx, mustJPEG(t, Illustration(1, 500, 300))); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if st.puts != 0 {
		t.Fatal("recorded")
	}
}

func TestNew(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "media")
	if _, err := New(dir, newMemStore()); err != nil {
		t.Fatal(err)
	}
	for _, sub := range []string{"orig", "v"} {
		if fi, err := os.Stat(filepath.Join(dir, sub)); err != nil || !fi.IsDir() {
			t.Errorf("%s: %v", sub, err)
		}
	}
	if _, err := New("", newMemStore()); err == nil {
		t.Error("empty dir accepted")
	}
	if _, err := New(dir, nil); err == nil {
		t.Error("nil store accepted")
	}
}

func BenchmarkIngest(b *testing.B) {
	src, err := EncodeJPEG(Illustration(42, 3000, 2000), 90)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	root := b.TempDir()
	i := 0
	for b.Loop() {
		b.StopTimer()
		i++
		l, err := New(filepath.Join(root, fmt.Sprint(i)), newMemStore())
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := l.Ingest(context.Background(), src); err != nil {
			b.Fatal(err)
		}
	}
}
