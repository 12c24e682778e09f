package admin_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"qalam/internal/auth"
	"qalam/internal/editor"
	"qalam/internal/news"
	"qalam/internal/servertest"
)

// demoStack is the admin test stack over the real server (servertest) on
// a copy of the demo newsroom: the admin, the reader site, the API and
// preview links on one loopback origin. The stack's clock drives the
// server's, so TOTP codes and freshness agree.
type demoStack struct {
	*stack
	env *servertest.Env
}

func newDemo(t *testing.T) *demoStack {
	t.Helper()
	env := servertest.Demo(t)
	c := &clock{t: env.Clock.Now()}
	au := auth.New(auth.Config{Store: env.Store, Now: c.Now, Params: auth.Params{Time: 1, Memory: 1024, Threads: 1}, Services: env.Store.Services})
	return &demoStack{stack: &stack{t: t, store: env.Store, clock: c, auth: au, url: env.URL, host: env.Host}, env: env}
}

func (d *demoStack) sync()                   { d.env.Clock.Set(d.clock.Now()) }
func (d *demoStack) advance(x time.Duration) { d.clock.Add(x); d.sync() }

func (d *demoStack) person(email string, g news.Grant) *member {
	d.t.Helper()
	d.sync()
	m := d.member(email, g, "192.0.2.9", g.Role.Rank() >= news.RoleEditor.Rank())
	d.sync()
	return m
}

var storyPathRe = regexp.MustCompile(`^/admin/stories/([a-z2-7]{12})(\?.*)?$`)

// create makes a story through the form and returns its ID.
func create(t *testing.T, m *member, section, headline string) string {
	t.Helper()
	m.get("/admin/stories/new")
	m.want(200, "new story page")
	m.post("/admin/stories/new", "section", section, "headline", headline)
	m.want(http.StatusSeeOther, "create")
	sm := storyPathRe.FindStringSubmatch(m.location())
	if sm == nil {
		t.Fatalf("created story at %q", m.location())
	}
	return sm[1]
}

func bodyJSON(t *testing.T, paras ...string) string {
	t.Helper()
	d := news.Doc{Version: news.DocVersion}
	for _, p := range paras {
		d.Blocks = append(d.Blocks, news.Block{Type: news.BlockParagraph, Text: news.Text(p)})
	}
	raw, err := editor.ToEditor(d)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// autosave posts as the editor bundle does and returns the status and the
// revision or error message.
func autosave(t *testing.T, m *member, id, base, body string) (int, string) {
	t.Helper()
	status, raw := m.do("POST", "/admin/stories/"+id+"/save", url.Values{"body": {body}, "base_revision": {base}, "csrf": {m.csrf}},
		"Accept", "application/json, text/plain", "X-CSRF-Token", m.csrf)
	var v struct{ Revision, Error string }
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		t.Fatalf("autosave answered %d %q", status, raw)
	}
	if status == 200 {
		return status, v.Revision
	}
	return status, v.Error
}

var headRe = regexp.MustCompile(`name="base_revision" value="([a-z2-7]{12})"`)

// open loads the editor page and returns the revision it edits.
func open(t *testing.T, m *member, id string) string {
	t.Helper()
	m.get("/admin/stories/" + id)
	m.want(200, "story page")
	sm := headRe.FindStringSubmatch(m.body)
	if sm == nil {
		t.Fatalf("no base revision on the page:\n%s", m.body)
	}
	return sm[1]
}

func (d *demoStack) section(service string) news.Section {
	d.t.Helper()
	secs, err := d.store.Sections(context.Background(), service)
	if err != nil || len(secs) == 0 {
		d.t.Fatalf("sections of %s: %v", service, err)
	}
	return secs[0]
}

func (d *demoStack) story(id string) news.Story {
	d.t.Helper()
	st, err := d.store.Story(context.Background(), id)
	if err != nil {
		d.t.Fatal(err)
	}
	return st
}

// reader fetches a reader page after the content version was checked.
func (d *demoStack) reader(path string) (int, string) {
	d.t.Helper()
	d.env.Fresh(d.t)
	resp, body := d.env.Get(d.t, path)
	return resp.StatusCode, body
}

func (d *demoStack) readerPath(id string) string {
	d.t.Helper()
	st := d.story(id)
	sec, err := d.store.Section(context.Background(), st.SectionID)
	if err != nil {
		d.t.Fatal(err)
	}
	return "/" + st.Service + "/" + sec.Slug + "/" + st.Slug + "-" + st.ID
}

