package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/pquerna/otp/totp"

	"qalam/internal/auth"
	"qalam/internal/media/mediatest"
	"qalam/internal/news"
	"qalam/internal/servertest"
)

// TestWorkflowInBrowser: a reporter uploads a photo whose EXIF and XMP
// name where it was taken; a contributor signs in and writes a draft with
// the story editor (autosaved) and puts the photo in it with a caption; an
// editor signs in with a second factor, finds the draft, confirms the
// factor again when publishing, and the story is on the reader site, photo
// and all, and in the API — with no trace of the position in any image
// file readers get. The admin pages pass axe, run under the admin's CSP
// without a violation and ask nothing of another origin.
func TestWorkflowInBrowser(t *testing.T) {
	needBrowser(t)
	inject := axeSource(t)
	e := servertest.Demo(t)
	ctx := context.Background()
	au := auth.New(auth.Config{Store: e.Store, Now: e.Clock.Now, Services: e.Store.Services})
	const password = "correct horse battery staple"
	// Accounts are made as the command line makes them; each person sets
	// their password through their setup link.
	person := func(email string, g news.Grant) {
		t.Helper()
		link, _, err := au.CreateAccount(ctx, nil, email, strings.Split(email, "@")[0], g, auth.Client{})
		if err != nil {
			t.Fatal(err)
		}
		resp, err := e.Client.PostForm(e.URL+"/admin/setup", url.Values{"t": {link.Token}, "password": {password}, "password2": {password}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("setup of %s: %d", email, resp.StatusCode)
		}
	}
	person("photo@example.org", news.Grant{Service: "en", Role: news.RoleReporter})
	person("writer@example.org", news.Grant{Service: "en", Role: news.RoleContributor})
	person("desk@example.org", news.Grant{Service: "en", Role: news.RoleEditor})

	b := newTab(t, 180*time.Second)
	req0, con0 := b.rec.mark()
	axe := func(what string) {
		t.Helper()
		for _, v := range runAxe(t, b, inject).Violations {
			t.Errorf("%s: axe %s (%s): %s — %s", what, v.ID, v.Impact, v.Help, strings.Join(v.Targets, " | "))
		}
	}
	signIn := func(email string) {
		t.Helper()
		b.open(t, e.URL+"/admin/login", 200)
		b.do(t, "signing in",
			chromedp.SendKeys(chromedp.CSS("#email"), email),
			chromedp.SendKeys(chromedp.CSS("#password"), password),
			chromedp.Click(chromedp.CSS(`main button[type=submit]`)))
		until(t, b, "signed in", `!location.pathname.endsWith('/login')`)
	}
	code := func() string {
		t.Helper()
		secret := eval[string](t, b, `document.getElementById('secret') ? document.getElementById('secret').textContent : ''`)
		if secret != "" {
			enrolled = secret
		}
		c, err := totp.GenerateCode(enrolled, e.Clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}

	signOut := func() {
		t.Helper()
		b.do(t, "signing out", chromedp.Click(chromedp.CSS(`header form button`)))
		until(t, b, "signed out", `location.pathname === '/admin/login'`)
	}

	// The reporter files a photo from the scene into the library.
	const secret = "GPS-43.2381N-76.9452E-SOURCE-FLAT"
	photo := filepath.Join(t.TempDir(), "IMG_4411.jpg")
	if err := os.WriteFile(photo, mediatest.WithGPS(mediatest.JPEG(t, 1200, 800), secret, secret), 0o644); err != nil {
		t.Fatal(err)
	}
	signIn("photo@example.org")
	b.open(t, e.URL+"/admin/media?service=en", 200)
	b.do(t, "uploading the photo",
		chromedp.SetUploadFiles(chromedp.CSS("#m-file"), []string{photo}),
		chromedp.SendKeys(chromedp.CSS("#m-alt"), "Sandbags along a flooded embankment"),
		chromedp.SendKeys(chromedp.CSS("#m-credit"), "Photo: qalam stringer"),
		chromedp.Click(chromedp.CSS(`form[enctype="multipart/form-data"] button[type=submit]`)))
	until(t, b, "the uploaded photo", `location.search.includes('done=uploaded')`)
	assetID := eval[string](t, b, `location.pathname.split('/').pop()`)
	signOut()

	// The contributor writes a draft.
	signIn("writer@example.org")
	b.open(t, e.URL+"/admin/stories/new", 200)
	axe("new story page")
	b.do(t, "creating the draft",
		chromedp.SendKeys(chromedp.CSS("#n-headline"), "Browser-made flood story"),
		chromedp.Click(chromedp.CSS(`main form button[type=submit]`)))
	until(t, b, "the story page", `/\/admin\/stories\/[a-z2-7]{12}$/.test(location.pathname)`)
	id := eval[string](t, b, `location.pathname.split('/').pop()`)
	b.do(t, "waiting for the editor", chromedp.WaitVisible(chromedp.CSS(".qe-content")))
	axe("story editor")
	b.do(t, "typing the text", chromedp.Click(chromedp.CSS(".qe-content")))
	b.do(t, "typing", pressKeys("The river rose two metres overnight."))
	until(t, b, "the autosave", `document.querySelector('[data-qalam-editor]').dataset.saveState === 'saved'`)
	st, err := e.Store.Story(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	head, err := e.Store.Revision(ctx, st.HeadRev)
	if err != nil || !strings.Contains(head.Content.Body.PlainText(), "The river rose two metres overnight.") {
		t.Fatalf("autosaved body %q %v", head.Content.Body.PlainText(), err)
	}
	// The photo goes in from the library, its alt text and credit filled
	// from the library's defaults; the caption is typed under it.
	b.do(t, "opening the image panel", chromedp.Click(chromedp.CSS(`.qe-button[data-command=image]`)))
	b.do(t, "choosing the photo", chromedp.SetValue(chromedp.CSS(`.qe-panel select`), assetID))
	eval[bool](t, b, `document.querySelector('.qe-panel select').dispatchEvent(new Event('change', {bubbles: true}))`)
	if alt := eval[string](t, b, `document.querySelector('.qe-panel input').value`); alt != "Sandbags along a flooded embankment" {
		t.Errorf("the alt text is not the library's: %q", alt)
	}
	b.do(t, "inserting the photo", chromedp.Focus(chromedp.CSS(`.qe-panel input`)), pressKeys(kb.Enter))
	b.do(t, "typing the caption", pressKeys("Volunteers on the embankment at dawn."))
	until(t, b, "the autosave of the photo", `document.querySelector('[data-qalam-editor]').dataset.saveState === 'saved' && document.querySelector('.qe-content figure')`)
	if head, err = e.Store.Revision(ctx, mustStory(t, e, id).HeadRev); err != nil {
		t.Fatal(err)
	}
	if fig := figureOf(head.Content.Body); fig == nil || fig.AssetID != assetID || fig.Credit != "Photo: qalam stringer" ||
		!strings.Contains(news.Inline(fig.Caption).Plain(), "Volunteers on the embankment") {
		t.Fatalf("the draft's figure: %+v", fig)
	}
	// A contributor has no publish button.
	if eval[bool](t, b, `!!document.querySelector('form[action$="/publish"]')`) {
		t.Error("a contributor is offered Publish")
	}
	signOut()

	// The editor signs in, enrolling an authenticator.
	signIn("desk@example.org")
	until(t, b, "the enroll page", `location.pathname === '/admin/enroll' && !!document.getElementById('secret')`)
	b.do(t, "enrolling", chromedp.SendKeys(chromedp.CSS("#code"), code()), chromedp.Click(chromedp.CSS(`main form button[type=submit]`)))
	until(t, b, "the recovery codes", `document.body.textContent.includes('recovery codes')`)
	// Twenty minutes later the factor is no longer fresh.
	e.Clock.Set(e.Clock.Now().Add(20 * time.Minute))
	b.open(t, e.URL+"/admin/stories?status=draft", 200)
	axe("story list")
	b.do(t, "opening the draft", chromedp.Click(chromedp.CSS(`tr[data-story="`+id+`"] a`)))
	until(t, b, "the editor", `document.querySelector('.qe-content') && document.querySelector('.qe-content').textContent.includes('two metres')`)
	b.do(t, "publishing", chromedp.Click(chromedp.CSS(`form[action$="/publish"] button`)))
	until(t, b, "the confirm page", `location.pathname === '/admin/confirm'`)
	axe("confirm page")
	b.do(t, "confirming", chromedp.SendKeys(chromedp.CSS("#code"), code()), chromedp.Click(chromedp.CSS(`main form button[type=submit]`)))
	until(t, b, "back on the story", `location.pathname === '/admin/stories/`+id+`'`)
	b.do(t, "publishing", chromedp.Click(chromedp.CSS(`form[action$="/publish"] button`)))
	until(t, b, "published", `document.querySelector('[data-qalam="story-state"] a')`)

	// The other pages of the workflow pass axe; the admin pages seen, as
	// the browser built them, pass the Nu HTML checker.
	pages := map[string]string{}
	keep := func(name string) {
		t.Helper()
		pages[name] = "<!DOCTYPE html>\n" + eval[string](t, b, "document.documentElement.outerHTML")
	}
	keep("story")
	for _, p := range []struct{ name, path string }{
		{"revisions", "/admin/stories/" + id + "/revisions"},
		{"curation", "/admin/curation?service=en"},
		{"unpublish", "/admin/stories/" + id + "/unpublish"},
		{"phone", "/admin/stories/" + id + "/phone"},
		{"stories", "/admin/stories?service=en&status=approved&q=flood"},
	} {
		b.open(t, e.URL+p.path, 200)
		axe(p.name + " page")
		keep(p.name)
	}
	checkHTML(t, pages)
	b.open(t, e.URL+"/admin/stories/"+id, 200)

	// On the reader site.
	href := eval[string](t, b, `document.querySelector('[data-qalam="story-state"] a').getAttribute('href')`)
	if !regexp.MustCompile(`^http://[^/]+/en/[^/]+/[^/]+-` + id + `$`).MatchString(href) {
		t.Fatalf("public link %q", href)
	}
	e.Fresh(t)
	b.open(t, href, 200)
	if !eval[bool](t, b, `document.body.textContent.includes('The river rose two metres overnight.') && document.querySelector('h1').textContent.includes('Browser-made flood story')`) {
		t.Error("the story is not on the reader site")
	}
	if eval[bool](t, b, `document.body.textContent.includes('writer@') || document.body.textContent.includes('desk@') || document.body.textContent.includes('photo@')`) {
		t.Error("staff identity on the reader site")
	}
	// The photo is on the page with its caption and credit, loaded, and
	// no file of it that readers can get holds the position.
	until(t, b, "the photo loaded", `(() => { const i = document.querySelector('main figure img'); return i && i.complete && i.naturalWidth > 0; })()`)
	if fig := eval[string](t, b, `document.querySelector('main figure').textContent`); !strings.Contains(fig, "Volunteers on the embankment at dawn.") || !strings.Contains(fig, "Photo: qalam stringer") {
		t.Errorf("the figure on the reader site: %q", fig)
	}
	if alt := eval[string](t, b, `document.querySelector('main figure img').alt`); alt != "Sandbags along a flooded embankment" {
		t.Errorf("the photo's alt text on the reader site: %q", alt)
	}
	files := eval[[]string](t, b, `[...document.querySelectorAll('main figure img, main figure source')].flatMap(e => (e.getAttribute('srcset') || e.getAttribute('src')).split(',').map(s => new URL(s.trim().split(' ')[0], location.href).href))`)
	if len(files) < 2 {
		t.Errorf("the figure offers %d image files: %v", len(files), files)
	}
	for _, f := range files {
		body := getBody(t, e.Client, f, 200)
		if bytes.Contains(body, []byte(secret)) || bytes.Contains(body, []byte("Exif\x00")) || bytes.Contains(body, []byte("GPS")) {
			t.Errorf("%s still carries the photo's metadata", f)
		}
	}
	// The API has the story, its text and the photo.
	var api struct {
		Headline string `json:"headline"`
	}
	raw := getBody(t, e.Client, e.URL+"/api/v1/stories/"+id, 200)
	if err := json.Unmarshal(raw, &api); err != nil || api.Headline != "Browser-made flood story" {
		t.Errorf("the API's story: %v %s", err, raw)
	}
	if !bytes.Contains(raw, []byte("The river rose two metres overnight.")) || !bytes.Contains(raw, []byte(assetID)) || !bytes.Contains(raw, []byte("Volunteers on the embankment at dawn.")) {
		t.Errorf("the API's story lacks the text or the photo: %s", raw)
	}
	reqs, console := b.rec.since(req0, con0)
	if off := offOrigin(reqs, e.URL); len(off) > 0 {
		t.Errorf("requests off the site: %v", off)
	}
	if len(console) > 0 {
		t.Errorf("console problems: %v", console)
	}
}

// checkHTML runs the Nu HTML checker over pages (name → document).
func checkHTML(t *testing.T, pages map[string]string) {
	t.Helper()
	if toolsMissing != "" {
		return // the browser tests run without it; TestHTMLValid says why
	}
	jar, err := filepath.Abs(vnuPath)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var files []string
	for name, doc := range pages {
		f := filepath.Join(dir, name+".html")
		if err := os.WriteFile(f, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "java", append([]string{"-jar", jar, "--format", "json", "--errors-only"}, files...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	out := stderr.Bytes()
	if len(bytes.TrimSpace(out)) == 0 {
		out = stdout.Bytes()
	}
	var report struct {
		Messages []vnuMessage `json:"messages"`
	}
	if err := json.Unmarshal(out, &report); err != nil {
		t.Fatalf("running the Nu HTML Checker: %v; its output is not JSON (%v): %.2000s", runErr, err, out)
	}
	for _, m := range report.Messages {
		t.Errorf("%s:%d: vnu %s: %s\n\t%s", filepath.Base(m.URL), m.LastLine, m.Type, m.Message, oneLine(m.Extract))
	}
}

// until polls a JavaScript condition for up to 15 s across navigations
// (an evaluation cut short by a page load is tried again).
func until(t *testing.T, b *tab, what, cond string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		v, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool]("(() => { try { return !!("+cond+"); } catch (e) { return false; } })()"))
		if err == nil && v {
			return
		}
		if time.Now().After(deadline) {
			body, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string]("location.href + '\\n' + document.body.innerText"))
			t.Fatalf("%s: not after 15 s (%s; %v)\n%s", what, cond, err, body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// enrolled is the editor's TOTP secret, read from the enroll page.
var enrolled string

// getBody fetches url with client and fails unless it answers status.
func getBody(t *testing.T, client *http.Client, url string, status int) []byte {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	if _, err := b.ReadFrom(resp.Body); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != status {
		t.Fatalf("GET %s: %d, want %d", url, resp.StatusCode, status)
	}
	return b.Bytes()
}

func mustStory(t *testing.T, e *servertest.Env, id string) news.Story {
	t.Helper()
	st, err := e.Store.Story(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// figureOf is a body's first figure, or nil.
func figureOf(d news.Doc) *news.Figure {
	for _, b := range d.Blocks {
		if b.Figure != nil {
			return b.Figure
		}
	}
	return nil
}
