package admin_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"qalam/internal/admin"
	"qalam/internal/news"
)

// lockBeat is the editor's lock heartbeat as the bundle sends it: the
// CSRF token as header and field (token "" sends neither).
type lockBeat struct {
	Held     *bool
	By, At   string
	Takeover bool
	Error    string
}

func beat(t *testing.T, m *member, id, token string) (int, lockBeat) {
	t.Helper()
	f := url.Values{}
	var h []string
	if token != "" {
		f.Set("csrf", token)
		h = []string{"X-CSRF-Token", token}
	}
	status, raw := m.do("POST", "/admin/stories/"+id+"/lock", f, append(h, "Accept", "application/json")...)
	var v lockBeat
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		t.Fatalf("heartbeat answered %d %q", status, raw)
	}
	return status, v
}

// TestLockHeartbeat: the open editor's heartbeat keeps its holder's lock
// past the idle time; after a takeover the displaced person's heartbeat is
// told who took it and when, and never takes it back (not while the taker
// is idle, nor after they close it); a colleague's heartbeat does not take
// a lock someone holds; no CSRF token, another service's reporter, a
// signed-out browser and a story submitted for review are refused.
func TestLockHeartbeat(t *testing.T) {
	d := newDemo(t)
	ctx := context.Background()
	rep := d.person("aigerim@example.org", news.Grant{Service: "kk", Role: news.RoleReporter})
	ed := d.person("bolat@example.org", news.Grant{Service: "kk", Role: news.RoleEditor})
	ed2 := d.person("chen@example.org", news.Grant{Service: "kk", Role: news.RoleEditor})
	other := d.person("dana@example.org", news.Grant{Service: "ru", Role: news.RoleReporter})
	id := create(t, rep, d.section("kk").ID, "Steppe wells run dry")
	open(t, rep, id)
	if !strings.Contains(rep.body, `data-lock-url="/admin/stories/`+id+`/lock"`) {
		t.Fatalf("the editor page has no heartbeat address:\n%s", rep.body)
	}
	lock := func() news.EditLock {
		t.Helper()
		l, err := d.store.Lock(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	opened := d.clock.Now()

	// The heartbeat keeps the lock: 8 minutes after opening (past
	// LockIdle) it is still held, and a colleague finds the story locked.
	for range 2 {
		d.advance(4 * time.Minute)
		st, v := beat(t, rep, id, rep.csrf)
		if st != http.StatusOK || v.Held == nil || !*v.Held {
			t.Fatalf("the holder's heartbeat: %d %+v", st, v)
		}
	}
	if now := d.clock.Now(); now.Sub(opened) <= admin.LockIdle || !lock().Held(now, admin.LockIdle) || lock().Holder != rep.id {
		t.Fatalf("the lock lapsed despite the heartbeat: %+v at %v", lock(), now)
	}
	ed.get("/admin/stories/" + id)
	if !strings.Contains(ed.body, `data-qalam="locked"`) {
		t.Fatalf("the editor does not find the story locked:\n%s", ed.body)
	}
	// A colleague's heartbeat (from a stale page) does not take a held lock.
	st, v := beat(t, ed2, id, csrfOf(t, ed2))
	if st != http.StatusConflict || v.Held == nil || *v.Held || v.By != "Name aigerim@example.org" || v.Takeover {
		t.Fatalf("a colleague's heartbeat: %d %+v", st, v)
	}
	if lock().Holder != rep.id {
		t.Fatal("a colleague's heartbeat took the lock")
	}

	// The editor takes it over: the reporter's heartbeat says who and when.
	ed.post("/admin/stories/" + id + "/takeover")
	ed.want(http.StatusSeeOther, "takeover")
	taken := d.clock.Now().UTC().Format(time.RFC3339)
	st, v = beat(t, rep, id, rep.csrf)
	if st != http.StatusConflict || v.Held == nil || *v.Held || v.By != "Name bolat@example.org" || !v.Takeover || v.At != taken {
		t.Fatalf("the displaced reporter's heartbeat: %d %+v (taken at %s)", st, v, taken)
	}
	if l := lock(); l.Holder != ed.id || l.Displaced != rep.id {
		t.Fatalf("the heartbeat took the lock back: %+v", l)
	}
	// Not even once the editor has been idle past LockIdle.
	d.advance(admin.LockIdle + time.Minute)
	st, v = beat(t, rep, id, rep.csrf)
	if st != http.StatusConflict || v.By != "Name bolat@example.org" || !v.Takeover {
		t.Fatalf("the displaced reporter's heartbeat after the editor idled: %d %+v", st, v)
	}
	if l := lock(); l.Holder != ed.id {
		t.Fatalf("the heartbeat took an idle lock back: %+v", l)
	}
	// Nor after the editor closed the story: it was taken over, by whom is
	// no longer known.
	ed.get("/admin/stories/" + id)
	ed.post("/admin/stories/" + id + "/release")
	ed.want(http.StatusSeeOther, "release")
	st, v = beat(t, rep, id, rep.csrf)
	if st != http.StatusConflict || v.Held == nil || *v.Held || v.By != "" || !v.Takeover {
		t.Fatalf("the displaced reporter's heartbeat after the release: %d %+v", st, v)
	}
	if l := lock(); l.Holder != "" {
		t.Fatalf("the heartbeat took a released lock taken from its sender: %+v", l)
	}
	// Opening the story again gives it back; the heartbeat then holds it.
	open(t, rep, id)
	if st, v := beat(t, rep, id, rep.csrf); st != http.StatusOK || v.Held == nil || !*v.Held {
		t.Fatalf("the heartbeat after reopening: %d %+v", st, v)
	}
	// A colleague opening the story after the reporter's lock lapsed: the
	// reporter's heartbeat is told who opened it, not a takeover.
	d.advance(admin.LockIdle + time.Minute)
	ed2.get("/admin/stories/" + id)
	ed2.want(http.StatusOK, "colleague opens")
	st, v = beat(t, rep, id, rep.csrf)
	if st != http.StatusConflict || v.By != "Name chen@example.org" || v.Takeover || v.At != d.clock.Now().UTC().Format(time.RFC3339) {
		t.Fatalf("the heartbeat after the lock lapsed and a colleague opened it: %d %+v", st, v)
	}
	if l := lock(); l.Holder != ed2.id {
		t.Fatalf("the lapsed holder's heartbeat took the lock: %+v", l)
	}

	// Refusals, none of which touches the lock.
	before := lock()
	for _, c := range []struct {
		what   string
		m      *member
		token  string
		status int
	}{
		{"no CSRF token", ed2, "", http.StatusForbidden},
		{"a wrong CSRF token", ed2, "x" + ed2.csrf, http.StatusForbidden},
		{"another service's reporter", other, csrfOf(t, other), http.StatusForbidden},
	} {
		st, v := beat(t, c.m, id, c.token)
		if st != c.status || v.Error == "" || v.Held != nil {
			t.Errorf("%s: %d %+v, want %d with an error", c.what, st, v, c.status)
		}
	}
	st, v = beat(t, ed2, "aaaaaaaaaaaa", ed2.csrf)
	if st != http.StatusNotFound || v.Error == "" {
		t.Errorf("an unknown story: %d %+v", st, v)
	}
	signedOut := &member{browser: d.browser("192.0.2.10")}
	if st, v := beat(t, signedOut, id, "token"); st != http.StatusUnauthorized || v.Error == "" {
		t.Errorf("signed out: %d %+v", st, v)
	}
	if after := lock(); after != before {
		t.Errorf("a refused heartbeat changed the lock: %+v, was %+v", after, before)
	}
	// Submitted for review, the story is no longer the reporter's to edit.
	ed2.post("/admin/stories/" + id + "/release")
	rep.get("/admin/stories/" + id)
	rep.post("/admin/stories/" + id + "/submit")
	rep.want(http.StatusSeeOther, "submit")
	if st, v := beat(t, rep, id, rep.csrf); st != http.StatusForbidden || v.Error == "" {
		t.Errorf("the heartbeat of a submitted story's writer: %d %+v", st, v)
	}
}

// csrfOf loads a page for m's CSRF token.
func csrfOf(t *testing.T, m *member) string {
	t.Helper()
	m.get("/admin/stories")
	m.want(http.StatusOK, "stories page")
	if m.csrf == "" {
		t.Fatal("no CSRF token on the stories page")
	}
	return m.csrf
}
