package admin_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"qalam/internal/news"
)

// A chief edits their service's sections, promo text and notices (with
// countries); an editor cannot; notices need a fresh factor; the admin
// sees every service; all of it is audit-logged.
func TestServicePage(t *testing.T) {
	s, _ := newCommentStack(t)
	ctx := context.Background()
	chief := s.member("chief@example.org", news.Grant{Service: "kk", Role: news.RoleChief}, "192.0.2.6", true)
	editor := s.member("editor@example.org", news.Grant{Service: "kk", Role: news.RoleEditor}, "192.0.2.7", true)
	admin := s.member("admin@example.org", news.Grant{Role: news.RoleAdmin}, "192.0.2.8", true)

	chief.get("/admin/service")
	chief.want(200, "service page")
	if !strings.Contains(chief.body, `href="/admin/service" aria-current="page"`) {
		t.Fatalf("service page:\n%s", chief.body)
	}
	chief.post("/admin/service/sections", "service", "kk", "name", "Экономика", "slug", "ekonomika", "position", "2")
	chief.wantRedirect("/admin/service?service=kk&done=section", "add a section")
	sec, err := s.store.SectionBySlug(ctx, "kk", "ekonomika")
	if err != nil || sec.Name != "Экономика" || sec.Position != 2 {
		t.Fatalf("section %+v %v", sec, err)
	}
	chief.get("/admin/service")
	chief.post("/admin/service/sections", "service", "kk", "id", sec.ID, "name", "Экономика және қаржы", "position", "3")
	chief.wantRedirect("/admin/service?service=kk&done=section", "rename")
	if sec, _ = s.store.SectionBySlug(ctx, "kk", "ekonomika"); sec.Name != "Экономика және қаржы" || sec.Position != 3 {
		t.Errorf("renamed %+v", sec)
	}
	chief.get("/admin/service")
	chief.post("/admin/service/sections", "service", "kk", "name", "Bad", "slug", "Bad Slug/..")
	chief.want(http.StatusBadRequest, "a bad slug")
	chief.get("/admin/service")
	chief.post("/admin/service/promo", "service", "kk", "promo", "  Тәуелсіз   жаңалықтар  ")
	chief.wantRedirect("/admin/service?service=kk&done=promo", "promo")
	if svc, _ := s.store.Service(ctx, "kk"); svc.Promo.Plain() != "Тәуелсіз жаңалықтар" {
		t.Errorf("promo %q", svc.Promo.Plain())
	}
	chief.get("/admin/service")
	chief.post("/admin/service/notices", "service", "kk", "fields", "set", "title", "Ресейдегі оқырмандарға", "body", "Бұл сайтты оқу қауіпті болуы мүмкін.", "countries", "ru, by ru", "active", "on")
	chief.wantRedirect("/admin/service?service=kk&done=notice", "add a notice")
	ns, _ := s.store.Notices(ctx, "kk")
	if len(ns) != 1 || strings.Join(ns[0].Countries, " ") != "BY RU" || !ns[0].Active {
		t.Fatalf("notices %+v", ns)
	}
	chief.get("/admin/service")
	chief.post("/admin/service/notices", "service", "kk", "fields", "set", "title", "x", "countries", "RUS")
	chief.want(http.StatusBadRequest, "a bad country code")
	chief.get("/admin/service")
	chief.post("/admin/service/notices", "service", "kk", "id", ns[0].ID, "active-to", "off")
	chief.wantRedirect("/admin/service?service=kk&done=notice", "hide")
	if ns, _ = s.store.Notices(ctx, "kk"); ns[0].Active || ns[0].Title != "Ресейдегі оқырмандарға" {
		t.Errorf("after hiding %+v", ns[0])
	}
	// Another service's notice cannot be reached through one's own.
	ru := news.Notice{Service: "ru", Title: "ru notice", Active: true}
	if err := s.store.PutNotice(ctx, &ru); err != nil {
		t.Fatal(err)
	}
	chief.get("/admin/service")
	chief.post("/admin/service/notices/"+ru.ID+"/delete", "service", "kk")
	chief.want(http.StatusNotFound, "delete ru's notice through kk")
	chief.post("/admin/service/notices/"+ru.ID+"/delete", "service", "ru")
	chief.want(http.StatusForbidden, "delete ru's notice")
	// An editor has no service page.
	editor.get("/admin/service")
	editor.want(http.StatusForbidden, "editor")
	editor.get("/admin/sessions")
	editor.post("/admin/service/promo", "service", "kk", "promo", "editor's promo")
	editor.want(http.StatusForbidden, "editor's promo")
	// Notices ask for the second factor again after 15 minutes.
	s.clock.Add(16 * time.Minute)
	chief.get("/admin/service")
	chief.post("/admin/service/notices/"+ns[0].ID+"/delete", "service", "kk")
	if !strings.HasPrefix(chief.location(), "/admin/confirm") {
		t.Errorf("stale factor: %d %s", chief.resp.StatusCode, chief.location())
	}
	// The admin may edit any service.
	admin.get("/admin/service?service=ru")
	admin.want(200, "admin on ru")
	if !strings.Contains(admin.body, `href="/admin/service"`) || !strings.Contains(admin.body, "ru notice") {
		t.Error("the admin's service page for ru")
	}
	log, _ := s.store.Audit(ctx, 0, 200)
	n := 0
	for _, e := range log {
		if strings.HasPrefix(e.Action, "section.") || strings.HasPrefix(e.Action, "notice.") || e.Action == "promo.put" {
			n++
		}
	}
	if n != 5 {
		t.Errorf("%d audit rows for service changes, want 5", n)
	}
}
