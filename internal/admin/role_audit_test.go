package admin_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"qalam/internal/news"
)

// Every role change made on the People page is in the audit log: who made
// it (actor), whose role (target), in which service, what changed, and
// from which address. A refused change writes no role row.
func TestRoleChangesAudited(t *testing.T) {
	s := newStack(t)
	ctx := context.Background()
	boss := s.member("boss@example.org", adminG, "192.0.2.1", true)
	chief := s.member("chief@example.org", news.Grant{Service: "kk", Role: news.RoleChief}, "198.51.100.23", true)
	rep := s.member("rep@example.org", news.Grant{Service: "kk", Role: news.RoleReporter}, "192.0.2.2", false)
	other := s.member("chief2@example.org", news.Grant{Service: "kk", Role: news.RoleChief}, "192.0.2.3", true)

	roleRows := func() []news.AuditEntry {
		t.Helper()
		log, err := s.store.Audit(ctx, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		var rows []news.AuditEntry
		for _, e := range log {
			if strings.HasPrefix(e.Action, "role.") {
				rows = append(rows, e)
			}
		}
		return rows
	}
	// The rows' detail names grants as Grant.String does ("editor in ru").
	ruEditor := news.Grant{Service: "ru", Role: news.RoleEditor}
	kkEditor := news.Grant{Service: "kk", Role: news.RoleEditor}
	kkReporter := news.Grant{Service: "kk", Role: news.RoleReporter}
	if rows := roleRows(); len(rows) != 0 {
		t.Fatalf("role rows before any change: %+v", rows)
	}
	find := func(action, detail string) news.AuditEntry {
		t.Helper()
		var hits []news.AuditEntry
		for _, e := range roleRows() {
			if e.Action == action && e.Detail == detail {
				hits = append(hits, e)
			}
		}
		if len(hits) != 1 {
			t.Fatalf("%d %s rows with detail %q; role rows: %+v", len(hits), action, detail, roleRows())
		}
		return hits[0]
	}

	// The admin gives the reporter a role in a second service.
	boss.get("/admin/people")
	boss.post("/admin/people/"+rep.id+"/role", "grant", "ru:editor")
	boss.wantRedirect("/admin/people", "admin gives a role in ru")
	if e := find("role.set", ruEditor.String()); e.Actor != boss.id || e.Target != rep.id || e.Service != "ru" || e.IP != "192.0.2.1" || e.At.IsZero() {
		t.Errorf("role.set by the admin: %+v", e)
	}

	// The kk chief makes the reporter an editor: the row says from what to what.
	chief.get("/admin/people")
	chief.post("/admin/people/"+rep.id+"/role", "grant", "kk:editor")
	chief.wantRedirect("/admin/people", "chief promotes a reporter")
	if e := find("role.set", kkReporter.String()+" → "+kkEditor.String()); e.Actor != chief.id || e.Target != rep.id || e.Service != "kk" || e.IP != "198.51.100.23" {
		t.Errorf("role.set by the chief: %+v", e)
	}

	// The chief takes the role away again.
	chief.get("/admin/people")
	chief.post("/admin/people/"+rep.id+"/role", "grant", "kk:editor", "op", "remove")
	chief.wantRedirect("/admin/people", "chief removes a role")
	if e := find("role.remove", kkEditor.String()); e.Actor != chief.id || e.Target != rep.id || e.Service != "kk" || e.IP != "198.51.100.23" {
		t.Errorf("role.remove by the chief: %+v", e)
	}
	if acct, err := s.store.StaffAccount(ctx, rep.id); err != nil || len(acct.Grants) != 1 || acct.Grants[0] != ruEditor {
		t.Fatalf("grants after the changes: %v %v", acct.Grants, err)
	}

	// Refused: a chief may not demote another chief. Nothing changes, and
	// no role row is written.
	n := len(roleRows())
	chief.get("/admin/people")
	chief.post("/admin/people/"+other.id+"/role", "grant", "kk:reporter")
	chief.want(http.StatusForbidden, "chief demotes a chief")
	if rows := roleRows(); len(rows) != n {
		t.Errorf("a refused role change wrote a role row: %+v", rows[0])
	}

	// The admin reads the changes, with the address, on the audit page.
	boss.get("/admin/audit")
	boss.want(200, "audit page")
	for _, want := range []string{"role.set", "role.remove", "198.51.100.23"} {
		if !strings.Contains(boss.body, want) {
			t.Errorf("the audit page lacks %q", want)
		}
	}
}
