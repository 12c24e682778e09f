package sqlite_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"qalam/internal/news"
)

// workflowStory makes a service, a section and a story with two revisions.
func workflowStory(t *testing.T) (*storeT, news.Story, news.Revision) {
	t.Helper()
	db := open(t)
	ctx := context.Background()
	if err := db.PutService(ctx, news.Service{Code: "kk", Name: "Azattyq", Lang: "kk", Dir: "ltr", TimeZone: "Asia/Almaty", Default: true}); err != nil {
		t.Fatal(err)
	}
	sec := news.Section{Service: "kk", Slug: "news", Name: "News"}
	if err := db.PutSection(ctx, &sec); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	st, err := db.CreateStory(ctx, news.NewStory{Service: "kk", SectionID: sec.ID, Slug: "flood",
		Content: news.Content{Headline: news.Text("Flood in Almaty"), Body: news.Doc{Version: news.DocVersion}}, CreatedBy: "alice", Created: at})
	if err != nil {
		t.Fatal(err)
	}
	rev, err := db.SaveRevision(ctx, st.ID, st.HeadRev, news.Content{Headline: news.Text("Rivers rise in Almaty"), Body: news.Doc{Version: news.DocVersion}}, "bob", at.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	return &storeT{db}, st, rev
}

type storeT struct{ news.WorkflowStore }

func TestStoryList(t *testing.T) {
	s, st, _ := workflowStory(t)
	ctx := context.Background()
	rows, err := s.StoryList(ctx, news.StoryFilter{Services: []string{"kk"}})
	if err != nil || len(rows) != 1 {
		t.Fatalf("list: %v %v", rows, err)
	}
	r := rows[0]
	if r.ID != st.ID || r.Headline.Plain() != "Rivers rise in Almaty" || r.CreatedBy != "alice" || r.EditedBy != "bob" || r.Status != news.StatusDraft {
		t.Errorf("row %+v", r)
	}
	for _, f := range []news.StoryFilter{
		{Services: []string{"kk"}, Text: "rivers almaty"},
		{Services: []string{"kk"}, CreatedBy: "alice", Status: news.StatusDraft, Pub: news.PubNone},
	} {
		if rows, err := s.StoryList(ctx, f); err != nil || len(rows) != 1 {
			t.Errorf("%+v: %d rows, %v", f, len(rows), err)
		}
	}
	for _, f := range []news.StoryFilter{
		{Services: []string{"kk"}, Text: "flood"}, // only the newest revision is searched
		{Services: []string{"kk"}, CreatedBy: "bob"},
		{Services: []string{"ru"}},
		{Services: []string{"kk"}, Pub: news.PubPublished},
		{Services: []string{"kk"}, Text: "100%"},
	} {
		if rows, err := s.StoryList(ctx, f); err != nil || len(rows) != 0 {
			t.Errorf("%+v: %d rows, %v", f, len(rows), err)
		}
	}
	if _, err := s.StoryList(ctx, news.StoryFilter{Services: []string{"kk"}, Status: "published"}); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("bad status: %v", err)
	}
	if _, err := s.AcquireLock(ctx, st.ID, "carol", time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC), time.Minute, false); err != nil {
		t.Fatal(err)
	}
	if rows, err := s.StoryList(ctx, news.StoryFilter{Services: []string{"kk"}}); err != nil || rows[0].OpenBy != "carol" || rows[0].Seen.IsZero() {
		t.Errorf("lock in the list: %+v %v", rows, err)
	}
	if owner, err := s.StoryOwner(ctx, st.ID); err != nil || owner != "alice" {
		t.Errorf("owner %q %v", owner, err)
	}
}

