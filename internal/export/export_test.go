package export_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"qalam/internal/config"
	"qalam/internal/demo"
	"qalam/internal/export"
	"qalam/internal/news"
	"qalam/internal/servertest"
	"qalam/internal/signing"
)

// primary is the live site the exports name; the test server answers on
// it beside its loopback address.
var primary = config.Origin{Scheme: "https", Host: "news.example.org"}

func withPrimary(o *config.Options) {
	o.Hosts = append(o.Hosts, primary)
	o.Primary = primary
}

var exportTime = time.Date(2026, 11, 20, 10, 30, 0, 0, time.UTC)

// exportDemo exports one service of a fresh copy of the demo newsroom.
func exportDemo(t *testing.T, e *servertest.Env, code, out string, key ed25519.PrivateKey) *export.Result {
	t.Helper()
	svc, err := e.Store.Service(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	res, err := export.Static(context.Background(), export.Config{
		Handler: e.Server, Origin: e.Opts.Primary, Service: svc, Out: out, Key: key,
		Now: func() time.Time { return exportTime },
	})
	if err != nil {
		t.Fatalf("exporting %s: %v", code, err)
	}
	t.Logf("exported %s: %d files, %d pages, %.2f MB in %s", code, len(res.Manifest.Files), res.Pages,
		float64(res.Bytes)/1e6, time.Since(start).Round(time.Millisecond))
	return res
}

func newKey(t *testing.T) ed25519.PrivateKey {
	t.Helper()
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestExportKazakhServedStatically exports the demo's Kazakh service,
// serves the folder with a plain static file server and follows every
// link from the root: nothing is broken, every file is reachable, no link
// leads to the server the copy was made on, and the copy is signed.
func TestExportKazakhServedStatically(t *testing.T) {
	e := servertest.Demo(t, withPrimary)
	key := newKey(t)
	out := filepath.Join(t.TempDir(), "kk-static")
	res := exportDemo(t, e, "kk", out, key)

	// Both scripts, full and lite, the mirrors page and the feeds.
	for _, f := range []string{"index.html", "kk/index.html", "kk-latn/index.html", "lite/kk/index.html", "lite/kk-latn/index.html",
		"kk/mirrors/index.html", "kk-latn/mirrors/index.html", "feeds/kk/rss.xml", "feeds/kk/atom.xml", "feeds/kk/feed.json",
		"feeds/kk-latn/rss.xml", "kk/saiasat/index.html", "lite/kk-latn/saiasat/index.html"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("the export lacks %s", f)
		}
	}
	stories := map[string]int{}
	for _, f := range res.Manifest.Files {
		if strings.Contains(f.Path, demo.LeadStoryKK) {
			stories[strings.SplitN(f.Path, "/", 2)[0]+"/"+strings.SplitN(f.Path, "/", 3)[1]]++
		}
	}
	for _, view := range []string{"kk/saiasat", "kk-latn/saiasat", "lite/kk", "lite/kk-latn"} {
		if stories[view] == 0 {
			t.Errorf("the lead story is missing from the %s view (%v)", view, stories)
		}
	}
	latin, _ := os.ReadFile(filepath.Join(out, "kk-latn/index.html"))
	if !bytes.Contains(latin, []byte(`lang="kk-Latn"`)) {
		t.Error("kk-latn/index.html is not the Latin view")
	}

	// Nothing unpublished, nothing private, no form, no root-relative link.
	hidden := []string{demo.DraftMarker, demo.DraftStoryID, demo.ScheduledMarker, demo.ScheduledStoryID,
		demo.UnpublishedMarker, demo.UnpublishedStoryID, demo.StaffEmail, demo.StaffName, demo.StaffID}
	checkFiles(t, out, hidden)
	cards := 0
	filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".html") {
			data, _ := os.ReadFile(p)
			cards += bytes.Count(data, []byte(`data-qalam="embed"`))
		}
		return err
	})
	if cards == 0 {
		t.Error("no embed card in the export: the demo's Telegram embed should be there, as a link card")
	}

	home, _ := os.ReadFile(filepath.Join(out, "kk/index.html"))
	for _, want := range []string{
		`<link rel="canonical" href="https://news.example.org/kk/">`,
		`<meta property="og:url" content="https://news.example.org/kk/">`,
		`href="https://news.example.org/ru/"`,          // another service: the live site
		`href="../lite/kk/index.html"`,                 // the lite home
		`href="../feeds/kk/rss.xml"`,                   // the feed, from the copy
		`<link rel="stylesheet" href="../assets/site.`, // assets, from the copy
	} {
		if !bytes.Contains(home, []byte(want)) {
			t.Errorf("kk/index.html lacks %s", want)
		}
	}
	if bytes.Contains(home, []byte(`href="#search"`)) {
		t.Error("the skip link to the removed search box is still there")
	}
	if bytes.Contains(home, []byte(`<script src=`)) {
		t.Error("the copy loads a script (the live updates need a server)")
	}

	// Serve the folder as any static host would and crawl it.
	fsrv := httptest.NewServer(http.FileServer(http.Dir(out)))
	defer fsrv.Close()
	reached := crawl(t, fsrv.URL, e.Host)
	for _, f := range res.Manifest.Files {
		if !reached[f.Path] {
			t.Errorf("%s is in the export but no link reaches it", f.Path)
		}
	}

	r, err := signing.Verify(out, key.Public().(ed25519.PublicKey))
	if err != nil || !r.OK() {
		t.Fatalf("the fresh export does not verify: %v %+v", err, r)
	}
	if !r.Manifest.Exported.Equal(exportTime) || r.Manifest.Origin != primary.String() || r.Manifest.Service != "kk" {
		t.Errorf("manifest %s %s %s", r.Manifest.Exported, r.Manifest.Origin, r.Manifest.Service)
	}
}

