package sqlite_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"qalam/internal/news"
	"qalam/internal/sqlite"
)

// cmStory makes a story (in any state) in service, with a section.
func cmStory(t *testing.T, db *sqlite.DB, service, slug string) news.Story {
	t.Helper()
	ctx := context.Background()
	secs, err := db.Sections(ctx, service)
	if err != nil {
		t.Fatal(err)
	}
	if len(secs) == 0 {
		sec := news.Section{Service: service, Slug: "news", Name: "News", Position: 1}
		if err := db.PutSection(ctx, &sec); err != nil {
			t.Fatal(err)
		}
		secs = append(secs, sec)
	}
	st, err := db.CreateStory(ctx, news.NewStory{Service: service, SectionID: secs[0].ID, Slug: slug, Created: nlNow,
		Content: news.Content{Headline: news.Text("Headline"),
			Body: news.Doc{Version: news.DocVersion, Blocks: []news.Block{{Type: news.BlockParagraph, Text: news.Text("Text.")}}}}})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestCommentsStore(t *testing.T) {
	ctx := context.Background()
	db := open(t)
	nlService(t, db, "en")
	nlService(t, db, "ru")
	st := cmStory(t, db, "en", "one")
	other := cmStory(t, db, "en", "two")

	set, err := db.CommentSettings(ctx, "en")
	if err != nil || set.Enabled || set.Moderation != news.PreModeration || set.ReportThreshold != news.DefaultReportThreshold {
		t.Fatalf("default settings %+v %v", set, err)
	}
	if _, err := db.CommentSettings(ctx, "xx"); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("unknown service: %v", err)
	}
	// Closed until the service turns comments on.
	if _, err := db.AddComment(ctx, news.NewComment{Story: st.ID, Name: "A", Body: "Hello there"}, nlNow); !errors.Is(err, news.ErrCommentsClosed) {
		t.Fatalf("comment on a closed service: %v", err)
	}
	if err := db.SetCommentSettings(ctx, news.CommentSettings{Service: "en", Enabled: true, Moderation: "sometimes"}); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("bad moderation: %v", err)
	}
	v0, _ := db.ContentVersion(ctx)
	if err := db.SetCommentSettings(ctx, news.CommentSettings{Service: "en", Enabled: true}); err != nil {
		t.Fatal(err)
	}
	if v, _ := db.ContentVersion(ctx); v == v0 {
		t.Error("turning comments on did not move the content version")
	}
	th, err := db.CommentThread(ctx, st.ID)
	if err != nil || !th.Open() || th.Service != "en" || th.Version != 0 {
		t.Fatalf("thread %+v %v", th, err)
	}

	// Pre-moderation: pending, invisible, the thread version and the
	// content version unmoved until approval, which moves only the thread.
	cv, _ := db.ContentVersion(ctx)
	c, err := db.AddComment(ctx, news.NewComment{Story: st.ID, Name: " Ayan\t", Email: "Ayan@Example.org", Body: "First!\r\n\r\n\r\n\x07Second line", ClientTag: "tag-1"}, nlNow)
	if err != nil {
		t.Fatal(err)
	}
	if c.State != news.CommentPending || c.Name != "Ayan" || c.Email != "ayan@example.org" || c.Body != "First!\n\nSecond line" || c.Service != "en" {
		t.Fatalf("added %+v", c)
	}
	if shown, _ := db.ShownComments(ctx, st.ID); len(shown) != 0 {
		t.Errorf("pending comment shown: %+v", shown)
	}
	if _, err := db.AddComment(ctx, news.NewComment{Story: st.ID, Name: "B", Body: "first!  second LINE"}, nlNow.Add(time.Minute)); !errors.Is(err, news.ErrDuplicate) || !errors.Is(err, news.ErrConflict) {
		t.Errorf("duplicate: %v", err)
	}
	if _, err := db.AddComment(ctx, news.NewComment{Story: other.ID, Name: "B", Body: "First! Second line"}, nlNow.Add(time.Minute)); err != nil {
		t.Errorf("same text on another story: %v", err)
	}
	if _, err := db.AddComment(ctx, news.NewComment{Story: st.ID, Name: "B", Body: "Reply", Parent: c.ID}, nlNow); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("reply to a pending comment: %v", err)
	}
	c, err = db.SetCommentState(ctx, c.ID, news.CommentApproved)
	if err != nil || c.State != news.CommentApproved {
		t.Fatal(c, err)
	}
	if v, _ := db.ContentVersion(ctx); v != cv {
		t.Error("a comment moved the content version")
	}
	th2, _ := db.CommentThread(ctx, st.ID)
	if th2.Version == th.Version {
		t.Error("approval did not move the thread version")
	}
	shown, err := db.ShownComments(ctx, st.ID)
	if err != nil || len(shown) != 1 || shown[0].Email != "" || shown[0].Name != "Ayan" {
		t.Fatalf("shown %+v %v", shown, err)
	}

	// Replies: one level; a reply to a reply joins the top-level comment.
	r1, err := db.AddComment(ctx, news.NewComment{Story: st.ID, Name: "B", Body: "A reply", Parent: c.ID}, nlNow)
	if err != nil || r1.Parent != c.ID {
		t.Fatal(r1, err)
	}
	db.SetCommentState(ctx, r1.ID, news.CommentApproved)
	r2, err := db.AddComment(ctx, news.NewComment{Story: st.ID, Name: "C", Body: "Reply to the reply", Parent: r1.ID}, nlNow)
	if err != nil || r2.Parent != c.ID {
		t.Fatalf("reply to a reply: %+v %v", r2, err)
	}
	if _, err := db.AddComment(ctx, news.NewComment{Story: other.ID, Name: "C", Body: "Wrong story", Parent: c.ID}, nlNow); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("reply across stories: %v", err)
	}
	for _, bad := range []news.NewComment{{Story: st.ID, Name: "", Body: "text"}, {Story: st.ID, Name: "A", Body: "x"},
		{Story: st.ID, Name: "A", Body: "text", Email: "not-an-address"}} {
		if _, err := db.AddComment(ctx, bad, nlNow); !errors.Is(err, news.ErrInvalid) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	if _, err := db.AddComment(ctx, news.NewComment{Story: "nope", Name: "A", Body: "text"}, nlNow); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("unknown story: %v", err)
	}

	// Post-moderation: shown at once; reports at the threshold hide it.
	if err := db.SetCommentSettings(ctx, news.CommentSettings{Service: "en", Enabled: true, Moderation: news.PostModeration, ReportThreshold: 2}); err != nil {
		t.Fatal(err)
	}
	p, err := db.AddComment(ctx, news.NewComment{Story: st.ID, Name: "D", Body: "Shown at once"}, nlNow)
	if err != nil || p.State != news.CommentApproved {
		t.Fatal(p, err)
	}
	held, err := db.AddComment(ctx, news.NewComment{Story: st.ID, Name: "D", Body: "Links galore", Hold: "links"}, nlNow)
	if err != nil || held.State != news.CommentPending || held.Held != "links" {
		t.Fatalf("held %+v %v", held, err)
	}
	if p, err = db.ReportComment(ctx, p.ID, nlNow); err != nil || p.State != news.CommentApproved || p.Reports != 1 {
		t.Fatal(p, err)
	}
	if p, err = db.ReportComment(ctx, p.ID, nlNow); err != nil || p.State != news.CommentPending {
		t.Fatal(p, err)
	}
	if _, err := db.ReportComment(ctx, p.ID, nlNow); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("report of a hidden comment: %v", err)
	}
	q, err := db.ModerationQueue(ctx, "en", 0)
	if err != nil || len(q) != 4 { // r2, p, held, the one on the other story
		t.Fatalf("queue %d %v", len(q), err)
	}
	if q, _ := db.ModerationQueue(ctx, "ru", 0); len(q) != 0 {
		t.Errorf("ru queue %+v", q)
	}
	if p, _ = db.SetCommentState(ctx, p.ID, news.CommentApproved); p.Reports != 0 {
		t.Errorf("approval kept reports %d", p.Reports)
	}

	// A ban by email holds for good; by client tag for a day.
	if _, err := db.BanCommenter(ctx, c.ID, nlNow); err != nil {
		t.Fatal(err)
	}
	if c, _ = db.Comment(ctx, c.ID); c.State != news.CommentSpam {
		t.Errorf("banned comment state %s", c.State)
	}
	if _, err := db.AddComment(ctx, news.NewComment{Story: st.ID, Name: "X", Email: "AYAN@example.org", Body: "I am back"}, nlNow); !errors.Is(err, news.ErrBanned) {
		t.Errorf("banned email: %v", err)
	}
	if _, err := db.AddComment(ctx, news.NewComment{Story: st.ID, Name: "X", Body: "I am back too", ClientTag: "tag-1"}, nlNow.Add(time.Hour)); !errors.Is(err, news.ErrBanned) {
		t.Errorf("banned client: %v", err)
	}
	if _, err := db.AddComment(ctx, news.NewComment{Story: st.ID, Name: "X", Body: "A day later", ClientTag: "tag-1"}, nlNow.Add(25*time.Hour)); err != nil {
		t.Errorf("client ban a day later: %v", err)
	}
	if _, err := db.AddComment(ctx, news.NewComment{Story: st.ID, Name: "X", Body: "Banned on en only", Email: "ayan@example.org"}, nlNow); !errors.Is(err, news.ErrBanned) {
		t.Errorf("banned email: %v", err)
	}

	// Exports list distinct addresses.
	db.AddComment(ctx, news.NewComment{Story: other.ID, Name: "Zed", Email: "z@example.org", Body: "Elsewhere"}, nlNow.Add(2*time.Hour))
	es, err := db.CommenterEmails(ctx, "en", "")
	if err != nil || len(es) != 2 || es[0].Email != "ayan@example.org" || es[1].Email != "z@example.org" || es[1].Name != "Zed" {
		t.Fatalf("emails %+v %v", es, err)
	}
	if es, _ := db.CommenterEmails(ctx, "en", st.ID); len(es) != 1 {
		t.Errorf("story emails %+v", es)
	}

	// A story's own switch closes it, and moves the content version.
	cv, _ = db.ContentVersion(ctx)
	if err := db.SetStoryComments(ctx, st.ID, false); err != nil {
		t.Fatal(err)
	}
	if v, _ := db.ContentVersion(ctx); v == cv {
		t.Error("closing a story's comments did not move the content version")
	}
	if th, _ := db.CommentThread(ctx, st.ID); th.Open() || !th.Closed {
		t.Errorf("closed thread %+v", th)
	}
	if _, err := db.AddComment(ctx, news.NewComment{Story: st.ID, Name: "X", Body: "Closed now"}, nlNow); !errors.Is(err, news.ErrCommentsClosed) {
		t.Errorf("closed story: %v", err)
	}
}
