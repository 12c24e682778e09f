package admin_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"qalam/internal/auth"
	"qalam/internal/config"
	"qalam/internal/editor"
	"qalam/internal/httpkit"
	"qalam/internal/news"
	"qalam/internal/servertest"
)

// embedSite is a third-party site on loopback: a page with Open Graph tags
// (a hostile title), its picture (a JPEG carrying a GPS position), a page
// without a picture, plain text, and a page whose picture is SVG.
func embedSite(t *testing.T, hits *atomic.Int32) *httptest.Server {
	t.Helper()
	jpg := withGPS(jpegOf(t, photo(800, 450)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		// (Go's client names the previous hop of a redirect in Referer;
		// nothing else of the newsroom may show.)
		ref := r.Header.Get("Referer")
		if r.Header.Get("Cookie") != "" || ref != "" && !strings.HasSuffix(ref, "/redirect") || strings.Contains(strings.ToLower(r.UserAgent()), "qalam") {
			t.Errorf("embed fetch sent Cookie %q, Referer %q, User-Agent %q", r.Header.Get("Cookie"), r.Header.Get("Referer"), r.UserAgent())
		}
		switch r.URL.Path {
		case "/story":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, `<!doctype html><html><head><title>Fallback title</title>
<meta property="og:site_name" content="Example  News">
<meta property="og:title" content="Flood &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;river&quot;">
<meta property="og:image" content="/pics/flood.jpg?x=1">
</head><body><meta property="og:title" content="not this"></body></html>`)
		case "/pics/flood.jpg":
			w.Header().Set("Content-Type", "image/jpeg")
			w.Write(jpg)
		case "/plain":
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, "just text")
		case "/noimage":
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, `<html><head><title> Only a   title </title></head><body>x</body></html>`)
		case "/svgpage":
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, `<html><head><meta name="twitter:title" content="Chart"><meta name="twitter:image" content="/chart.svg"></head></html>`)
		case "/chart.svg":
			w.Header().Set("Content-Type", "image/svg+xml")
			io.WriteString(w, `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)
		case "/redirect":
			http.Redirect(w, r, "/story", http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func newEmbedDemo(t *testing.T, allow bool) *demoStack {
	t.Helper()
	env := servertest.Demo(t, func(o *config.Options) {
		if allow {
			o.OutboundAllow = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
		}
	})
	c := &clock{t: env.Clock.Now()}
	au := auth.New(auth.Config{Store: env.Store, Now: c.Now, Params: auth.Params{Time: 1, Memory: 1024, Threads: 1}, Services: env.Store.Services})
	return &demoStack{stack: &stack{t: t, store: env.Store, clock: c, auth: au, url: env.URL, host: env.Host}, env: env}
}

// embedPost asks for an embed's preview as the editor does.
func embedPost(t *testing.T, m *member, story, u string, header ...string) (int, embedAnswer, string) {
	t.Helper()
	status, raw := m.do("POST", "/admin/embeds", url.Values{"story": {story}, "url": {u}},
		append([]string{"Accept", "application/json", "X-CSRF-Token", m.csrf}, header...)...)
	var a embedAnswer
	if err := json.Unmarshal([]byte(raw), &a); err != nil {
		t.Fatalf("POST /admin/embeds answered %d %q", status, raw)
	}
	return status, a, raw
}

type embedAnswer struct {
	URL, Title, Provider, Thumb, ThumbURL, Code, Message, Error string
}

// TestEmbedFetch inserts an embed through the real server: the page's
// title and picture are fetched under the outbound rules, the picture goes
// through the upload pipeline (no GPS left), the story saves and publishes
// with the thumbnail, and readers get a card with qalam's own thumbnail.
func TestEmbedFetch(t *testing.T) {
	d := newEmbedDemo(t, true)
	var hits atomic.Int32
	site := embedSite(t, &hits)
	ctx := context.Background()
	ed := d.person("editor@example.org", news.Grant{Service: "kk", Role: news.RoleEditor})
	id := create(t, ed, d.section("kk").ID, "Су тасқыны")
	base := open(t, ed, id)

	status, a, raw := embedPost(t, ed, id, site.URL+"/redirect")
	if status != 200 || a.Code != "" || a.Thumb == "" {
		t.Fatalf("embed answered %d %s", status, raw)
	}
	if want := `Flood <script>alert(1)</script> & "river"`; a.Title != want {
		t.Errorf("title %q, want %q", a.Title, want)
	}
	if a.URL != site.URL+"/redirect" || a.Provider != "link" || a.ThumbURL != "/admin/media/"+a.Thumb+"/thumb?w=320" {
		t.Errorf("answer %+v", a)
	}
	files := storedFiles(t, d, a.Thumb)
	if len(files) == 0 {
		t.Fatal("no files stored for the thumbnail")
	}
	for name, b := range files {
		checkNoMetadata(t, name, b)
	}
	item, err := d.store.Media(ctx, "kk", a.Thumb)
	if err != nil || !item.Listed || item.Alt != a.Title || item.Credit != "Example News" || item.AddedBy != ed.id {
		t.Fatalf("library item %+v, %v", item, err)
	}
	ed.get(a.ThumbURL)
	ed.want(200, "the staff thumbnail")

	// Fetch failures still give the address, with a code saying why.
	for path, code := range map[string]string{"/plain": "not-html", "/noimage": "no-image", "/svgpage": "bad-image", "/gone": "failed"} {
		status, got, raw := embedPost(t, ed, id, site.URL+path)
		if status != 200 || got.Code != code || got.Thumb != "" || got.URL != site.URL+path || got.Message == "" {
			t.Errorf("%s: %d %s, want code %q", path, status, raw, code)
		}
		if path == "/noimage" && got.Title != "Only a title" {
			t.Errorf("%s: title %q", path, got.Title)
		}
	}

	// The journalist inserts the card; the body saves with the thumbnail,
	// which never blocks publishing (it is no figure).
	doc := news.Doc{Version: news.DocVersion, Blocks: []news.Block{
		{Type: news.BlockParagraph, Text: news.Text("Су көтерілді.")},
		{Type: news.BlockEmbed, Embed: &news.Embed{URL: "https://www.youtube.com/watch?v=dQw4w9WgXcQ", Provider: "youtube", Title: a.Title, Thumb: a.Thumb}},
	}}
	body, err := editor.ToEditor(doc)
	if err != nil {
		t.Fatal(err)
	}
	if st, rev := autosave(t, ed, id, base, string(body)); st != 200 {
		t.Fatalf("autosave: %d %s", st, rev)
	}
	rev, err := d.store.Revision(ctx, d.story(id).HeadRev)
	if err != nil || rev.Content.Body.Blocks[1].Embed.Thumb != a.Thumb {
		t.Fatalf("stored body %s, %v", rev.Content.Body.Encode(), err)
	}
	ed.get("/admin/stories/" + id)
	ed.post("/admin/stories/"+id+"/publish", "revision", d.story(id).HeadRev)
	ed.want(http.StatusSeeOther, "publish a story with an embed")
	if s := d.story(id); s.Pub == news.PubNone {
		t.Fatalf("not published: %+v", s)
	}
	d.env.Fresh(t)
	resp, page := d.env.Get(t, d.readerPath(id))
	if resp.StatusCode != 200 {
		t.Fatalf("reader page %d", resp.StatusCode)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); csp != httpkit.ReaderEmbedCSP {
		t.Errorf("story with an embed: CSP %q", csp)
	}
	if !strings.Contains(page, `/media/`+a.Thumb+`/`) || !strings.Contains(page, `data-frame="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"`) ||
		!strings.Contains(page, "Flood &lt;script&gt;") || strings.Contains(page, "<script>alert") {
		t.Errorf("reader page's card:\n%s", page[strings.Index(page, "<main"):])
	}
	// The thumbnail is public while the story is.
	thumb := regexpFind(page, `/media/`+a.Thumb+`/[0-9a-f]{16}-[0-9]+\.jpg`)
	if thumb == "" {
		t.Fatal("no thumbnail URL on the page")
	}
	if r, _ := d.env.Get(t, thumb); r.StatusCode != 200 {
		t.Errorf("thumbnail %s: %d", thumb, r.StatusCode)
	}
	// The public API describes the thumbnail by the embed it stands for.
	_, api := d.env.Get(t, "/api/v1/stories/"+id)
	var story struct {
		Media []struct{ URL, Alt, Credit string }
	}
	if err := json.Unmarshal([]byte(api), &story); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, m := range story.Media {
		if strings.Contains(m.URL, "/media/"+a.Thumb+"/") {
			found = m.Alt == a.Title && m.Credit == "YouTube"
		}
	}
	if !found {
		t.Errorf("the API's media for the embed thumbnail (alt %q, credit YouTube): %s", a.Title, api)
	}
	// Unpublished, the story takes its thumbnail down with it.
	ed.get("/admin/stories/" + id + "/unpublish")
	ed.post("/admin/stories/" + id + "/unpublish")
	ed.want(200, "unpublish")
	d.env.Fresh(t)
	if r, _ := d.env.Get(t, thumb); r.StatusCode != 404 {
		t.Errorf("thumbnail of an unpublished story: %d", r.StatusCode)
	}
}

func regexpFind(s, re string) string {
	return regexp.MustCompile(re).FindString(s)
}

// Without --outbound-allow a loopback address is refused before any
// connection, and the embed still goes in with its address.
func TestEmbedRefusedAndChecks(t *testing.T) {
	d := newEmbedDemo(t, false)
	var hits atomic.Int32
	site := embedSite(t, &hits)
	rep := d.person("reporter@example.org", news.Grant{Service: "kk", Role: news.RoleReporter})
	id := create(t, rep, d.section("kk").ID, "Жоба")
	open(t, rep, id)

	status, a, raw := embedPost(t, rep, id, site.URL+"/story")
	if status != 200 || a.Code != "refused" || a.URL != site.URL+"/story" || a.Thumb != "" || !strings.Contains(a.Message, "private network") {
		t.Errorf("loopback without the allow list: %d %s", status, raw)
	}
	for _, u := range []string{"http://10.0.0.1/x", "http://169.254.169.254/latest/meta-data/", "http://[::1]/"} {
		if status, a, raw := embedPost(t, rep, id, u); status != 200 || a.Code != "refused" {
			t.Errorf("%s: %d %s", u, status, raw)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the refused site got %d requests", n)
	}

	// A bad address is refused outright.
	for _, u := range []string{"javascript:alert(1)", "ftp://example.org/x", "https://user:pw@example.org/", ""} {
		if status, a, raw := embedPost(t, rep, id, u); status != 400 || a.Error == "" {
			t.Errorf("%q: %d %s", u, status, raw)
		}
	}
	// A wrong CSRF token, no session, another service's staff.
	status, raw2 := rep.do("POST", "/admin/embeds", url.Values{"story": {id}, "url": {"https://example.org/"}, "csrf": {"forged"}})
	if status != 403 || !strings.Contains(raw2, "out of date") {
		t.Errorf("forged CSRF: %d %s", status, raw2)
	}
	anon := d.browser("192.0.2.50")
	if status, raw := anon.do("POST", "/admin/embeds", url.Values{"story": {id}, "url": {"https://example.org/"}}); status != 401 {
		t.Errorf("signed out: %d %s", status, raw)
	}
	other := d.person("ru@example.org", news.Grant{Service: "ru", Role: news.RoleEditor})
	other.get("/admin")
	if status, _, raw := embedPost(t, other, id, "https://example.org/"); status != 403 {
		t.Errorf("another service's editor: %d %s", status, raw)
	}
	if status, _, raw := embedPost(t, rep, "aaaaaaaaaaaa", "https://example.org/"); status != 404 {
		t.Errorf("unknown story: %d %s", status, raw)
	}
	// Another reporter of the same service may not edit this one's draft.
	rep2 := d.person("reporter2@example.org", news.Grant{Service: "kk", Role: news.RoleReporter})
	rep2.get("/admin")
	if status, _, raw := embedPost(t, rep2, id, "https://example.org/"); status != 403 {
		t.Errorf("another reporter's draft: %d %s", status, raw)
	}
	if hits.Load() != 0 {
		t.Error("the site was contacted")
	}
}