// checkFiles fails on any hidden string in any exported file, on any form
// and on any link in a page that starts with "/" (a static copy cannot know
// where its root is) or names a folder rather than a file.
func checkFiles(t *testing.T, out string, hidden []string) {
	t.Helper()
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(out, p)
		for _, h := range hidden {
			if bytes.Contains(data, []byte(h)) {
				t.Errorf("%s contains %q, which readers must never see", rel, h)
			}
		}
		if !strings.HasSuffix(p, ".html") {
			return nil
		}
		if bytes.Contains(data, []byte("<form")) {
			t.Errorf("%s has a form", rel)
		}
		// Embeds are link cards only: no script, no button, no frame.
		for _, bad := range []string{"embed.js", `data-qalam="embed-load"`, "data-frame", "<iframe"} {
			if bytes.Contains(data, []byte(bad)) {
				t.Errorf("%s has %s: a copy never frames a third party", rel, bad)
			}
		}
		for _, l := range links(t, data) {
			u, err := url.Parse(l)
			if err != nil {
				t.Errorf("%s: bad link %q", rel, l)
				continue
			}
			if u.IsAbs() || u.Host != "" || (u.Path == "" && u.Fragment != "") {
				continue
			}
			if strings.HasPrefix(l, "/") {
				t.Errorf("%s: root-relative link %q", rel, l)
			}
			if u.Path == "" || strings.HasSuffix(u.Path, "/") || !strings.Contains(filepathBase(u.Path), ".") {
				t.Errorf("%s: link %q does not name a file", rel, l)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func filepathBase(p string) string { return p[strings.LastIndex(p, "/")+1:] }

// links returns every URL in a page's href, src and srcset attributes.
func links(t *testing.T, page []byte) []string {
	t.Helper()
	var out []string
	z := html.NewTokenizer(bytes.NewReader(page))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() != io.EOF {
				t.Fatal(z.Err())
			}
			return out
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		for _, a := range z.Token().Attr {
			switch a.Key {
			case "href", "src":
				out = append(out, a.Val)
			case "srcset":
				for _, c := range strings.Split(a.Val, ",") {
					if f := strings.Fields(c); len(f) > 0 {
						out = append(out, f[0])
					}
				}
			}
		}
	}
}

// crawl follows every link of the static copy served at base, from its
// root, and returns the files reached. Links that leave the copy must go
// to the primary origin or another site, never to the server the copy was
// made on (serverHost).
func crawl(t *testing.T, base, serverHost string) map[string]bool {
	t.Helper()
	reached := map[string]bool{}
	seen := map[string]bool{}
	queue := []string{base + "/index.html"}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: %d", u, resp.StatusCode)
			continue
		}
		pu, _ := url.Parse(u)
		file := strings.TrimPrefix(pu.Path, "/")
		reached[file] = true
		if !strings.HasSuffix(file, ".html") {
			continue
		}
		for _, l := range links(t, body) {
			ref, err := url.Parse(l)
			if err != nil {
				t.Errorf("%s: bad link %q", file, l)
				continue
			}
			if ref.IsAbs() || ref.Host != "" {
				if strings.EqualFold(ref.Host, serverHost) {
					t.Errorf("%s: link to the server the copy was made on: %s", file, l)
				}
				continue
			}
			next := pu.ResolveReference(ref)
			next.Fragment = ""
			if !seen[next.String()] {
				seen[next.String()] = true
				queue = append(queue, next.String())
			}
		}
	}
	if len(reached) < 100 {
		t.Errorf("the crawl reached only %d files", len(reached))
	}
	return reached
}

