package admin_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"

	"qalam/internal/news"
)

// wantIn fails unless body holds every text.
func wantIn(t *testing.T, what, body string, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if !strings.Contains(body, s) {
			t.Errorf("%s lacks %q:\n%s", what, s, body)
			return
		}
	}
}

// wantNotIn fails if body holds any of texts.
func wantNotIn(t *testing.T, what, body string, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if strings.Contains(body, s) {
			t.Errorf("%s still has %q", what, s)
		}
	}
}

// A person's choice of language changes every page of theirs, in every
// session, whatever their browser asks for; "" follows the browser again.
func TestLanguageChoice(t *testing.T) {
	s := newStack(t)
	r := s.member("rep@example.org", news.Grant{Service: "kk", Role: news.RoleReporter}, "192.0.2.1", false)
	r.get("/admin")
	r.want(200, "dashboard")
	wantIn(t, "English dashboard", r.body, `<html lang="en"`, "<title>Dashboard · qalam newsroom</title>", ">My sessions</a>", "Your roles")

	r.get("/admin/sessions")
	r.want(200, "sessions page")
	wantIn(t, "sessions page", r.body, `<select id="lang" name="lang">`, `<option value="kk" lang="kk">Қазақша</option>`, `<option value="ru" lang="ru">Русский</option>`)
	r.post("/admin/language", "lang", "kk")
	r.want(303, "choose Kazakh")
	if !strings.HasPrefix(r.location(), "/admin/sessions?done=") {
		t.Fatalf("after choosing: to %q", r.location())
	}
	r.get(r.location())
	wantIn(t, "sessions page after choosing", r.body, `<html lang="kk"`, "Тіл сақталды.", `<option value="kk" lang="kk" selected>`)

	// A browser asking for Russian still gets the person's Kazakh.
	r.get("/admin", "Accept-Language", "ru-RU,ru;q=0.9")
	r.want(200, "Kazakh dashboard")
	wantIn(t, "Kazakh dashboard", r.body, `<html lang="kk"`, "<title>Басқару тақтасы · qalam редакциясы</title>",
		">Басқару тақтасы</a>", ">Менің сеанстарым</a>", "Рөлдеріңіз", "тілші, <strong>kk</strong> қызметі",
		"Шығу (Name rep@example.org)", "Сіз <strong>Name rep@example.org</strong> (rep@example.org) ретінде кірдіңіз.")
	wantNotIn(t, "Kazakh dashboard", r.body, "Dashboard", "My sessions", "Your roles", "Sign out")

	// Another sign-in of the same person: Kazakh from the first page.
	other := s.browser("198.51.100.9")
	other.post("/admin/login", "email", "rep@example.org", "password", password)
	other.wantRedirect("/admin", "second session")
	other.get("/admin")
	wantIn(t, "second session's dashboard", other.body, `<html lang="kk"`, "Басқару тақтасы")

	r.get("/admin/sessions")
	r.post("/admin/language", "lang", "ru")
	r.want(303, "choose Russian")
	other.get("/admin/sessions", "Accept-Language", "kk")
	wantIn(t, "Russian sessions page", other.body, `<html lang="ru"`, "<h1>Мои сеансы</h1>", "Завершить все остальные сеансы", "Язык этих страниц",
		"язык браузера (сейчас: Қазақша)")

	// Following the browser again.
	r.get("/admin/sessions")
	r.post("/admin/language", "lang", "")
	r.want(303, "follow the browser")
	r.get("/admin", "Accept-Language", "ru")
	wantIn(t, "dashboard following a Russian browser", r.body, `<html lang="ru"`, "Панель управления")
	r.get("/admin")
	wantIn(t, "dashboard following a browser asking for nothing", r.body, `<html lang="en"`, ">Dashboard</a>")

	// Another language is refused, in the person's language.
	r.get("/admin/sessions", "Accept-Language", "kk")
	r.do("POST", "/admin/language", url.Values{"lang": {"fa"}, "csrf": {r.csrf}}, "Accept-Language", "kk")
	r.want(400, "Persian admin")
	wantIn(t, "refusing Persian", r.body, `<html lang="kk"`, "Мұны істеу мүмкін емес", "тілі en, ru, kk біреуі емес")

	// The form is a form of this session's: no CSRF token, no change.
	r.do("POST", "/admin/language", url.Values{"lang": {"ru"}})
	r.want(403, "language without CSRF")
	wantIn(t, "refused form", r.body, "<h1>Refused</h1>")
}

