package media

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"

	xwebp "golang.org/x/image/webp"

	"qalam/internal/news"
)

// memStore implements only what package media calls; any other method
// panics on the nil embedded interface.
type memStore struct {
	news.Store
	mu     sync.Mutex
	byHash map[string]news.Asset
	byID   map[string]news.Asset
	public map[string]bool
	puts   int
}

func newMemStore() *memStore {
	return &memStore{byHash: map[string]news.Asset{}, byID: map[string]news.Asset{}, public: map[string]bool{}}
}

func (s *memStore) PutAsset(ctx context.Context, a *news.Asset) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.puts++
	if old, ok := s.byHash[a.Hash]; ok {
		*a = old
		return nil
	}
	a.ID = news.NewID()
	s.byHash[a.Hash] = *a
	s.byID[a.ID] = *a
	return nil
}

// lookup answers like Store.PublicAsset: only assets marked public.
func (s *memStore) lookup(ctx context.Context, id string) (news.Asset, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.byID[id]; ok && s.public[id] {
		return a, nil
	}
	return news.Asset{}, news.ErrNotFound
}

func newLib(t testing.TB) (*Library, *memStore) {
	t.Helper()
	st := newMemStore()
	l, err := New(filepath.Join(t.TempDir(), "media"), st)
	if err != nil {
		t.Fatal(err)
	}
	return l, st
}

func ingest(t testing.TB, l *Library, data []byte) news.Asset {
	t.Helper()
	a, err := l.Ingest(context.Background(), data)
	if err != nil {
		t.Fatalf("Ingest: %v", err)
	}
	return a
}

// files lists every file under dir, relative, sorted.
func files(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

// marked is a w×h blue image with a red square in its top-left corner, to
// see where orientation moved it.
func marked(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(m, m.Rect, image.NewUniform(color.RGBA{20, 40, 200, 255}), image.Point{}, draw.Src)
	draw.Draw(m, image.Rect(0, 0, w/5, h/5), image.NewUniform(color.RGBA{230, 20, 20, 255}), image.Point{}, draw.Src)
	return m
}

func isRed(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return r>>8 > 180 && g>>8 < 80 && b>>8 < 80
}

func mustJPEG(t testing.TB, m image.Image) []byte {
	t.Helper()
	b, err := EncodeJPEG(m, 95)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustPNG(t testing.TB, m image.Image) []byte {
	t.Helper()
	b, err := EncodePNG(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// secret strings planted in metadata; none may survive ingest.
const (
	secretGPS  = "SECRET-GPS-43.2567N-76.9286E"
	secretDesc = "SECRET-DESCRIPTION-source-home"
	secretXMP  = "SECRET-XMP-CreatorTool-phone-of-source"
	secretIPTC = "SECRET-IPTC-byline-source-name"
	secretCOM  = "SECRET-COMMENT"
	secretICC  = "SECRET-ICC-profile-desc"
	secretPNG  = "SECRET-PNG-text-Author-source"
)

var secrets = []string{secretGPS, secretDesc, secretXMP, secretIPTC, secretCOM, secretICC, secretPNG,
	"Exif", "GPS", "http://ns.adobe.com", "Photoshop 3.0", "8BIM", "ICC_PROFILE", "tEXt", "iTXt", "zTXt", "eXIf"}

// exifTIFF builds a TIFF structure with an ImageDescription, the
// Orientation and a GPS IFD holding GPSLatitudeRef, GPSLatitude and a
// GPSProcessingMethod carrying secretGPS.
func exifTIFF(bo binary.ByteOrder, orientation int) []byte {
	b := make([]byte, 8, 256)
	if bo == binary.LittleEndian {
		copy(b, "II")
	} else {
		copy(b, "MM")
	}
	bo.PutUint16(b[2:], 42)
	bo.PutUint32(b[4:], 8)
	const ifd0 = 8
	const ifd0Len = 2 + 3*12 + 4
	const gps = ifd0 + ifd0Len
	const gpsLen = 2 + 3*12 + 4
	const lat = gps + gpsLen
	const method = lat + 24
	desc := method + len(secretGPS) + 1
	b = b[:desc+len(secretDesc)+1]
	entry := func(at int, tag, typ uint16, count, value uint32, short bool) {
		bo.PutUint16(b[at:], tag)
		bo.PutUint16(b[at+2:], typ)
		bo.PutUint32(b[at+4:], count)
		if short {
			bo.PutUint16(b[at+8:], uint16(value))
		} else {
			bo.PutUint32(b[at+8:], value)
		}
	}
	bo.PutUint16(b[ifd0:], 3)
	entry(ifd0+2, 0x010E, 2, uint32(len(secretDesc)+1), uint32(desc), false) // ImageDescription
	entry(ifd0+14, 0x0112, 3, 1, uint32(orientation), true)                  // Orientation
	entry(ifd0+26, 0x8825, 4, 1, gps, false)                                 // GPS IFD pointer
	bo.PutUint16(b[gps:], 3)
	entry(gps+2, 0x0001, 2, 2, 0, false) // GPSLatitudeRef "N", stored inline
	copy(b[gps+2+8:], "N\x00")
	entry(gps+14, 0x0002, 5, 3, lat, false)                           // GPSLatitude
	entry(gps+26, 0x001B, 7, uint32(len(secretGPS)+1), method, false) // GPSProcessingMethod
	for i, v := range []uint32{43, 1, 15, 1, 2412, 100} {
		bo.PutUint32(b[lat+4*i:], v)
	}
	copy(b[method:], secretGPS)
	copy(b[desc:], secretDesc)
	return b
}

func segment(marker byte, payload []byte) []byte {
	s := []byte{0xFF, marker, 0, 0}
	binary.BigEndian.PutUint16(s[2:], uint16(len(payload)+2))
	return append(s, payload...)
}

// withMetadata inserts, right after SOI, an Exif APP1 (with GPS), an XMP
// APP1, an ICC APP2, an IPTC APP13 and a comment.
func withMetadata(jpg []byte, bo binary.ByteOrder, orientation int) []byte {
	exif := append([]byte("Exif\x00\x00"), exifTIFF(bo, orientation)...)
	xmp := []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF><rdf:Description xmp:CreatorTool=\"" +
		secretXMP + "\" exif:GPSLatitude=\"43,15.4N\"/></rdf:RDF></x:xmpmeta>")
	icc := append([]byte("ICC_PROFILE\x00\x01\x01"), []byte(secretICC)...)
	iptc := []byte("Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x20\x1c\x02\x50\x00\x1e" + secretIPTC)
	var out bytes.Buffer
	out.Write(jpg[:2])
	out.Write(segment(0xE1, exif))
	out.Write(segment(0xE1, xmp))
	out.Write(segment(0xE2, icc))
	out.Write(segment(0xED, iptc))
	out.Write(segment(0xFE, []byte(secretCOM)))
	out.Write(jpg[2:])
	return out.Bytes()
}

func pngChunk(typ string, data []byte) []byte {
	c := make([]byte, 8, 12+len(data))
	binary.BigEndian.PutUint32(c, uint32(len(data)))
	copy(c[4:], typ)
	c = append(c, data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
}

// withPNGChunks inserts chunks right after IHDR.
func withPNGChunks(p []byte, chunks ...[]byte) []byte {
	const afterIHDR = 8 + 8 + 13 + 4
	out := append([]byte{}, p[:afterIHDR]...)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return append(out, p[afterIHDR:]...)
}

// jpegMarkers lists the markers of a JPEG up to its scan.
func jpegMarkers(t testing.TB, b []byte) []byte {
	t.Helper()
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
		t.Fatalf("not a JPEG")
	}
	var ms []byte
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xFF {
			t.Fatalf("bad marker at %d", i)
		}
		m := b[i+1]
		ms = append(ms, m)
		if m == 0xDA {
			return ms
		}
		i += 2 + int(binary.BigEndian.Uint16(b[i+2:]))
	}
	t.Fatalf("no scan")
	return nil
}

// pngChunks lists the chunk types of a PNG.
func pngChunks(t testing.TB, b []byte) []string {
	t.Helper()
	var out []string
	for i := 8; i+12 <= len(b); {
		n := int(binary.BigEndian.Uint32(b[i:]))
		out = append(out, string(b[i+4:i+8]))
		i += 12 + n
	}
	return out
}

// checkClean fails if a stored file has metadata segments or any secret.
func checkClean(t testing.TB, name string, b []byte) {
	t.Helper()
	for _, s := range secrets {
		if bytes.Contains(b, []byte(s)) {
			t.Errorf("%s contains %q", name, s)
		}
	}
	switch {
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8}):
		for _, m := range jpegMarkers(t, b) {
			switch m {
			case 0xDB, 0xC0, 0xC4, 0xDA, 0xDD: // DQT, SOF0, DHT, SOS, DRI
			default:
				t.Errorf("%s has a %#x segment", name, m)
			}
		}
	case bytes.HasPrefix(b, []byte("\x89PNG")):
		for _, c := range pngChunks(t, b) {
			switch c {
			case "IHDR", "PLTE", "tRNS", "IDAT", "IEND":
			default:
				t.Errorf("%s has a %s chunk", name, c)
			}
		}
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		for _, c := range webpChunks(t, b) {
			switch c {
			case "VP8 ", "VP8L", "VP8X", "ALPH":
			default:
				t.Errorf("%s has a %s chunk", name, c)
			}
		}
	default:
		t.Errorf("%s is neither JPEG, PNG nor WebP", name)
	}
}

