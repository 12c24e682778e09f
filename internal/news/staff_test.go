package news

import "testing"

func TestAllowed(t *testing.T) {
	chiefKK := []Grant{{Service: "kk", Role: RoleChief}, {Service: "ru", Role: RoleContributor}}
	for _, tc := range []struct {
		grants  []Grant
		act     Action
		service string
		want    bool
	}{
		{chiefKK, ActBanner, "kk", true},
		{chiefKK, ActPublish, "kk", true},
		{chiefKK, ActWrite, "ru", true},
		{chiefKK, ActFile, "ru", false},
		{chiefKK, ActPublish, "ru", false},
		{chiefKK, ActPublish, "fa", false},
		{chiefKK, ActServices, "", false},
		{chiefKK, ActAudit, "kk", false},
		{chiefKK, ActWrite, "", false},
		{[]Grant{{Role: RoleAdmin}}, ActServices, "", true},
		{[]Grant{{Role: RoleAdmin}}, ActBanner, "fa", true},
		{[]Grant{{Service: "kk", Role: RoleEditor}}, ActPublish, "kk", true},
		{[]Grant{{Service: "kk", Role: RoleEditor}}, ActStaff, "kk", false},
		{[]Grant{{Service: "kk", Role: RoleEditor}}, ActBanner, "kk", true},
		{[]Grant{{Service: "kk", Role: RoleEditor}}, ActBanner, "ru", false},
		{[]Grant{{Service: "kk", Role: RoleReporter}}, ActBanner, "kk", false},
		{[]Grant{{Service: "kk", Role: RoleReporter}}, ActPublish, "kk", false},
		{[]Grant{{Service: "kk", Role: RoleReporter}}, ActFile, "kk", true},
		{[]Grant{{Service: "kk", Role: RoleContributor}}, ActWrite, "kk", true},
		{[]Grant{{Service: "kk", Role: RoleContributor}}, ActFile, "kk", false},
		{[]Grant{{Service: "kk", Role: RoleAdmin}}, Action("nope"), "kk", false},
		{nil, ActWrite, "kk", false},
	} {
		if got := Allowed(tc.grants, tc.act, tc.service); got != tc.want {
			t.Errorf("Allowed(%v, %s, %q) = %v", tc.grants, tc.act, tc.service, got)
		}
	}
	// Every action is named, ranked and at least an editor's if sensitive.
	for _, a := range Actions() {
		if Sensitive(a) && minRole[a].Rank() < RoleEditor.Rank() {
			t.Errorf("sensitive action %s open to %s", a, minRole[a])
		}
	}
}

func TestGrantRules(t *testing.T) {
	admin := []Grant{{Role: RoleAdmin}}
	chief := []Grant{{Service: "kk", Role: RoleChief}}
	for _, tc := range []struct {
		by   []Grant
		g    Grant
		want bool
	}{
		{admin, Grant{Role: RoleAdmin}, true},
		{admin, Grant{Service: "ru", Role: RoleChief}, true},
		{chief, Grant{Service: "kk", Role: RoleEditor}, true},
		{chief, Grant{Service: "kk", Role: RoleChief}, false},
		{chief, Grant{Service: "ru", Role: RoleContributor}, false},
		{chief, Grant{Role: RoleAdmin}, false},
		{admin, Grant{Service: "kk", Role: RoleAdmin}, false}, // malformed
		{admin, Grant{Role: RoleEditor}, false},               // no service
	} {
		if got := CanGrant(tc.by, tc.g); got != tc.want {
			t.Errorf("CanGrant(%v, %v) = %v", tc.by, tc.g, got)
		}
	}
	if !CanManage(chief, []Grant{{Service: "kk", Role: RoleReporter}}) ||
		CanManage(chief, []Grant{{Service: "kk", Role: RoleReporter}, {Service: "ru", Role: RoleReporter}}) ||
		CanManage(chief, []Grant{{Service: "kk", Role: RoleChief}}) || CanManage(chief, nil) || !CanManage(admin, nil) {
		t.Error("CanManage")
	}
	if _, err := ParseRole("king"); err == nil {
		t.Error("ParseRole accepted king")
	}
}