// Before sign-in the browser's Accept-Language decides, q-values and all.
func TestLoginPageLanguage(t *testing.T) {
	s := newStack(t)
	b := s.browser("192.0.2.8")
	for _, tc := range []struct{ header, lang, text string }{
		{"", "en", "Forgot your password?"},
		{"kk-KZ,kk;q=0.9,ru;q=0.8,en;q=0.5", "kk", "Құпиясөзді ұмыттыңыз ба?"},
		{"ru-RU,ru;q=0.9,en;q=0.8", "ru", "Забыли пароль?"},
		{"de-DE,de;q=0.9,en;q=0.7,ru;q=0.8", "ru", "Забыли пароль?"},
		{"fa-IR,fa;q=0.9", "en", "Forgot your password?"},
	} {
		b.get("/admin/login", "Accept-Language", tc.header)
		b.want(200, "login page "+tc.header)
		wantIn(t, "login page for "+tc.header, b.body, `<html lang="`+tc.lang+`"`, tc.text)
	}
	b.do("POST", "/admin/login", url.Values{"email": {"nobody@example.org"}, "password": {"wrong password!"}}, "Accept-Language", "ru")
	b.want(401, "wrong password")
	wantIn(t, "wrong password in Russian", b.body, "Неверный адрес электронной почты или пароль.", "<h1>Вход</h1>")
	b.get("/admin/setup?t=nonsense", "Accept-Language", "kk")
	b.want(404, "unknown setup link")
	wantIn(t, "unknown setup link in Kazakh", b.body, "<h1>Сілтеме жарамсыз</h1>", "Редакцияға оралу")
	b.get("/admin/no-such-page", "Accept-Language", "ru")
	b.want(404, "no such page")
	wantIn(t, "404 in Russian", b.body, "<h1>Не найдено</h1>", "Здесь ничего нет.")
}

// fail's pages speak the person's language: 403, 429 with Retry-After.
func TestFailPagesTranslated(t *testing.T) {
	s := newStack(t)
	r := s.member("rep@example.org", news.Grant{Service: "kk", Role: news.RoleReporter}, "192.0.2.1", false)
	r.get("/admin/sessions")
	r.post("/admin/language", "lang", "ru")
	r.get("/admin/audit")
	r.want(403, "a reporter's audit log")
	wantIn(t, "403 in Russian", r.body, `<html lang="ru"`, "<h1>Нет доступа</h1>", "Ваша роль здесь этого не позволяет.", "Вернуться в редакцию")

	for i := range 5 {
		b := s.browser("203.0.113." + string(rune('1'+i)))
		b.post("/admin/login", "email", "rep@example.org", "password", "wrong wrong wrong")
		b.want(401, "failure")
	}
	b := s.browser("203.0.113.99")
	b.do("POST", "/admin/login", url.Values{"email": {"rep@example.org"}, "password": {password}}, "Accept-Language", "kk")
	b.want(429, "throttled")
	if ra := b.resp.Header.Get("Retry-After"); ra != "120" {
		t.Errorf("Retry-After %q, want 120", ra)
	}
	wantIn(t, "429 in Kazakh", b.body, `<html lang="kk"`, "<h1>Әрекет тым көп</h1>", "Сәтсіз әрекет тым көп болды. 2 мин күтіп, қайта көріңіз.")
}

// visibleText is what a page shows a person: its text and the accessible
// names, hints and alternatives in its attributes.
func visibleText(page string) []string {
	var out []string
	z := xhtml.NewTokenizer(strings.NewReader(page))
	skip := 0
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			return out
		}
		tok := z.Token()
		switch tt {
		case xhtml.StartTagToken:
			if tok.Data == "script" || tok.Data == "style" || tok.Data == "textarea" {
				skip++
			}
		case xhtml.EndTagToken:
			if tok.Data == "script" || tok.Data == "style" || tok.Data == "textarea" {
				skip--
			}
		case xhtml.TextToken:
			if skip == 0 && strings.TrimSpace(tok.Data) != "" {
				out = append(out, strings.TrimSpace(tok.Data))
			}
		}
		for _, a := range tok.Attr {
			if a.Key == "aria-label" || a.Key == "title" || a.Key == "placeholder" || a.Key == "alt" || a.Key == "label" {
				out = append(out, a.Val)
			}
		}
	}
}

// englishRe finds a run of three English words: on a page in Kazakh it is
// text someone forgot to translate (the pages below show the demo's Kazakh
// service, whose content is in Kazakh).
var englishRe = regexp.MustCompile(`\b[A-Za-z]{2,}[ ,]+[a-z]{2,}[ ,]+[a-z]{2,}\b`)

// An admin who chose Kazakh reads every page of the newsroom in Kazakh.
func TestKazakhAdminPages(t *testing.T) {
	d := newDemo(t)
	boss := d.person("boss@example.org", news.Grant{Role: news.RoleAdmin})
	boss.get("/admin/sessions")
	boss.post("/admin/language", "lang", "kk")
	boss.want(303, "choose Kazakh")
	id := create(t, boss, d.section("kk").ID, "Су тасқыны")
	pages := []string{"/admin", "/admin/sessions", "/admin/people", "/admin/audit", "/admin/mirrors", "/admin/stories?service=kk",
		"/admin/stories/new", "/admin/stories/" + id, "/admin/stories/" + id + "/revisions", "/admin/stories/" + id + "/phone",
		"/admin/stories/" + id + "/live", "/admin/curation?service=kk", "/admin/media?service=kk", "/admin/service?service=kk",
		"/admin/banner?service=kk", "/admin/comments?service=kk", "/admin/subscribers?service=kk",
		"/admin/confirm?next=/admin", "/admin/no-such-page"}
	for _, p := range pages {
		boss.get(p)
		if boss.resp.StatusCode != 200 && p != "/admin/no-such-page" {
			t.Errorf("%s: status %d", p, boss.resp.StatusCode)
			continue
		}
		if !strings.Contains(boss.body, `<html lang="kk"`) {
			t.Errorf("%s: not in Kazakh", p)
		}
		for _, s := range visibleText(boss.body) {
			if m := englishRe.FindString(s); m != "" {
				t.Errorf("%s shows English %q in %q", p, m, s)
			}
		}
	}
}
