package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"qalam/internal/news"
)

// TestRoleMatrix drives every role against its own service (kk) and
// another (ru) over the admin's routes, showing the checks are made on
// the server: a form the page never offered is still refused.
func TestRoleMatrix(t *testing.T) {
	s := newStack(t)
	ctx := context.Background()
	actors := []struct {
		role  news.Role
		grant news.Grant
	}{
		{news.RoleAdmin, news.Grant{Role: news.RoleAdmin}},
		{news.RoleChief, news.Grant{Service: "kk", Role: news.RoleChief}},
		{news.RoleEditor, news.Grant{Service: "kk", Role: news.RoleEditor}},
		{news.RoleReporter, news.Grant{Service: "kk", Role: news.RoleReporter}},
		{news.RoleContributor, news.Grant{Service: "kk", Role: news.RoleContributor}},
	}
	// Targets to disable: a reporter in each service.
	targets := map[string]*member{
		"kk": s.member("target-kk@example.org", news.Grant{Service: "kk", Role: news.RoleReporter}, "192.0.2.200", false),
		"ru": s.member("target-ru@example.org", news.Grant{Service: "ru", Role: news.RoleReporter}, "192.0.2.201", false),
	}
	// want gives the status each role gets in kk (its own service) and ru.
	type want struct{ own, other int }
	const ok, redir, no = http.StatusOK, http.StatusSeeOther, http.StatusForbidden
	matrix := map[news.Role]map[string]want{
		news.RoleAdmin:       {"people": {ok, ok}, "invite": {ok, ok}, "invite-chief": {ok, ok}, "disable": {redir, redir}, "role": {redir, redir}, "audit": {ok, ok}},
		news.RoleChief:       {"people": {ok, ok}, "invite": {ok, no}, "invite-chief": {no, no}, "disable": {redir, no}, "role": {redir, no}, "audit": {no, no}},
		news.RoleEditor:      {"people": {no, no}, "invite": {no, no}, "invite-chief": {no, no}, "disable": {no, no}, "role": {no, no}, "audit": {no, no}},
		news.RoleReporter:    {"people": {no, no}, "invite": {no, no}, "invite-chief": {no, no}, "disable": {no, no}, "role": {no, no}, "audit": {no, no}},
		news.RoleContributor: {"people": {no, no}, "invite": {no, no}, "invite-chief": {no, no}, "disable": {no, no}, "role": {no, no}, "audit": {no, no}},
	}
	for i, a := range actors {
		m := s.member(fmt.Sprintf("%s@example.org", a.role), a.grant, fmt.Sprintf("192.0.2.%d", 10+i), false)
		for _, svc := range []string{"kk", "ru"} {
			w := matrix[a.role]
			pick := func(x want) int {
				if svc == "kk" {
					return x.own
				}
				return x.other
			}
			check := func(what string, wantStatus int) {
				t.Helper()
				if m.resp.StatusCode != wantStatus {
					t.Errorf("%s %s in %s: %d, want %d", a.role, what, svc, m.resp.StatusCode, wantStatus)
				}
			}
			m.get("/admin/people")
			check("GET /admin/people", w["people"].own) // not per service
			m.get("/admin/sessions")                    // a page every role has, for the form token
			m.post("/admin/people/invite", "email", fmt.Sprintf("inv-%s-%s@example.org", a.role, svc), "name", "Invitee", "grant", svc+":contributor")
			check("invite a contributor", pick(w["invite"]))
			m.get("/admin/sessions")
			m.post("/admin/people/invite", "email", fmt.Sprintf("chief-%s-%s@example.org", a.role, svc), "name", "Invitee", "grant", svc+":chief")
			check("invite a chief", pick(w["invite-chief"]))
			m.get("/admin/sessions")
			m.post("/admin/people/" + targets[svc].id + "/disable")
			check("disable a reporter", pick(w["disable"]))
			if acct, _ := s.store.StaffAccount(ctx, targets[svc].id); acct.Disabled != (pick(w["disable"]) == redir) {
				t.Errorf("%s disable in %s: disabled=%v", a.role, svc, acct.Disabled)
			}
			if err := s.store.SetDisabled(ctx, targets[svc].id, false); err != nil {
				t.Fatal(err)
			}
			m.get("/admin/sessions")
			m.post("/admin/people/"+targets[svc].id+"/role", "grant", svc+":editor")
			check("make a reporter an editor", pick(w["role"]))
			grants := []news.Grant{{Service: svc, Role: news.RoleReporter}}
			if pick(w["role"]) == redir {
				grants[0].Role = news.RoleEditor
			}
			if acct, _ := s.store.StaffAccount(ctx, targets[svc].id); len(acct.Grants) != 1 || acct.Grants[0] != grants[0] {
				t.Errorf("%s role change in %s: grants %v", a.role, svc, acct.Grants)
			}
			if err := s.store.SetGrants(ctx, targets[svc].id, []news.Grant{{Service: svc, Role: news.RoleReporter}}); err != nil {
				t.Fatal(err)
			}
			m.get("/admin/audit")
			check("GET /admin/audit", w["audit"].own)
		}
		// Nobody may make an admin but an admin.
		m.get("/admin/sessions")
		m.post("/admin/people/invite", "email", fmt.Sprintf("adm-%s@example.org", a.role), "name", "Invitee", "grant", ":admin")
		wantAdmin := no
		if a.role == news.RoleAdmin {
			wantAdmin = ok
		}
		if m.resp.StatusCode != wantAdmin {
			t.Errorf("%s invites an admin: %d, want %d", a.role, m.resp.StatusCode, wantAdmin)
		}
	}
	// A chief gives and takes roles below chief in their service only: not
	// another chief's, and never their own.
	chiefB := s.browser("192.0.2.98")
	chiefB.post("/admin/login", "email", "chief@example.org", "password", password)
	chiefB.get("/admin/2fa")
	chiefB.post("/admin/2fa", "code", (&member{browser: chiefB, secret: chiefSecret(t, s)}).code())
	other := s.member("chief2@example.org", news.Grant{Service: "kk", Role: news.RoleChief}, "192.0.2.97", true)
	chiefB.get("/admin/people")
	chiefB.post("/admin/people/"+other.id+"/role", "grant", "kk:reporter")
	chiefB.want(http.StatusForbidden, "chief demotes a chief")
	chiefB.get("/admin/people")
	chiefB.post("/admin/people/"+other.id+"/role", "grant", "kk:chief", "op", "remove")
	chiefB.want(http.StatusForbidden, "chief removes a chief")
	self, _ := s.store.StaffByEmail(ctx, "chief@example.org")
	chiefB.get("/admin/people")
	chiefB.post("/admin/people/"+self.ID+"/role", "grant", "kk:editor")
	chiefB.want(http.StatusBadRequest, "chief changes their own role")
	// Taking a role away ends the person's sessions.
	tk := targets["kk"]
	tk.post("/admin/login", "email", tk.email, "password", password)
	tk.get("/admin")
	tk.want(http.StatusOK, "target signed in")
	chiefB.get("/admin/people")
	chiefB.post("/admin/people/"+tk.id+"/role", "grant", "kk:reporter", "op", "remove")
	chiefB.wantRedirect("/admin/people", "chief removes a reporter")
	if acct, _ := s.store.StaffAccount(ctx, tk.id); len(acct.Grants) != 0 {
		t.Fatalf("grants after removal: %v", acct.Grants)
	}
	tk.get("/admin")
	tk.wantRedirect("/admin/login", "session after a role change")
	if err := s.store.SetGrants(ctx, tk.id, []news.Grant{{Service: "kk", Role: news.RoleReporter}}); err != nil {
		t.Fatal(err)
	}

	// A chief sees only the people of their services.
	b := s.browser("192.0.2.99")
	b.post("/admin/login", "email", "chief@example.org", "password", password)
	b.wantRedirect("/admin/2fa", "chief signs in")
	code := func() string { return (&member{browser: b, secret: chiefSecret(t, s)}).code() }
	b.get("/admin/2fa")
	b.post("/admin/2fa", "code", code())
	b.get("/admin/people")
	b.want(http.StatusOK, "chief's people page")
	if !strings.Contains(b.body, "target-kk@example.org") || strings.Contains(b.body, "target-ru@example.org") {
		t.Errorf("chief of kk sees:\n%s", b.body)
	}
}

// chiefSecret reads the chief's TOTP secret from the store.
func chiefSecret(t *testing.T, s *stack) string {
	t.Helper()
	a, err := s.store.StaffByEmail(context.Background(), "chief@example.org")
	if err != nil {
		t.Fatal(err)
	}
	fs, err := s.store.Factors(context.Background(), a.ID)
	if err != nil || len(fs) != 1 {
		t.Fatalf("chief's factors: %v %v", fs, err)
	}
	return fs[0].Data
}