// confirm gives the second factor again on the confirm page.
func confirm(t *testing.T, m *member) {
	t.Helper()
	if !strings.HasPrefix(m.location(), "/admin/confirm") {
		t.Fatalf("not sent to confirm: %d %q", m.resp.StatusCode, m.location())
	}
	next := m.location()
	m.get(next)
	m.want(200, "confirm page")
	u, _ := url.Parse(next)
	m.post("/admin/confirm", "code", m.code(), "next", u.Query().Get("next"))
	m.want(http.StatusSeeOther, "confirm")
}

// TestStoryFlow is the whole path: a reporter writes a draft (autosave and
// the form), submits it; an editor approves it and publishes with a fresh
// second factor; readers and the API see it; a newer revision stays
// pending while the live one stays up, until it is published too.
func TestStoryFlow(t *testing.T) {
	d := newDemo(t)
	rep := d.person("rep@example.org", news.Grant{Service: "kk", Role: news.RoleReporter})
	ed := d.person("ed@example.org", news.Grant{Service: "kk", Role: news.RoleEditor})
	sec := d.section("kk")

	id := create(t, rep, sec.ID, "Алматыда су тасқыны")
	base := open(t, rep, id)
	if !strings.Contains(rep.body, `data-qalam-editor`) || !strings.Contains(rep.body, `data-save-url="/admin/stories/`+id+`/save"`) {
		t.Fatalf("no editor on the page:\n%s", rep.body)
	}
	csp := rep.resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe") {
		t.Errorf("editor page CSP %q", csp)
	}
	st, rev := autosave(t, rep, id, base, bodyJSON(t, "Өзен арнасынан асты."))
	if st != 200 || rev == base || rev == "" {
		t.Fatalf("autosave: %d %q", st, rev)
	}
	// The form, still naming the revision it was loaded with, carries on
	// from its own autosave.
	rep.post("/admin/stories/"+id, "base_revision", base, "headline", "Алматыда су тасқыны", "deck", "Қала орталығын су басты",
		"dateline", "АЛМАТЫ", "slug", "almaty-flood", "section", sec.ID, "body", bodyJSON(t, "Өзен арнасынан асты.", "Екінші абзац."))
	rep.want(http.StatusSeeOther, "form save")
	s := d.story(id)
	if s.Slug != "almaty-flood" || s.Status != news.StatusDraft || s.Pub != news.PubNone {
		t.Fatalf("after save: %+v", s)
	}
	// Not public yet: 404 on the site.
	if code, _ := d.reader(d.readerPath(id)); code != 404 {
		t.Errorf("draft on the site: %d", code)
	}
	rep.get("/admin/stories/" + id)
	rep.post("/admin/stories/" + id + "/submit")
	rep.want(http.StatusSeeOther, "submit")
	if s := d.story(id); s.Status != news.StatusReview {
		t.Fatalf("status %s", s.Status)
	}
	// The reporter may no longer edit nor publish it.
	rep.get("/admin/stories/" + id)
	if st, msg := autosave(t, rep, id, d.story(id).HeadRev, bodyJSON(t, "late")); st != 403 || msg == "" {
		t.Errorf("reporter edit in review: %d %q", st, msg)
	}
	rep.post("/admin/stories/"+id+"/publish", "revision", d.story(id).HeadRev)
	rep.want(http.StatusForbidden, "reporter publish")

	// The editor finds it in the review list and approves it.
	ed.get("/admin/stories?service=kk&status=review")
	ed.want(200, "review list")
	if !strings.Contains(ed.body, `data-story="`+id+`"`) {
		t.Fatalf("story not in the review list:\n%s", ed.body)
	}
	ed.get("/admin/stories/" + id)
	ed.post("/admin/stories/" + id + "/approve")
	ed.want(http.StatusSeeOther, "approve")
	// Publishing wants a second factor from the last 15 minutes.
	d.advance(16 * time.Minute)
	ed.get("/admin/stories/" + id)
	ed.post("/admin/stories/"+id+"/publish", "revision", d.story(id).HeadRev)
	confirm(t, ed)
	if s := d.story(id); s.Pub != news.PubNone {
		t.Fatalf("published without a fresh factor: %+v", s)
	}
	ed.get("/admin/stories/" + id)
	ed.post("/admin/stories/"+id+"/publish", "revision", d.story(id).HeadRev)
	ed.want(http.StatusSeeOther, "publish")
	path := d.readerPath(id)
	code, page := d.reader(path)
	if code != 200 || !strings.Contains(page, "Алматыда су тасқыны") || !strings.Contains(page, "Екінші абзац.") {
		t.Fatalf("reader page %d", code)
	}
	if strings.Contains(page, "rep@example.org") || strings.Contains(page, "Name rep@") {
		t.Error("staff identity on the reader page")
	}
	resp, api := d.env.Get(t, "/api/v1/stories/"+id)
	if resp.StatusCode != 200 || !strings.Contains(api, "Алматыда су тасқыны") {
		t.Errorf("API: %d %s", resp.StatusCode, api)
	}

	// A pending revision: the editor changes the headline; readers keep
	// the live one until it is published.
	base = open(t, ed, id)
	if !strings.Contains(ed.body, "Live on the site") {
		t.Error("editor page does not say it is live")
	}
	ed.post("/admin/stories/"+id, "base_revision", base, "headline", "Алматыда су тасқыны: жаңа деректер", "section", sec.ID, "slug", "almaty-flood",
		"body", bodyJSON(t, "Өзен арнасынан асты.", "Екінші абзац."))
	ed.want(http.StatusSeeOther, "pending save")
	ed.get("/admin/stories/" + id)
	if !strings.Contains(ed.body, `data-qalam="pending"`) {
		t.Error("no pending notice")
	}
	if _, page := d.reader(path); strings.Contains(page, "жаңа деректер") || !strings.Contains(page, "Алматыда су тасқыны") {
		t.Error("pending revision leaked to readers")
	}
	ed.get("/admin/stories?status=&pub=published&q=" + url.QueryEscape("жаңа"))
	if !strings.Contains(ed.body, "a newer revision is not live yet") {
		t.Error("list does not show the pending revision")
	}
	ed.get("/admin/stories/" + id)
	ed.post("/admin/stories/"+id+"/publish", "revision", d.story(id).HeadRev)
	ed.want(http.StatusSeeOther, "publish the update")
	if _, page := d.reader(path); !strings.Contains(page, "жаңа деректер") {
		t.Error("published update not on the site")
	}
	if s := d.story(id); s.UpdatedAt.IsZero() || s.LiveRev != s.HeadRev {
		t.Errorf("after update: %+v", s)
	}
	// A correction, shown on the story.
	ed.get("/admin/stories/" + id)
	ed.post("/admin/stories/"+id+"/correct", "text", "Бұрын өзеннің аты қате жазылған.")
	ed.want(http.StatusSeeOther, "correct")
	if _, page := d.reader(path); !strings.Contains(page, "Бұрын өзеннің аты қате жазылған.") {
		t.Error("correction not on the story")
	}
}

