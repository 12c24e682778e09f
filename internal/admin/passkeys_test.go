package admin_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qalam/assets"
	"qalam/internal/admin"
	"qalam/internal/auth"
	"qalam/internal/config"
	"qalam/internal/news"
	"qalam/internal/sqlite"
)

// newLocalhostStack is newStack with the admin on http://localhost:PORT:
// WebAuthn refuses IP addresses as relying parties, so passkeys need a
// host name. (The ceremonies themselves run in e2e/passkey_test.go and
// internal/auth's tests.)
func newLocalhostStack(t *testing.T) *stack {
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
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	host := "localhost:" + port
	a, err := admin.New(admin.Config{Auth: au, Static: assets.LoadStatic(), Origin: config.Origin{Scheme: "http", Host: host},
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("::1/128")},
		NotFound:       http.NotFoundHandler()})
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

// jsonBody decodes a passkey endpoint's answer.
func jsonBody(t *testing.T, b *browser) map[string]any {
	t.Helper()
	if ct := b.resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("content type %q:\n%s", ct, b.body)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(b.body), &v); err != nil {
		t.Fatalf("%v:\n%s", err, b.body)
	}
	return v
}

func TestPasskeysOffOnIPOrigin(t *testing.T) {
	s := newStack(t)
	b := s.browser("203.0.113.5")
	b.get("/admin/login")
	b.want(200, "login page")
	if strings.Contains(b.body, "data-passkey") || strings.Contains(b.body, "admin-passkey") {
		t.Error("passkeys offered on an IP admin origin")
	}
	b.post("/admin/passkey/login/begin")
	b.want(http.StatusNotFound, "passkey endpoint on an IP origin")
}

func TestPasskeyEndpoints(t *testing.T) {
	s := newLocalhostStack(t)
	anon := s.browser("203.0.113.5")
	anon.get("/admin/login")
	anon.want(200, "login page")
	if !strings.Contains(anon.body, `data-passkey="login"`) || !strings.Contains(anon.body, `<script src="/assets/admin-passkey.`) {
		t.Fatalf("no passkey sign-in on the login page:\n%s", anon.body)
	}

	// Passwordless: the begin hands out options and a short-lived cookie.
	anon.post("/admin/passkey/login/begin")
	anon.want(200, "login begin")
	opts := jsonBody(t, anon)["publicKey"].(map[string]any)
	if ch, _ := base64.RawURLEncoding.DecodeString(opts["challenge"].(string)); len(ch) < 16 || opts["rpId"] != "localhost" ||
		opts["userVerification"] != "required" || opts["allowCredentials"] != nil {
		t.Fatalf("login options %s", anon.body)
	}
	var cookie *http.Cookie
	for _, c := range anon.resp.Cookies() {
		if c.Name == "__Host-qalam-passkey" {
			cookie = c
		}
	}
	if cookie == nil || !cookie.Secure || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode || cookie.Path != "/" ||
		cookie.MaxAge != int(auth.CeremonyTTL.Seconds()) {
		t.Fatalf("ceremony cookie %+v", cookie)
	}
	// A finish without the cookie (the browser helper does not keep it),
	// and a finish from another site.
	anon.post("/admin/passkey/login/finish", "credential", `{"id":"x"}`)
	anon.want(http.StatusBadRequest, "finish without a begin")
	if msg, _ := jsonBody(t, anon)["error"].(string); !strings.Contains(msg, "expired or was already used") {
		t.Fatalf("error %q", msg)
	}
	anon.do("POST", "/admin/passkey/login/begin", nil, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example")
	anon.want(http.StatusForbidden, "cross-site begin")

	// A signed-in editor.
	m := s.member("desk@example.org", news.Grant{Service: "kk", Role: news.RoleEditor}, "198.51.100.7", false)
	m.get("/admin/passkeys")
	m.want(200, "passkeys page")
	if !strings.Contains(m.body, "You have no passkey yet") || !strings.Contains(m.body, `data-passkey="register"`) ||
		!strings.Contains(m.body, `href="/admin/passkeys" aria-current="page"`) {
		t.Fatalf("passkeys page:\n%s", m.body)
	}
	csrf := m.csrf
	m.post("/admin/passkeys/register/begin", "name", "laptop", "csrf", "forged")
	m.want(http.StatusForbidden, "begin without the CSRF token")
	m.post("/admin/passkeys/register/begin", "name", "laptop", "csrf", csrf)
	m.want(200, "register begin")
	reg := jsonBody(t, m.browser)["publicKey"].(map[string]any)
	if reg["rp"].(map[string]any)["id"] != "localhost" || reg["user"].(map[string]any)["name"] != "desk@example.org" ||
		reg["authenticatorSelection"].(map[string]any)["residentKey"] != "required" {
		t.Fatalf("creation options %s", m.body)
	}
	m.post("/admin/passkeys/register/finish", "credential", `{"id":"x","type":"public-key"}`, "csrf", csrf)
	m.want(http.StatusUnauthorized, "a bad answer")
	m.post("/admin/passkeys/register/finish", "credential", `{"id":"x","type":"public-key"}`, "csrf", csrf)
	m.want(http.StatusBadRequest, "the ceremony used up")
	m.post("/admin/passkey/confirm/begin", "csrf", csrf)
	m.want(http.StatusBadRequest, "confirm without a passkey")
	if msg, _ := jsonBody(t, m.browser)["error"].(string); msg != "you have no passkey yet" {
		t.Fatalf("error %q", msg)
	}
	m.post("/admin/passkeys/nope/remove", "csrf", csrf)
	m.want(http.StatusNotFound, "removing an unknown passkey")
	// A signed-in person begins no passwordless sign-in.
	m.post("/admin/passkey/login/begin")
	m.want(http.StatusBadRequest, "passwordless while signed in")

	// The second-factor and confirm pages offer a passkey to those who
	// hold one.
	m.post("/admin/logout", "csrf", csrf)
	m.post("/admin/login", "email", m.email, "password", password)
	m.wantRedirect("/admin/2fa", "password")
	m.get("/admin/2fa")
	if strings.Contains(m.body, "data-passkey") {
		t.Fatal("a passkey offered to someone without one")
	}
	f := news.Factor{Staff: m.id, Kind: news.FactorPasskey, Name: "key", Data: `{"id":"AAAA"}`, Created: s.clock.Now()}
	if err := s.store.AddFactor(context.Background(), &f); err != nil {
		t.Fatal(err)
	}
	m.get("/admin/2fa")
	if !strings.Contains(m.body, `data-passkey="factor"`) || !strings.Contains(m.body, `data-begin="/admin/passkey/factor/begin"`) {
		t.Fatalf("factor page:\n%s", m.body)
	}
	m.post("/admin/passkey/factor/finish", "credential", "{}")
	m.want(http.StatusBadRequest, "factor finish without a begin")
	m.post("/admin/2fa", "code", m.code())
	m.wantRedirect("/admin", "second factor")
	m.get("/admin/confirm?next=/admin/people")
	if !strings.Contains(m.body, `data-passkey="confirm"`) || !strings.Contains(m.body, `name="next" value="/admin/people"`) {
		t.Fatalf("confirm page:\n%s", m.body)
	}
}