// TestExportOtherServicesHideUnpublished exports the services holding the
// demo's embargoed and withdrawn stories.
func TestExportOtherServicesHideUnpublished(t *testing.T) {
	e := servertest.Demo(t, withPrimary)
	key := newKey(t)
	hidden := []string{demo.DraftMarker, demo.ScheduledMarker, demo.UnpublishedMarker, demo.StaffEmail, demo.StaffName}
	for _, code := range []string{"ru", "en", "fa"} {
		out := filepath.Join(t.TempDir(), code)
		res := exportDemo(t, e, code, out, key)
		checkFiles(t, out, hidden)
		for _, f := range res.Manifest.Files {
			if strings.Contains(f.Path, demo.ScheduledStoryID) || strings.Contains(f.Path, demo.UnpublishedStoryID) {
				t.Errorf("%s: %s exported", code, f.Path)
			}
			if strings.HasPrefix(f.Path, code+"-latn/") {
				t.Errorf("%s has no Latin view, yet %s was exported", code, f.Path)
			}
		}
		for _, l := range res.Live {
			t.Logf("%s: left on the live site: %s", code, l)
		}
	}
}

// TestExportIsDeterministic exports twice at the same instant: the same
// files, byte for byte.
func TestExportIsDeterministic(t *testing.T) {
	e := servertest.Demo(t, withPrimary)
	key := newKey(t)
	a := exportDemo(t, e, "kk", filepath.Join(t.TempDir(), "a"), key)
	b := exportDemo(t, e, "kk", filepath.Join(t.TempDir(), "b"), key)
	if !slices.Equal(a.Manifest.Files, b.Manifest.Files) {
		t.Error("two exports of the same content differ")
	}
}