// TestStoryRoleMatrix drives every role, in its own service (kk) and
// another (ru), over its own story and another's, posting forms the page
// may never have shown.
func TestStoryRoleMatrix(t *testing.T) {
	d := newDemo(t)
	grants := []news.Grant{
		{Service: "kk", Role: news.RoleContributor},
		{Service: "kk", Role: news.RoleReporter},
		{Service: "kk", Role: news.RoleEditor},
		{Service: "kk", Role: news.RoleChief},
		{Role: news.RoleAdmin},
	}
	// Others' stories: a draft in kk and in ru by the demo desk.
	other := map[string]news.Story{
		"kk": d.env.NewStory(t, "kk", "others-kk", "Others kk", "Text."),
		"ru": d.env.NewStory(t, "ru", "others-ru", "Others ru", "Text."),
	}
	for i, g := range grants {
		m := d.person(fmt.Sprintf("p%d@example.org", i), g)
		role := g.Role
		editor := role.Rank() >= news.RoleEditor.Rank()
		isAdmin := role == news.RoleAdmin
		// Own story in kk.
		own := create(t, m, d.section("kk").ID, "Own "+string(role))
		base := open(t, m, own)
		if st, _ := autosave(t, m, own, base, bodyJSON(t, "mine")); st != 200 {
			t.Errorf("%s: autosave own draft: %d", role, st)
		}
		m.get("/admin/stories/" + own)
		m.post("/admin/stories/" + own + "/submit")
		if want := map[bool]int{true: 303, false: 403}[role != news.RoleContributor]; m.resp.StatusCode != want {
			t.Errorf("%s: submit own: %d, want %d", role, m.resp.StatusCode, want)
		}
		m.get("/admin/stories/" + own)
		m.post("/admin/stories/"+own+"/publish", "revision", d.story(own).HeadRev)
		if editor {
			m.want(http.StatusSeeOther, string(role)+" publish own")
			if d.story(own).Pub != news.PubPublished {
				t.Errorf("%s: not published", role)
			}
		} else {
			m.want(http.StatusForbidden, string(role)+" publish own")
			if d.story(own).Pub != news.PubNone {
				t.Errorf("%s published by posting the form", role)
			}
		}
		// Creating in ru: only the admin.
		m.get("/admin/stories/new")
		m.post("/admin/stories/new", "section", d.section("ru").ID, "headline", "In ru")
		if want := map[bool]int{true: 303, false: 403}[isAdmin]; m.resp.StatusCode != want {
			t.Errorf("%s: create in ru: %d, want %d", role, m.resp.StatusCode, want)
		}
		for svc, st := range other {
			mayEdit := isAdmin || editor && svc == "kk"
			m.get("/admin/stories/" + st.ID)
			if want := map[bool]int{true: 200, false: 403}[mayEdit]; m.resp.StatusCode != want {
				t.Errorf("%s: open another's story in %s: %d, want %d", role, svc, m.resp.StatusCode, want)
			}
			m.get("/admin/stories")
			// 409: allowed, but an earlier person in the loop has it open.
			if code, _ := autosave(t, m, st.ID, d.story(st.ID).HeadRev, bodyJSON(t, "theirs")); (code == 200 || code == 409) != mayEdit || code != 403 && !mayEdit {
				t.Errorf("%s: autosave another's story in %s: %d", role, svc, code)
			}
			for _, action := range []string{"approve", "sendback", "publish", "unpublish", "correct", "links", "translate"} {
				m.post("/admin/stories/"+st.ID+"/"+action, "revision", d.story(st.ID).HeadRev, "text", "x", "service", "en")
				if mayEdit {
					continue // shown working in the other tests
				}
				if m.resp.StatusCode != 403 {
					t.Errorf("%s: %s another's story in %s: %d", role, action, svc, m.resp.StatusCode)
				}
			}
			m.get("/admin/stories/" + st.ID + "/preview")
			if (m.resp.StatusCode == 200) != mayEdit {
				t.Errorf("%s: preview of another's story in %s: %d", role, svc, m.resp.StatusCode)
			}
		}
		// The list shows writers their own stories only.
		m.get("/admin/stories")
		m.want(200, "list")
		if strings.Contains(m.body, other["kk"].ID) != editor {
			t.Errorf("%s: list shows another's kk draft: %v", role, !editor)
		}
		if strings.Contains(m.body, other["ru"].ID) != isAdmin {
			t.Errorf("%s: list shows ru draft", role)
		}
		m.get("/admin/curation?service=kk")
		if (m.resp.StatusCode == 200) != editor {
			t.Errorf("%s: curation page %d", role, m.resp.StatusCode)
		}
	}
}

