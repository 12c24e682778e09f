package admin_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"qalam/internal/news"
)

// Editors and chiefs set and clear their service's banner (with a fresh
// second factor, audit-logged); reporters and other services' editors
// cannot, whatever form they send.
func TestBannerPage(t *testing.T) {
	s, _ := newCommentStack(t)
	ctx := context.Background()
	editor := s.member("editor@example.org", news.Grant{Service: "kk", Role: news.RoleEditor}, "192.0.2.3", true)
	reporter := s.member("reporter@example.org", news.Grant{Service: "kk", Role: news.RoleReporter}, "192.0.2.4", true)
	ruEditor := s.member("ru-editor@example.org", news.Grant{Service: "ru", Role: news.RoleEditor}, "192.0.2.5", true)

	editor.get("/admin/banner")
	editor.want(200, "banner page")
	if !strings.Contains(editor.body, "No banner is showing") || !strings.Contains(editor.body, `href="/admin/banner" aria-current="page"`) {
		t.Fatalf("banner page:\n%s", editor.body)
	}
	editor.post("/admin/banner", "service", "kk", "op", "set", "text", "Алматыда <b>жер</b> сілкінді", "link", "/kk/")
	editor.wantRedirect("/admin/banner?service=kk&done=set", "set the banner")
	b, err := s.store.Banner(ctx, "kk")
	if err != nil || !b.Active || b.Text != "Алматыда <b>жер</b> сілкінді" || b.Link != "/kk/" {
		t.Fatalf("banner %+v %v", b, err)
	}
	editor.get("/admin/banner?service=kk")
	if !strings.Contains(editor.body, "Алматыда &lt;b&gt;жер&lt;/b&gt; сілкінді") {
		t.Error("the banner's text is not shown escaped")
	}
	// A link that is not a site path or http(s) address is refused.
	editor.post("/admin/banner", "service", "kk", "op", "set", "text", "x", "link", "javascript:alert(1)")
	editor.want(http.StatusBadRequest, "a javascript: link")
	editor.get("/admin/banner")
	editor.post("/admin/banner", "service", "kk", "op", "clear")
	editor.wantRedirect("/admin/banner?service=kk&done=clear", "clear the banner")
	if b, _ := s.store.Banner(ctx, "kk"); b.Active || b.Text != "Алматыда <b>жер</b> сілкінді" {
		t.Errorf("after clearing: %+v", b)
	}
	// Others: a reporter of kk and an editor of ru.
	reporter.get("/admin/banner")
	reporter.want(http.StatusForbidden, "reporter's banner page")
	reporter.get("/admin/sessions")
	if strings.Contains(reporter.body, `href="/admin/banner"`) {
		t.Error("a reporter's navigation offers the banner")
	}
	reporter.post("/admin/banner", "service", "kk", "op", "set", "text", "reporter's banner")
	reporter.want(http.StatusForbidden, "reporter setting the banner")
	ruEditor.get("/admin/banner?service=kk")
	ruEditor.want(http.StatusForbidden, "ru editor on kk's banner")
	ruEditor.get("/admin/banner")
	ruEditor.post("/admin/banner", "service", "kk", "op", "set", "text", "wrong service")
	ruEditor.want(http.StatusForbidden, "ru editor setting kk's banner")
	if b, _ := s.store.Banner(ctx, "kk"); b.Active {
		t.Errorf("someone else's form set the banner: %+v", b)
	}
	// Audit rows for both changes, from the editor's address.
	log, err := s.store.Audit(ctx, 0, 200)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range log {
		if strings.HasPrefix(e.Action, "banner.") && e.Actor == editor.id && e.Service == "kk" && e.IP == "192.0.2.3" {
			seen[e.Action] = true
		}
	}
	if !seen["banner.set"] || !seen["banner.clear"] {
		t.Errorf("audit: %v", seen)
	}
	// A stale factor is asked for again.
	s.clock.Add(16 * time.Minute)
	editor.get("/admin/banner")
	editor.post("/admin/banner", "service", "kk", "op", "set", "text", "late")
	if !strings.HasPrefix(editor.location(), "/admin/confirm") {
		t.Errorf("stale factor: %d %s", editor.resp.StatusCode, editor.location())
	}
}