// TestExportReplacesOnlyAnEarlierExport checks the output folder rules and
// that a failed export leaves nothing half-written.
func TestExportReplacesOnlyAnEarlierExport(t *testing.T) {
	e := servertest.Demo(t, withPrimary)
	key := newKey(t)
	svc, _ := e.Store.Service(context.Background(), "kk")
	cfg := export.Config{Handler: e.Server, Origin: e.Opts.Primary, Service: svc, Key: key}

	// A folder with someone's files is refused and left alone.
	cfg.Out = t.TempDir()
	os.WriteFile(filepath.Join(cfg.Out, "thesis.docx"), []byte("years of work"), 0o644)
	if _, err := export.Static(context.Background(), cfg); err == nil {
		t.Fatal("an export wrote into a folder that holds other files")
	}
	if data, _ := os.ReadFile(filepath.Join(cfg.Out, "thesis.docx")); string(data) != "years of work" {
		t.Fatal("the folder's file was touched")
	}

	// An earlier export is replaced whole: a stray file does not survive.
	cfg.Out = filepath.Join(t.TempDir(), "site")
	if _, err := export.Static(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(cfg.Out, "kk", "stray.html"), []byte("x"), 0o644)
	if _, err := export.Static(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(cfg.Out, "kk", "stray.html")); !errors.Is(err, fs.ErrNotExist) {
		t.Error("a file of the earlier export survived the new one")
	}
	if r, err := signing.Verify(cfg.Out, key.Public().(ed25519.PublicKey)); err != nil || !r.OK() {
		t.Errorf("the replacing export does not verify: %v %+v", err, r)
	}

	// A server failure part-way leaves no folder and no manifest.
	cfg.Out = filepath.Join(t.TempDir(), "failed")
	cfg.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "/ekonomika/") {
			http.Error(w, "database is locked", http.StatusInternalServerError)
			return
		}
		e.Server.ServeHTTP(w, r)
	})
	if _, err := export.Static(context.Background(), cfg); err == nil {
		t.Fatal("an export succeeded although the server failed")
	}
	if _, err := os.Stat(cfg.Out); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a failed export left %s behind: %v", cfg.Out, err)
	}
	leftovers, _ := os.ReadDir(filepath.Dir(cfg.Out))
	if len(leftovers) != 0 {
		t.Errorf("a failed export left temporary files: %v", leftovers)
	}
}

// TestVerifyDetectsTampering alters, removes and adds files of a real
// export, and re-signs a forged copy with another key.
func TestVerifyDetectsTampering(t *testing.T) {
	e := servertest.Demo(t, withPrimary)
	key := newKey(t)
	pub := key.Public().(ed25519.PublicKey)
	out := filepath.Join(t.TempDir(), "kk")
	exportDemo(t, e, "kk", out, key)

	story := filepath.Join(out, "kk", "saiasat")
	entries, _ := os.ReadDir(story)
	var storyFile string
	for _, en := range entries {
		if en.IsDir() && strings.Contains(en.Name(), demo.LeadStoryKK) {
			storyFile = filepath.Join(story, en.Name(), "index.html")
		}
	}
	if storyFile == "" {
		t.Fatal("the lead story was not exported")
	}
	page, _ := os.ReadFile(storyFile)
	os.WriteFile(storyFile, bytes.Replace(page, []byte("<h1"), []byte("<p>Planted paragraph.</p><h1"), 1), 0o644)
	os.Remove(filepath.Join(out, "feeds", "kk", "rss.xml"))
	os.WriteFile(filepath.Join(out, "kk", "login.html"), []byte("<form action=https://evil.example/>"), 0o644)

	r, err := signing.Verify(out, pub)
	if err != nil {
		t.Fatal(err)
	}
	rel, _ := filepath.Rel(out, storyFile)
	if !slices.Equal(r.Altered, []string{filepath.ToSlash(rel)}) || !slices.Equal(r.Missing, []string{"feeds/kk/rss.xml"}) ||
		!slices.Equal(r.Extra, []string{"kk/login.html"}) {
		t.Errorf("altered %v missing %v extra %v", r.Altered, r.Missing, r.Extra)
	}

	// The forger re-signs the tampered copy with a key of their own.
	forger := newKey(t)
	m := r.Manifest
	if err := signing.Hash(out, &m); err != nil {
		t.Fatal(err)
	}
	if err := signing.WriteSigned(out, m, forger); err != nil {
		t.Fatal(err)
	}
	if r, err := signing.Verify(out, forger.Public().(ed25519.PublicKey)); err != nil || !r.OK() {
		t.Fatalf("the forger's own check should pass (the test would prove nothing): %v", err)
	}
	if _, err := signing.Verify(out, pub); !errors.Is(err, signing.ErrBadSignature) {
		t.Errorf("a copy re-signed with another key: %v, want ErrBadSignature", err)
	}
}

