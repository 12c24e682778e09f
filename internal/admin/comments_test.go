package admin_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qalam/assets"
	"qalam/internal/admin"
	"qalam/internal/auth"
	"qalam/internal/config"
	"qalam/internal/news"
	"qalam/internal/sqlite"
)

// newCommentStack is newStack with services kk and ru in the database, a
// story in each with comments on, and the comment and newsletter pages.
func newCommentStack(t *testing.T) (*stack, map[string]news.Story) {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "qalam.db"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	c := &clock{t: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)}
	stories := map[string]news.Story{}
	for i, code := range []string{"kk", "ru"} {
		if err := db.PutService(ctx, news.Service{Code: code, Name: "Service " + code, Lang: code, Dir: "ltr", TimeZone: "Asia/Almaty", Position: i + 1, Default: i == 0}); err != nil {
			t.Fatal(err)
		}
		sec := news.Section{Service: code, Slug: "news", Name: "News", Position: 1}
		if err := db.PutSection(ctx, &sec); err != nil {
			t.Fatal(err)
		}
		st, err := db.CreateStory(ctx, news.NewStory{Service: code, SectionID: sec.ID, Slug: "s", Created: c.Now(),
			Content: news.Content{Headline: news.Text("Headline " + code),
				Body: news.Doc{Version: news.DocVersion, Blocks: []news.Block{{Type: news.BlockParagraph, Text: news.Text("Text.")}}}}})
		if err != nil {
			t.Fatal(err)
		}
		stories[code] = st
		if err := db.SetCommentSettings(ctx, news.CommentSettings{Service: code, Enabled: true}); err != nil {
			t.Fatal(err)
		}
	}
	au := auth.New(auth.Config{Store: db, Now: c.Now, Params: auth.Params{Time: 1, Memory: 1024, Threads: 1}, Services: db.Services})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	host := ln.Addr().String()
	a, err := admin.New(admin.Config{Auth: au, Static: assets.LoadStatic(), Origin: config.Origin{Scheme: "http", Host: host},
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")},
		NotFound:       http.NotFoundHandler(), Mirrors: db, Stories: db, Comments: db, Newsletters: db})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(a)
	hs.Listener.Close()
	hs.Listener = ln
	hs.Start()
	t.Cleanup(func() { hs.Close(); db.Close() })
	return &stack{t: t, store: db, clock: c, auth: au, url: "http://" + host, host: host}, stories
}

// fresh confirms m's second factor, as a sensitive action asks.
func (m *member) fresh() {
	m.s.t.Helper()
	m.get("/admin/confirm?next=/admin")
	m.post("/admin/confirm", "code", m.code(), "next", "/admin")
	m.want(http.StatusSeeOther, "confirm")
	m.s.clock.Add(30 * time.Second)
}