func TestEditLocks(t *testing.T) {
	s, st, _ := workflowStory(t)
	ctx := context.Background()
	t0 := time.Date(2026, 11, 27, 11, 0, 0, 0, time.UTC)
	idle := 5 * time.Minute
	if _, err := s.Lock(ctx, st.ID); !errors.Is(err, news.ErrNotFound) {
		t.Fatalf("no lock yet: %v", err)
	}
	l, err := s.AcquireLock(ctx, st.ID, "alice", t0, idle, false)
	if err != nil || l.Holder != "alice" || !l.Since.Equal(t0) {
		t.Fatalf("acquire: %+v %v", l, err)
	}
	// Bob is refused and told who has it.
	l, err = s.AcquireLock(ctx, st.ID, "bob", t0.Add(time.Minute), idle, false)
	if !errors.Is(err, news.ErrConflict) || l.Holder != "alice" {
		t.Fatalf("second: %+v %v", l, err)
	}
	// Alice's sign of life keeps it past the first idle limit.
	if _, err := s.TouchLock(ctx, st.ID, "alice", t0.Add(4*time.Minute), idle); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AcquireLock(ctx, st.ID, "bob", t0.Add(6*time.Minute), idle, false); !errors.Is(err, news.ErrConflict) {
		t.Fatalf("touched lock taken: %v", err)
	}
	// Bob takes over; Alice's next touch is refused, naming Bob, and the
	// lock remembers it was taken from her.
	l, err = s.AcquireLock(ctx, st.ID, "bob", t0.Add(7*time.Minute), idle, true)
	if err != nil || l.Holder != "bob" || l.Displaced != "alice" || !l.TakenAt.Equal(t0.Add(7*time.Minute)) {
		t.Fatalf("takeover: %+v %v", l, err)
	}
	l, err = s.TouchLock(ctx, st.ID, "alice", t0.Add(8*time.Minute), idle)
	if !errors.Is(err, news.ErrConflict) || l.Holder != "bob" || l.Displaced != "alice" {
		t.Fatalf("displaced touch: %+v %v", l, err)
	}
	// An idle lock is free for anyone, without a takeover.
	l, err = s.AcquireLock(ctx, st.ID, "carol", t0.Add(20*time.Minute), idle, false)
	if err != nil || l.Holder != "carol" || l.Displaced != "" {
		t.Fatalf("idle lock: %+v %v", l, err)
	}
	// Releasing frees it; releasing another's lock does nothing.
	if err := s.ReleaseLock(ctx, st.ID, "alice"); err != nil {
		t.Fatal(err)
	}
	if l, _ := s.Lock(ctx, st.ID); l.Holder != "carol" {
		t.Fatalf("released by another: %+v", l)
	}
	if err := s.ReleaseLock(ctx, st.ID, "carol"); err != nil {
		t.Fatal(err)
	}
	if l, err := s.AcquireLock(ctx, st.ID, "dave", t0.Add(20*time.Minute+time.Second), idle, false); err != nil || l.Holder != "dave" {
		t.Fatalf("after release: %+v %v", l, err)
	}
	if _, err := s.AcquireLock(ctx, "nosuchstory1", "dave", t0, idle, false); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("unknown story: %v", err)
	}
}

func TestPreviewLinks(t *testing.T) {
	s, st, rev := workflowStory(t)
	ctx := context.Background()
	t0 := time.Date(2026, 11, 27, 11, 0, 0, 0, time.UTC)
	hash := news.PreviewTokenHash("token-one")
	l := news.PreviewLink{StoryID: st.ID, RevisionID: rev.ID, Latin: true, CreatedBy: "alice", Created: t0, Expires: t0.Add(24 * time.Hour)}
	if err := s.CreatePreviewLink(ctx, &l, hash); err != nil {
		t.Fatal(err)
	}
	got, err := s.PreviewLinkByHash(ctx, hash)
	if err != nil || got.ID != l.ID || got.RevisionID != rev.ID || !got.Latin || !got.ActiveAt(t0.Add(23*time.Hour)) || got.ActiveAt(t0.Add(24*time.Hour)) {
		t.Fatalf("by hash: %+v %v", got, err)
	}
	if _, err := s.PreviewLinkByHash(ctx, news.PreviewTokenHash("token-two")); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("unknown token: %v", err)
	}
	if err := s.CreatePreviewLink(ctx, &news.PreviewLink{StoryID: st.ID, RevisionID: rev.ID, Created: t0, Expires: t0.Add(time.Hour)}, hash); !errors.Is(err, news.ErrConflict) {
		t.Errorf("same token twice: %v", err)
	}
	if err := s.CreatePreviewLink(ctx, &news.PreviewLink{StoryID: st.ID, RevisionID: "nosuchrevisn", Created: t0, Expires: t0.Add(time.Hour)}, news.PreviewTokenHash("x")); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("unknown revision: %v", err)
	}
	if err := s.CreatePreviewLink(ctx, &news.PreviewLink{StoryID: st.ID, RevisionID: rev.ID, Created: t0, Expires: t0}, news.PreviewTokenHash("y")); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("no lifetime: %v", err)
	}
	if err := s.RevokePreviewLink(ctx, "otherstory12", l.ID, t0.Add(time.Hour)); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("revoke through another story: %v", err)
	}
	if err := s.RevokePreviewLink(ctx, st.ID, l.ID, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, _ = s.PreviewLinkByHash(ctx, hash)
	if got.ActiveAt(t0.Add(2*time.Hour)) || !got.Revoked.Equal(t0.Add(time.Hour)) {
		t.Errorf("revoked link: %+v", got)
	}
	links, err := s.PreviewLinks(ctx, st.ID)
	if err != nil || len(links) != 1 {
		t.Errorf("links %v %v", links, err)
	}
}
