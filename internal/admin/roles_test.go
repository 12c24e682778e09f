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
		news.RoleAdmin:       {"people": {ok, ok}, "invite": {ok, ok}, "invite-chief": {ok, ok}, "disable": {redir, redir}, "audit": {ok, ok}},
		news.RoleChief:       {"people": {ok, ok}, "invite": {ok, no}, "invite-chief": {no, no}, "disable": {redir, no}, "audit": {no, no}},
		news.RoleEditor:      {"people": {no, no}, "invite": {no, no}, "invite-chief": {no, no}, "disable": {no, no}, "audit": {no, no}},
		news.RoleReporter:    {"people": {no, no}, "invite": {no, no}, "invite-chief": {no, no}, "disable": {no, no}, "audit": {no, no}},
		news.RoleContributor: {"people": {no, no}, "invite": {no, no}, "invite-chief": {no, no}, "disable": {no, no}, "audit": {no, no}},
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
