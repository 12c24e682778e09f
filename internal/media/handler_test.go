package media

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"qalam/internal/news"
)

func serve(h http.Handler, method, target string, hdr ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestHandlerServesVariants(t *testing.T) {
	l, st := newLib(t)
	a := ingest(t, l, mustJPEG(t, Illustration(21, 1300, 800)))
	st.public[a.ID] = true
	h := l.Handler(st.lookup)

	for _, v := range Variants(a) {
		want, err := os.ReadFile(l.variantPath(a.Hash, v.Width, ".jpg"))
		if err != nil {
			t.Fatal(err)
		}
		w := serve(h, "GET", v.URL)
		if w.Code != 200 || !bytes.Equal(w.Body.Bytes(), want) {
			t.Fatalf("%s: %d, %d bytes", v.URL, w.Code, w.Body.Len())
		}
		etag := w.Header().Get("ETag")
		for k, want := range map[string]string{
			"Content-Type":           "image/jpeg",
			"Content-Length":         strconv.Itoa(len(want)),
			"Cache-Control":          "public, max-age=31536000, immutable",
			"X-Content-Type-Options": "nosniff",
			"ETag":                   `"` + a.Hash + "-" + strconv.Itoa(v.Width) + `"`,
		} {
			if got := w.Header().Get(k); got != want {
				t.Errorf("%s: %s = %q, want %q", v.URL, k, got, want)
			}
		}
		if m := decodeAny(t, w.Body.Bytes()); m.Bounds().Dx() != v.Width || m.Bounds().Dy() != v.Height {
			t.Errorf("%s: served %v", v.URL, m.Bounds())
		}

		w = serve(h, "HEAD", v.URL)
		if w.Code != 200 || w.Body.Len() != 0 || w.Header().Get("Content-Length") != strconv.Itoa(len(want)) {
			t.Errorf("HEAD %s: %d, %d bytes, length %q", v.URL, w.Code, w.Body.Len(), w.Header().Get("Content-Length"))
		}
		for _, inm := range []string{etag, `"x", ` + etag, "W/" + etag, "*"} {
			w = serve(h, "GET", v.URL, "If-None-Match", inm)
			if w.Code != http.StatusNotModified || w.Body.Len() != 0 || w.Header().Get("ETag") != etag {
				t.Errorf("If-None-Match %s: %d", inm, w.Code)
			}
		}
		if w = serve(h, "GET", v.URL, "If-None-Match", `"other"`); w.Code != 200 {
			t.Errorf("unrelated If-None-Match: %d", w.Code)
		}
	}
	// Stripped mount works too.
	v := Pick(a, 640)
	if w := serve(http.StripPrefix("/media", h), "GET", v.URL); w.Code != 200 {
		t.Errorf("behind StripPrefix: %d", w.Code)
	}
	if w := serve(h, "POST", v.URL); w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: %d", w.Code)
	}
}

