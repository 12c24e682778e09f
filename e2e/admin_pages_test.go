package e2e

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"qalam/internal/auth"
	"qalam/internal/demo"
	"qalam/internal/news"
	"qalam/internal/servertest"
)

// TestAdminPagesAccessible signs an admin in (password and TOTP) and opens
// every admin page the workflow test does not: axe-core finds no WCAG 2.x
// A/AA violation, the Nu HTML checker no error, and no page breaks the
// admin's CSP or asks another origin for anything.
func TestAdminPagesAccessible(t *testing.T) {
	needBrowser(t)
	inject := axeSource(t)
	e := servertest.Demo(t)
	ctx := context.Background()
	au := auth.New(auth.Config{Store: e.Store, Now: e.Clock.Now, Services: e.Store.Services})
	const password = "correct horse battery staple"
	link, _, err := au.CreateAccount(ctx, nil, "chief-admin@example.org", "Desk Admin", news.Grant{Role: news.RoleAdmin}, auth.Client{})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := e.Client.PostForm(e.URL+"/admin/setup", url.Values{"t": {link.Token}, "password": {password}, "password2": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("setup: %d", resp.StatusCode)
	}
	// Something on every page: a live blog, a mirror, a notice.
	if err := e.Store.SetLiveBlog(ctx, demo.LeadStoryKK, true, e.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	m := news.Mirror{Origin: "https://kokpar.example.net", Kind: news.MirrorPlain, Listed: true, Active: true}
	if err := e.Store.PutMirror(ctx, &m); err != nil {
		t.Fatal(err)
	}

	b := newTab(t, 240*time.Second)
	req0, con0 := b.rec.mark()
	b.open(t, e.URL+"/admin/login", 200)
	b.do(t, "signing in",
		chromedp.SendKeys(chromedp.CSS("#email"), "chief-admin@example.org"),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Click(chromedp.CSS(`main button[type=submit]`)))
	until(t, b, "the enroll page", `location.pathname === '/admin/enroll' && !!document.getElementById('secret')`)
	secret := eval[string](t, b, `document.getElementById('secret').textContent`)
	code, err := totp.GenerateCode(strings.TrimSpace(secret), e.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	b.do(t, "enrolling", chromedp.SendKeys(chromedp.CSS("#code"), code), chromedp.Click(chromedp.CSS(`main form button[type=submit]`)))
	until(t, b, "the recovery codes", `document.body.textContent.includes('recovery codes')`)

	pages := map[string]string{}
	for _, p := range []struct{ name, path string }{
		{"dashboard", "/admin"},
		{"sessions", "/admin/sessions"},
		{"people", "/admin/people"},
		{"audit", "/admin/audit"},
		{"mirrors", "/admin/mirrors"},
		{"media", "/admin/media?service=kk"},
		{"comments", "/admin/comments?service=kk"},
		{"subscribers", "/admin/subscribers?service=kk"},
		{"service", "/admin/service?service=kk"},
		{"banner", "/admin/banner?service=kk"},
		{"live-blog", "/admin/stories/" + demo.LeadStoryKK + "/live"},
		{"stories-fa", "/admin/stories?service=fa"},
		{"story-fa", "/admin/stories/" + demo.TranslatedStoryID},
	} {
		b.open(t, e.URL+p.path, 200)
		for _, v := range runAxe(t, b, inject).Violations {
			t.Errorf("%s %s: axe %s (%s): %s — %s", p.name, p.path, v.ID, v.Impact, v.Help, strings.Join(v.Targets, " | "))
		}
		pages["admin-"+p.name] = "<!DOCTYPE html>\n" + eval[string](t, b, "document.documentElement.outerHTML")
	}

	// An integration token made in the browser (the factor is fresh from
	// enrolling) works for a script at once.
	b.open(t, e.URL+"/admin/tokens", 200)
	b.do(t, "making a token",
		chromedp.SendKeys(chromedp.CSS("#i-name"), "Wire import"),
		chromedp.SetValue(chromedp.CSS("#i-service"), "kk"),
		chromedp.Click(chromedp.CSS(`form:has(#i-name) button[type=submit]`)))
	until(t, b, "the new token", `!!document.querySelector('[data-qalam="new-token"]')`)
	token := eval[string](t, b, `document.getElementById('new-token').value`)
	// The page with the secret is left before axe is run over the list.
	b.open(t, e.URL+"/admin/tokens", 200)
	if n := eval[int](t, b, `document.querySelectorAll('[data-qalam="token"]').length`); n != 1 {
		t.Errorf("the tokens page lists %d tokens, want 1", n)
	}
	axePage := func(name, path string) {
		t.Helper()
		b.open(t, e.URL+path, 200)
		for _, v := range runAxe(t, b, inject).Violations {
			t.Errorf("%s %s: axe %s (%s): %s — %s", name, path, v.ID, v.Impact, v.Help, strings.Join(v.Targets, " | "))
		}
		pages["admin-"+name] = "<!DOCTYPE html>\n" + eval[string](t, b, "document.documentElement.outerHTML")
	}
	axePage("tokens", "/admin/tokens")
	req, _ := http.NewRequest("GET", e.URL+"/admin/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	if resp, err := e.Client.Do(req); err != nil || resp.StatusCode != 200 {
		t.Errorf("the browser-made token with the API: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}

	// In Kazakh, chosen on the sessions page, the pages hold no English
	// and still pass axe and the HTML checker.
	b.open(t, e.URL+"/admin/sessions", 200)
	b.do(t, "choosing Kazakh", chromedp.SetValue(chromedp.CSS("#lang"), "kk"),
		chromedp.Click(chromedp.CSS(`form[action="/admin/language"] button[type=submit]`)))
	until(t, b, "pages in Kazakh", `document.documentElement.lang === 'kk'`)
	for _, p := range []struct{ name, path string }{
		{"dashboard-kk", "/admin"},
		{"stories-kk", "/admin/stories?service=kk"},
		{"story-kk", "/admin/stories/" + demo.LeadStoryKK},
		{"media-kk", "/admin/media?service=kk"},
		{"tokens-kk", "/admin/tokens"},
		{"sessions-kk", "/admin/sessions"},
	} {
		axePage(p.name, p.path)
		if lang := eval[string](t, b, `document.documentElement.lang`); lang != "kk" {
			t.Errorf("%s: html lang %q", p.name, lang)
		}
		if nav := eval[string](t, b, `document.querySelector('header nav').textContent`); !strings.Contains(nav, "Материалдар") || strings.Contains(nav, "Stories") {
			t.Errorf("%s: the menu is not in Kazakh: %q", p.name, nav)
		}
	}
	b.open(t, e.URL+"/admin/stories/"+demo.LeadStoryKK, 200)
	b.do(t, "waiting for the editor", chromedp.WaitVisible(chromedp.CSS(".qe-content")))
	if title := eval[string](t, b, `document.querySelector('.qe-button[data-command=bold]').title`); !strings.HasPrefix(title, "Жуан") {
		t.Errorf("the editor's bold button in Kazakh: %q", title)
	}

	checkHTML(t, pages)
	requests, console := b.rec.since(req0, con0)
	for _, r := range offOrigin(requests, e.URL) {
		t.Errorf("an admin page asked another origin: %s", r)
	}
	for _, c := range console {
		t.Errorf("console: %s", c)
	}
}
