package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"qalam/internal/admin"
	"qalam/internal/news"
)

var (
	kkEditor = news.Grant{Service: "kk", Role: news.RoleEditor}
	adminG   = news.Grant{Role: news.RoleAdmin}
)

func TestSetupEnrollAndDashboard(t *testing.T) {
	s := newStack(t)
	link, _, err := s.auth.CreateAccount(context.Background(), nil, "boss@example.org", "Aigerim Boss", adminG, authClient())
	if err != nil {
		t.Fatal(err)
	}
	b := s.browser("192.0.2.1")
	b.get("/admin/setup?t=" + url.QueryEscape(link.Token))
	b.want(200, "setup page")
	if !strings.Contains(b.body, "Aigerim Boss") || !strings.Contains(b.body, `lang="en"`) || !strings.Contains(b.body, `class="skip" href="#main"`) {
		t.Fatalf("setup page:\n%s", b.body)
	}
	b.post("/admin/setup", "t", link.Token, "password", "short", "password2", "short")
	b.want(400, "short password")
	b.post("/admin/setup", "t", link.Token, "password", password, "password2", password+"x")
	b.want(400, "passwords differ")
	b.post("/admin/setup", "t", link.Token, "password", password, "password2", password)
	b.wantRedirect("/admin/enroll", "admin's setup: TOTP is required")
	var cookie *http.Cookie
	for _, c := range b.resp.Cookies() {
		if c.Name == admin.CookieName {
			cookie = c
		}
	}
	if cookie == nil || !cookie.Secure || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode || cookie.Path != "/" || cookie.Domain != "" ||
		!strings.HasPrefix(cookie.Name, "__Host-") {
		t.Fatalf("session cookie %+v", cookie)
	}
	// Before enrolling, nothing else is open.
	b.get("/admin/people")
	b.wantRedirect("/admin/enroll", "people before enrolling")
	b.get("/admin/enroll")
	b.want(200, "enroll page")
	for _, want := range []string{`id="secret">`, "otpauth://totp/", `src="data:image/png;base64,`} {
		if !strings.Contains(b.body, want) {
			t.Errorf("enroll page lacks %q", want)
		}
	}
	m := &member{browser: b, secret: secretRe.FindStringSubmatch(b.body)[1]}
	b.post("/admin/enroll", "code", "123456")
	b.want(401, "wrong enrollment code")
	b.post("/admin/enroll", "code", m.code())
	b.want(200, "enroll")
	if n := strings.Count(b.body, "<code>"); n != 10 {
		t.Fatalf("%d recovery codes shown", n)
	}
	b.get("/admin")
	b.want(200, "dashboard")
	for _, want := range []string{"Aigerim Boss", "boss@example.org", "Admin of every service", "Recovery codes left: 10"} {
		if !strings.Contains(b.body, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}

	// The link works once.
	other := s.browser("192.0.2.2")
	other.get("/admin/setup?t=" + url.QueryEscape(link.Token))
	other.want(404, "used link")
	other.post("/admin/setup", "t", link.Token, "password", password, "password2", password)
	other.want(404, "used link posted")
}

func TestSetupLinkExpires(t *testing.T) {
	s := newStack(t)
	link, _, err := s.auth.CreateAccount(context.Background(), nil, "late@example.org", "Late", kkEditor, authClient())
	if err != nil {
		t.Fatal(err)
	}
	s.clock.Add(72*time.Hour + time.Second)
	b := s.browser("192.0.2.1")
	b.get("/admin/setup?t=" + url.QueryEscape(link.Token))
	b.want(404, "expired link")
	b.post("/admin/setup", "t", link.Token, "password", password, "password2", password)
	b.want(404, "expired link posted")
}

func TestLoginSecondFactorRotation(t *testing.T) {
	s := newStack(t)
	m := s.member("ed@example.org", kkEditor, "192.0.2.1", true)

	// Signing in again from a signed-in browser replaces its session.
	before := m.cookie
	m.post("/admin/login", "email", "ed@example.org", "password", password)
	m.wantRedirect("/admin/2fa", "second sign-in")
	if m.cookie == before {
		t.Fatal("sign-in kept the old token")
	}
	replaced := s.browser("192.0.2.1")
	replaced.cookie = before
	replaced.get("/admin")
	replaced.wantRedirect("/admin/login", "the replaced session")
	m.get("/admin/2fa")
	m.post("/admin/2fa", "code", m.code())
	m.wantRedirect("/admin", "second factor")
	s.clock.Add(30 * time.Second)

	b := s.browser("198.51.100.7")
	b.cookie = "stale-token-from-before"
	b.post("/admin/login", "email", "ed@example.org", "password", password)
	b.wantRedirect("/admin/2fa", "password right")
	first := b.cookie
	if first == "" || first == "stale-token-from-before" {
		t.Fatal("no new session token at sign-in")
	}
	b.get("/admin")
	b.wantRedirect("/admin/2fa", "dashboard before the factor")
	b.get("/admin/2fa")
	b.want(200, "factor page")
	b.post("/admin/2fa", "code", "000000")
	b.want(401, "wrong code")
	b.post("/admin/2fa", "code", m.code())
	b.wantRedirect("/admin", "code right")
	if b.cookie == first {
		t.Fatal("token not rotated after the second factor")
	}
	// The pre-factor token is dead.
	old := s.browser("198.51.100.7")
	old.cookie = first
	old.get("/admin")
	old.wantRedirect("/admin/login", "pre-factor token")

	b.get("/admin")
	b.want(200, "dashboard")
	b.post("/admin/logout")
	b.wantRedirect("/admin/login", "logout")
	if b.cookie != "" {
		t.Fatal("logout left the cookie")
	}
	gone := s.browser("198.51.100.7")
	gone.cookie = m.cookie
	gone.get("/admin")
	gone.want(200, "the other session survives another's logout")

	// A recovery code works once.
	for i, want := range []int{http.StatusSeeOther, http.StatusUnauthorized} {
		r := s.browser("198.51.100.8")
		r.post("/admin/login", "email", "ed@example.org", "password", password)
		r.wantRedirect("/admin/2fa", "password right")
		r.get("/admin/2fa")
		r.post("/admin/2fa", "code", m.codes[0])
		r.want(want, "recovery code use "+string(rune('1'+i)))
	}
}

func TestNoEnumeration(t *testing.T) {
	s := newStack(t)
	s.member("known@example.org", news.Grant{Service: "kk", Role: news.RoleReporter}, "192.0.2.1", false)
	a := s.browser("192.0.2.10")
	sa, known := a.post("/admin/login", "email", "known@example.org", "password", "not the password")
	b := s.browser("192.0.2.11")
	sb, unknown := b.post("/admin/login", "email", "nobody@example.org", "password", "not the password")
	if sa != http.StatusUnauthorized || sa != sb || known != unknown {
		t.Fatalf("known email: %d, unknown: %d; bodies equal: %v", sa, sb, known == unknown)
	}
	if a.cookie != "" || b.cookie != "" {
		t.Fatal("a failed sign-in set a cookie")
	}
}

func TestThrottle(t *testing.T) {
	s := newStack(t)
	s.member("r@example.org", news.Grant{Service: "kk", Role: news.RoleReporter}, "192.0.2.1", false)
	// Per account, from many addresses.
	for i := range 5 {
		b := s.browser("203.0.113." + string(rune('1'+i)))
		b.post("/admin/login", "email", "r@example.org", "password", "wrong wrong wrong")
		b.want(401, "failure")
	}
	b := s.browser("203.0.113.99")
	b.post("/admin/login", "email", "r@example.org", "password", password)
	b.want(429, "6th try on the account, right password or not")
	if ra := b.resp.Header.Get("Retry-After"); ra != "120" {
		t.Fatalf("Retry-After %q, want 120", ra)
	}
	// Per address, over many accounts (unknown ones too).
	c := s.browser("198.51.100.50")
	for i := range 20 {
		c.post("/admin/login", "email", "x"+string(rune('a'+i))+"@example.org", "password", "nope")
		c.want(401, "failure")
	}
	c.post("/admin/login", "email", "someone@example.org", "password", "nope")
	c.want(429, "21st try from one address")
	if ra := c.resp.Header.Get("Retry-After"); ra != "30" {
		t.Fatalf("Retry-After %q, want 30", ra)
	}
	s.clock.Add(2 * time.Minute)
	b.post("/admin/login", "email", "r@example.org", "password", password)
	b.wantRedirect("/admin", "after waiting")
}

func TestSecondFactorThrottle(t *testing.T) {
	s := newStack(t)
	s.member("ed@example.org", kkEditor, "192.0.2.1", true)
	b := s.browser("198.51.100.9")
	b.post("/admin/login", "email", "ed@example.org", "password", password)
	b.get("/admin/2fa")
	for range 5 {
		b.post("/admin/2fa", "code", "000000")
		b.want(401, "wrong code")
	}
	b.post("/admin/2fa", "code", "000000")
	b.want(429, "6th code")
	if b.resp.Header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
}

func TestCSRF(t *testing.T) {
	s := newStack(t)
	m := s.member("r@example.org", news.Grant{Service: "kk", Role: news.RoleReporter}, "192.0.2.1", false)
	form := url.Values{"email": {"r@example.org"}, "password": {password}}
	for _, h := range [][]string{
		{"Sec-Fetch-Site", "cross-site"},
		{"Sec-Fetch-Site", "same-site"},
		{"Origin", "https://evil.example"},
	} {
		b := s.browser("192.0.2.5")
		req := []string{h[0], h[1]}
		if h[0] == "Origin" {
			req = append(req, "Sec-Fetch-Site", "")
		}
		b.do("POST", "/admin/login", form, req...)
		b.want(http.StatusForbidden, "cross-origin login post "+h[0]+": "+h[1])
		if b.cookie != "" {
			t.Fatal("a refused post signed in")
		}
	}
	// A signed-in post without the session's form token is refused too.
	m.get("/admin/sessions")
	m.post("/admin/sessions/end-others", "csrf", "forged")
	m.want(http.StatusForbidden, "post without the form token")
	m.post("/admin/logout", "csrf", "")
	m.want(http.StatusForbidden, "logout without the form token")
	m.get("/admin")
	m.want(200, "still signed in")
}

func TestHeaders(t *testing.T) {
	s := newStack(t)
	m := s.member("ed@example.org", kkEditor, "192.0.2.1", true)
	for _, path := range []string{"/admin/login", "/admin", "/admin/sessions", "/admin/nope"} {
		b := m.browser
		if path == "/admin/login" {
			b = s.browser("192.0.2.3")
		}
		b.get(path)
		h := b.resp.Header
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self';") || strings.Contains(csp, "unsafe") {
			t.Errorf("%s: CSP %q", path, csp)
		}
		if h.Get("Cache-Control") != "no-store" || h.Get("X-Frame-Options") != "DENY" || h.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("%s: headers %v", path, h)
		}
		if strings.Contains(b.body, "<script") || regexp.MustCompile(`\son[a-z]+=`).MatchString(b.body) || strings.Contains(b.body, "style=") {
			t.Errorf("%s: inline script or style", path)
		}
	}
}