func TestHandlerRefuses(t *testing.T) {
	l, st := newLib(t)
	pub := ingest(t, l, mustJPEG(t, Illustration(31, 700, 400)))
	draft := ingest(t, l, mustJPEG(t, Illustration(32, 700, 400)))
	st.public[pub.ID] = true
	h := l.Handler(st.lookup)
	// A file next to Dir that traversal would reach.
	secretPath := filepath.Join(filepath.Dir(l.Dir), "secret.txt")
	os.WriteFile(secretPath, []byte("TOP SECRET"), 0o644)

	good := Pick(pub, 320).URL
	if w := serve(h, "GET", good); w.Code != 200 {
		t.Fatalf("good URL: %d", w.Code)
	}
	id, h16 := pub.ID, pub.Hash[:16]
	other := draft.Hash[:16]
	for _, target := range []string{
		Pick(draft, 320).URL,                          // not public
		"/media/" + draft.ID + "/" + h16 + "-320.jpg", // a public hash on a draft
		"/media/" + id + "/" + other + "-320.jpg",     // the draft's hash on a public asset
		"/media/" + id + "/" + strings.Repeat("0", 16) + "-320.jpg",
		"/media/" + id + "/" + h16 + "-321.jpg", // no such width
		"/media/" + id + "/" + h16 + "-700.jpg", // the original's width, within 10% of 640: no such variant
		"/media/" + id + "/" + h16 + "-1920.jpg",
		"/media/" + id + "/" + h16 + "-0320.jpg",
		"/media/" + id + "/" + h16 + "-320.png", // wrong type
		"/media/" + id + "/" + h16 + "-320.jpeg",
		"/media/" + id + "/" + strings.ToUpper(h16) + "-320.jpg",
		"/media/" + id + "/" + pub.Hash + "-320.jpg",
		"/media/" + id + "/" + h16 + "-320.jpg/",
		"/media/" + id + "/" + h16 + "-320.jpg/x",
		"/media/" + id + "/" + h16 + "-.jpg",
		"/media/" + id + "/" + h16 + "-99999999999999999999.jpg",
		"/media/" + id + "/",
		"/media/" + id,
		"/media/",
		"/media/nosuchasset1/" + h16 + "-320.jpg",
		"/media/../../etc/passwd",
		"/media/../secret.txt",
		"/media/%2e%2e/%2e%2e/etc/passwd",
		"/media/%2e%2e/secret.txt",
		"/media/" + id + "/..%2f..%2fsecret.txt",
		"/media/" + id + "/..%2f..%2f..%2fetc%2fpasswd",
		"/media/" + id + "/%2e%2e%5csecret.txt",
		"/media/" + id + "/" + h16 + "-320.jpg%00.txt",
		"/media/" + id + "/../../secret.txt",
		"/media/" + id + "/" + h16 + "-320.jpg/../../../secret.txt",
		"/media/.%2e/.%2e/secret.txt",
		"/media//etc/passwd",
		"/etc/passwd",
		"/secret.txt",
	} {
		w := serve(h, "GET", target)
		body := w.Body.String()
		if w.Code != 404 || strings.Contains(body, "SECRET") || strings.Contains(body, "root:") || len(body) > 64 {
			t.Errorf("GET %s: %d %q", target, w.Code, body)
		}
		if w.Header().Get("Cache-Control") == "public, max-age=31536000, immutable" {
			t.Errorf("GET %s: a 404 cached forever", target)
		}
	}
	// A lookup that fails otherwise is a 500, not a 404 that hides an outage.
	broken := l.Handler(func(context.Context, string) (news.Asset, error) { return news.Asset{}, errors.New("db down") })
	if w := serve(broken, "GET", good); w.Code != 500 {
		t.Errorf("broken lookup: %d", w.Code)
	}
	// A lookup returning another asset than asked for is not trusted.
	liar := l.Handler(func(context.Context, string) (news.Asset, error) { return draft, nil })
	if w := serve(liar, "GET", good); w.Code != 404 {
		t.Errorf("mismatched asset: %d", w.Code)
	}
	// A corrupted hash in the database never becomes a path.
	evil := pub
	evil.Hash = h16 + "/../../../../secret.txt" + strings.Repeat("a", 24)
	evilH := l.Handler(func(context.Context, string) (news.Asset, error) { return evil, nil })
	if w := serve(evilH, "GET", good); w.Code != 404 {
		t.Errorf("evil hash: %d", w.Code)
	}
	// A missing file is a 404, not a crash.
	os.Remove(l.variantPath(pub.Hash, 320, ".jpg"))
	if w := serve(h, "GET", good); w.Code != 404 {
		t.Errorf("missing file: %d", w.Code)
	}
}

func TestParseMediaPath(t *testing.T) {
	id, h, w, ext, ok := parseMediaPath("/media/abcdefghijkl/0123456789abcdef-1280.png")
	if !ok || id != "abcdefghijkl" || h != "0123456789abcdef" || w != 1280 || ext != ".png" {
		t.Fatal(id, h, w, ext, ok)
	}
	for _, p := range []string{"", "media/a/0123456789abcdef-1.jpg", "/media/a b/0123456789abcdef-1.jpg", "/media/a/0123456789abcdef-123456.jpg", "/media/a/0123456789abcdeg-1.jpg"} {
		if _, _, _, _, ok := parseMediaPath(p); ok {
			t.Errorf("%q accepted", p)
		}
	}
}
