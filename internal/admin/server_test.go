package admin_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"qalam/internal/servertest"
)

// Through the whole server: /admin answers on the admin origin only, with
// the admin's CSP; any other host the site serves (a mirror) gets the
// site's plain 404.
func TestMountedOnAdminOriginOnly(t *testing.T) {
	e := servertest.Demo(t)
	if e.Opts.AdminOrigin.Host != e.Host {
		t.Fatalf("admin origin %v, server %s", e.Opts.AdminOrigin, e.Host)
	}
	resp, body := e.Get(t, "/admin/login")
	if resp.StatusCode != 200 || !strings.Contains(body, `name="password"`) {
		t.Fatalf("admin origin: %d\n%s", resp.StatusCode, body)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "'unsafe-inline'") {
		t.Fatalf("CSP %q", csp)
	}
	_, port, _ := strings.Cut(e.Host, ":")
	for _, p := range []string{"/admin", "/admin/", "/admin/login", "/admin/setup?t=x"} {
		resp, body := e.Get(t, p, "Host", "localhost:"+port)
		if resp.StatusCode != http.StatusNotFound || strings.Contains(body, "qalam newsroom") {
			t.Errorf("%s on another host: %d", p, resp.StatusCode)
		}
		if csp := resp.Header.Get("Content-Security-Policy"); strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s on another host answered by the admin", p)
		}
	}
	// A cross-site post is refused before any work.
	req, _ := http.NewRequest("POST", e.URL+"/admin/login", strings.NewReader(url.Values{"email": {"a@b.c"}, "password": {"x"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	r, err := e.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site post: %d", r.StatusCode)
	}
}