// TestStoryConflicts: two saves of the same base (the second refused,
// naming who saved first) and the edit lock (locked page, takeover, the
// displaced person's save refused naming who took over).
func TestStoryConflicts(t *testing.T) {
	d := newDemo(t)
	a := d.person("ann@example.org", news.Grant{Service: "kk", Role: news.RoleEditor})
	b := d.person("ben@example.org", news.Grant{Service: "kk", Role: news.RoleEditor})
	id := d.env.NewStory(t, "kk", "conflict", "Conflict", "One.").ID

	baseA := open(t, a, id)
	// Ben sees it locked by Ann, with no editor save URL.
	baseB := open(t, b, id)
	if !strings.Contains(b.body, `data-qalam="locked"`) || !strings.Contains(b.body, "Name ann@example.org has had this story open") || strings.Contains(b.body, "data-save-url") {
		t.Fatalf("locked page:\n%s", b.body)
	}
	if baseA != baseB {
		t.Fatal("different bases")
	}
	b.get("/admin/stories?service=kk")
	if !strings.Contains(b.body, "(open by Name ann@example.org)") {
		t.Error("the list does not say who has the story open")
	}
	// Ann saves; Ben takes over and saves from the same base: refused as
	// stale, naming Ann.
	if st, _ := autosave(t, a, id, baseA, bodyJSON(t, "Ann's text.")); st != 200 {
		t.Fatalf("Ann's save: %d", st)
	}
	b.post("/admin/stories/" + id + "/takeover")
	b.want(http.StatusSeeOther, "takeover")
	b.get("/admin/stories/" + id)
	if !strings.Contains(b.body, `data-qalam="took-over"`) || !strings.Contains(b.body, "data-save-url") {
		t.Fatalf("after takeover:\n%s", b.body)
	}
	st, msg := autosave(t, b, id, baseB, bodyJSON(t, "Ben's text."))
	if st != 409 || !strings.Contains(msg, "Name ann@example.org saved a newer version") {
		t.Fatalf("stale save: %d %q", st, msg)
	}
	// Ann, displaced, is told Ben took over when she saves next.
	st, msg = autosave(t, a, id, d.story(id).HeadRev, bodyJSON(t, "Ann again."))
	if st != 409 || !strings.Contains(msg, "Name ben@example.org took over this story") {
		t.Fatalf("displaced save: %d %q", st, msg)
	}
	// Ben saves from the newest revision.
	head := d.story(id).HeadRev
	if st, rev := autosave(t, b, id, head, bodyJSON(t, "Ben's text.")); st != 200 || rev == head {
		t.Fatalf("Ben's save: %d %q", st, rev)
	}
	// The form's save from a stale base (someone else's revision since)
	// is refused with the same message, and nothing is lost on the server.
	revs, _ := d.store.Revisions(context.Background(), id)
	b.get("/admin/stories/" + id)
	b.post("/admin/stories/"+id, "base_revision", baseA, "headline", "Stale", "body", bodyJSON(t, "stale"))
	b.want(http.StatusConflict, "stale form save")
	if !strings.Contains(html.UnescapeString(b.body), "Name ann@example.org saved a newer version") && !strings.Contains(html.UnescapeString(b.body), "Name ben@example.org saved a newer version") {
		t.Errorf("stale form message:\n%s", b.body)
	}
	if !strings.Contains(b.body, `data-qalam="unsaved"`) || !strings.Contains(b.body, "Headline: Stale") {
		t.Error("the refused form's text is not shown back")
	}
	if after, _ := d.store.Revisions(context.Background(), id); len(after) != len(revs) {
		t.Error("stale save stored a revision")
	}
	// An idle lock is free: after the idle time Ann opens it again.
	d.advance(6 * time.Minute)
	a.get("/admin/stories/" + id)
	if strings.Contains(a.body, `data-qalam="locked"`) {
		t.Error("idle lock still held")
	}
}

