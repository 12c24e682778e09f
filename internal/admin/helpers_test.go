package admin_test

import (
	"context"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"qalam/assets"
	"qalam/internal/admin"
	"qalam/internal/auth"
	"qalam/internal/config"
	"qalam/internal/news"
	"qalam/internal/sqlite"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// stack is the real admin handler over a real SQLite file, served on
// loopback. The peer 127.0.0.1 is a trusted proxy, so tests choose the
// staff member's address with X-Forwarded-For.
type stack struct {
	t     *testing.T
	store *sqlite.DB
	clock *clock
	auth  *auth.Auth
	url   string
	host  string
}

const password = "correct horse battery"

func newStack(t *testing.T) *stack {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "qalam.db"))
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{t: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)}
	au := auth.New(auth.Config{Store: db, Now: c.Now, Params: auth.Params{Time: 1, Memory: 1024, Threads: 1},
		Services: func(context.Context) ([]news.Service, error) { return []news.Service{{Code: "kk"}, {Code: "ru"}}, nil }})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	host := ln.Addr().String()
	a, err := admin.New(admin.Config{Auth: au, Static: assets.LoadStatic(), Origin: config.Origin{Scheme: "http", Host: host},
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")},
		NotFound:       http.NotFoundHandler(), Mirrors: db})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(a)
	hs.Listener.Close()
	hs.Listener = ln
	hs.Start()
	t.Cleanup(func() { hs.Close(); db.Close() })
	return &stack{t: t, store: db, clock: c, auth: au, url: "http://" + host, host: host}
}

// browser keeps the admin cookie the way a browser would, and sends what
// browsers send on same-origin form posts.
type browser struct {
	s      *stack
	ip     string
	cookie string
	csrf   string // the last page's form token
	back   string // the last page's "back" field
	body   string
	resp   *http.Response
}

func (s *stack) browser(ip string) *browser { return &browser{s: s, ip: ip} }

var (
	csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	backRe = regexp.MustCompile(`name="back" value="([^"]+)"`)
)

func (b *browser) do(method, path string, form url.Values, header ...string) (int, string) {
	b.s.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.s.url+path, body)
	if err != nil {
		b.s.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", b.s.url)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	req.Header.Set("X-Forwarded-For", b.ip)
	req.Header.Set("User-Agent", "test browser "+b.ip)
	if b.cookie != "" {
		req.AddCookie(&http.Cookie{Name: admin.CookieName, Value: b.cookie})
	}
	for i := 0; i+1 < len(header); i += 2 {
		if strings.EqualFold(header[i], "Host") {
			req.Host = header[i+1]
			continue
		}
		req.Header.Set(header[i], header[i+1])
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		b.s.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		b.s.t.Fatal(err)
	}
	for _, c := range resp.Cookies() {
		if c.Name == admin.CookieName {
			if c.MaxAge < 0 {
				b.cookie = ""
			} else {
				b.cookie = c.Value
			}
		}
	}
	b.resp, b.body = resp, string(raw)
	if m := csrfRe.FindStringSubmatch(b.body); m != nil {
		b.csrf = m[1]
	}
	if m := backRe.FindStringSubmatch(b.body); m != nil {
		b.back = html.UnescapeString(m[1])
	}
	return resp.StatusCode, b.body
}

func (b *browser) get(path string, header ...string) (int, string) {
	b.s.t.Helper()
	return b.do("GET", path, nil, header...)
}

// post sends a form, with the last page's CSRF token unless given.
func (b *browser) post(path string, kv ...string) (int, string) {
	b.s.t.Helper()
	f := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		f.Set(kv[i], kv[i+1])
	}
	if !f.Has("csrf") && b.csrf != "" {
		f.Set("csrf", b.csrf)
	}
	if !f.Has("back") && b.back != "" {
		f.Set("back", b.back)
	}
	return b.do("POST", path, f)
}

func (b *browser) location() string { return b.resp.Header.Get("Location") }

func (b *browser) want(status int, what string) {
	b.s.t.Helper()
	if b.resp.StatusCode != status {
		b.s.t.Fatalf("%s: status %d, want %d (Location %q)\n%s", what, b.resp.StatusCode, status, b.location(), b.body)
	}
}

func (b *browser) wantRedirect(to, what string) {
	b.s.t.Helper()
	b.want(http.StatusSeeOther, what)
	if b.location() != to {
		b.s.t.Fatalf("%s: redirected to %q, want %q", what, b.location(), to)
	}
}

var secretRe = regexp.MustCompile(`id="secret">([A-Z2-7]+)<`)

// member is a person made as the command line makes them, who then
// completes their setup link in a browser (enrolling TOTP when their role
// needs it or enroll is set).
type member struct {
	*browser
	id     string
	email  string
	secret string
	codes  []string
}

func (s *stack) member(email string, g news.Grant, ip string, enroll bool) *member {
	s.t.Helper()
	link, acct, err := s.auth.CreateAccount(context.Background(), nil, email, "Name "+email, g, auth.Client{})
	if err != nil {
		s.t.Fatal(err)
	}
	b := s.browser(ip)
	b.get("/admin/setup?t=" + url.QueryEscape(link.Token))
	b.want(200, "setup page")
	b.post("/admin/setup", "t", link.Token, "password", password, "password2", password)
	b.want(http.StatusSeeOther, "setup")
	m := &member{browser: b, id: acct.ID, email: acct.Email}
	if b.location() == "/admin" && !enroll {
		return m
	}
	b.get("/admin/enroll")
	b.want(200, "enroll page")
	sm := secretRe.FindStringSubmatch(b.body)
	if sm == nil {
		s.t.Fatalf("no secret on the enroll page:\n%s", b.body)
	}
	m.secret = sm[1]
	b.post("/admin/enroll", "code", m.code())
	b.want(200, "enroll")
	for _, c := range regexp.MustCompile(`<code>([a-z0-9-]+)</code>`).FindAllStringSubmatch(b.body, -1) {
		m.codes = append(m.codes, html.UnescapeString(c[1]))
	}
	if len(m.codes) != auth.RecoveryCodes {
		s.t.Fatalf("%d recovery codes shown", len(m.codes))
	}
	// That code's time step is used up; later codes come from the next.
	s.clock.Add(30 * time.Second)
	return m
}

func (m *member) code() string {
	c, err := totp.GenerateCode(m.secret, m.s.clock.Now())
	if err != nil {
		m.s.t.Fatal(err)
	}
	return c
}

func authClient() auth.Client { return auth.Client{} }