func TestCommentModerationRoles(t *testing.T) {
	s, stories := newCommentStack(t)
	ctx := context.Background()
	add := func(service, name, email, body string) news.Comment {
		t.Helper()
		c, err := s.store.AddComment(ctx, news.NewComment{Story: stories[service].ID, Name: name, Email: email, Body: body}, s.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	kk1 := add("kk", "=HYPERLINK(\"http://evil\")", "one@example.org", "First kk comment")
	kk2 := add("kk", "Two", "two@example.org", "Second kk comment")
	ru1 := add("ru", "Ru", "ru@example.org", "A ru comment")

	contributor := s.member("contrib@example.org", news.Grant{Service: "kk", Role: news.RoleContributor}, "192.0.2.1", false)
	reporter := s.member("reporter@example.org", news.Grant{Service: "kk", Role: news.RoleReporter}, "192.0.2.2", false)
	editor := s.member("editor@example.org", news.Grant{Service: "kk", Role: news.RoleEditor}, "192.0.2.3", true)
	editorRU := s.member("editor-ru@example.org", news.Grant{Service: "ru", Role: news.RoleEditor}, "192.0.2.4", true)
	chief := s.member("chief@example.org", news.Grant{Service: "kk", Role: news.RoleChief}, "192.0.2.5", true)
	chiefRU := s.member("chief-ru@example.org", news.Grant{Service: "ru", Role: news.RoleChief}, "192.0.2.6", true)
	adm := s.member("admin@example.org", news.Grant{Role: news.RoleAdmin}, "192.0.2.7", true)

	// The queue: editors and above of the service only; nav entries only
	// for those allowed.
	for _, c := range []struct {
		m                   *member
		status              int
		comments, exportNav bool
	}{
		{contributor, 403, false, false}, {reporter, 403, false, false}, {editorRU, 403, true, false},
		{editor, 200, true, false}, {chief, 200, true, true}, {chiefRU, 403, true, true}, {adm, 200, true, true},
	} {
		c.m.get("/admin/comments?service=kk")
		c.m.want(c.status, c.m.email+" on the kk queue")
		c.m.get("/admin/sessions")
		if got := strings.Contains(c.m.body, `href="/admin/comments"`); got != c.comments {
			t.Errorf("%s: Comments nav %v", c.m.email, got)
		}
		if got := strings.Contains(c.m.body, `href="/admin/subscribers"`); got != c.exportNav {
			t.Errorf("%s: Subscribers nav %v", c.m.email, got)
		}
	}
	// Emails in the queue: for the chief and admins, not for editors.
	editor.get("/admin/comments?service=kk")
	if strings.Count(editor.body, `data-qalam="queued-comment"`) != 2 || strings.Contains(editor.body, "one@example.org") || strings.Contains(editor.body, "A ru comment") {
		t.Errorf("editor's queue:\n%s", editor.body)
	}
	chief.get("/admin/comments?service=kk")
	if !strings.Contains(chief.body, "one@example.org") {
		t.Errorf("chief's queue lacks the emails:\n%s", chief.body)
	}

	// Approve: editors of the service; nobody else, whatever they post.
	for _, m := range []*member{reporter, editorRU, chiefRU} {
		m.get("/admin/sessions")
		m.post("/admin/comments/"+kk1.ID+"/state", "state", "approved")
		m.want(403, m.email+" approving a kk comment")
	}
	if c, _ := s.store.Comment(ctx, kk1.ID); c.State != news.CommentPending {
		t.Fatalf("approved by someone not allowed: %s", c.State)
	}
	editor.get("/admin/comments?service=kk")
	editor.post("/admin/comments/"+kk1.ID+"/state", "state", "approved")
	editor.want(http.StatusSeeOther, "editor approves")
	editor.get("/admin/comments?service=kk")
	editor.post("/admin/comments/" + kk2.ID + "/ban")
	editor.want(http.StatusSeeOther, "editor bans")
	if c, _ := s.store.Comment(ctx, kk2.ID); c.State != news.CommentSpam {
		t.Errorf("banned comment %s", c.State)
	}
	if _, err := s.store.AddComment(ctx, news.NewComment{Story: stories["kk"].ID, Name: "X", Email: "two@example.org", Body: "Again"}, s.clock.Now()); err != news.ErrBanned {
		t.Errorf("after the ban: %v", err)
	}
	editorRU.get("/admin/comments?service=ru")
	editorRU.post("/admin/comments/"+ru1.ID+"/state", "state", "rejected")
	editorRU.want(http.StatusSeeOther, "ru editor rejects")
	// An editor may close a story's comments but not change the rules.
	editor.get("/admin/comments?service=kk")
	editor.post("/admin/comments/story", "story", stories["kk"].ID, "open", "off")
	editor.want(http.StatusSeeOther, "close a story")
	if th, _ := s.store.CommentThread(ctx, stories["kk"].ID); th.Open() {
		t.Error("story still open")
	}
	editor.post("/admin/comments/story", "story", stories["ru"].ID, "open", "off")
	editor.want(403, "close another service's story")
	editor.post("/admin/comments/settings", "service", "kk", "enabled", "on", "moderation", "post", "threshold", "2")
	editor.want(403, "editor changing the rules")
	chief.fresh()
	chief.get("/admin/comments?service=kk")
	chief.post("/admin/comments/settings", "service", "kk", "enabled", "on", "moderation", "post", "threshold", "2")
	chief.want(http.StatusSeeOther, "chief changes the rules")
	if set, _ := s.store.CommentSettings(ctx, "kk"); set.Moderation != news.PostModeration || set.ReportThreshold != 2 {
		t.Errorf("rules %+v", set)
	}

	// Exports: the service's chief and admins, with a fresh second factor.
	res, err := s.store.Subscribe(ctx, "kk", "reader@example.org", s.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	s.store.SetConfirmToken(ctx, res.Subscriber.ID, news.TokenHash("tok"), s.clock.Now())
	if _, err := s.store.Confirm(ctx, "kk", news.TokenHash("tok"), s.clock.Now()); err != nil {
		t.Fatal(err)
	}
	for _, m := range []*member{contributor, reporter, editor, editorRU, chiefRU} {
		m.get("/admin/sessions")
		m.post("/admin/exports/commenters", "service", "kk")
		m.want(403, m.email+" exporting kk commenters")
		m.post("/admin/exports/subscribers", "service", "kk")
		m.want(403, m.email+" exporting kk subscribers")
		m.get("/admin/subscribers?service=kk")
		m.want(403, m.email+" on the kk subscribers page")
	}
	adm.get("/admin/comments?service=kk")
	adm.post("/admin/exports/commenters", "service", "kk")
	if adm.resp.StatusCode == http.StatusSeeOther && strings.HasPrefix(adm.location(), "/admin/confirm") {
		adm.fresh()
		adm.get("/admin/comments?service=kk")
		adm.post("/admin/exports/commenters", "service", "kk")
	}
	adm.want(200, "admin exports commenters")
	for _, m := range []*member{chief, adm} {
		m.get("/admin/comments?service=kk")
		m.post("/admin/exports/commenters", "service", "kk")
		m.want(200, m.email+" exports commenters")
		if ct := m.resp.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" || !strings.Contains(m.resp.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("export headers %q", ct)
		}
		if !strings.Contains(m.body, "one@example.org") || !strings.Contains(m.body, "two@example.org") || strings.Contains(m.body, "ru@example.org") ||
			!strings.Contains(m.body, `"'=HYPERLINK(""http://evil"")"`) {
			t.Errorf("commenters CSV:\n%s", m.body)
		}
		m.post("/admin/exports/commenters", "story", stories["kk"].ID)
		m.want(200, "one story's commenters")
		m.get("/admin/subscribers?service=kk")
		m.want(200, "subscribers page")
		if !strings.Contains(m.body, `data-qalam="confirmed-count">1<`) || strings.Contains(m.body, "reader@example.org") {
			t.Errorf("subscribers page:\n%s", m.body)
		}
		m.post("/admin/exports/subscribers", "service", "kk", "state", "confirmed")
		m.want(200, "subscriber export")
		if !strings.Contains(m.body, "reader@example.org,confirmed") {
			t.Errorf("subscribers CSV:\n%s", m.body)
		}
	}
	// A stale second factor is asked again before an export.
	s.clock.Add(time.Hour)
	chief.get("/admin/subscribers?service=kk")
	chief.post("/admin/exports/subscribers", "service", "kk")
	if chief.resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(chief.location(), "/admin/confirm") {
		t.Errorf("stale export: %d %q", chief.resp.StatusCode, chief.location())
	}

	// Every export and decision is in the audit log, with who and where.
	log, err := s.store.Audit(ctx, 0, 200)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, e := range log {
		seen[e.Action]++
		if e.Action == "export.subscribers" && e.Service != "kk" {
			t.Errorf("audit %+v", e)
		}
	}
	if seen["export.commenters"] != 5 || seen["export.subscribers"] != 2 || seen["comment.approved"] != 1 || seen["comment.ban"] != 1 ||
		seen["comment.rejected"] != 1 || seen["comments.settings"] != 1 || seen["comments.story"] != 1 {
		t.Errorf("audit entries %v", seen)
	}
}