func TestOtherHostGets404(t *testing.T) {
	s := newStack(t)
	b := s.browser("192.0.2.1")
	b.get("/admin/login", "Host", "mirror.example.net")
	b.want(404, "admin on another host")
	if strings.Contains(b.body, "Sign in") {
		t.Fatal("mirror shows the sign-in form")
	}
	b.get("/admin/login")
	b.want(200, "admin on its origin")
}

func TestSessionsPageAndExpiry(t *testing.T) {
	s := newStack(t)
	m := s.member("r@example.org", news.Grant{Service: "kk", Role: news.RoleReporter}, "192.0.2.1", false)
	other := s.browser("203.0.113.5")
	other.post("/admin/login", "email", "r@example.org", "password", password)
	other.wantRedirect("/admin", "second sign-in")
	m.get("/admin/sessions")
	m.want(200, "sessions")
	if n := strings.Count(m.body, `data-qalam="session"`); n != 2 {
		t.Fatalf("%d sessions listed, want 2", n)
	}
	if !strings.Contains(m.body, "203.0.113.5") || !strings.Contains(m.body, "This session") {
		t.Fatalf("sessions page:\n%s", m.body)
	}
	// Ending one session by its handle; another person's handle is not found.
	third := s.browser("203.0.113.6")
	third.post("/admin/login", "email", "r@example.org", "password", password)
	third.wantRedirect("/admin", "third sign-in")
	id := sessionID(t, s, "203.0.113.6")
	intruder := s.member("other@example.org", news.Grant{Service: "kk", Role: news.RoleReporter}, "192.0.2.9", false)
	intruder.get("/admin/sessions")
	intruder.post("/admin/sessions/end", "id", id)
	intruder.want(http.StatusNotFound, "ending another person's session")
	third.get("/admin")
	third.want(200, "session survives a stranger's attempt")
	m.get("/admin/sessions")
	m.post("/admin/sessions/end", "id", id)
	m.wantRedirect("/admin/sessions", "end one")
	third.get("/admin")
	third.wantRedirect("/admin/login", "ended session")

	m.get("/admin/sessions")
	m.post("/admin/sessions/end-others")
	m.wantRedirect("/admin/sessions", "end others")
	other.get("/admin")
	other.wantRedirect("/admin/login", "ended session")
	m.get("/admin/sessions")
	if n := strings.Count(m.body, `data-qalam="session"`); n != 1 {
		t.Fatalf("%d sessions after ending others", n)
	}
	// Idle past 12 hours: signed out.
	s.clock.Add(12*time.Hour + time.Second)
	m.get("/admin")
	m.wantRedirect("/admin/login", "idle session")
}

