package admin_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"html"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"qalam/internal/media/mediatest"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"qalam/internal/admin"
	"qalam/internal/demo"
	"qalam/internal/media"
	"qalam/internal/news"
)

// Secrets an upload's metadata carries that no stored file may keep.
const (
	secretGPS = "GPS-43.2567N-76.9286E-SOURCE-HOME"
	secretXMP = "XMP-SECRET-CREATOR-TOOL"
	secretPNG = "PNG-TEXT-SECRET-LOCATION"
	secretJS  = "<script>alert('polyglot')</script>"
)

func photo(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			m.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8((x ^ y) & 0xFF), 255})
		}
	}
	return m
}

func jpegOf(t *testing.T, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func pngOf(t *testing.T, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withGPS puts an EXIF block with a GPS IFD holding secretGPS and an XMP
// packet holding secretXMP into a JPEG.
func withGPS(jpg []byte) []byte { return mediatest.WithGPS(jpg, secretGPS, secretXMP) }

func pngChunk(typ string, data []byte) []byte {
	out := make([]byte, 8, 12+len(data))
	binary.BigEndian.PutUint32(out, uint32(len(data)))
	copy(out[4:], typ)
	out = append(out, data...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(out[4:]))
}

// withText puts tEXt and iTXt chunks after a PNG's IHDR.
func withText(p []byte) []byte {
	const afterIHDR = 8 + 12 + 13
	out := append([]byte{}, p[:afterIHDR]...)
	out = append(out, pngChunk("tEXt", []byte("Location\x00"+secretPNG))...)
	out = append(out, pngChunk("iTXt", []byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00"+secretXMP))...)
	return append(out, p[afterIHDR:]...)
}

// upload posts a file as the library's form does (multipart, the page's
// CSRF token), with the part's own Content-Type claim.
func upload(t *testing.T, m *member, service, filename, ctype string, data []byte, kv ...string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fields := append([]string{"csrf", m.csrf, "service", service}, kv...)
	accept := ""
	for i := 0; i+1 < len(fields); i += 2 {
		if fields[i] == "Accept" { // a header, not a field
			accept = fields[i+1]
			continue
		}
		mw.WriteField(fields[i], fields[i+1])
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="`+filename+`"`)
	h.Set("Content-Type", ctype)
	pw, err := mw.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	pw.Write(data)
	mw.Close()
	req, err := http.NewRequest("POST", m.s.url+"/admin/media", &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", m.s.url)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("X-Forwarded-For", m.ip)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	if m.cookie != "" {
		req.AddCookie(&http.Cookie{Name: admin.CookieName, Value: m.cookie})
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	m.resp, m.body = resp, string(raw)
}

var uploadedRe = regexp.MustCompile(`^/admin/media/([a-z2-7]{12})\?service=(\w+)&done=uploaded$`)

// uploaded checks an upload was taken and returns the asset's ID.
func uploaded(t *testing.T, m *member, what string) string {
	t.Helper()
	m.want(http.StatusSeeOther, what)
	sm := uploadedRe.FindStringSubmatch(m.location())
	if sm == nil {
		t.Fatalf("%s: redirected to %q", what, m.location())
	}
	return sm[1]
}

// storedFiles returns every file the media library keeps for an asset.
func storedFiles(t *testing.T, d *demoStack, id string) map[string][]byte {
	t.Helper()
	a, err := d.store.Asset(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	filepath.WalkDir(d.env.Media.Dir, func(p string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() && strings.Contains(filepath.Base(p), a.Hash) {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			out[filepath.Base(p)] = b
		}
		return nil
	})
	if len(out) < 3 {
		t.Fatalf("asset %s has only %d files", id, len(out))
	}
	return out
}

func checkNoMetadata(t *testing.T, name string, b []byte) {
	t.Helper()
	for _, s := range []string{secretGPS, secretXMP, secretPNG, secretJS, "Exif", "GPS", "xmpmeta", "http://ns.adobe.com", "tEXt", "iTXt", "EXIF", "XMP "} {
		if bytes.Contains(b, []byte(s)) {
			t.Errorf("%s keeps %q", name, s)
		}
	}
}

func libraryCount(t *testing.T, d *demoStack, service string) int {
	t.Helper()
	items, err := d.store.ListMedia(context.Background(), service, "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, it := range items {
		if it.Listed {
			n++
		}
	}
	return n
}

// TestMediaUpload uploads through the real server: metadata is gone from
// every stored file, refusals name what the file really is, bombs and
// oversize bodies are stopped early, and the library, search and the
// editor's JSON show the result.
func TestMediaUpload(t *testing.T) {
	d := newDemo(t)
	ctx := context.Background()
	rep := d.person("reporter@example.org", news.Grant{Service: "kk", Role: news.RoleReporter})

	rep.get("/admin/media")
	rep.want(200, "library page")
	if !strings.Contains(rep.body, `href="/admin/media" aria-current="page"`) || !strings.Contains(rep.body, `enctype="multipart/form-data"`) {
		t.Fatalf("library page:\n%s", rep.body)
	}

	// JPEG with EXIF GPS and XMP.
	src := withGPS(jpegOf(t, photo(1400, 900)))
	for _, s := range []string{secretGPS, secretXMP, "Exif"} {
		if !bytes.Contains(src, []byte(s)) {
			t.Fatalf("the test upload lacks %q", s)
		}
	}
	if _, err := jpeg.Decode(bytes.NewReader(src)); err != nil {
		t.Fatalf("test JPEG: %v", err)
	}
	upload(t, rep, "kk", `../../etc/Алматы <IMG_0042>.JPG`, "image/jpeg", src, "alt", "Су тасқыны", "credit", "Азаттық")
	jpgID := uploaded(t, rep, "JPEG upload")
	files := storedFiles(t, d, jpgID)
	var webps int
	for name, b := range files {
		checkNoMetadata(t, name, b)
		if strings.HasSuffix(name, ".webp") {
			webps++
			if !bytes.HasPrefix(b, []byte("RIFF")) || string(b[8:12]) != "WEBP" {
				t.Errorf("%s is not WebP", name)
			}
		}
	}
	item, err := d.store.Media(ctx, "kk", jpgID)
	if n := len(media.Variants(item.Asset)); webps != n || n != 4 {
		t.Errorf("%d WebP variants of a 1400px image, want %d: %v", webps, n, keys(files))
	}
	if err != nil || item.Name != "Алматы <IMG_0042>.JPG" || item.Alt != "Су тасқыны" || item.Credit != "Азаттық" || item.AddedBy != rep.id {
		t.Fatalf("library item %+v, %v", item, err)
	}
	rep.get(rep.location())
	rep.want(200, "uploaded image's page")
	if !strings.Contains(rep.body, "metadata (EXIF, GPS position, camera) removed") || !strings.Contains(rep.body, `/admin/media/`+jpgID+`/thumb?w=960`) {
		t.Fatalf("image page:\n%s", rep.body)
	}

	// PNG with text chunks.
	transparent := photo(500, 300)
	for i := 3; i < len(transparent.Pix); i += 16 {
		transparent.Pix[i] = 0x80
	}
	upload(t, rep, "kk", "chart.png", "image/png", withText(pngOf(t, transparent)))
	pngID := uploaded(t, rep, "PNG upload")
	for name, b := range storedFiles(t, d, pngID) {
		checkNoMetadata(t, name, b)
	}

	// WebP in, JPEG and WebP variants out.
	webpSrc, err := media.EncodeWebP(photo(700, 400), true)
	if err != nil {
		t.Fatal(err)
	}
	upload(t, rep, "kk", "street.webp", "image/webp", webpSrc, "caption", "Улица в дождь")
	webpID := uploaded(t, rep, "WebP upload")
	var kinds []string
	for name := range storedFiles(t, d, webpID) {
		kinds = append(kinds, filepath.Ext(name))
	}
	if !contains(kinds, ".jpg") || !contains(kinds, ".webp") {
		t.Errorf("WebP upload stored %v", kinds)
	}

	// A GIF with a script appended (a GIF/HTML polyglot) becomes a clean
	// still image: only its first frame's pixels survive.
	var g bytes.Buffer
	pal := image.NewPaletted(image.Rect(0, 0, 120, 80), []color.Color{color.Black, color.White})
	if err := gif.EncodeAll(&g, &gif.GIF{Image: []*image.Paletted{pal, pal}, Delay: []int{10, 10}}); err != nil {
		t.Fatal(err)
	}
	upload(t, rep, "kk", "anim.gif", "image/gif", append(g.Bytes(), secretJS...))
	gifID := uploaded(t, rep, "GIF polyglot upload")
	for name, b := range storedFiles(t, d, gifID) {
		checkNoMetadata(t, name, b)
		if strings.HasSuffix(name, ".gif") {
			t.Errorf("a GIF was stored: %s", name)
		}
	}

	// Refused by content, whatever the name and Content-Type claim.
	before := libraryCount(t, d, "kk")
	heic := append([]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), make([]byte, 200)...)
	for _, tc := range []struct {
		name, filename, ctype string
		data                  []byte
		status                int
		msg                   string
	}{
		{"SVG named .jpg", "photo.jpg", "image/jpeg", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), 415, "SVG drawings are not accepted"},
		{"SVG", "logo.svg", "image/svg+xml", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), 415, "SVG drawings are not accepted"},
		{"HTML named .png", "image.png", "image/png", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), 415, "web page (HTML)"},
		{"HEIC", "IMG_0001.HEIC", "image/heic", heic, 415, "HEIC/HEIF photos"},
		{"text named .jpg", "notes.jpg", "image/jpeg", []byte("just some words, not an image at all"), 415, "not a JPEG, PNG, GIF or WebP image"},
		{"truncated JPEG", "cut.jpg", "image/jpeg", src[:len(src)/3], 422, "This file was not accepted: the JPEG file"},
		{"empty", "empty.jpg", "image/jpeg", nil, 400, "Choose an image file"},
	} {
		upload(t, rep, "kk", tc.filename, tc.ctype, tc.data)
		if rep.resp.StatusCode != tc.status || !strings.Contains(rep.body, tc.msg) {
			t.Errorf("%s: %d, want %d with %q\n%s", tc.name, rep.resp.StatusCode, tc.status, tc.msg, rep.body)
		}
		if strings.Contains(rep.body, "<script>alert") || strings.Contains(rep.body, "onload=") {
			t.Errorf("%s: the refusal page echoes the file", tc.name)
		}
	}

	// A decompression bomb: a 20-byte IHDR claiming 100000×100000 pixels
	// is refused from its header, without a large allocation.
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], 100000)
	binary.BigEndian.PutUint32(ihdr[4:], 100000)
	ihdr[8], ihdr[9] = 8, 6
	bomb := append([]byte("\x89PNG\r\n\x1a\n"), pngChunk("IHDR", ihdr)...)
	bomb = append(bomb, pngChunk("IDAT", []byte{0x78, 0x9c})...)
	bomb = append(bomb, pngChunk("IEND", nil)...)
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	upload(t, rep, "kk", "bomb.png", "image/png", bomb)
	runtime.ReadMemStats(&m1)
	if rep.resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(rep.body, "megapixels") {
		t.Errorf("bomb: %d\n%s", rep.resp.StatusCode, rep.body)
	}
	if alloc := m1.TotalAlloc - m0.TotalAlloc; alloc > 32<<20 {
		t.Errorf("refusing a bomb allocated %d MB", alloc>>20)
	}

	// A body over the limit: 413 before the image is looked at.
	big := append(jpegOf(t, photo(64, 64)), make([]byte, media.MaxBytes)...)
	upload(t, rep, "kk", "huge.jpg", "image/jpeg", big)
	if rep.resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(rep.body, "larger than 40 MB") {
		t.Errorf("oversize: %d\n%s", rep.resp.StatusCode, rep.body)
	}
	if n := libraryCount(t, d, "kk"); n != before {
		t.Errorf("refused uploads changed the library: %d → %d", before, n)
	}

	// The library: thumbnails for staff from the admin (no-store), search,
	// defaults, the editor's JSON.
	rep.get("/admin/media?service=kk")
	for _, id := range []string{jpgID, pngID, webpID, gifID} {
		if !strings.Contains(rep.body, `src="/admin/media/`+id+`/thumb?w=320"`) {
			t.Errorf("library lacks %s", id)
		}
	}
	if !strings.Contains(rep.body, "Алматы &lt;IMG_0042&gt;.JPG") || strings.Contains(rep.body, "etc/") {
		t.Error("the file's name is not shown as a label")
	}
	resp, body := d.env.Get(t, "/admin/media/"+jpgID+"/thumb?w=320", "Cookie", admin.CookieName+"="+rep.cookie)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" || !strings.Contains(resp.Header.Get("Cache-Control"), "no-store") {
		t.Errorf("thumb: %d %s %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"))
	}
	if m, err := jpeg.Decode(strings.NewReader(body)); err != nil || m.Bounds().Dx() != 320 {
		t.Errorf("thumb is not a 320px JPEG: %v", err)
	}
	if resp, _ := d.env.Get(t, "/admin/media/"+jpgID+"/thumb?w=320"); resp.StatusCode == 200 {
		t.Error("a thumbnail without a session")
	}
	search := func(q string) []string {
		t.Helper()
		rep.get("/admin/media?service=kk&q=" + q)
		rep.want(200, "search")
		var ids []string
		for _, m := range regexp.MustCompile(`/admin/media/([a-z2-7]{12})/thumb`).FindAllStringSubmatch(rep.body, -1) {
			ids = append(ids, m[1])
		}
		return ids
	}
	if got := search("img_0042"); len(got) != 1 || got[0] != jpgID {
		t.Errorf("file name search: %v", got)
	}
	if got := search("%D0%94%D0%9E%D0%96%D0%94%D0%AC"); len(got) != 1 || got[0] != webpID { // "ДОЖДЬ", any case
		t.Errorf("caption search: %v", got)
	}
	if got := search("nothing-like-this"); len(got) != 0 || !strings.Contains(rep.body, "No image matches") {
		t.Errorf("no match: %v", got)
	}
	rep.get("/admin/media/" + pngID + "?service=kk")
	rep.post("/admin/media/"+pngID, "service", "kk", "alt", "Chart of <b>river</b> levels", "caption", "Levels since 1990", "credit", "Kazhydromet")
	rep.wantRedirect("/admin/media/"+pngID+"?service=kk&done=saved", "save defaults")
	if got := search("kazhydromet"); len(got) != 1 || got[0] != pngID {
		t.Errorf("credit search after saving: %v", got)
	}
	if !strings.Contains(rep.body, "Chart of &lt;b&gt;river&lt;/b&gt; levels") {
		t.Error("alt text not shown escaped")
	}
	rep.get("/admin/media/" + pngID + "?service=kk")
	rep.post("/admin/media/"+pngID, "service", "kk", "alt", strings.Repeat("a", news.MaxMediaAlt+1))
	rep.want(http.StatusBadRequest, "too long alt text")

	rep.get("/admin/media.json?service=kk")
	rep.want(200, "editor JSON")
	if ct := rep.resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("JSON content type %q", ct)
	}
	var picks []map[string]any
	if err := json.Unmarshal([]byte(rep.body), &picks); err != nil {
		t.Fatal(err)
	}
	var found map[string]any
	for _, p := range picks {
		if p["id"] == pngID {
			found = p
		}
	}
	if found == nil || found["label"] != "Levels since 1990" || found["alt"] != "Chart of <b>river</b> levels" || found["credit"] != "Kazhydromet" ||
		found["thumb"] != "/admin/media/"+pngID+"/thumb?w=320" {
		t.Errorf("editor JSON item %v", found)
	}
	rep.get("/admin/media.json?service=kk&q=kazhydromet")
	if err := json.Unmarshal([]byte(rep.body), &picks); err != nil || len(picks) != 1 {
		t.Errorf("editor JSON search: %s", rep.body)
	}

	// Audit rows.
	log, err := d.store.Audit(ctx, 0, 500)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, e := range log {
		if strings.HasPrefix(e.Action, "media.") && e.Actor == rep.id && e.Service == "kk" {
			seen[e.Action]++
		}
	}
	if seen["media.upload"] != 4 || seen["media.edit"] != 1 || seen["media.refused"] < 5 {
		t.Errorf("audit %v", seen)
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// Who may do what: contributors see the library and pick images but
// cannot upload (ActFile is reporter and up); a reporter works only in
// their own service; the CSRF token and a session are required.
func TestMediaRoles(t *testing.T) {
	d := newDemo(t)
	rep := d.person("reporter@example.org", news.Grant{Service: "kk", Role: news.RoleReporter})
	contrib := d.person("contrib@example.org", news.Grant{Service: "kk", Role: news.RoleContributor})
	ruRep := d.person("ru-reporter@example.org", news.Grant{Service: "ru", Role: news.RoleReporter})
	src := jpegOf(t, photo(400, 300))

	rep.get("/admin/media?service=kk")
	upload(t, rep, "kk", "a.jpg", "image/jpeg", src)
	id := uploaded(t, rep, "reporter's upload")

	contrib.get("/admin/media?service=kk")
	contrib.want(200, "contributor's library")
	if strings.Contains(contrib.body, `enctype="multipart/form-data"`) || !strings.Contains(contrib.body, id) {
		t.Error("a contributor is offered the upload form, or does not see the library")
	}
	upload(t, contrib, "kk", "b.jpg", "image/jpeg", jpegOf(t, photo(401, 300)))
	contrib.want(http.StatusForbidden, "contributor's upload")
	contrib.get("/admin/media/" + id + "?service=kk")
	contrib.want(200, "contributor's image page")
	if strings.Contains(contrib.body, `action="/admin/media/`+id+`"`) {
		t.Error("a contributor is offered the defaults form")
	}
	contrib.post("/admin/media/"+id, "service", "kk", "alt", "contributor's alt")
	contrib.want(http.StatusForbidden, "contributor saving defaults")
	contrib.get("/admin/media.json?service=kk")
	contrib.want(200, "contributor's editor JSON")

	// The ru reporter: not kk's library, uploads or thumbnails.
	ruRep.get("/admin/media?service=kk")
	ruRep.want(http.StatusForbidden, "ru reporter on kk's library")
	ruRep.get("/admin/media.json?service=kk")
	ruRep.want(http.StatusForbidden, "ru reporter on kk's JSON")
	ruRep.get("/admin/media/" + id + "/thumb?w=320")
	ruRep.want(http.StatusNotFound, "ru reporter on kk's thumbnail")
	ruRep.get("/admin/media/" + id + "?service=ru")
	ruRep.want(http.StatusNotFound, "kk's image under ru")
	ruRep.get("/admin/media?service=ru")
	upload(t, ruRep, "kk", "c.jpg", "image/jpeg", jpegOf(t, photo(402, 300)))
	ruRep.want(http.StatusForbidden, "ru reporter uploading to kk")
	upload(t, ruRep, "nope", "c.jpg", "image/jpeg", jpegOf(t, photo(402, 300)))
	ruRep.want(http.StatusForbidden, "upload to an unknown service")
	// The same image uploaded in ru is ru's own item, with ru's defaults.
	upload(t, ruRep, "ru", "same.jpg", "image/jpeg", src, "alt", "Русский alt")
	if got := uploaded(t, ruRep, "same image in ru"); got != id {
		t.Errorf("the same image got asset %s, want %s", got, id)
	}
	if m, err := d.store.Media(context.Background(), "kk", id); err != nil || m.Alt != "" || m.Name != "a.jpg" {
		t.Errorf("kk's item changed: %+v %v", m, err)
	}

	// From a script (the story editor): JSON answers.
	upload(t, rep, "kk", "e.jpg", "image/jpeg", jpegOf(t, photo(404, 300)), "alt", "Alt", "credit", "Credit", "Accept", "application/json")
	rep.want(http.StatusCreated, "JSON upload")
	var pick map[string]any
	if err := json.Unmarshal([]byte(rep.body), &pick); err != nil || pick["alt"] != "Alt" || pick["credit"] != "Credit" || pick["id"] == "" {
		t.Errorf("JSON upload answered %s", rep.body)
	}
	upload(t, rep, "kk", "e.svg", "image/svg+xml", []byte("<svg/>"), "Accept", "application/json")
	if rep.resp.StatusCode != http.StatusUnsupportedMediaType || !strings.Contains(rep.body, `"error":"This file was not accepted: SVG drawings`) {
		t.Errorf("JSON refusal: %d %s", rep.resp.StatusCode, rep.body)
	}
	upload(t, contrib, "kk", "f.jpg", "image/jpeg", jpegOf(t, photo(405, 300)), "Accept", "application/json")
	if contrib.resp.StatusCode != http.StatusForbidden || !strings.Contains(contrib.body, `"error"`) {
		t.Errorf("contributor's JSON upload: %d %s", contrib.resp.StatusCode, contrib.body)
	}

	// CSRF: a missing or wrong token stores nothing.
	before := libraryCount(t, d, "kk")
	rep.get("/admin/media?service=kk")
	good := rep.csrf
	rep.csrf = "forged"
	upload(t, rep, "kk", "d.jpg", "image/jpeg", jpegOf(t, photo(403, 300)))
	rep.want(http.StatusForbidden, "forged CSRF token")
	rep.csrf = ""
	upload(t, rep, "kk", "d.jpg", "image/jpeg", jpegOf(t, photo(403, 300)))
	rep.want(http.StatusForbidden, "no CSRF token")
	rep.csrf = good
	if n := libraryCount(t, d, "kk"); n != before {
		t.Errorf("a forged upload was stored")
	}
	// Signed out: to the sign-in page.
	anon := d.browser("192.0.2.50")
	upload(t, &member{browser: anon}, "kk", "e.jpg", "image/jpeg", src)
	anon.wantRedirect("/admin/login", "signed-out upload")
	anon.get("/admin/media")
	anon.wantRedirect("/admin/login", "signed-out library")
}

// A library image is public only while a public story uses it: its JPEG
// and WebP variants are 404 before, and the story page offers them in a
// <picture>.
func TestMediaPublicOnlyWhenPublished(t *testing.T) {
	d := newDemo(t)
	ctx := context.Background()
	rep := d.person("reporter@example.org", news.Grant{Service: "kk", Role: news.RoleReporter})
	rep.get("/admin/media?service=kk")
	upload(t, rep, "kk", "flood.jpg", "image/jpeg", withGPS(jpegOf(t, photo(1000, 600))))
	id := uploaded(t, rep, "upload")
	a, err := d.store.Asset(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	v := media.Pick(a, 640)
	for _, u := range []string{v.URL, v.WebP} {
		if resp, _ := d.env.Get(t, u); resp.StatusCode != 404 {
			t.Errorf("%s before publishing: %d", u, resp.StatusCode)
		}
	}
	st := d.env.NewStory(t, "kk", "flood-photo", "Су тасқыны", "Мәтін.")
	rev, err := d.store.SaveRevision(ctx, st.ID, st.HeadRev, news.Content{Headline: news.Text("Су тасқыны"),
		Lead: &news.Figure{AssetID: id, Alt: "Су басқан көше", Caption: news.Text("Алматы"), Credit: "Азаттық"},
		Body: news.Doc{Version: news.DocVersion, Blocks: []news.Block{{Type: news.BlockParagraph, Text: news.Text("Мәтін.")}}}}, demo.StaffID, d.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	// Still a draft: nothing public.
	if resp, _ := d.env.Get(t, v.WebP); resp.StatusCode != 404 {
		t.Errorf("WebP of a draft's image: %d", resp.StatusCode)
	}
	if err := d.store.Publish(ctx, st.ID, rev.ID, d.clock.Now()); err != nil {
		t.Fatal(err)
	}
	d.sync()
	st.HeadRev = rev.ID
	status, page := d.reader(d.readerPath(st.ID))
	if status != 200 {
		t.Fatalf("story page %d", status)
	}
	want := `<picture><source type="image/webp" srcset="` + media.SrcSetWebP(a) + `"`
	if !strings.Contains(page, want) || !strings.Contains(page, `<img src="`+media.Pick(a, 960).URL+`" srcset="`+media.SrcSet(a)+`"`) {
		t.Errorf("story page lacks the <picture>:\n%s", page)
	}
	for _, tc := range []struct{ url, ctype string }{{v.URL, "image/jpeg"}, {v.WebP, "image/webp"}} {
		resp, body := d.env.Get(t, tc.url)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != tc.ctype || resp.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Errorf("%s after publishing: %d %s %q", tc.url, resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"))
		}
		checkNoMetadata(t, tc.url, []byte(body))
	}
	// The image is now in kk's library listing once (listed), and a story's
	// image not uploaded through the library shows as used in a story.
	rep.get("/admin/media?service=kk")
	if n := strings.Count(rep.body, `/admin/media/`+id+`/thumb`); n != 1 {
		t.Errorf("the image is listed %d times", n)
	}
	// Unpublished again: 404 again.
	if err := d.store.Unpublish(ctx, st.ID, d.clock.Now()); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{v.URL, v.WebP} {
		if resp, _ := d.env.Get(t, u); resp.StatusCode != 404 {
			t.Errorf("%s after unpublishing: %d", u, resp.StatusCode)
		}
	}
}

// The story editor offers the service's library images, with their
// defaults, beside those the story already uses.
func TestStoryEditorOffersLibrary(t *testing.T) {
	d := newDemo(t)
	rep := d.person("lib-reporter@example.org", news.Grant{Service: "kk", Role: news.RoleReporter})
	rep.get("/admin/media")
	upload(t, rep, "kk", "steppe.jpg", "image/jpeg", jpegOf(t, photo(800, 600)), "alt", "Дала", "caption", "Көктемгі дала", "credit", "Жасыл Аула")
	id := uploaded(t, rep, "upload")
	sid := create(t, rep, d.section("kk").ID, "Даладағы көктем")
	open(t, rep, sid)
	raw := between(rep.body, `data-assets="`, `"`)
	assets := html.UnescapeString(raw)
	if !strings.Contains(assets, `"id":"`+id+`"`) || !strings.Contains(assets, `"alt":"Дала"`) {
		t.Errorf("the editor's images lack the library upload %s: %s", id, assets)
	}
}
