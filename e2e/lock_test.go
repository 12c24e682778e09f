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
	"qalam/internal/news"
	"qalam/internal/servertest"
)

// TestLockedStoryInBrowser: while a reporter has a story open, an editor
// in another browser sees it locked and read-only and takes it over; the
// reporter's page, without their typing or saving, is told by its lock
// heartbeat that the editor took it over, and stops autosaving; what they
// type then stays on their page and in the browser and reaches no store.
func TestLockedStoryInBrowser(t *testing.T) {
	needBrowser(t)
	e := servertest.Demo(t)
	ctx := context.Background()
	au := auth.New(auth.Config{Store: e.Store, Now: e.Clock.Now, Services: e.Store.Services})
	const password = "correct horse battery staple"
	for _, p := range []struct {
		email, name string
		g           news.Grant
	}{
		{"aigerim@example.org", "Aigerim", news.Grant{Service: "en", Role: news.RoleReporter}},
		{"bolat@example.org", "Bolat", news.Grant{Service: "en", Role: news.RoleEditor}},
	} {
		link, _, err := au.CreateAccount(ctx, nil, p.email, p.name, p.g, auth.Client{})
		if err != nil {
			t.Fatal(err)
		}
		resp, err := e.Client.PostForm(e.URL+"/admin/setup", url.Values{"t": {link.Token}, "password": {password}, "password2": {password}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("setup of %s: %d", p.email, resp.StatusCode)
		}
	}
	signIn := func(b *tab, email string) {
		t.Helper()
		b.open(t, e.URL+"/admin/login", 200)
		b.do(t, "signing in",
			chromedp.SendKeys(chromedp.CSS("#email"), email),
			chromedp.SendKeys(chromedp.CSS("#password"), password),
			chromedp.Click(chromedp.CSS(`main button[type=submit]`)))
		until(t, b, "signed in", `!location.pathname.endsWith('/login')`)
	}

	// The reporter opens a new story and writes.
	ann := newTab(t, 120*time.Second, chromedp.WithNewBrowserContext())
	signIn(ann, "aigerim@example.org")
	ann.open(t, e.URL+"/admin/stories/new?service=en", 200)
	ann.do(t, "creating the story",
		chromedp.SendKeys(chromedp.CSS("#n-headline"), "Steppe wells run dry"),
		chromedp.Click(chromedp.CSS(`main form button[type=submit]`)))
	until(t, ann, "the story page", `/\/admin\/stories\/[a-z2-7]{12}$/.test(location.pathname)`)
	id := eval[string](t, ann, `location.pathname.split('/').pop()`)
	ann.do(t, "waiting for the editor", chromedp.WaitVisible(chromedp.CSS(".qe-content")))
	ann.do(t, "clicking into the text", chromedp.Click(chromedp.CSS(".qe-content")))
	ann.do(t, "typing", pressKeys("Herders in Mangystau say the wells dried in May."))
	until(t, ann, "the autosave", `document.querySelector('[data-qalam-editor]').dataset.saveState === 'saved'`)

	// The editor, in another browser, finds it locked.
	ben := newTab(t, 120*time.Second, chromedp.WithNewBrowserContext())
	signIn(ben, "bolat@example.org")
	until(t, ben, "the enroll page", `location.pathname === '/admin/enroll' && !!document.getElementById('secret')`)
	secret := strings.TrimSpace(eval[string](t, ben, `document.getElementById('secret').textContent`))
	code, err := totp.GenerateCode(secret, e.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	ben.do(t, "enrolling", chromedp.SendKeys(chromedp.CSS("#code"), code), chromedp.Click(chromedp.CSS(`main form button[type=submit]`)))
	until(t, ben, "the recovery codes", `document.body.textContent.includes('recovery codes')`)
	ben.open(t, e.URL+"/admin/stories/"+id, 200)
	if got := eval[string](t, ben, `(document.querySelector('[data-qalam="locked"]') || {}).textContent || ''`); !strings.Contains(got, "Aigerim has had this story open") {
		t.Fatalf("the editor does not see the lock: %q", got)
	}
	if eval[bool](t, ben, `!!document.querySelector('.qe-content')`) {
		t.Error("the locked story is editable for the editor")
	}
	// Take over: the editor gets the story to edit.
	ben.do(t, "taking over", chromedp.Click(chromedp.CSS(`form[action$="/takeover"] button`)))
	until(t, ben, "the editor after the takeover", `!!document.querySelector('.qe-content') && !document.querySelector('[data-qalam="locked"]')`)

	// The reporter's page is told at once, without typing or saving: the
	// heartbeat runs when the tab becomes visible again (as when they come
	// back to it) and every minute while it is.
	if eval[string](t, ann, `document.visibilityState`) != "visible" {
		t.Fatal("the reporter's tab is not visible")
	}
	// Coming back to the tab:
	eval[bool](t, ann, `document.dispatchEvent(new Event('visibilitychange'))`)
	until(t, ann, "the takeover notice", `!!document.querySelector('.qe-notice [role=alert]')`)
	notice := eval[string](t, ann, `document.querySelector('.qe-notice [role=alert]').textContent`)
	if !strings.Contains(notice, "Bolat took over this story at ") || !strings.Contains(notice, "copy it before leaving") {
		t.Errorf("the takeover notice: %q", notice)
	}
	if eval[bool](t, ann, `document.querySelector('.qe-notice').hidden`) {
		t.Error("the notice area is hidden")
	}
	if got := eval[string](t, ann, `document.querySelector('[data-qalam-editor]').dataset.saveState`); got != "conflict" {
		t.Errorf("autosave did not stop: save state %q", got)
	}
	if got := eval[string](t, ann, `document.querySelector('.qe-status').textContent`); !strings.Contains(got, "Autosave stopped") {
		t.Errorf("the status line: %q", got)
	}
	// What the reporter types now stays on the page and is not sent.
	ann.do(t, "typing again", chromedp.Click(chromedp.CSS(".qe-content")))
	ann.do(t, "typing", pressKeys(" Officials promise trucks."))
	// Leaving the text saves at once when saving; then wait out the
	// autosave delay (3 s).
	eval[bool](t, ann, `(document.querySelector('.qe-content').blur(), true)`)
	time.Sleep(4 * time.Second)
	if txt := eval[string](t, ann, `document.querySelector('.qe-content').textContent`); !strings.Contains(txt, "Officials promise trucks.") {
		t.Errorf("the reporter's unsaved text is gone: %q", txt)
	}
	if got := eval[string](t, ann, `document.querySelector('[data-qalam-editor]').dataset.saveState`); got != "conflict" {
		t.Errorf("the save state after typing: %q", got)
	}
	if eval[string](t, ann, `localStorage.getItem('qalam-editor:story-`+id+`') || ''`) == "" {
		t.Error("the reporter's text is not kept in the browser")
	}
	// The heartbeat did not take the lock back.
	if l, err := e.Store.Lock(ctx, id); err != nil || l.Holder == "" || l.Displaced == "" || l.Holder == l.Displaced {
		t.Errorf("the lock after the reporter's heartbeat: %+v %v", l, err)
	}
	st, err := e.Store.Story(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	head, err := e.Store.Revision(ctx, st.HeadRev)
	if err != nil || strings.Contains(head.Content.Body.PlainText(), "Officials promise trucks.") {
		t.Errorf("the text typed after the takeover reached the store: %q %v", head.Content.Body.PlainText(), err)
	}
}