func TestStaleFactorAsksAgain(t *testing.T) {
	s := newStack(t)
	chief := s.member("chief@example.org", news.Grant{Service: "kk", Role: news.RoleChief}, "192.0.2.1", true)
	s.clock.Add(15 * time.Minute)
	chief.get("/admin/people")
	chief.want(200, "people page (viewing is not sensitive)")
	chief.post("/admin/people/invite", "email", "new@example.org", "name", "New", "grant", "kk:reporter")
	chief.wantRedirect("/admin/confirm?next=%2Fadmin%2Fpeople", "invite with a stale factor")
	chief.get(chief.location())
	chief.want(200, "confirm page")
	chief.post("/admin/confirm", "code", "111111", "next", "/admin/people")
	chief.want(401, "wrong code")
	chief.post("/admin/confirm", "code", chief.code(), "next", "/admin/people")
	chief.wantRedirect("/admin/people", "confirmed")
	chief.get("/admin/people")
	chief.post("/admin/people/invite", "email", "new@example.org", "name", "New", "grant", "kk:reporter")
	chief.want(200, "invite after confirming")
	if !strings.Contains(chief.body, s.url+"/admin/setup?t=") {
		t.Fatalf("no setup link on the invitation page:\n%s", chief.body)
	}
	// A confirm page never sends anyone off the admin.
	chief.get("/admin/people")
	chief.post("/admin/confirm", "code", "222222", "next", "https://evil.example/")
	chief.get("/admin/confirm?next=//evil.example")
	if strings.Contains(chief.body, "evil.example") {
		t.Fatal("confirm page carries an outside next")
	}
}