// TestLinksTheCopyCannotHold publishes a story whose body links to a draft,
// to search and to a section with a fragment: the draft and search links
// point to the live site (the draft's page is not exported), the section
// link to the copy's file with its fragment.
func TestLinksTheCopyCannotHold(t *testing.T) {
	e := servertest.Demo(t, withPrimary)
	ctx := context.Background()
	draft := "/kk/saiasat/draft-" + demo.DraftStoryID
	st := e.NewStory(t, "kk", "siltemeler", "Сілтемелер", "")
	body := news.Doc{Version: news.DocVersion, Blocks: []news.Block{{Type: news.BlockParagraph, Text: news.Inline{
		{Text: "draft", Marks: []news.Mark{{Type: news.MarkLink, Href: draft}}},
		{Text: " search", Marks: []news.Mark{{Type: news.MarkLink, Href: "/kk/search?q=%D1%81%D0%BE%D1%82"}}},
		{Text: " section", Marks: []news.Mark{{Type: news.MarkLink, Href: "/kk/sport/#top"}}},
	}}}}
	rev, err := e.Store.SaveRevision(ctx, st.ID, st.HeadRev, news.Content{Headline: news.Text("Сілтемелер"), Body: body}, demo.StaffID, e.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	st.HeadRev = rev.ID
	e.Publish(t, st, e.Clock.Now().Add(-time.Minute))
	e.Fresh(t)

	out := filepath.Join(t.TempDir(), "kk")
	res := exportDemo(t, e, "kk", out, newKey(t))
	if !slices.Contains(res.Live, draft) {
		t.Errorf("the draft's link is not reported as left on the live site: %v", res.Live)
	}
	var page []byte
	for _, f := range res.Manifest.Files {
		if strings.Contains(f.Path, st.ID) && strings.HasPrefix(f.Path, "kk/") {
			page, _ = os.ReadFile(filepath.Join(out, f.Path))
		}
		if strings.Contains(f.Path, demo.DraftStoryID) {
			t.Errorf("the draft was exported as %s", f.Path)
		}
	}
	if page == nil {
		t.Fatal("the new story was not exported")
	}
	for _, want := range []string{
		`href="https://news.example.org` + draft + `"`,
		`href="https://news.example.org/kk/search?q=%D1%81%D0%BE%D1%82"`,
		`href="../../sport/index.html#top"`,
	} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("the story lacks %s", want)
		}
	}
	checkFiles(t, out, []string{demo.DraftMarker})
}

// TestPagedListsExported fills a section past one page: the older pages
// (?cursor=...) become files of their own, in every view, and every story
// is reached through them.
func TestPagedListsExported(t *testing.T) {
	e := servertest.Demo(t, withPrimary)
	secs, err := e.Store.Sections(context.Background(), "kk")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := range 15 {
		st := e.NewStory(t, "kk", fmt.Sprintf("better-%02d", i), fmt.Sprintf("Көп материал %02d", i), "Мәтін.")
		e.Publish(t, st, e.Clock.Now().Add(-time.Duration(i+1)*time.Minute))
		ids = append(ids, st.ID)
	}
	e.Fresh(t)
	out := filepath.Join(t.TempDir(), "kk")
	res := exportDemo(t, e, "kk", out, newKey(t))
	for _, view := range []string{"kk", "kk-latn", "lite/kk", "lite/kk-latn"} {
		pages, _ := filepath.Glob(filepath.Join(out, filepath.FromSlash(view), secs[0].Slug, "page-*.html"))
		if len(pages) == 0 {
			t.Errorf("%s/%s: no older page was exported", view, secs[0].Slug)
		}
	}
	exported := strings.Builder{}
	for _, f := range res.Manifest.Files {
		exported.WriteString(f.Path + "\n")
	}
	for _, id := range ids {
		if strings.Count(exported.String(), id+"/index.html") != 4 {
			t.Errorf("story %s is not in all four views", id)
		}
	}
	fsrv := httptest.NewServer(http.FileServer(http.Dir(out)))
	defer fsrv.Close()
	crawl(t, fsrv.URL, e.Host)
}
