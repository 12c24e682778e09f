package admin_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"qalam/internal/news"
)

// Admins edit the mirror list from the admin, with a fresh second factor;
// each change is audit-logged; nobody else may, whatever form they send.
func TestMirrorsPage(t *testing.T) {
	s := newStack(t)
	ctx := context.Background()
	admin := s.member("admin@example.org", news.Grant{Role: news.RoleAdmin}, "192.0.2.1", true)
	chief := s.member("chief@example.org", news.Grant{Service: "kk", Role: news.RoleChief}, "192.0.2.2", true)

	admin.get("/admin/mirrors")
	admin.want(200, "mirrors page")
	if !strings.Contains(admin.body, "No mirrors yet") || !strings.Contains(admin.body, `href="/admin/mirrors" aria-current="page"`) {
		t.Fatalf("empty mirrors page:\n%s", admin.body)
	}
	admin.post("/admin/mirrors", "flags", "set", "origin", "https://Kokpar.example.net/", "kind", "mirror", "position", "2", "note", "Almaty office", "listed", "on", "active", "on")
	admin.wantRedirect("/admin/mirrors?done=add", "add a mirror")
	admin.get("/admin/mirrors")
	admin.post("/admin/mirrors", "flags", "set", "origin", "http://zhasylaulaxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion", "kind", "onion", "active", "on")
	admin.wantRedirect("/admin/mirrors?done=add", "add an onion")
	ms, err := s.store.Mirrors(ctx)
	if err != nil || len(ms) != 2 {
		t.Fatalf("mirrors %+v %v", ms, err)
	}
	kokpar := ms[1]
	if ms[0].Kind != news.MirrorOnion || ms[0].Listed || kokpar.Origin != "https://kokpar.example.net" || !kokpar.Listed || !kokpar.Active || kokpar.Note != "Almaty office" || kokpar.Position != 2 {
		t.Errorf("stored %+v", ms)
	}
	admin.get("/admin/mirrors")
	if strings.Count(admin.body, `data-qalam="mirror"`) != 2 || !strings.Contains(admin.body, "served, unlisted") {
		t.Errorf("mirrors page lists:\n%s", admin.body)
	}
	// A bad address is refused with the rule, and nothing is stored.
	admin.post("/admin/mirrors", "flags", "set", "origin", "javascript:alert(1)", "kind", "mirror")
	admin.want(http.StatusBadRequest, "a bad origin")
	// Disable, then remove.
	admin.get("/admin/mirrors")
	admin.post("/admin/mirrors", "id", kokpar.ID, "active-to", "off")
	admin.wantRedirect("/admin/mirrors?done=change", "disable")
	if ms, _ := s.store.Mirrors(ctx); ms[1].Active || !ms[1].Listed || ms[1].Note != "Almaty office" {
		t.Errorf("after disable: %+v", ms[1])
	}
	admin.get("/admin/mirrors")
	admin.post("/admin/mirrors/" + kokpar.ID + "/delete")
	admin.wantRedirect("/admin/mirrors?done=remove", "remove")
	if ms, _ := s.store.Mirrors(ctx); len(ms) != 1 {
		t.Errorf("after remove: %+v", ms)
	}
	// Every change is in the audit log, with the address it came from.
	log, err := s.store.Audit(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, e := range log {
		if strings.HasPrefix(e.Action, "mirror.") {
			seen[e.Action]++
			if e.Actor != admin.id || e.IP != "192.0.2.1" {
				t.Errorf("audit %s by %q from %q", e.Action, e.Actor, e.IP)
			}
		}
	}
	if seen["mirror.add"] != 2 || seen["mirror.change"] != 1 || seen["mirror.remove"] != 1 {
		t.Errorf("audit entries %v", seen)
	}

	// A chief sees no mirrors page and cannot post to it.
	chief.get("/admin/mirrors")
	chief.want(http.StatusForbidden, "chief on the mirrors page")
	chief.get("/admin/sessions")
	if strings.Contains(chief.body, `href="/admin/mirrors"`) {
		t.Error("a chief's navigation offers the mirrors page")
	}
	chief.post("/admin/mirrors", "flags", "set", "origin", "https://evil.example.net", "kind", "mirror", "active", "on", "listed", "on")
	chief.want(http.StatusForbidden, "chief adding a mirror")
	if ms, _ := s.store.Mirrors(ctx); len(ms) != 1 {
		t.Errorf("a chief's form changed the mirrors: %+v", ms)
	}

	// Fifteen minutes after the second factor, a change asks for it again.
	s.clock.Add(15*time.Minute + time.Second)
	admin.get("/admin/mirrors")
	admin.want(200, "viewing needs no fresh factor")
	admin.post("/admin/mirrors", "flags", "set", "origin", "https://late.example.net", "kind", "mirror", "active", "on")
	if !strings.HasPrefix(admin.location(), "/admin/confirm") {
		t.Errorf("a stale factor was not asked again: %d %s", admin.resp.StatusCode, admin.location())
	}
	if ms, _ := s.store.Mirrors(ctx); len(ms) != 1 {
		t.Errorf("a change with a stale factor was stored: %+v", ms)
	}
}