// TestFigureMetadata: a story whose lead image lacks alt text, caption or
// credit cannot be published or scheduled; the message names what lacks.
func TestFigureMetadata(t *testing.T) {
	d := newDemo(t)
	ed := d.person("ed@example.org", news.Grant{Service: "kk", Role: news.RoleEditor})
	ctx := context.Background()
	// An asset the demo has: the lead of a published demo story.
	page, err := d.store.ListPublished(ctx, news.ListQuery{Service: "kk", Limit: 50}, d.env.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	asset := ""
	for _, s := range page.Items {
		if s.Lead != nil {
			asset = s.Lead.AssetID
		}
	}
	if asset == "" {
		t.Fatal("no demo image")
	}
	id := create(t, ed, d.section("kk").ID, "With a photo")
	base := open(t, ed, id)
	ed.post("/admin/stories/"+id, "base_revision", base, "headline", "With a photo", "lead_asset", asset, "lead_alt", "Flooded street")
	ed.want(http.StatusSeeOther, "save with lead")
	ed.get("/admin/stories/" + id)
	ed.post("/admin/stories/"+id+"/publish", "revision", d.story(id).HeadRev)
	ed.want(http.StatusBadRequest, "publish without caption and credit")
	if !strings.Contains(ed.body, "lead image ("+asset+"): no caption, no credit") {
		t.Errorf("message:\n%s", ed.body)
	}
	ed.get("/admin/stories/" + id)
	ed.post("/admin/stories/"+id+"/schedule", "revision", d.story(id).HeadRev, "at", d.clock.Now().Add(48*time.Hour).Format("2006-01-02T15:04"))
	ed.want(http.StatusBadRequest, "schedule without caption and credit")
	if d.story(id).Pub != news.PubNone {
		t.Fatal("published anyway")
	}
	base = open(t, ed, id)
	ed.post("/admin/stories/"+id, "base_revision", base, "headline", "With a photo", "lead_asset", asset, "lead_alt", "Flooded street",
		"lead_caption", "Tole Bi street on Friday", "lead_credit", "Photo: the desk")
	ed.want(http.StatusSeeOther, "save with full lead")
	ed.get("/admin/stories/" + id)
	ed.post("/admin/stories/"+id+"/schedule", "revision", d.story(id).HeadRev, "at", d.clock.Now().Add(48*time.Hour).In(time.FixedZone("", 5*3600)).Format("2006-01-02T15:04"))
	ed.want(http.StatusSeeOther, "schedule")
	if s := d.story(id); s.Pub != news.PubScheduled {
		t.Fatalf("not scheduled: %+v", s)
	}
	// Embargoed until its time, public after.
	if code, _ := d.reader(d.readerPath(id)); code != 404 {
		t.Errorf("before its time: %d", code)
	}
	d.advance(49 * time.Hour)
	if code, _ := d.reader(d.readerPath(id)); code != 200 {
		t.Errorf("after its time: %d", code)
	}
}