// The invitation link from the page works, and a reset link sets a new
// password without touching the second factor.
func TestInviteAndResetLinks(t *testing.T) {
	s := newStack(t)
	boss := s.member("boss@example.org", adminG, "192.0.2.1", true)
	ed := s.member("ed@example.org", kkEditor, "192.0.2.2", true)
	boss.get("/admin/people")
	boss.post("/admin/people/invite", "email", "rep@example.org", "name", "Rep", "grant", "ru:reporter")
	boss.want(200, "invite")
	link := regexp.MustCompile(`data-qalam="setup-link">([^<]+)<`).FindStringSubmatch(boss.body)
	if link == nil {
		t.Fatalf("no link:\n%s", boss.body)
	}
	u, err := url.Parse(strings.ReplaceAll(link[1], "&amp;", "&"))
	if err != nil {
		t.Fatal(err)
	}
	rep := s.browser("192.0.2.3")
	rep.get(u.RequestURI())
	rep.want(200, "invited person's setup page")
	rep.post("/admin/setup", "t", u.Query().Get("t"), "password", password, "password2", password)
	rep.wantRedirect("/admin", "reporter set up (no 2FA required)")
	rep.get("/admin")
	if !strings.Contains(rep.body, "reporter in <strong>ru</strong>") {
		t.Fatalf("dashboard:\n%s", rep.body)
	}

	boss.get("/admin/people")
	boss.post("/admin/people/" + ed.id + "/reset")
	boss.want(200, "reset link")
	link = regexp.MustCompile(`data-qalam="setup-link">([^<]+)<`).FindStringSubmatch(boss.body)
	u, _ = url.Parse(strings.ReplaceAll(link[1], "&amp;", "&"))
	x := s.browser("192.0.2.4")
	x.get(u.RequestURI())
	if !strings.Contains(x.body, "Your second factor stays") {
		t.Fatalf("reset page:\n%s", x.body)
	}
	x.post("/admin/setup", "t", u.Query().Get("t"), "password", "another long password", "password2", "another long password")
	x.wantRedirect("/admin/2fa", "after the reset the second factor is still asked")
	ed.get("/admin")
	ed.wantRedirect("/admin/login", "the reset ended the old sessions")
	x.get("/admin/2fa")
	x.post("/admin/2fa", "code", ed.code())
	x.wantRedirect("/admin", "second factor after reset")
}