// webpChunks lists the chunk types of a WebP file and checks that a VP8X
// header announces no ICC, EXIF or XMP data.
func webpChunks(t testing.TB, b []byte) []string {
	t.Helper()
	if int(binary.LittleEndian.Uint32(b[4:]))+8 != len(b) {
		t.Errorf("WebP RIFF size %d, file %d", binary.LittleEndian.Uint32(b[4:]), len(b))
	}
	var out []string
	for i := 12; i+8 <= len(b); {
		typ := string(b[i : i+4])
		n := int(binary.LittleEndian.Uint32(b[i+4:]))
		out = append(out, typ)
		if typ == "VP8X" && i+9 <= len(b) && b[i+8]&(0x20|0x08|0x04) != 0 {
			t.Errorf("VP8X flags %#x announce metadata", b[i+8])
		}
		i += 8 + n + n&1
	}
	return out
}

// allFiles returns the contents of every stored file of l.
func allFiles(t testing.TB, l *Library) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, f := range files(t, l.Dir) {
		b, err := os.ReadFile(filepath.Join(l.Dir, f))
		if err != nil {
			t.Fatal(err)
		}
		out[f] = b
	}
	return out
}

func decodeAny(t testing.TB, b []byte) image.Image {
	t.Helper()
	var m image.Image
	var err error
	if bytes.HasPrefix(b, []byte("\x89PNG")) {
		m, err = png.Decode(bytes.NewReader(b))
	} else if bytes.HasPrefix(b, []byte("RIFF")) {
		m, err = xwebp.Decode(bytes.NewReader(b))
	} else {
		m, err = jpeg.Decode(bytes.NewReader(b))
	}
	if err != nil {
		t.Fatal(err)
	}
	return m
}