func TestAuditEntries(t *testing.T) {
	s := newStack(t)
	boss := s.member("boss@example.org", adminG, "192.0.2.1", true)
	rep := s.member("rep@example.org", news.Grant{Service: "kk", Role: news.RoleReporter}, "192.0.2.2", false)
	login := s.browser("203.0.113.77")
	login.post("/admin/login", "email", "rep@example.org", "password", password)
	boss.get("/admin/people")
	boss.post("/admin/people/invite", "email", "new@example.org", "name", "New", "grant", "kk:contributor")
	boss.want(200, "invite")
	boss.get("/admin/people")
	boss.post("/admin/people/" + rep.id + "/disable")
	boss.wantRedirect("/admin/people", "disable")
	// Disabling ended every session of the person.
	for _, b := range []*browser{rep.browser, login} {
		b.get("/admin")
		b.wantRedirect("/admin/login", "disabled person's session")
	}
	log, err := s.store.Audit(context.Background(), 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]news.AuditEntry{}
	for _, e := range log {
		if _, ok := found[e.Action]; !ok {
			found[e.Action] = e
		}
	}
	if e := found["login"]; e.Actor != rep.id || e.IP != "203.0.113.77" {
		t.Errorf("login entry %+v", e)
	}
	if e := found["invite"]; e.Actor != boss.id || e.Service != "kk" || e.IP != "192.0.2.1" || !strings.Contains(e.Detail, "new@example.org") {
		t.Errorf("invite entry %+v", e)
	}
	if e := found["disable"]; e.Actor != boss.id || e.Target != rep.id || e.IP != "192.0.2.1" {
		t.Errorf("disable entry %+v", e)
	}
	boss.get("/admin/audit")
	boss.want(200, "audit page")
	if !strings.Contains(boss.body, "203.0.113.77") {
		t.Error("audit page lacks the sign-in's address")
	}
}

// sessionID finds the handle of the session signed in from ip.
func sessionID(t *testing.T, s *stack, ip string) string {
	t.Helper()
	all, err := s.store.StaffAccounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range all {
		ss, err := s.store.StaffSessions(context.Background(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range ss {
			if x.IP == ip {
				return x.ID
			}
		}
	}
	t.Fatalf("no session from %s", ip)
	return ""
}

// A reporter may set up a second factor without being required to; from
// then on signing in asks for it. New recovery codes replace the old ones.
func TestVoluntaryEnrollAndNewCodes(t *testing.T) {
	s := newStack(t)
	m := s.member("rep@example.org", news.Grant{Service: "kk", Role: news.RoleReporter}, "192.0.2.1", false)
	m.get("/admin")
	if !strings.Contains(m.body, `href="/admin/enroll"`) {
		t.Fatal("dashboard offers no enrollment")
	}
	m.get("/admin/enroll")
	m.want(200, "enroll page")
	m.secret = secretRe.FindStringSubmatch(m.body)[1]
	m.post("/admin/enroll", "code", m.code())
	m.want(200, "enrolled")
	first := regexp.MustCompile(`<code>([a-z0-9-]+)</code>`).FindStringSubmatch(m.body)[1]
	s.clock.Add(30 * time.Second)
	m.get("/admin/enroll")
	m.wantRedirect("/admin", "a second authenticator app")

	m.get("/admin")
	m.post("/admin/recovery")
	m.want(200, "new recovery codes")
	codes := regexp.MustCompile(`<code>([a-z0-9-]+)</code>`).FindAllStringSubmatch(m.body, -1)
	if len(codes) != 10 {
		t.Fatalf("%d codes", len(codes))
	}
	b := s.browser("192.0.2.2")
	b.post("/admin/login", "email", "rep@example.org", "password", password)
	b.wantRedirect("/admin/2fa", "sign-in after enrolling")
	b.get("/admin/2fa")
	b.post("/admin/2fa", "code", first)
	b.want(http.StatusUnauthorized, "a replaced recovery code")
	b.post("/admin/2fa", "code", codes[9][1])
	b.wantRedirect("/admin", "a new recovery code")
	// Stale: making codes asks for the factor again.
	s.clock.Add(16 * time.Minute)
	b.get("/admin")
	b.post("/admin/recovery")
	b.wantRedirect("/admin/confirm?next=%2Fadmin", "new codes with a stale factor")
}
